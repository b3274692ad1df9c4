// Broker: AWS IoT Core's mutual-TLS device endpoints (docs/aws/iot-core.md §3, §5, §6): one TLS
// listener type serving MQTT and the HTTPS data plane, chosen by port and ALPN. A client's
// certificate is judged by the registry (JITR: unknown certificates of an auto-registering CA
// are registered PENDING_ACTIVATION, the registration event is published, the connection
// dropped); ACTIVE certificates go on to MQTT or HTTPS publish under their IoT policies. I/O
// layer.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "broker/broker_context.hpp"
#include "broker/mqtt_api.hpp"
#include "broker/session_storage.hpp"
#include "bus/bus.hpp"
#include "registry/registry.hpp"

namespace iotemu::broker {

struct ServerCredentials {
    std::string certificate_pem;  // the server certificate (and any chain after it)
    std::string private_key_pem;
};

// What a listening port serves (docs/aws/iot-core.md §6.1).
enum class Listener {
    mqtt,   // MQTT (AWS's 8883); the handshake requires a client certificate
    https,  // the HTTPS data plane (AWS's 8443); a client certificate is asked for, and each
            // request decides whether it needs one
    alpn,   // by ALPN (AWS's 443): x-amzn-mqtt-ca is MQTT; x-amzn-http-ca, http/1.1 or none the
            // HTTPS data plane and its WebSocket upgrade; a client offering only others is
            // refused
};

class Broker {
public:
    // With `sessions`, persistent sessions are kept there and the stored ones restored now.
    Broker(registry::Registry& registry, bus::Bus& bus, const ServerCredentials& credentials,
           BrokerOptions options = {}, std::unique_ptr<SessionStorage> sessions = nullptr);
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    // Serves `api`'s request topics over MQTT. Call before the first listen().
    void add_api(std::shared_ptr<MqttApi> api);
    // Serves iot-data's shadow operations on the HTTPS listeners, authorised by the client
    // certificate's policies (docs/aws/data-plane.md §4.8). Call before the first listen().
    void serve_shadows(shadow::Service& shadows);

    // Drops every connection and forgets every persistent session (the harness's reset).
    void reset();

    // Accepts TLS connections on `acceptor` (bound and listening) until it closes, serving what
    // `listener` says.
    void listen(boost::asio::ip::tcp::acceptor& acceptor, Listener listener);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace iotemu::broker
