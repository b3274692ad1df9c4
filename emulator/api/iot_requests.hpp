// Request-side rules of the IoT model shared by several operations: page requests, names and ids
// (length + pattern), enums, attribute payloads, registration configs, tags and principal
// headers. Everything throws InvalidRequestException before the registry is asked; nothing here
// renders a response.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "api/call.hpp"
#include "api/json_members.hpp"
#include "model/certificate.hpp"
#include "registry/registry.hpp"

namespace iotemu::api {

// pageSize (1–250, default 25), marker, isAscendingOrder: ListCertificates, ListPolicies, ….
registry::PageRequest marker_page_request(const Call& call);
// maxResults (1–250, default 50), nextToken: ListThings, ListThingGroups, ….
registry::PageRequest token_page_request(const Call& call);

// The model's name and id shapes (docs/aws/iot-core.md §0.2).
enum class NameKind {
    thing,
    thing_type,
    thing_group,
    policy,
    policy_version_id,
    certificate_id,
    template_name
};

// Throws the model's validation error when `value` breaks `kind`'s length or pattern.
void check_name(NameKind kind, std::string_view member, std::string_view value);
// A path parameter checked as `kind`; the message names `member` (the model's member name,
// e.g. "certificateId" for the {caCertificateId} label).
const std::string& named_path(const Call& call, std::string_view parameter, NameKind kind,
                              std::string_view member = {});
std::optional<std::string> named_query(const Call& call, std::string_view member, NameKind kind);
std::optional<std::string> named_body(const Call& call, std::string_view member, NameKind kind);

// Length bounds of free-text members (PEMs, documents, descriptions).
void check_length(std::string_view member, std::string_view value, std::size_t min,
                  std::size_t max);

// A required header member, e.g. x-amzn-principal for `principal`.
std::string required_header(const Call& call, std::string_view header, std::string_view member);

// A query or body member that must spell one of the model's enum values; `values` lists them
// for the message, e.g. "[ACTIVE, INACTIVE]".
template <class Enum>
std::optional<Enum> enum_member(const std::optional<std::string>& text, std::string_view member,
                                std::optional<Enum> (*parse)(std::string_view),
                                std::string_view values) {
    if (!text) return std::nullopt;
    if (auto value = parse(*text)) return value;
    throw_validation_error(member, *text,
                           "Member must satisfy enum value set: " + std::string(values));
}

// AttributePayload {attributes: {name: value}, merge} at `where` (null → nullopt).
std::optional<registry::AttributePayload> attribute_payload(const nlohmann::json* payload,
                                                            std::string_view where);
// RegistrationConfig {templateBody, roleArn, templateName} body member (absent → nullopt).
std::optional<model::RegistrationConfig> registration_config(const Call& call);
// tags [{Key, Value}] body member (absent → empty).
model::Tags tags(const Call& call);

}  // namespace iotemu::api
