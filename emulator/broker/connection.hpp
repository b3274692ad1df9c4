// One device connection after onboarding: a TLS stream carrying MQTT. Internal to the broker.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "broker/connections.hpp"
#include "pki/certificate.hpp"
#include "registry/registry.hpp"

namespace iotemu::broker {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

struct BrokerContext;  // broker.cpp: the registry, bus, connection index and limits

// Runs MQTT on an authenticated stream (the certificate is ACTIVE) until the connection ends.
boost::asio::awaitable<void> serve_mqtt(TlsStream stream, std::shared_ptr<BrokerContext> context,
                                        pki::X509Certificate certificate, std::string remote);

}  // namespace iotemu::broker
