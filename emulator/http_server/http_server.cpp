// Beast coroutine sessions: one strand per connection, requests handled off the I/O thread.
// Protocol failures answer in AWS's error shape; a broken client ends only its own connection.
#include "http_server/http_server.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "api/errors.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "http_server/beast_messages.hpp"

namespace iotemu::http_server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

struct Context {
    asio::thread_pool& workers;
    Dispatch dispatch;
    Options options;
};

// The answer to a request that failed to read, or nothing when the peer simply went away. (A body
// over its limit is not a failure here: the router answers it, in the route's own shape.)
std::optional<api::Response> refusal_for(const boost::system::error_code& ec,
                                         const Options& options) {
    auto error = read_failure(ec, options.body_limit);
    if (!error) return std::nullopt;
    auto response = api::error_response(*error);
    response.headers.emplace_back("x-amzn-RequestId", random_uuid());
    return response;
}

std::size_t limit_for(const Options& options, const api::Request& head) {
    if (!options.body_limit_for) return options.body_limit;
    return std::min(options.body_limit, options.body_limit_for(head));
}

asio::awaitable<api::Response> handle_on_workers(std::shared_ptr<Context> context,
                                                 api::Request request) {
    co_return co_await asio::co_spawn(
        context->workers,
        [&]() -> asio::awaitable<api::Response> { co_return context->dispatch(request); },
        asio::use_awaitable);
}

// The timer a stream's session sleeps on: the stream's ready() cancels it from the strand, and
// `ready` tells a wake-up that came while the session was busy writing.
struct StreamWake {
    explicit StreamWake(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;
    bool ready = false;
};

// Writes a streaming response: the head (no length: the body runs to the close), the body so far,
// then each take() as the stream says it has more, and a comment line (ignored by EventSource)
// when it has been quiet for a heartbeat. Ends when the stream ends, a write fails or the peer
// closes (the read that waits alongside completes).
asio::awaitable<void> write_stream(beast::tcp_stream& stream, api::Response answer,
                                   const Options& options) {
    using namespace asio::experimental::awaitable_operators;
    auto source = std::move(answer.stream);
    http::response<http::empty_body> head{static_cast<http::status>(answer.status), 11};
    head.set(http::field::server, "iot-emulator");
    for (auto& [name, value] : answer.headers) head.set(name, value);
    head.keep_alive(false);
    stream.expires_never();
    http::response_serializer<http::empty_body> serializer{head};
    if (auto [ec, n] = co_await http::async_write_header(stream, serializer, use_nothrow); ec)
        co_return;
    auto& socket = stream.socket();
    if (!answer.body.empty()) {
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(answer.body), use_nothrow);
        if (ec) co_return;
    }
    auto wake = std::make_shared<StreamWake>(socket.get_executor());
    source->on_ready([wake] {
        asio::post(wake->timer.get_executor(), [wake] {
            wake->ready = true;
            wake->timer.cancel();
        });
    });
    static constexpr std::string_view heartbeat = ":\n\n";
    std::array<char, 256> ignored{};
    for (;;) {
        wake->ready = false;
        auto text = source->take();
        if (!text) break;
        if (!text->empty()) {
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(*text), use_nothrow);
            if (ec) break;
        }
        if (wake->ready) continue;  // more came while writing
        wake->timer.expires_after(options.stream_heartbeat);
        auto woke = co_await (wake->timer.async_wait(use_nothrow) ||
                              socket.async_read_some(asio::buffer(ignored), use_nothrow));
        if (woke.index() == 1) {
            // A browser sends nothing after its request: data is ignored, an end ends the stream.
            if (std::get<0>(std::get<1>(woke))) break;
            continue;
        }
        if (!std::get<0>(std::get<0>(woke))) {  // quiet for a heartbeat, not woken
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(heartbeat), use_nothrow);
            if (ec) break;
        }
    }
}

