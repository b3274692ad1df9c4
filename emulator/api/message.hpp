// Request and Response: an HTTP exchange as plain values, so routing and handlers need no Beast.
// The HTTP server converts to and from these. std only.
#pragma once

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

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // content-type included
    std::string body;
};

}  // namespace iotemu::api
