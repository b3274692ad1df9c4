// The two transports. TLS: the stream itself. WebSocket: Beast's websocket stream over the TLS
// stream, in binary mode, one message per write; an MQTT packet may span messages and a message
// hold several packets, which the decoder does not mind.
#include "broker/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "common/log.hpp"

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

void close_socket(asio::ip::tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

class TlsTransport final : public Transport {
public:
    explicit TlsTransport(TlsStream stream) : stream_(std::move(stream)) {}

    asio::any_io_executor executor() override { return stream_.get_executor(); }
    asio::awaitable<Outcome> read_some(asio::mutable_buffer buffer) override {
        co_return co_await stream_.async_read_some(buffer, use_nothrow);
    }
    asio::awaitable<Outcome> write(asio::const_buffer buffer) override {
        co_return co_await asio::async_write(stream_, buffer, use_nothrow);
    }
    void close() override { close_socket(stream_.next_layer()); }
    bool closed_by_client(const boost::system::error_code&) const override { return false; }

private:
    TlsStream stream_;
};

class WebSocketTransport final : public Transport {
public:
    explicit WebSocketTransport(websocket::stream<TlsStream> stream) : stream_(std::move(stream)) {}

    asio::any_io_executor executor() override { return stream_.get_executor(); }
    asio::awaitable<Outcome> read_some(asio::mutable_buffer buffer) override {
        co_return co_await stream_.async_read_some(buffer, use_nothrow);
    }
    asio::awaitable<Outcome> write(asio::const_buffer buffer) override {
        co_return co_await stream_.async_write(buffer, use_nothrow);
    }
    void close() override { close_socket(stream_.next_layer().next_layer()); }
    // A Close frame was read: Beast answers it and then ends the read with `closed`, or with the
    // TLS error of a client that went away without waiting for the closing TLS exchange.
    bool closed_by_client(const boost::system::error_code& ec) const override {
        return ec == websocket::error::closed ||
               stream_.reason().code != websocket::close_code::none;
    }

private:
    websocket::stream<TlsStream> stream_;
};

}  // namespace

std::unique_ptr<Transport> tls_transport(TlsStream stream) {
    return std::make_unique<TlsTransport>(std::move(stream));
}

asio::awaitable<std::unique_ptr<Transport>> accept_websocket(TlsStream stream,
                                                             UpgradeRequest request,
                                                             std::string subprotocol) {
    websocket::stream<TlsStream> ws(std::move(stream));
    ws.binary(true);
    // MQTT keeps its own keep-alive; the broker's watchdog, not WebSocket pings, decides.
    ws.set_option(websocket::stream_base::timeout{
        .handshake_timeout = std::chrono::seconds(10),
        .idle_timeout = websocket::stream_base::none(),
        .keep_alive_pings = false,
    });
    if (!subprotocol.empty())
        ws.set_option(
            websocket::stream_base::decorator([subprotocol](websocket::response_type& response) {
                response.set(beast::http::field::sec_websocket_protocol, subprotocol);
            }));
    auto [ec] = co_await ws.async_accept(request, use_nothrow);
    if (ec) {
        log::info("broker", "WebSocket upgrade failed: ", ec.message());
        co_return nullptr;
    }
    co_return std::make_unique<WebSocketTransport>(std::move(ws));
}

}  // namespace iotemu::broker
