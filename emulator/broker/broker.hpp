// Broker: the mutual-TLS MQTT endpoint of AWS IoT Core (spec §3, §5, §6). Each connection's
// client chain is judged by the registry (JITR: unknown certificates of an auto-registering CA
// are registered PENDING_ACTIVATION, the registration event is published, the connection
// dropped); ACTIVE certificates go on to MQTT under their IoT policies. I/O layer.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "broker/broker_context.hpp"
#include "bus/bus.hpp"
#include "registry/registry.hpp"

namespace iotemu::broker {

struct ServerCredentials {
    std::string certificate_pem;  // the server certificate (and any chain after it)
    std::string private_key_pem;
};

class Broker {
public:
    Broker(registry::Registry& registry, bus::Bus& bus, const ServerCredentials& credentials,
           BrokerOptions options = {});
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    // Accepts MQTT over TLS on `acceptor` (bound and listening) until it closes. With
    // `require_alpn`, a client must offer ALPN "x-amzn-mqtt-ca" (AWS's port 443, spec §6.1).
    void listen(boost::asio::ip::tcp::acceptor& acceptor, bool require_alpn);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace iotemu::broker
