// Helpers for api unit tests: build Requests, read what a client would see in a Response.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/message.hpp"

namespace iotemu::api::test {

inline Request request(std::string method, std::string target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

// The value of a response header (exact name match as the server would send it), or "".
inline std::string header(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers)
        if (key == name) return value;
    return {};
}

inline std::string error_type(const Response& response) {
    return header(response, "x-amzn-ErrorType");
}

inline nlohmann::json body(const Response& response) {
    return nlohmann::json::parse(response.body);
}

}  // namespace iotemu::api::test