asio::awaitable<void> run_session(beast::tcp_stream stream, std::shared_ptr<Context> context) {
    const auto remote = [&] {
        boost::system::error_code ec;
        const auto endpoint = stream.socket().remote_endpoint(ec);
        return ec ? std::string("?") : endpoint.address().to_string();
    }();
    beast::flat_buffer buffer(max_read_buffer_bytes);
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(max_header_bytes);
        parser.body_limit(boost::none);  // checked below, once the head says which limit applies
        stream.expires_after(context->options.idle_timeout);

        auto [header_ec, header_bytes] =
            co_await http::async_read_header(stream, buffer, parser, use_nothrow);
        boost::system::error_code read_ec = header_ec;
        std::optional<api::Request> oversized;  // a head whose body stays unread
        std::size_t limit = 0;
        if (!read_ec) {
            auto head = to_api_request(parser.get(), remote);
            limit = limit_for(context->options, head);
            if (parser.content_length().value_or(0) > limit) {
                oversized = std::move(head);
            } else {
                parser.body_limit(limit);  // chunked bodies are counted as they arrive
                // Clients such as curl wait for "100 Continue" before sending a large body.
                if (parser.get()[http::field::expect] == "100-continue") {
                    http::response<http::empty_body> go_on{http::status::continue_, 11};
                    co_await http::async_write(stream, go_on, use_nothrow);
                }
                auto [body_ec, body_bytes] =
                    co_await http::async_read(stream, buffer, parser, use_nothrow);
                read_ec = body_ec;
                if (read_ec == http::error::body_limit) {
                    read_ec = {};
                    oversized = std::move(head);
                }
            }
        }
        if (read_ec) {
            if (auto refusal = refusal_for(read_ec, context->options)) {
                log::info(context->options.name, "refused a request from ", remote, ": ",
                          read_ec.message());
                auto answer = to_beast_response(std::move(*refusal), 11, false);
                co_await http::async_write(stream, answer, use_nothrow);
            }
            break;
        }
        if (oversized) {
            // Answered in the route's own shape without reading the body, then closed.
            log::info(context->options.name, "refused a request from ", remote,
                      ": body over the limit of ", limit, " bytes for ", oversized->method, " ",
                      oversized->target);
            oversized->body_too_large = true;
            auto answer = co_await handle_on_workers(context, std::move(*oversized));
            auto response = to_beast_response(std::move(answer), parser.get().version(), false);
            co_await http::async_write(stream, response, use_nothrow);
            break;
        }

        auto request = parser.release();
        const bool keep_alive = request.keep_alive();
        auto answer = co_await handle_on_workers(context, to_api_request(request, remote));
        log::debug(context->options.name, request.method_string(), ' ', request.target(), " -> ",
                   answer.status);
        if (answer.stream) {
            co_await write_stream(stream, std::move(answer), context->options);
            break;
        }
        auto response = to_beast_response(std::move(answer), request.version(), keep_alive);
        stream.expires_after(context->options.idle_timeout);
        auto [write_ec, written] = co_await http::async_write(stream, response, use_nothrow);
        if (write_ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::shared_ptr<Context> context) {
    for (;;) {
        auto [ec, socket] =
            co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), use_nothrow);
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (ec) {
            // EMFILE and friends: log and keep serving the connections we have.
            log::warn(context->options.name, "accept failed: ", ec.message());
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto executor = socket.get_executor();
        asio::co_spawn(executor, run_session(beast::tcp_stream(std::move(socket)), context),
                       [name = context->options.name](std::exception_ptr failure) {
                           if (!failure) return;
                           try {
                               std::rethrow_exception(failure);
                           } catch (const std::exception& e) {
                               log::error(name, "connection ended by an error: ", e.what());
                           }
                       });
    }
}

}  // namespace

void serve(tcp::acceptor& acceptor, asio::thread_pool& workers, Dispatch dispatch,
           Options options) {
    auto context =
        std::make_shared<Context>(Context{workers, std::move(dispatch), std::move(options)});
    asio::co_spawn(acceptor.get_executor(), accept_loop(acceptor, std::move(context)),
                   asio::detached);
}

}  // namespace iotemu::http_server
