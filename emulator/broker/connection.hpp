// One device connection after onboarding: MQTT over a TLS stream, or over WebSocket messages on
// one. Internal to the broker.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "broker/connections.hpp"
#include "pki/certificate.hpp"
#include "registry/registry.hpp"

namespace iotemu::broker {

struct BrokerContext;  // broker.cpp: the registry, bus, connection index and limits
class Transport;       // transport.hpp
class Authorizer;      // authorizer.hpp

// Runs MQTT on an authenticated transport (an ACTIVE certificate, or a SigV4-signed WebSocket
// upgrade) until the connection ends; `authorizer` answers for that identity.
boost::asio::awaitable<void> serve_mqtt(std::unique_ptr<Transport> transport,
                                        std::shared_ptr<BrokerContext> context,
                                        Authorizer authorizer, std::string remote);

}  // namespace iotemu::broker
