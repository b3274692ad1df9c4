// One HTTPS data-plane connection after the TLS handshake (docs/aws/data-plane.md §5.4): HTTP/1.1
// over the broker's TLS stream, each request read whole before a deadline (slow clients are
// dropped) and answered by an HttpsGateway on the connection's strand; a `GET /mqtt` upgrade it
// grants turns the connection into MQTT over WebSocket (§2). I/O layer; internal to the broker.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "broker/connection.hpp"
#include "broker/tls_stream.hpp"
#include "pki/certificate.hpp"

namespace iotemu::broker {

// `chain`: the client's certificate and what followed it in the handshake, empty without one.
boost::asio::awaitable<void> serve_https(TlsStream stream, std::shared_ptr<BrokerContext> context,
                                         std::vector<pki::X509Certificate> chain,
                                         std::string remote);

}  // namespace iotemu::broker
