// Typed member reads over nlohmann::json with AWS-style InvalidRequestException messages. Knows
// no operation and no route.
#include "api/json_members.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

const json* find(const json& object, std::string_view name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

[[noreturn]] void wrong_type(std::string_view name, std::string_view where,
                             std::string_view expected) {
    throw_invalid_request("Invalid type for member '" + std::string(where.empty() ? name : where) +
                          "': expected " + std::string(expected));
}

}  // namespace

void throw_invalid_request(std::string message) {
    throw AwsError(aws_errors::invalid_request, std::move(message));
}

void throw_validation_error(std::string_view member, std::string_view value,
                            std::string_view constraint) {
    std::string message = "1 validation error detected: Value '";
    message.append(value).append("' at '").append(member);
    message.append("' failed to satisfy constraint: ").append(constraint);
    throw_invalid_request(std::move(message));
}

std::optional<std::string> string_member(const json& object, std::string_view name,
                                         std::string_view where) {
    const json* value = find(object, name);
    if (!value) return std::nullopt;
    if (!value->is_string()) wrong_type(name, where, "a string");
    return value->get<std::string>();
}

std::optional<bool> bool_member(const json& object, std::string_view name, std::string_view where) {
    const json* value = find(object, name);
    if (!value) return std::nullopt;
    if (!value->is_boolean()) wrong_type(name, where, "a boolean");
    return value->get<bool>();
}

std::optional<std::int64_t> int_member(const json& object, std::string_view name,
                                       std::string_view where) {
    const json* value = find(object, name);
    if (!value) return std::nullopt;
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        wrong_type(name, where, "an integer in the long range");
    if (!value->is_number_integer()) wrong_type(name, where, "an integer");
    return value->get<std::int64_t>();
}

const json* object_member(const json& object, std::string_view name, std::string_view where) {
    const json* value = find(object, name);
    if (value && !value->is_object()) wrong_type(name, where, "an object");
    return value;
}

const json* array_member(const json& object, std::string_view name, std::string_view where) {
    const json* value = find(object, name);
    if (value && !value->is_array()) wrong_type(name, where, "a list");
    return value;
}

}  // namespace iotemu::api
