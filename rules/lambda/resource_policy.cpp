// Resource-policy statements rendered the way Lambda stores them: a service principal becomes
// {"Service": …}, an account id {"AWS": "arn:aws:iam::<id>:root"}, source conditions become
// ArnLike / StringEquals. Rendering only; never decides whether a statement may be added.
#include "rules/lambda/resource_policy.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace iotemu::lambda {
namespace {

using nlohmann::json;

json principal_json(const std::string& principal) {
    if (principal == "*") return "*";
    if (principal.find(".amazonaws.com") != std::string::npos) return {{"Service", principal}};
    const bool account =
        principal.size() == 12 && std::all_of(principal.begin(), principal.end(),
                                              [](unsigned char c) { return std::isdigit(c); });
    if (account) return {{"AWS", "arn:aws:iam::" + principal + ":root"}};
    return {{"AWS", principal}};
}

json statement_object(const PolicyStatement& statement, std::string_view function_arn) {
    json object = {{"Sid", statement.sid},
                   {"Effect", "Allow"},
                   {"Principal", principal_json(statement.principal)},
                   {"Action", statement.action},
                   {"Resource", std::string(function_arn)}};
    json condition = json::object();
    if (statement.source_account)
        condition["StringEquals"]["AWS:SourceAccount"] = *statement.source_account;
    if (statement.event_source_token)
        condition["StringEquals"]["lambda:EventSourceToken"] = *statement.event_source_token;
    if (statement.principal_org_id)
        condition["StringEquals"]["aws:PrincipalOrgID"] = *statement.principal_org_id;
    if (statement.source_arn) condition["ArnLike"]["AWS:SourceArn"] = *statement.source_arn;
    if (!condition.empty()) object["Condition"] = std::move(condition);
    return object;
}

}  // namespace

std::string statement_json(const PolicyStatement& statement, std::string_view function_arn) {
    return statement_object(statement, function_arn).dump();
}

std::string policy_json(const std::vector<PolicyStatement>& statements,
                        std::string_view function_arn) {
    json list = json::array();
    for (const auto& statement : statements)
        list.push_back(statement_object(statement, function_arn));
    return json{{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", std::move(list)}}
        .dump();
}

}  // namespace iotemu::lambda
