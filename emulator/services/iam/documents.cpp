// The policy grammar's checks IAM makes at write time (IAM User Guide, "Grammar of the IAM JSON
// policy language"), with the messages IAM answers. Knows no role or policy.
#include "services/iam/documents.hpp"

#include <array>
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "common/json_depth.hpp"

namespace iotemu::services::iam {
namespace {

using nlohmann::json;

[[noreturn]] void malformed(std::string message) {
    throw AwsError(aws_errors::query::malformed_policy_document, std::move(message));
}

bool is_string_or_strings(const json& value) {
    if (value.is_string()) return true;
    if (!value.is_array() || value.empty()) return false;
    for (const auto& item : value)
        if (!item.is_string()) return false;
    return true;
}

void check_statement(const json& statement, DocumentKind kind) {
    if (!statement.is_object()) malformed("Syntax errors in policy.");
    constexpr std::array<std::string_view, 9> known{"Sid",          "Effect",      "Principal",
                                                    "NotPrincipal", "Action",      "NotAction",
                                                    "Resource",     "NotResource", "Condition"};
    for (const auto& [key, value] : statement.items()) {
        bool found = false;
        for (const auto name : known) found = found || key == name;
        if (!found) malformed("Syntax errors in policy.");
    }
    const auto effect = statement.find("Effect");
    if (effect == statement.end() || !effect->is_string() ||
        (*effect != "Allow" && *effect != "Deny"))
        malformed("Syntax errors in policy.");
    const bool has_action = statement.contains("Action") || statement.contains("NotAction");
    const bool has_resource = statement.contains("Resource") || statement.contains("NotResource");
    const bool has_principal =
        statement.contains("Principal") || statement.contains("NotPrincipal");
    if (!has_action) malformed("Policy statement must contain actions.");
    for (const auto* name : {"Action", "NotAction", "Resource", "NotResource"})
        if (statement.contains(name) && !is_string_or_strings(statement[name]))
            malformed("Syntax errors in policy.");
    if (statement.contains("Condition") && !statement["Condition"].is_object())
        malformed("Syntax errors in policy.");
    if (kind == DocumentKind::permissions) {
        if (has_principal) malformed("Policy document should not specify a principal.");
        if (!has_resource) malformed("Policy statement must contain resources.");
    } else {
        if (has_resource) malformed("Has prohibited field Resource");
        if (!has_principal) malformed("Missing required field Principal");
        const auto& principal =
            statement.contains("Principal") ? statement["Principal"] : statement["NotPrincipal"];
        if (!(principal == "*" || (principal.is_object() && !principal.empty())))
            malformed("Invalid principal in policy");
    }
}

}  // namespace

void check_policy_document(std::string_view document, DocumentKind kind) {
    if (!json_depth_within(document)) malformed("Syntax errors in policy.");
    const auto parsed = json::parse(document, nullptr, false);
    if (parsed.is_discarded()) malformed("This policy contains invalid Json");
    if (!parsed.is_object()) malformed("Syntax errors in policy.");
    for (const auto& [key, value] : parsed.items())
        if (key != "Version" && key != "Id" && key != "Statement")
            malformed("Syntax errors in policy.");
    if (const auto version = parsed.find("Version"); version != parsed.end()) {
        if (!version->is_string()) malformed("Syntax errors in policy.");
        if (*version != "2012-10-17" && *version != "2008-10-17")
            malformed("The policy failed legacy parsing");
    }
    const auto statement = parsed.find("Statement");
    if (statement == parsed.end()) malformed("Syntax errors in policy.");
    if (statement->is_array()) {
        if (statement->empty()) malformed("Syntax errors in policy.");
        for (const auto& item : *statement) check_statement(item, kind);
    } else {
        check_statement(*statement, kind);
    }
}

std::size_t policy_size(std::string_view document) {
    std::size_t size = 0;
    for (const char c : document)
        if (!std::isspace(static_cast<unsigned char>(c))) ++size;
    return size;
}

}  // namespace iotemu::services::iam
