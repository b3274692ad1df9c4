// The executable's flags (the README's contract): parse argv into Options, or explain what is
// wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/result.hpp"
#include "rules/lambda/declared.hpp"

namespace iotemu::app {

// The core count, at least 1.
std::size_t default_lambda_concurrency();
std::size_t default_io_threads();

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t api_port = 4580;
    std::uint16_t mqtt_port = 8883;
    std::uint16_t https_port = 8443;
    // MQTT and the HTTPS data plane over TLS by ALPN (x-amzn-mqtt-ca, x-amzn-http-ca), as AWS
    // serves them on 443; off unless set, except that root gets 443 by default. Only a port set
    // explicitly must be bound: root's default is skipped, with a warning, when 443 is taken.
    std::optional<std::uint16_t> alpn_port;
    bool alpn_port_explicit = false;
    std::string data_dir = "./.iot-emulator";
    // The state (registry, topic rules, retained messages) in <data_dir>/state.db: set by an
    // explicit --data-dir, unset by --in-memory (docs/state.md §1).
    bool durable_state = false;
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::optional<std::string> ready_file;
    log::Level log_level = log::Level::info;
    // Lambda functions whose code is a local folder (--function NAME=RUNTIME:HANDLER:DIR).
    std::vector<lambda::DeclaredFunction> functions;
    // A fleet declared in JSON, loaded before any listener accepts (--init FILE, docs/harness.md).
    std::optional<std::filesystem::path> init_file;
    // Rules' http actions may POST to any host, not only to this machine's loopback.
    bool http_actions_any_host = false;
    // Processes each Lambda function may run at once (--lambda-concurrency,
    // docs/aws/provisioning-and-services.md §5.6); the machine's core count unless set.
    std::size_t lambda_concurrency = default_lambda_concurrency();
    // Threads serving the sockets (--io-threads): connections are spread over them, each on its
    // own strand; the machine's core count unless set.
    std::size_t io_threads = default_io_threads();
    // The host name DescribeEndpoint answers (and the server certificate covers); --host when
    // unset. An AWS-form name such as iotemu-ats.iot.us-east-1.localhost lets SDKs that read
    // the signing region from the endpoint sign for MQTT over WebSocket.
    std::optional<std::string> endpoint_host;
    // MQTT over WebSocket: the IoT policy SigV4-signed connections are held to; unset, they may
    // do what an allow-all policy allows (docs/aws/data-plane.md §2.3).
    std::optional<std::string> websocket_policy;
    // SIGINT and SIGTERM stop the emulator; off when it is embedded in another program.
    bool handle_signals = true;
    // NODE_PATH of nodejs handlers; empty: found as rules/lambda/node_sdk.hpp says.
    std::string node_modules_dir;
};

// Either Options, or a message for stderr (exit 2). `--help` yields the usage text as the error
// with `help` set, so the caller can print it to stdout and exit 0.
struct OptionsError {
    std::string message;
    bool help = false;
};

Result<Options, OptionsError> parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace iotemu::app
