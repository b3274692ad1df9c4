// iotemu::EmbeddedEmulator: a whole iot-emulator inside the calling process, for C++ test suites
// (find_package(IotEmulator), target IotEmulator::embedded). It serves on ephemeral loopback ports
// from threads of its own, from construction until stop() or destruction. The package's stable
// interface: the standard library only, never Asio, Beast or the emulator's own headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace iotemu {

struct EmbeddedOptions {
    // TLS identity and Lambda packages; empty: a fresh temporary folder, removed by stop(). The
    // registry, rules and functions live in memory and end with the emulator.
    std::filesystem::path data_dir;
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    // The emulator's log lines on stderr at or above "debug", "info", "warn" or "error" (the
    // level is the process's: the last emulator started sets it).
    std::string log_level = "warn";
    // Threads serving the sockets, connections spread over them (the executable's --io-threads);
    // 0: one per core.
    std::size_t io_threads = 0;
    // NODE_PATH of nodejs Lambda handlers (aws-sdk, @aws-sdk/client-iot): by default the installed
    // package's share/iot-emulator/node_modules, which IotEmulatorConfig.cmake names; empty:
    // $IOTEMU_LAMBDA_NODE_MODULES, else the build tree's.
#ifdef IOTEMU_NODE_MODULES_DIR
    std::filesystem::path node_modules_dir = IOTEMU_NODE_MODULES_DIR;
#else
    std::filesystem::path node_modules_dir;
#endif
};

class EmbeddedEmulator {
public:
    // Binds every port and starts serving; throws std::runtime_error when it cannot.
    explicit EmbeddedEmulator(EmbeddedOptions options = {});
    ~EmbeddedEmulator();  // stop()
    EmbeddedEmulator(const EmbeddedEmulator&) = delete;
    EmbeddedEmulator& operator=(const EmbeddedEmulator&) = delete;

    std::string api_url() const;       // "http://127.0.0.1:PORT": the aws CLI's --endpoint-url
    std::string mqtt_host() const;     // "127.0.0.1"
    std::uint16_t mqtt_port() const;   // MQTT over mutual TLS
    std::uint16_t https_port() const;  // the HTTPS data plane (POST /topics/…), mutual TLS
    std::string https_url() const;     // "https://127.0.0.1:PORT"
    std::filesystem::path server_ca_file() const;  // the PEM clients trust (their --cafile)
    std::filesystem::path data_dir() const;
    std::string region() const;
    std::string account_id() const;

    // Ends serving and waits for it; idempotent. The endpoints stay readable.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu
