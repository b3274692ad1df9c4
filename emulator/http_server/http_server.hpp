// The HTTP/1.1 shell around a Router-like dispatch function: accepts connections, reads requests
// with a body limit and an idle timeout, runs each request on the worker pool (handlers may
// generate keys or sign) and writes the answer back on the connection's strand. I/O layer.
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

struct Options {
    std::size_t body_limit = 1024 * 1024;  // larger bodies get 413 RequestEntityTooLargeException
    std::chrono::seconds idle_timeout{60};
    std::string name = "api";  // log component
};

// Starts accepting on `acceptor` (already bound and listening) on its executor. Runs until the
// acceptor is closed or its io_context stops. `acceptor` and `workers` must outlive the server.
void serve(boost::asio::ip::tcp::acceptor& acceptor, boost::asio::thread_pool& workers,
           Dispatch dispatch, Options options = {});

}  // namespace iotemu::http_server
