// Flag parsing by hand: a dozen flags do not need a library. Accepts --flag=value and --flag value.
#include "app/options.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <thread>
#include <unistd.h>

namespace iotemu::app {
namespace {

bool is_digits(const std::string& text, std::size_t length) {
    if (text.size() != length) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

// A region's shape, as AWS names them: lowercase words and a number joined by '-' (us-east-1,
// us-gov-west-1). It lands in ARNs, SigV4 scopes and endpoint host names, so nothing else may.
bool is_region(const std::string& text) {
    const auto last = text.rfind('-');
    const auto first = text.find('-');
    if (first == std::string::npos || first == last || first == 0) return false;
    for (std::size_t i = 0; i < last; ++i)
        if (!((text[i] >= 'a' && text[i] <= 'z') || (text[i] == '-' && text[i + 1] != '-')))
            return false;
    return last + 1 < text.size() && is_digits(text.substr(last + 1), text.size() - last - 1);
}

std::optional<std::uint16_t> parse_port(const std::string& text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// A whole number from 1 to `most`.
std::optional<std::size_t> parse_count(const std::string& text, std::size_t most) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > most)
        return std::nullopt;
    return value;
}

// Lambda's default concurrency for a whole account is 1000.
constexpr std::size_t max_lambda_concurrency = 1000;
// Far more threads than cores only adds switching; the bound catches a typo.
constexpr std::size_t max_io_threads = 256;

}  // namespace

std::size_t default_lambda_concurrency() {
    return std::max<std::size_t>(std::thread::hardware_concurrency(), 1);
}

std::size_t default_io_threads() {
    return std::max<std::size_t>(std::thread::hardware_concurrency(), 1);
}

std::string usage() {
    return "usage: iot-emulator [flags]\n"
           "  --host ADDR          address every listener binds (default 127.0.0.1)\n"
           "  --api-port PORT      control plane and iot-data REST API, plain HTTP (default 4580;\n"
           "                       0 = ephemeral)\n"
           "  --mqtt-port PORT     MQTT over mutual TLS (default 8883; 0 = ephemeral)\n"
           "  --https-port PORT    HTTPS data plane, POST /topics/... with a client certificate,\n"
           "                       and MQTT over WebSocket (wss://HOST:PORT/mqtt, SigV4)\n"
           "                       (default 8443; 0 = ephemeral)\n"
           "  --alpn-port PORT|off MQTT (ALPN x-amzn-mqtt-ca), and the HTTPS data plane and MQTT\n"
           "                       over WebSocket (ALPN x-amzn-http-ca, http/1.1 or none) over\n"
           "                       TLS (default 443 as root, skipped with a warning when taken;\n"
           "                       else off; 0 = ephemeral)\n"
           "  --endpoint-host NAME host name DescribeEndpoint answers, covered by the server\n"
           "                       certificate (default --host), e.g.\n"
           "                       iotemu-ats.iot.us-east-1.localhost\n"
           "  --websocket-policy NAME\n"
           "                       hold MQTT-over-WebSocket (SigV4) connections to this IoT\n"
           "                       policy (default: they may do anything)\n"
           "  --data-dir DIR       keep the state here, durable across restarts (state.db), with\n"
           "                       the server CA and certificate (tls/); without it the state\n"
           "                       lives in memory and tls/ in ./.iot-emulator\n"
           "  --in-memory          state in memory even with --data-dir (a clean slate)\n"
           "  --region NAME        region in ARNs (default us-east-1)\n"
           "  --account-id ID      12-digit account id in ARNs (default 123456789012)\n"
           "  --ready-file PATH    write endpoints as JSON here once every listener is bound\n"
           "  --function NAME=RUNTIME:HANDLER:DIR\n"
           "                       a Lambda function whose code is the folder DIR, e.g.\n"
           "                       jitr=python3.12:lambda_function.lambda_handler:./lambda\n"
           "                       (repeatable; no zip needed)\n"
           "  --init FILE          load the CAs, certificates, things, policies, attachments,\n"
           "                       topic rules and functions FILE declares (JSON) before\n"
           "                       serving; reset brings them back\n"
           "  --http-actions-any-host true|false\n"
           "                       let topic rules' http actions POST beyond loopback\n"
           "                       (default false)\n"
           "  --lambda-concurrency N\n"
           "                       processes each Lambda function may run at once, kept warm\n"
           "                       (1-1000; default: the number of cores)\n"
           "  --io-threads N       threads serving the sockets, connections spread over them\n"
           "                       (1-256; default: the number of cores)\n"
           "  --log-level LEVEL    debug | info | warn | error (default info)\n"
           "  --help               this text\n";
}

Result<Options, OptionsError> parse_options(const std::vector<std::string>& args) {
    Options options;
    bool data_dir_given = false;
    bool in_memory = false;
    if (geteuid() == 0) options.alpn_port = 443;  // AWS's port, where only root may bind
    auto port_setter = [](std::uint16_t& target) {
        return [&target](const std::string& value) -> std::optional<std::string> {
            const auto port = parse_port(value);
            if (!port) return "expects a port number 0-65535, got '" + value + "'";
            target = *port;
            return std::nullopt;
        };
    };
    auto count_setter = [](std::size_t& target, std::size_t most) {
        return [&target, most](const std::string& value) -> std::optional<std::string> {
            const auto count = parse_count(value, most);
            if (!count)
                return "expects a number 1-" + std::to_string(most) + ", got '" + value + "'";
            target = *count;
            return std::nullopt;
        };
    };
    using Setter = std::function<std::optional<std::string>(const std::string&)>;
    const std::map<std::string, Setter> setters{
        {"--host",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "expects an address";
             options.host = v;
             return std::nullopt;
         }},
        {"--api-port", port_setter(options.api_port)},
        {"--mqtt-port", port_setter(options.mqtt_port)},
        {"--https-port", port_setter(options.https_port)},
        {"--alpn-port",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v == "off") {
                 options.alpn_port.reset();
                 return std::nullopt;
             }
             const auto port = parse_port(v);
             if (!port) return "expects a port number 0-65535 or 'off', got '" + v + "'";
             options.alpn_port = *port;
             options.alpn_port_explicit = true;
             return std::nullopt;
         }},
        {"--data-dir",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "expects a directory";
             options.data_dir = v;
             data_dir_given = true;
             return std::nullopt;
         }},
        {"--in-memory",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v != "true" && v != "false") return "expects true or false, got '" + v + "'";
             in_memory = v == "true";
             return std::nullopt;
         }},
        {"--region",
         [&](const std::string& v) -> std::optional<std::string> {
             if (!is_region(v)) return "expects a region name like us-east-1, got '" + v + "'";
             options.region = v;
             return std::nullopt;
         }},
        {"--account-id",
         [&](const std::string& v) -> std::optional<std::string> {
             if (!is_digits(v, 12)) return "expects 12 digits, got '" + v + "'";
             options.account_id = v;
             return std::nullopt;
         }},
        {"--ready-file",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "expects a path";
             options.ready_file = v;
             return std::nullopt;
         }},
        {"--function",
         [&](const std::string& v) -> std::optional<std::string> {
             auto declared = lambda::parse_declared_function(v);
             if (!declared) return declared.error();
             options.functions.push_back(std::move(*declared));
             return std::nullopt;
         }},
        {"--init",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "expects a file";
             options.init_file = v;
             return std::nullopt;
         }},
        {"--http-actions-any-host",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v != "true" && v != "false") return "expects true or false, got '" + v + "'";
             options.http_actions_any_host = v == "true";
             return std::nullopt;
         }},
        {"--lambda-concurrency", count_setter(options.lambda_concurrency, max_lambda_concurrency)},
        {"--io-threads", count_setter(options.io_threads, max_io_threads)},
        {"--endpoint-host",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.find_first_of(":/ ") != std::string::npos)
                 return "expects a host name, got '" + v + "'";
             options.endpoint_host = v;
             return std::nullopt;
         }},
        {"--websocket-policy",
         [&](const std::string& v) -> std::optional<std::string> {
             if (v.empty()) return "expects a policy name";
             options.websocket_policy = v;
             return std::nullopt;
         }},
        {"--log-level",
         [&](const std::string& v) -> std::optional<std::string> {
             if (!log::parse_level(v, options.log_level))
                 return "expects debug, info, warn or error, got '" + v + "'";
             return std::nullopt;
         }},
    };

    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        if (flag == "--help" || flag == "-h") return Unexpected(OptionsError{usage(), true});
        std::optional<std::string> value;
        if (const auto eq = flag.find('='); eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
        }
        const auto setter = setters.find(flag);
        if (setter == setters.end())
            return Unexpected(OptionsError{"unknown flag '" + flag + "'\n" + usage()});
        if (!value && flag == "--in-memory") value = "true";  // a switch; =false is accepted too
        if (!value) {
            if (i + 1 >= args.size())
                return Unexpected(OptionsError{flag + " expects a value\n" + usage()});
            value = args[++i];
        }
        if (auto problem = setter->second(*value))
            return Unexpected(OptionsError{flag + " " + *problem});
    }
    // docs/state.md §1: durable only when asked for with --data-dir, so a suite that starts the
    // emulator without one always begins from a clean slate.
    options.durable_state = data_dir_given && !in_memory;
    return options;
}

}  // namespace iotemu::app
