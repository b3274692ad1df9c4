// Call: one routed request, with typed access to its path, query, header and JSON body members.
// A member of the wrong type or out of range throws AwsError InvalidRequestException, so
// handlers read like the model's shapes. The body is parsed once, on first use.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/message.hpp"
#include "api/protocol.hpp"

namespace iotemu::api {

class Call {
public:
    // For the query protocol, `query` holds the form body's members too.
    Call(const Request& request, std::map<std::string, std::string> path_parameters,
         std::vector<std::pair<std::string, std::string>> query,
         Protocol protocol = Protocol::rest_json);
    ~Call();

    const Request& request() const { return request_; }
    Protocol protocol() const { return protocol_; }

    // Path parameters are always present when routed (decoded).
    const std::string& path(std::string_view name) const;

    // Query string members (decoded). Booleans accept "true"/"false"; integers are checked
    // against [min, max].
    std::optional<std::string> query(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& query_parameters() const {
        return query_;
    }
    std::optional<bool> query_bool(std::string_view name) const;
    std::optional<std::int64_t> query_int(std::string_view name, std::int64_t min,
                                          std::int64_t max) const;

    // Header members (e.g. x-amzn-principal); names are case-insensitive.
    std::optional<std::string> header(std::string_view name) const;

    // The JSON body ({} when empty). Invalid JSON or a non-object throws InvalidRequestException
    // (SerializationException in JSON 1.1).
    const nlohmann::json& body() const;
    std::optional<std::string> body_string(std::string_view member) const;
    std::string required_body_string(std::string_view member) const;
    std::optional<bool> body_bool(std::string_view member) const;
    std::optional<std::int64_t> body_int(std::string_view member) const;
    // A member that must be a JSON object or absent.
    const nlohmann::json* body_object(std::string_view member) const;
    // A member that must be a JSON array or absent.
    const nlohmann::json* body_array(std::string_view member) const;

private:
    const Request& request_;
    std::map<std::string, std::string> path_;
    std::vector<std::pair<std::string, std::string>> query_;
    Protocol protocol_;
    mutable std::unique_ptr<nlohmann::json> body_;
};

// A JSON response with status 200 (or `status`).
Response json_response(const nlohmann::json& body, int status = 200);
// An empty-bodied 200, as the IoT API answers Update*/Delete*/Attach*.
Response empty_response();

}  // namespace iotemu::api
