// Temp file + rename: a reader sees either no file or the whole JSON, never half of it.
#include "app/ready_file.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

namespace iotemu::app {

namespace {

std::string url(std::string_view scheme, const std::string& host, std::uint16_t port) {
    const bool ipv6 = host.find(':') != std::string::npos;
    return std::string(scheme) + "://" + (ipv6 ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

}  // namespace

std::string Endpoints::api_endpoint() const { return url("http", host, api_port); }
std::string Endpoints::https_endpoint() const { return url("https", host, https_port); }

std::string ready_json(const Endpoints& e) {
    nlohmann::json ready{
        {"api_endpoint", e.api_endpoint()},
        {"mqtt_host", e.host},
        {"mqtt_port", e.mqtt_port},
        {"https_port", e.https_port},
        {"https_endpoint", e.https_endpoint()},
        {"server_ca_file", std::filesystem::absolute(e.server_ca_file).lexically_normal().string()},
        {"region", e.region},
        {"account_id", e.account_id},
    };
    if (e.alpn_port) ready["alpn_port"] = *e.alpn_port;
    return ready.dump();
}

std::string banner(const Endpoints& e, std::size_t io_threads) {
    const auto address = [&](std::uint16_t port) { return e.host + ":" + std::to_string(port); };
    const std::pair<std::string_view, std::string> lines[] = {
        {"iot and iot-data (aws --endpoint-url):", e.api_endpoint()},
        {"MQTT 3.1.1 and 5 over mutual TLS:", address(e.mqtt_port)},
        {"HTTPS data plane, MQTT over wss /mqtt:", e.https_endpoint()},
        {"by ALPN (MQTT, HTTPS and wss):",
         e.alpn_port ? address(*e.alpn_port) : "off (--alpn-port)"},
        {"server CA file (--cafile):",
         std::filesystem::absolute(e.server_ca_file).lexically_normal().string()},
        {"web console:", e.api_endpoint() + "/_emulator/console/"},
    };
    std::size_t width = 0;
    for (const auto& [label, value] : lines) width = std::max(width, label.size());
    std::string out = "iot-emulator is ready\n";
    for (const auto& [label, value] : lines)
        out +=
            "  " + std::string(label) + std::string(width + 1 - label.size(), ' ') + value + '\n';
    return out + "  region " + e.region + ", account " + e.account_id + "; " +
           std::to_string(io_threads) + " I/O thread" + (io_threads == 1 ? "" : "s") +
           " (--io-threads)\n";
}

void write_ready_file(const std::filesystem::path& path, const Endpoints& endpoints) {
    const std::filesystem::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write the ready file " + temporary.string());
        out << ready_json(endpoints) << '\n';
        if (!out.flush())
            throw std::runtime_error("cannot write the ready file " + temporary.string());
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace iotemu::app
