// The JITR flow against an emulator embedded in this process: IotEmulator::embedded starts it on
// ephemeral ports; jitr_flow.sh drives it with the aws CLI, openssl and mosquitto_pub, reading the
// endpoints from the environment. Then stop() ends serving and removes the temporary data dir.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iotemu/embedded.hpp>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    std::cout << (ok ? "ok: " : "FAILED: ") << what << '\n';
    if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: embedded_jitr JITR_FLOW_SCRIPT\n";
        return 2;
    }
    // The package names the Node.js SDKs installed with it, for nodejs handlers.
    check(std::filesystem::is_regular_file(iotemu::EmbeddedOptions{}.node_modules_dir / "aws-sdk" /
                                           "package.json"),
          "nodejs handlers get the installed SDKs: " +
              iotemu::EmbeddedOptions{}.node_modules_dir.string());
    std::filesystem::path data_dir;
    {
        iotemu::EmbeddedEmulator emulator;
        data_dir = emulator.data_dir();
        check(emulator.mqtt_port() != 0 && emulator.https_port() != 0,
              "ephemeral ports bound: MQTT " + std::to_string(emulator.mqtt_port()) + ", HTTPS " +
                  std::to_string(emulator.https_port()));
        check(emulator.api_url().starts_with("http://127.0.0.1:"), "API at " + emulator.api_url());
        check(std::filesystem::is_regular_file(emulator.server_ca_file()),
              "server CA at " + emulator.server_ca_file().string());

        // A second emulator in the same process gets ports of its own.
        iotemu::EmbeddedEmulator second;
        check(second.mqtt_port() != emulator.mqtt_port() && second.data_dir() != data_dir,
              "a second embedded emulator has its own ports and data dir");
        second.stop();

        setenv("API", emulator.api_url().c_str(), 1);
        setenv("MQTT_HOST", emulator.mqtt_host().c_str(), 1);
        setenv("MQTT_PORT", std::to_string(emulator.mqtt_port()).c_str(), 1);
        setenv("SERVER_CA", emulator.server_ca_file().c_str(), 1);
        const std::string command = std::string("bash '") + argv[1] + "'";
        check(std::system(command.c_str()) == 0, "the JITR flow (" + std::string(argv[1]) + ")");

        emulator.stop();
        emulator.stop();  // idempotent
        check(emulator.api_url().starts_with("http://"), "endpoints readable after stop()");
    }
    check(!std::filesystem::exists(data_dir), "the temporary data dir is gone");
    std::cout << (failures ? "FAIL" : "PASS") << " embedded_jitr\n";
    return failures ? 1 : 0;
}
