// The two transports. TLS: the stream itself, decrypted into one read buffer per I/O thread that
// every connection on it shares (a connection decodes what it read before it next waits).
// WebSocket: Beast's websocket stream over the TLS stream, in binary mode, one message per write,
// read into a small buffer of its own; an MQTT packet may span messages and a message hold several
// packets, which the decoder does not mind.
#include "broker/transport.hpp"

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "common/log.hpp"

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Enough for several full TLS records, so a burst of small packets is decoded in one pass.
constexpr std::size_t shared_read_bytes = 64 * 1024;

// This I/O thread's read buffer. Filled and decoded with no wait in between, so every connection
// on the thread can share it; looked up again after every wait, as a coroutine may resume on
// another thread.
std::span<std::byte> shared_read_buffer() {
    thread_local std::array<std::byte, shared_read_bytes> buffer;
    return buffer;
}

class TlsTransport final : public Transport {
public:
    explicit TlsTransport(TlsStream stream) : stream_(std::move(stream)) {}

    asio::any_io_executor executor() override { return stream_.get_executor(); }
    asio::awaitable<Received> read() override {
        for (;;) {
            const auto buffer = shared_read_buffer();
            const auto attempt = stream_.read(asio::buffer(buffer.data(), buffer.size()));
            if (attempt.want == TlsStream::Want::nothing)
                co_return Received{attempt.error, buffer.first(attempt.bytes)};
            if (const auto ec = co_await stream_.wait(attempt.want)) co_return Received{ec, {}};
        }
    }
    asio::awaitable<Outcome> write(asio::const_buffer buffer) override {
        std::size_t sent = 0;
        while (sent < buffer.size()) {
            const auto attempt = stream_.write(buffer + sent);
            if (attempt.error) co_return Outcome{attempt.error, sent};
            sent += attempt.bytes;
            if (attempt.want != TlsStream::Want::nothing)
                if (const auto ec = co_await stream_.wait(attempt.want))
                    co_return Outcome{ec, sent};
        }
        co_return Outcome{boost::system::error_code{}, sent};
    }
    void close() override { stream_.close(); }
    bool closed_by_client(const boost::system::error_code&) const override { return false; }

private:
    TlsStream stream_;
};

class WebSocketTransport final : public Transport {
public:
    explicit WebSocketTransport(websocket::stream<TlsStream> stream) : stream_(std::move(stream)) {}

    asio::any_io_executor executor() override { return stream_.get_executor(); }
    asio::awaitable<Received> read() override {
        auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buffer_), use_nothrow);
        co_return Received{ec, std::span<const std::byte>(buffer_).first(n)};
    }
    asio::awaitable<Outcome> write(asio::const_buffer buffer) override {
        co_return co_await stream_.async_write(buffer, use_nothrow);
    }
    void close() override { stream_.next_layer().close(); }
    // A Close frame was read: Beast answers it and then ends the read with `closed`, or with the
    // TLS error of a client that went away without waiting for the closing TLS exchange.
    bool closed_by_client(const boost::system::error_code& ec) const override {
        return ec == websocket::error::closed ||
               stream_.reason().code != websocket::close_code::none;
    }

private:
    websocket::stream<TlsStream> stream_;
    // Beast reads frames into it while the connection waits: not shared, so kept small.
    std::array<std::byte, 4096> buffer_;
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
