// One HTTP POST with a deadline, done synchronously on the calling thread (an engine worker).
// The http action's transport; Asio and Beast stay inside http_post.cpp.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace iotemu::rules::detail {

struct HttpRequest {
    std::string host;    // as in the URL (an IPv6 address without brackets)
    std::string port;    // "80" when the URL names none
    std::string target;  // path and query, "/" at least
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpOutcome {
    bool ok = false;    // a 2xx answer
    std::string error;  // otherwise: the status line, or why no answer came ("timed out")
};

HttpOutcome http_post(const HttpRequest& request, std::chrono::milliseconds timeout);

}  // namespace iotemu::rules::detail
