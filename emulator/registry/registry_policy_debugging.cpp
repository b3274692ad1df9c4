// The policies that govern a principal, and the debugging operations built on them
// (docs/aws/provisioning-and-services.md §4): GetEffectivePolicies, TestAuthorization and the
// deprecated ListPolicyPrincipals. TestAuthorization decides with policy::explain over the very
// policies and variables the broker's authorizer uses, so the two agree.
#include <mutex>

#include "policy/explain.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;

// Appends the policies attached to `target` that are not listed yet, in policy-name order.
void add_attached(const State& state, const std::string& target,
                  std::vector<const model::Policy*>& out) {
    for (const auto& [name, targets] : state.policy_targets) {
        if (!targets.contains(target)) continue;
        const auto policy = state.policies.find(name);
        if (policy == state.policies.end()) continue;
        if (std::find(out.begin(), out.end(), &policy->second.value) == out.end())
            out.push_back(&policy->second.value);
    }
}

// `group` and its ancestors, the group first.
std::vector<const model::ThingGroup*> with_ancestors(const State& state, const std::string& group) {
    std::vector<const model::ThingGroup*> out;
    for (std::optional<std::string> name = group; name;) {
        const auto found = state.thing_groups.find(*name);
        if (found == state.thing_groups.end()) break;
        out.push_back(&found->second.value);
        name = found->second.value.parent_group_name;
    }
    return out;
}

// Policies attached to the thing's groups and to their ancestors: thing-group policies apply to
// the things in the group and in its child groups (docs/aws/iot-core.md §5.1).
void add_group_policies(const State& state, const std::string& thing_name,
                        std::vector<const model::Policy*>& out) {
    for (const auto& [group, things] : state.group_things) {
        if (!things.contains(thing_name)) continue;
        for (const auto* in_effect : with_ancestors(state, group))
            add_attached(state, in_effect->arn, out);
    }
}

std::vector<model::Policy> copies(const std::vector<const model::Policy*>& policies) {
    std::vector<model::Policy> out;
    for (const auto* policy : policies) out.push_back(*policy);
    return out;
}

}  // namespace

Registry::Governing Registry::governing_policies(const std::string& principal_arn,
                                                 const std::string& client_id) const {
    Governing out;
    add_attached(state_, principal_arn, out.policies);
    // Thing variables and thing-group policies apply only when the client id names a thing
    // attached to this certificate (docs/aws/iot-core.md §5.2).
    const auto principals = state_.thing_principals.find(client_id);
    if (principals == state_.thing_principals.end() || !principals->second.contains(principal_arn))
        return out;
    out.attached_thing = detail::find_value(state_.things, client_id);
    if (out.attached_thing) add_group_policies(state_, client_id, out.policies);
    return out;
}

Page<std::string> Registry::list_policy_principals(std::string_view policy_name,
                                                   const PageRequest& page) const {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::shared_lock lock(mutex_);
    detail::find_or_throw(state_.policies, policy_name, "Policy");
    const std::string name(policy_name);
    Records<std::set<std::string>> principals;
    auto& certificates = principals[name];
    if (const auto targets = state_.policy_targets.find(name);
        targets != state_.policy_targets.end())
        for (const auto& target : targets->second)
            if (target.starts_with(account_.arn("cert", ""))) certificates.insert(target);
    return detail::paginate_attached(state_, account_, principals, name, page);
}

std::vector<model::Policy> Registry::get_effective_policies(
    const std::optional<std::string>& principal,
    const std::optional<std::string>& thing_name) const {
    if (!principal && !thing_name)
        detail::throw_error(aws_errors::invalid_request,
                            "Specify a principal, a thingName, or both.");
    if (thing_name) detail::require_valid_name(NameKind::thing, *thing_name);
    std::shared_lock lock(mutex_);
    std::vector<const model::Policy*> policies;
    if (principal) {
        const auto resolved =
            detail::resolve_principal(state_, account_, *principal, /*allow_thing_group=*/true);
        if (resolved.kind == detail::Principal::Kind::certificate)
            add_attached(state_, *principal, policies);
        else
            for (const auto* group : with_ancestors(state_, resolved.key))
                add_attached(state_, group->arn, policies);
    }
    if (thing_name) {
        detail::find_or_throw(state_.things, *thing_name, "Thing");
        add_group_policies(state_, *thing_name, policies);
    }
    return copies(policies);
}

std::vector<AuthResult> Registry::test_authorization(
    const TestAuthorizationRequest& request) const {
    for (const auto& names : {request.policy_names_to_add, request.policy_names_to_skip})
        for (const auto& name : names) detail::require_valid_name(NameKind::policy, name);
    std::vector<model::Policy> policies;
    std::vector<std::shared_ptr<const policy::CompiledPolicy>> compiled;
    policy::Variables variables;
    std::string certificate_pem;
    {
        std::shared_lock lock(mutex_);
        const auto principal = detail::resolve_principal(state_, account_, request.principal,
                                                         /*allow_thing_group=*/false);
        certificate_pem = state_.certificates.at(principal.key).value.pem;
        auto governing = governing_policies(request.principal, request.client_id.value_or(""));
        std::erase_if(governing.policies, [&](const model::Policy* policy) {
            const auto& skip = request.policy_names_to_skip;
            return std::find(skip.begin(), skip.end(), policy->name) != skip.end();
        });
        for (const auto& name : request.policy_names_to_add) {
            const auto& added = detail::find_or_throw(state_.policies, name, "Policy").value;
            if (std::find(governing.policies.begin(), governing.policies.end(), &added) ==
                governing.policies.end())
                governing.policies.push_back(&added);
        }
        for (const model::Policy* policy : governing.policies) {
            auto version = compiled_default_version(*policy);
            if (!version) continue;  // a document that no longer parses allows nothing
            policies.push_back(*policy);
            compiled.push_back(std::move(version));
        }
        policy::set_thing_variables(variables, governing.attached_thing);
    }
    // The certificate's own variables, read as the broker reads them at connect time.
    const auto certificate = detail::parse_certificate(certificate_pem, "certificate");
    variables.client_id = request.client_id;
    variables.subject = certificate.subject().policy_attributes();
    variables.issuer = certificate.issuer().policy_attributes();
    variables.certificate_serial_number = certificate.serial_number_hex();

    std::vector<const policy::CompiledPolicy*> views;
    for (const auto& version : compiled) views.push_back(version.get());
    const auto pick = [&](const std::vector<std::size_t>& indexes) {
        std::vector<model::Policy> out;
        for (const auto i : indexes) out.push_back(policies[i]);
        return out;
    };
    std::vector<AuthResult> results;
    for (const auto& info : request.auth_infos) {
        std::vector<policy::Request> requests;
        for (const auto& resource : info.resources) requests.push_back({info.action, resource});
        auto explanation = policy::explain(views, requests, variables);
        results.push_back({explanation.decision, pick(explanation.allowed),
                           pick(explanation.explicit_deny), pick(explanation.implicit_deny),
                           std::move(explanation.missing_context_values)});
    }
    return results;
}

}  // namespace iotemu::registry
