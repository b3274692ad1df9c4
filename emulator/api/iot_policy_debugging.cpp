// The policy debugging operations (docs/aws/provisioning-and-services.md §4): GetEffectivePolicies,
// TestAuthorization and the deprecated ListPolicyPrincipals. Request shape → one registry call →
// response shape; the registry and the policy engine decide.
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

// TestAuthorization's ActionType → the IoT policy action the broker checks
// (docs/aws/iot-core.md §5.1).
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> action_types{{
    {"PUBLISH", "iot:Publish"},
    {"SUBSCRIBE", "iot:Subscribe"},
    {"RECEIVE", "iot:Receive"},
    {"CONNECT", "iot:Connect"},
}};
constexpr std::size_t max_auth_infos = 10;
constexpr std::size_t max_resource = 2048;

std::string_view action_of(std::string_view action_type, std::string_view where) {
    for (const auto& [type, action] : action_types)
        if (type == action_type) return action;
    throw_validation_error(where, action_type,
                           "Member must satisfy enum value set: [PUBLISH, SUBSCRIBE, RECEIVE, "
                           "CONNECT]");
}

// A JSON array of strings, each checked for length.
std::vector<std::string> strings(const json& array, std::string_view where, std::size_t max) {
    std::vector<std::string> out;
    for (const auto& item : array) {
        if (!item.is_string()) throw_invalid_request(std::string(where) + " must hold strings.");
        out.push_back(item.get<std::string>());
        check_length(where, out.back(), 1, max);
    }
    return out;
}

// Cognito identities are not emulated: a certificate ARN is the only principal there is.
std::optional<std::string> principal(const Call& call) {
    if (call.body_string("cognitoIdentityPoolId"))
        throw_invalid_request(
            "cognitoIdentityPoolId: Amazon Cognito identities are not emulated; give the "
            "principal as a certificate ARN.");
    auto value = call.body_string("principal");
    if (value) check_length("principal", *value, 1, max_resource);
    return value;
}

registry::AuthInfo auth_info(const json& item, std::size_t index) {
    const std::string where = "authInfos." + std::to_string(index + 1);
    if (!item.is_object()) throw_invalid_request(where + " must be an object.");
    const auto action_type = string_member(item, "actionType", where + ".actionType");
    if (!action_type)
        throw_validation_error(where + ".actionType", "null", "Member must not be null");
    const json* resources = array_member(item, "resources", where + ".resources");
    if (!resources || resources->empty())
        throw_validation_error(where + ".resources", "null",
                               "Member must name at least one resource ARN");
    return {std::string(action_of(*action_type, where + ".actionType")),
            strings(*resources, where + ".resources", max_resource)};
}

registry::TestAuthorizationRequest test_authorization_request(const Call& call) {
    registry::TestAuthorizationRequest request;
    auto who = principal(call);
    if (!who) throw_validation_error("principal", "null", "Member must not be null");
    request.principal = std::move(*who);
    request.client_id = call.query("clientId");
    const json* infos = call.body_array("authInfos");
    if (!infos) throw_validation_error("authInfos", "null", "Member must not be null");
    if (infos->empty() || infos->size() > max_auth_infos)
        throw_validation_error("authInfos", std::to_string(infos->size()) + " items",
                               "Member must have length between 1 and 10");
    for (std::size_t i = 0; i < infos->size(); ++i)
        request.auth_infos.push_back(auth_info((*infos)[i], i));
    if (const json* names = call.body_array("policyNamesToAdd"))
        request.policy_names_to_add = strings(*names, "policyNamesToAdd", 128);
    if (const json* names = call.body_array("policyNamesToSkip"))
        request.policy_names_to_skip = strings(*names, "policyNamesToSkip", 128);
    return request;
}

std::string_view decision_name(policy::Decision decision) {
    switch (decision) {
        case policy::Decision::allow:
            return "ALLOWED";
        case policy::Decision::explicit_deny:
            return "EXPLICIT_DENY";
        case policy::Decision::implicit_deny:
            return "IMPLICIT_DENY";
    }
    return "IMPLICIT_DENY";
}

// authResults in authInfos' order, each echoing its authInfo as sent.
json auth_results(const json& infos, const std::vector<registry::AuthResult>& results) {
    json out = json::array();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        out.push_back(
            {{"authInfo",
              {{"actionType", infos[i].at("actionType")}, {"resources", infos[i].at("resources")}}},
             {"allowed", {{"policies", render::policy_summaries(result.allowed)}}},
             {"denied",
              {{"implicitDeny", {{"policies", render::policy_summaries(result.implicit_deny)}}},
               {"explicitDeny", {{"policies", render::policy_summaries(result.explicit_deny)}}}}},
             {"authDecision", decision_name(result.decision)},
             {"missingContextValues", result.missing_context_values}});
    }
    return {{"authResults", std::move(out)}};
}

}  // namespace

void add_policy_debugging_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/effective-policies", [&registry](Call& call) {
        const auto who = principal(call);
        const auto thing_name = named_query(call, "thingName", NameKind::thing);
        return json_response(
            render::effective_policies(registry.get_effective_policies(who, thing_name)));
    });
    router.add("POST", "/test-authorization", [&registry](Call& call) {
        const auto request = test_authorization_request(call);
        return json_response(
            auth_results(*call.body_array("authInfos"), registry.test_authorization(request)));
    });
    router.add("GET", "/policy-principals", [&registry](Call& call) {
        const auto name = required_header(call, "x-amzn-iot-policy", "policyName");
        check_name(NameKind::policy, "policyName", name);
        return json_response(
            render::name_page(registry.list_policy_principals(name, marker_page_request(call)),
                              "principals", render::Paging::marker));
    });
}

}  // namespace iotemu::api
