// Beast's HTTP parser and serializer over the broker's TLS stream, every read and write raced
// against the connection's deadline. What to answer is the gateway's; how the connection ends
// (answered, refused while the client still sends, or dropped) is this file's.
#include "broker/https_session.hpp"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "broker/authorizer.hpp"
#include "broker/broker_context.hpp"
#include "broker/https_gateway.hpp"
#include "broker/tls_stream.hpp"
#include "broker/transport.hpp"
#include "common/log.hpp"
#include "http_server/beast_messages.hpp"

namespace iotemu::broker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// A refused request's sender may still be sending its body: reading (and discarding) what it
// sends, for this long and up to this much, lets it read the answer instead of a reset.
constexpr std::chrono::seconds linger_timeout{2};
constexpr std::size_t linger_bytes = 4 * 1024 * 1024;
// How long the TLS close_notify exchange may take before the socket is closed anyway.
constexpr std::chrono::seconds close_timeout{2};

// `operation`'s outcome, or Beast's timeout error when `deadline` passes first (the operation is
// cancelled): a client too slow to send its request is dropped unanswered.
asio::awaitable<std::tuple<error_code, std::size_t>> within(
    asio::steady_timer& deadline, asio::awaitable<std::tuple<error_code, std::size_t>> operation) {
    auto outcome = co_await (std::move(operation) || deadline.async_wait(use_nothrow));
    if (outcome.index() == 1)
        co_return std::tuple<error_code, std::size_t>{beast::error::timeout, 0};
    co_return std::get<0>(std::move(outcome));
}

class HttpsConnection {
public:
    HttpsConnection(TlsStream stream, std::shared_ptr<BrokerContext> context,
                    std::vector<pki::X509Certificate> chain, std::string remote)
        : stream_(std::move(stream)),
          context_(std::move(context)),
          gateway_(*context_, std::move(chain), remote),
          remote_(std::move(remote)),
          deadline_(stream_.get_executor()) {}

    asio::awaitable<void> run() {
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(http_server::max_header_bytes);
            parser.body_limit(context_->options.limits.max_payload_bytes);
            deadline_.expires_after(context_->options.http_request_timeout);
            if (const auto ec = co_await read(parser)) {
                if (auto error =
                        http_server::read_failure(ec, context_->options.limits.max_payload_bytes)) {
                    log::info("broker", "HTTPS request from ", remote_, " refused: ", ec.message());
                    co_await refuse(gateway_.refuse(*error));
                }
                break;
            }
            auto request = parser.release();
            auto answer = gateway_.handle(http_server::to_api_request(request, remote_));
            // MQTT over WebSocket: a granted `GET /mqtt` upgrade takes the stream over for good.
            if (auto upgrade = gateway_.take_upgrade()) {
                co_await serve_websocket(std::move(request), std::move(*upgrade));
                co_return;
            }
            if (!answer) break;  // dropped unanswered, as AWS drops a certificate it refuses
            const bool keep_alive = request.keep_alive();
            auto response =
                http_server::to_beast_response(std::move(*answer), request.version(), keep_alive);
            deadline_.expires_after(context_->options.http_request_timeout);
            const auto [ec, written] =
                co_await within(deadline_, http::async_write(stream_, response, use_nothrow));
            if (ec || !keep_alive) break;
        }
        co_await close();
    }

private:
    // The WebSocket handshake, then MQTT over it under the signer's authorization
    // (docs/aws/data-plane.md §2.3). The request came whole and the client waits for the
    // handshake's answer, so nothing it sent is left in buffer_.
    asio::awaitable<void> serve_websocket(UpgradeRequest request, WebSocketUpgrade upgrade) {
        auto transport = co_await accept_websocket(std::move(stream_), std::move(request),
                                                   std::move(upgrade.subprotocol));
        if (!transport) co_return;
        Authorizer authorizer(context_->registry, upgrade.principal, remote_,
                              context_->options.websocket_policy);
        co_await serve_mqtt(std::move(transport), context_, std::move(authorizer), remote_);
    }

    // The whole request before the deadline; clients such as curl wait for "100 Continue"
    // before they send a large body.
    asio::awaitable<error_code> read(http::request_parser<http::string_body>& parser) {
        auto [ec, n] = co_await within(
            deadline_, http::async_read_header(stream_, buffer_, parser, use_nothrow));
        if (!ec && parser.get()[http::field::expect] == "100-continue") {
            http::response<http::empty_body> go_on{http::status::continue_, 11};
            std::tie(ec, n) =
                co_await within(deadline_, http::async_write(stream_, go_on, use_nothrow));
        }
        if (!ec)
            std::tie(ec, n) =
                co_await within(deadline_, http::async_read(stream_, buffer_, parser, use_nothrow));
        co_return ec;
    }

    // Answers a request that could not be read whole, then reads what the client still sends
    // (bounded) so that it sees the answer rather than a reset.
    asio::awaitable<void> refuse(api::Response answer) {
        auto response = http_server::to_beast_response(std::move(answer), 11, false);
        deadline_.expires_after(linger_timeout);
        auto [ec, n] =
            co_await within(deadline_, http::async_write(stream_, response, use_nothrow));
        std::vector<char> discard(16 * 1024);
        for (std::size_t drained = 0; !ec && drained < linger_bytes; drained += n)
            std::tie(ec, n) = co_await within(
                deadline_, stream_.async_read_some(asio::buffer(discard), use_nothrow));
    }

    // TLS close_notify (so a client sees the end of the stream, not a truncation), then the
    // socket, whatever the client does.
    asio::awaitable<void> close() {
        deadline_.expires_after(close_timeout);
        co_await (stream_.shutdown() || deadline_.async_wait(use_nothrow));
        stream_.close();
    }

    TlsStream stream_;
    std::shared_ptr<BrokerContext> context_;
    HttpsGateway gateway_;
    std::string remote_;
    asio::steady_timer deadline_;
    beast::flat_buffer buffer_{http_server::max_read_buffer_bytes};
};

}  // namespace

asio::awaitable<void> serve_https(TlsStream stream, std::shared_ptr<BrokerContext> context,
                                  std::vector<pki::X509Certificate> chain, std::string remote) {
    HttpsConnection connection(std::move(stream), std::move(context), std::move(chain),
                               std::move(remote));
    co_await connection.run();
}

}  // namespace iotemu::broker
