// Transport: how a device connection's MQTT bytes travel — straight over its TLS stream (the MQTT
// port, ALPN x-amzn-mqtt-ca), or as binary WebSocket messages over one (`GET /mqtt` on the HTTPS
// listeners, docs/aws/data-plane.md §2.1). The connection reads and writes through it and never
// knows which. A read lends the bytes it got rather than filling the connection's own buffer, so a
// connection waiting for its next packet holds no read buffer. I/O layer; internal to the broker.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <tuple>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "broker/connection.hpp"
#include "broker/tls_stream.hpp"

namespace iotemu::broker {

class Transport {
public:
    using Outcome = std::tuple<boost::system::error_code, std::size_t>;
    using Received = std::tuple<boost::system::error_code, std::span<const std::byte>>;
    virtual ~Transport() = default;

    virtual boost::asio::any_io_executor executor() = 0;
    // The next bytes of the stream of MQTT packets (from however many records or frames they came
    // in), in storage the transport lends until the caller next suspends or reads again.
    virtual boost::asio::awaitable<Received> read() = 0;
    // All of `buffer`.
    virtual boost::asio::awaitable<Outcome> write(boost::asio::const_buffer buffer) = 0;
    // Closes the socket at once, without a closing handshake (AWS drops).
    virtual void close() = 0;
    // Whether `ec`, from read_some, is the client's orderly close of the transport itself: a
    // WebSocket Close frame, which AWS counts as the client's own disconnect
    // (docs/aws/data-plane.md §3.2).
    virtual bool closed_by_client(const boost::system::error_code& ec) const = 0;
};

std::unique_ptr<Transport> tls_transport(TlsStream stream);

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Completes the WebSocket handshake of `request` (already read from `stream`) answering
// `subprotocol` (none when empty), and returns the transport of binary messages over it; nullptr
// when the handshake failed (the client was answered, or is gone).
boost::asio::awaitable<std::unique_ptr<Transport>> accept_websocket(TlsStream stream,
                                                                    UpgradeRequest request,
                                                                    std::string subprotocol);

}  // namespace iotemu::broker
