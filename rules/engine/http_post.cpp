// http_post: resolve, connect, write, read on a private io_context run on this thread, under one
// Beast tcp_stream deadline, so a silent server costs at most `timeout`. No connection reuse:
// an emulator's rule traffic does not need it.
#include "rules/engine/http_post.hpp"

#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace iotemu::rules::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

asio::awaitable<void> exchange(const HttpRequest& request, std::chrono::milliseconds timeout,
                               http::response<http::string_body>& response) {
    const auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    const auto endpoints =
        co_await resolver.async_resolve(request.host, request.port, asio::use_awaitable);
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);  // one deadline for connect, write and read together
    co_await stream.async_connect(endpoints, asio::use_awaitable);

    http::request<http::string_body> message{http::verb::post, request.target, 11};
    const bool ipv6 = request.host.find(':') != std::string::npos;
    message.set(http::field::host,
                (ipv6 ? "[" + request.host + "]" : request.host) + ":" + request.port);
    message.set(http::field::user_agent, "iot-emulator rules engine");
    for (const auto& [key, value] : request.headers) message.set(key, value);
    message.body() = request.body;
    message.prepare_payload();
    co_await http::async_write(stream, message, asio::use_awaitable);

    beast::flat_buffer buffer;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

HttpOutcome http_post(const HttpRequest& request, std::chrono::milliseconds timeout) {
    asio::io_context io{1};
    http::response<http::string_body> response;
    std::exception_ptr failure;
    asio::co_spawn(io, exchange(request, timeout, response),
                   [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const boost::system::system_error& e) {
            if (e.code() == beast::error::timeout)
                return {false, "timed out after " + std::to_string(timeout.count()) + " ms"};
            return {false, e.code().message()};
        } catch (const std::exception& e) {
            return {false, e.what()};
        }
    }
    const auto status = response.result_int();
    if (status >= 200 && status < 300) return {true, {}};
    return {false, "HTTP " + std::to_string(status) + " " + std::string(response.reason())};
}

}  // namespace iotemu::rules::detail
