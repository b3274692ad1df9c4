// Typed reads of JSON object members for request shapes, and the InvalidRequestException messages
// a wrong member earns. Shared by Call (top-level body members) and nested-shape parsers. Never
// renders responses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace iotemu::api {

// Throws AwsError InvalidRequestException with `message`.
[[noreturn]] void throw_invalid_request(std::string message);

// AWS's validation wording: "1 validation error detected: Value '<value>' at '<member>' failed to
// satisfy constraint: <constraint>".
[[noreturn]] void throw_validation_error(std::string_view member, std::string_view value,
                                         std::string_view constraint);

// Absent or null members read as nullopt/nullptr; a present member of another type throws
// InvalidRequestException naming `where` (defaults to `name`, e.g. "attributePayload.merge").
std::optional<std::string> string_member(const nlohmann::json& object, std::string_view name,
                                         std::string_view where = {});
std::optional<bool> bool_member(const nlohmann::json& object, std::string_view name,
                                std::string_view where = {});
std::optional<std::int64_t> int_member(const nlohmann::json& object, std::string_view name,
                                       std::string_view where = {});
const nlohmann::json* object_member(const nlohmann::json& object, std::string_view name,
                                    std::string_view where = {});
const nlohmann::json* array_member(const nlohmann::json& object, std::string_view name,
                                   std::string_view where = {});

}  // namespace iotemu::api
