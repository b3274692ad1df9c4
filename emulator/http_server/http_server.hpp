// The HTTP/1.1 shell around a Router-like dispatch function: accepts connections, reads requests
// with a body limit chosen per request from its head and an idle timeout, runs each request on
// the worker pool (handlers may generate keys or sign) and writes the answer back on the
// connection's strand. A body over its limit is never read: the request goes to `dispatch` with
// body_too_large set, and the connection closes after the answer. A response with a Stream is
// written as it comes, on the connection's strand (no worker waits for it), with a comment line
// every stream_heartbeat so a peer that went away is noticed. I/O layer.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/message.hpp"

namespace iotemu::http_server {

using Dispatch = std::function<api::Response(const api::Request&)>;
// The most body a request may carry, decided from its head (method, target, headers).
using BodyLimitFor = std::function<std::size_t(const api::Request& head)>;

struct Options {
    // The hard upper bound for every request, whatever body_limit_for says.
    std::size_t body_limit = 1024 * 1024;
    BodyLimitFor body_limit_for;  // empty: body_limit for every request
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds stream_heartbeat{15};
    std::string name = "api";  // log component
};

// Starts accepting on `acceptor` (already bound and listening) on its executor. Runs until the
// acceptor is closed or its io_context stops. `acceptor` and `workers` must outlive the server.
void serve(boost::asio::ip::tcp::acceptor& acceptor, boost::asio::thread_pool& workers,
           Dispatch dispatch, Options options = {});

}  // namespace iotemu::http_server
