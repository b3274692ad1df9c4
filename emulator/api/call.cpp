// Call: typed, validated access to one routed request's members. Owns the body's JSON parse and
// the response constructors; must never know which operation it serves.
#include "api/call.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/json_members.hpp"
#include "common/aws_error.hpp"
#include "common/json_depth.hpp"

namespace iotemu::api {

using nlohmann::json;

Call::Call(const Request& request, std::map<std::string, std::string> path_parameters,
           std::vector<std::pair<std::string, std::string>> query, Protocol protocol)
    : request_(request),
      path_(std::move(path_parameters)),
      query_(std::move(query)),
      protocol_(protocol) {}

Call::~Call() = default;

const std::string& Call::path(std::string_view name) const {
    const auto it = path_.find(std::string(name));
    // A handler asking for a parameter its route lacks is a wiring bug, not a client error.
    if (it == path_.end())
        throw std::logic_error("route has no path parameter " + std::string(name));
    return it->second;
}

std::optional<std::string> Call::query(std::string_view name) const {
    for (const auto& [key, value] : query_)
        if (key == name) return value;
    return std::nullopt;
}

std::optional<bool> Call::query_bool(std::string_view name) const {
    auto text = query(name);
    if (!text) return std::nullopt;
    std::string lower = *text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true") return true;
    if (lower == "false") return false;
    throw_validation_error(name, *text, "Member must be a boolean (true or false)");
}

std::optional<std::int64_t> Call::query_int(std::string_view name, std::int64_t min,
                                            std::int64_t max) const {
    auto text = query(name);
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const char* first = text->data();
    const char* last = first + text->size();
    const auto [end, error] = std::from_chars(first, last, value);
    if (text->empty() || error != std::errc{} || end != last)
        throw_validation_error(name, *text, "Member must be an integer");
    if (value < min)
        throw_validation_error(
            name, *text, "Member must have value greater than or equal to " + std::to_string(min));
    if (value > max)
        throw_validation_error(
            name, *text, "Member must have value less than or equal to " + std::to_string(max));
    return value;
}

std::optional<std::string> Call::header(std::string_view name) const {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (const std::string* value = request_.header(lower)) return *value;
    return std::nullopt;
}

const json& Call::body() const {
    if (body_) return *body_;
    const auto& text = request_.body;
    const bool blank =
        std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
    if (!json_depth_within(text)) {
        std::string message = "The request body nests more than " + std::to_string(max_json_depth) +
                              " arrays or objects";
        if (protocol_ == Protocol::json) throw AwsError(aws_errors::serialization, message);
        throw_invalid_request(std::move(message));
    }
    auto parsed = blank ? json::object() : json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        std::string message = parsed.is_discarded() ? "Could not parse the request body as JSON"
                                                    : "The request body must be a JSON object";
        if (protocol_ == Protocol::json) throw AwsError(aws_errors::serialization, message);
        throw_invalid_request(std::move(message));
    }
    body_ = std::make_unique<json>(std::move(parsed));
    return *body_;
}

std::optional<std::string> Call::body_string(std::string_view member) const {
    return string_member(body(), member);
}

std::string Call::required_body_string(std::string_view member) const {
    auto value = body_string(member);
    if (!value) throw_validation_error(member, "null", "Member must not be null");
    return std::move(*value);
}

std::optional<bool> Call::body_bool(std::string_view member) const {
    return bool_member(body(), member);
}

std::optional<std::int64_t> Call::body_int(std::string_view member) const {
    return int_member(body(), member);
}

const json* Call::body_object(std::string_view member) const {
    return object_member(body(), member);
}

const json* Call::body_array(std::string_view member) const { return array_member(body(), member); }

Response json_response(const json& body, int status) {
    Response response;
    response.status = status;
    response.headers.emplace_back("content-type", "application/json");
    // Replace, never throw, on invalid UTF-8 that a stored value might carry.
    response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return response;
}

Response empty_response() { return json_response(json::object()); }

}  // namespace iotemu::api
