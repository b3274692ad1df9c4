// HttpPoster (http_post.hpp): each POST is a coroutine on the poster's io_context — resolve,
// connect, write, read under one Beast tcp_stream deadline, so a silent server costs at most
// `timeout`. No connection reuse: an emulator's rule traffic does not need it.
#include "rules/engine/http_post.hpp"

#include <atomic>
#include <exception>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/log.hpp"

namespace iotemu::rules::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

using Response = http::response<http::string_body>;

// Parameters by value: the coroutine's frame owns them until its handler runs.
asio::awaitable<void> exchange(HttpRequest request, std::chrono::milliseconds timeout,
                               std::shared_ptr<Response> response) {
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
    co_await http::async_read(stream, buffer, *response, asio::use_awaitable);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

HttpOutcome outcome_of(std::exception_ptr failure, const Response& response,
                       std::chrono::milliseconds timeout) {
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

}  // namespace

struct HttpPoster::Impl {
    std::size_t max_in_flight;
    std::atomic<std::size_t> in_flight{0};
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread{[this] { io.run(); }};

    explicit Impl(std::size_t max) : max_in_flight(max) {}
};

HttpPoster::HttpPoster(std::size_t max_in_flight) : impl_(std::make_unique<Impl>(max_in_flight)) {}

HttpPoster::~HttpPoster() {
    impl_->io.stop();
    impl_->thread.join();
}

void HttpPoster::post(HttpRequest request, std::chrono::milliseconds timeout,
                      std::function<void(HttpOutcome)> done) {
    if (impl_->in_flight.fetch_add(1) >= impl_->max_in_flight) {
        impl_->in_flight.fetch_sub(1);
        return done({false, std::to_string(impl_->max_in_flight) +
                                " http requests are already waiting for an answer"});
    }
    auto response = std::make_shared<Response>();
    asio::co_spawn(impl_->io, exchange(std::move(request), timeout, response),
                   [impl = impl_.get(), response, timeout,
                    done = std::move(done)](std::exception_ptr failure) {
                       impl->in_flight.fetch_sub(1);
                       try {
                           done(outcome_of(failure, *response, timeout));
                       } catch (const std::exception& e) {  // must not end the poster's thread
                           log::error("rules", "http action: ", e.what());
                       }
                   });
}

}  // namespace iotemu::rules::detail
