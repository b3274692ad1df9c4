// The IoT model's request constraints that several operations share, checked before the registry
// is called. Never calls the registry and never renders a response.
#include "api/iot_requests.hpp"

#include <nlohmann/json.hpp>

#include "model/names.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::int64_t max_page_size = 250;

struct NameRule {
    bool (*valid)(std::string_view);
    std::string_view constraint;
};

bool is_valid_policy_version_id(std::string_view id) {
    if (id.empty() || id.size() > 20) return false;
    for (char c : id)
        if (c < '0' || c > '9') return false;
    return true;
}

NameRule rule_for(NameKind kind) {
    constexpr std::string_view thing_like =
        "Member must have length between 1 and 128 and satisfy regular expression pattern: "
        "[a-zA-Z0-9:_-]+";
    switch (kind) {
        case NameKind::thing:
            return {model::is_valid_thing_name, thing_like};
        case NameKind::thing_type:
            return {model::is_valid_thing_type_name, thing_like};
        case NameKind::thing_group:
            return {model::is_valid_thing_group_name, thing_like};
        case NameKind::policy:
            return {model::is_valid_policy_name,
                    "Member must have length between 1 and 128 and satisfy regular expression "
                    "pattern: [\\w+=,.@-]+"};
        case NameKind::policy_version_id:
            return {is_valid_policy_version_id,
                    "Member must satisfy regular expression pattern: [0-9]+"};
        case NameKind::certificate_id:
            return {model::is_valid_certificate_id,
                    "Member must have length 64 and satisfy regular expression pattern: "
                    "(0x)?[a-fA-F0-9]+"};
        case NameKind::template_name:
            return {model::is_valid_template_name,
                    "Member must have length between 1 and 36 and satisfy regular expression "
                    "pattern: ^[0-9A-Za-z_-]+$"};
    }
    return {nullptr, {}};
}

bool is_attribute_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.,@/:#-").find(c) != std::string_view::npos;
}

// AttributeName: [a-zA-Z0-9_.,@/:#-]+ ≤128; AttributeValue: [a-zA-Z0-9_.,@/:#=\[\]-]* ≤800.
void check_attribute(std::string_view where, const std::string& name, const std::string& value) {
    bool name_ok = !name.empty() && name.size() <= 128;
    for (char c : name) name_ok = name_ok && is_attribute_name_char(c);
    if (!name_ok)
        throw_validation_error(where, name,
                               "Map keys must have length less than or equal to 128 and satisfy "
                               "regular expression pattern: [a-zA-Z0-9_.,@/:#-]+");
    bool value_ok = value.size() <= 800;
    for (char c : value)
        value_ok = value_ok && (is_attribute_name_char(c) || c == '=' || c == '[' || c == ']');
    if (!value_ok)
        throw_validation_error(std::string(where) + "." + name, value,
                               "Member must have length less than or equal to 800 and satisfy "
                               "regular expression pattern: [a-zA-Z0-9_.,@/:#=\\[\\]-]*");
}

}  // namespace

registry::PageRequest marker_page_request(const Call& call) {
    registry::PageRequest page;
    page.page_size = static_cast<int>(call.query_int("pageSize", 1, max_page_size).value_or(25));
    page.marker = call.query("marker");
    page.ascending = call.query_bool("isAscendingOrder").value_or(true);
    return page;
}

registry::PageRequest token_page_request(const Call& call) {
    registry::PageRequest page;
    page.page_size = static_cast<int>(call.query_int("maxResults", 1, max_page_size).value_or(50));
    page.marker = call.query("nextToken");
    return page;
}

void check_name(NameKind kind, std::string_view member, std::string_view value) {
    const NameRule rule = rule_for(kind);
    if (!rule.valid(value)) throw_validation_error(member, value, rule.constraint);
}

const std::string& named_path(const Call& call, std::string_view parameter, NameKind kind,
                              std::string_view member) {
    const std::string& value = call.path(parameter);
    check_name(kind, member.empty() ? parameter : member, value);
    return value;
}

std::optional<std::string> named_query(const Call& call, std::string_view member, NameKind kind) {
    auto value = call.query(member);
    if (value) check_name(kind, member, *value);
    return value;
}

std::optional<std::string> named_body(const Call& call, std::string_view member, NameKind kind) {
    auto value = call.body_string(member);
    if (value) check_name(kind, member, *value);
    return value;
}

void check_length(std::string_view member, std::string_view value, std::size_t min,
                  std::size_t max) {
    if (value.size() < min)
        throw_validation_error(
            member, value.substr(0, 64),
            "Member must have length greater than or equal to " + std::to_string(min));
    if (value.size() > max)
        throw_validation_error(
            member, value.substr(0, 64),
            "Member must have length less than or equal to " + std::to_string(max));
}

std::string required_header(const Call& call, std::string_view header, std::string_view member) {
    auto value = call.header(header);
    if (!value || value->empty()) throw_validation_error(member, "null", "Member must not be null");
    return std::move(*value);
}

std::optional<registry::AttributePayload> attribute_payload(const json* payload,
                                                            std::string_view where) {
    if (!payload) return std::nullopt;
    const std::string prefix(where);
    registry::AttributePayload out;
    out.merge = bool_member(*payload, "merge", prefix + ".merge").value_or(false);
    const std::string attributes_where = prefix + ".attributes";
    if (const json* attributes = object_member(*payload, "attributes", attributes_where)) {
        for (const auto& [name, value] : attributes->items()) {
            if (!value.is_string())
                throw_invalid_request("Invalid type for member '" + attributes_where + "." + name +
                                      "': expected a string");
            check_attribute(attributes_where, name, value.get<std::string>());
            out.attributes[name] = value.get<std::string>();
        }
    }
    return out;
}

std::optional<model::RegistrationConfig> registration_config(const Call& call) {
    const json* config = call.body_object("registrationConfig");
    if (!config) return std::nullopt;
    model::RegistrationConfig out;
    out.template_body = string_member(*config, "templateBody", "registrationConfig.templateBody");
    out.role_arn = string_member(*config, "roleArn", "registrationConfig.roleArn");
    out.template_name = string_member(*config, "templateName", "registrationConfig.templateName");
    if (out.template_body)
        check_length("registrationConfig.templateBody", *out.template_body, 0, 10240);
    if (out.role_arn) check_length("registrationConfig.roleArn", *out.role_arn, 20, 2048);
    if (out.template_name)
        check_name(NameKind::template_name, "registrationConfig.templateName", *out.template_name);
    return out;
}

model::Tags tags(const Call& call) {
    model::Tags out;
    const json* list = call.body_array("tags");
    if (!list) return out;
    for (const auto& tag : *list) {
        if (!tag.is_object())
            throw_invalid_request("Invalid type for member 'tags': expected Tag objects");
        auto key = string_member(tag, "Key", "tags.Key");
        if (!key) throw_validation_error("tags.Key", "null", "Member must not be null");
        check_length("tags.Key", *key, 1, 128);
        auto value = string_member(tag, "Value", "tags.Value").value_or("");
        check_length("tags.Value", value, 0, 256);
        out[*key] = std::move(value);
    }
    return out;
}

}  // namespace iotemu::api
