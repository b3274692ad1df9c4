// The emulator's endpoints as people and programs read them: the ready file, one JSON object
// written atomically once every listener is bound, so tests read it instead of sleeping (keys
// never change meaning; later listeners add keys), and the start-up banner naming every listener.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace iotemu::app {

struct Endpoints {
    std::string host;
    std::uint16_t api_port = 0;
    std::uint16_t mqtt_port = 0;
    std::uint16_t https_port = 0;
    std::optional<std::uint16_t> alpn_port;  // absent when the ALPN listener is off
    std::filesystem::path server_ca_file;
    std::string region;
    std::string account_id;

    std::string api_endpoint() const;    // "http://127.0.0.1:4580" ("http://[::1]:4580" for IPv6)
    std::string https_endpoint() const;  // "https://127.0.0.1:8443": POST /topics/… goes here
};

std::string ready_json(const Endpoints& endpoints);
void write_ready_file(const std::filesystem::path& path, const Endpoints& endpoints);
// "iot-emulator is ready", then one line per listener and the CA file clients trust, and how
// many I/O threads serve them.
std::string banner(const Endpoints& endpoints, std::size_t io_threads);

}  // namespace iotemu::app
