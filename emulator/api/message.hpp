// Request and Response: an HTTP exchange as plain values, so routing and handlers need no Beast.
// The HTTP server converts to and from these. std only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace iotemu::api {

struct Request {
    std::string method;  // "GET", "POST", …
    std::string target;  // raw request target as sent: percent-encoded path, then '?' and query
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote_address;  // peer IP, for logs
    // Set by the HTTP server when the body was longer than Router::body_limit() allowed for this
    // request: the body was not read, and the router answers the route's too-large error.
    bool body_too_large = false;

    // The first header with this lower-case name, or nullptr.
    const std::string* header(std::string_view lower_name) const {
        for (const auto& [name, value] : headers)
            if (name == lower_name) return &value;
        return nullptr;
    }
};

// A body that goes on after the head, written as it comes (server-sent events, docs/console.md).
// The HTTP server writes the head, then `body`, then whatever take() hands it, until take() says
// the stream has ended or the peer goes away; the connection closes after it.
class Stream {
public:
    virtual ~Stream() = default;
    // Called once, before the first take(): `ready` is what the stream calls, from any thread and
    // without blocking, when take() has something new or the stream has ended.
    virtual void on_ready(std::function<void()> ready) = 0;
    // What to write now ("" when nothing is new), or nothing once the stream has ended. Never
    // blocks.
    virtual std::optional<std::string> take() = 0;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // content-type included
    std::string body;
    std::shared_ptr<Stream> stream;  // set: the body goes on (above), with no length
};

}  // namespace iotemu::api
