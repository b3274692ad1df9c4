// iot-emulator's entry point: flags, logging, start, ready file, serve until signalled.
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/emulator.hpp"
#include "app/options.hpp"
#include "app/ready_file.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
    using namespace iotemu;
    const auto options = app::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) {
        (options.error().help ? std::cout : std::cerr) << options.error().message << '\n';
        return options.error().help ? 0 : 2;
    }
    log::set_level(options->log_level);
    try {
        app::Emulator emulator(*options);
        const auto& endpoints = emulator.endpoints();
        if (options->ready_file) app::write_ready_file(*options->ready_file, endpoints);
        log::info("emulator", "ready: ", app::ready_json(endpoints));
        std::cout << "iot-emulator is ready\n"
                  << "  iot and iot-data (aws --endpoint-url): " << endpoints.api_endpoint() << '\n'
                  << "  MQTT over mutual TLS:                  " << endpoints.host << ':'
                  << endpoints.mqtt_port << '\n'
                  << "  HTTPS data plane (POST /topics/...):   " << endpoints.https_endpoint()
                  << '\n'
                  << "  server CA file (--cafile):             "
                  << std::filesystem::absolute(endpoints.server_ca_file).lexically_normal().string()
                  << '\n'
                  << "  region " << endpoints.region << ", account " << endpoints.account_id
                  << std::endl;
        emulator.run();
        log::info("emulator", "stopped");
        return 0;
    } catch (const std::exception& e) {
        log::error("emulator", e.what());
        return 1;
    }
}
