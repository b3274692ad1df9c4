// HttpPoster: the http action's transport. Every POST runs on one I/O thread of its own, all of
// them at once, each under its own deadline, so a silent server holds neither an engine worker
// nor other rules' requests, and stopping the poster ends every request at once. Asio and Beast
// stay inside http_post.cpp; this header is std only.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
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

class HttpPoster {
public:
    // At most `max_in_flight` requests at once; one more fails at once rather than queueing
    // behind servers that do not answer.
    explicit HttpPoster(std::size_t max_in_flight = 256);
    // Ends every request still running without calling its `done`.
    ~HttpPoster();
    HttpPoster(const HttpPoster&) = delete;
    HttpPoster& operator=(const HttpPoster&) = delete;

    // Starts one POST and returns; `done` is called once, on the poster's thread (or on the
    // caller's when the request cannot start).
    void post(HttpRequest request, std::chrono::milliseconds timeout,
              std::function<void(HttpOutcome)> done);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu::rules::detail
