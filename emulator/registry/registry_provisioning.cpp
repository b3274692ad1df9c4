// Applying a provisioning plan (docs/aws/iot-core.md §4.4) in one step: every resource is
// checked against the state first — names, thing type, groups, policies, OverrideSettings,
// attachment limits — and only then is anything changed, so a plan that cannot be satisfied
// leaves no trace. Evaluating templates is provisioning/'s job; this file never parses one.
#include <mutex>

#include "common/random.hpp"
#include "provisioning/template.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;
using provisioning::Override;

// The thing as it will be stored, and the groups it will be in when they change.
struct StagedThing {
    model::Thing thing;
    bool is_new = true;
    std::optional<std::set<std::string>> groups;
};

struct Staged {
    std::optional<StagedThing> thing;
    std::optional<model::Certificate> certificate;
    std::vector<std::pair<std::string, std::string>> new_policies;  // name, document
    std::vector<std::string> policy_names;                          // in plan order
};

// OverrideSettings for a property the template gives of a resource that exists (§4.4): FAIL
// refuses the request, DO_NOTHING keeps what is there, REPLACE and MERGE apply the template.
bool overrides(Override setting, std::string_view resource, std::string_view property) {
    if (setting == Override::fail)
        detail::throw_error(aws_errors::conflicting_resource_update,
                            std::string(resource) +
                                " already exists and the template's "
                                "OverrideSettings for " +
                                std::string(property) + " is FAIL.");
    return setting != Override::do_nothing;
}

std::set<std::string> groups_of(const State& state, const std::string& thing_name) {
    std::set<std::string> out;
    for (const auto& [group, things] : state.group_things)
        if (things.contains(thing_name)) out.insert(group);
    return out;
}

StagedThing stage_thing(const State& state, const model::Account& account,
                        const provisioning::ThingPlan& plan) {
    detail::require_valid_name(NameKind::thing, plan.thing_name);
    if (plan.attributes) detail::require_valid_attributes(*plan.attributes);
    // Billing groups are not emulated, so any name refers to a group that does not exist.
    if (plan.billing_group)
        detail::throw_error(aws_errors::resource_not_found,
                            "Billing group " + *plan.billing_group + " cannot be found.");
    StagedThing out;
    const auto existing = detail::find_value(state.things, plan.thing_name);
    out.is_new = !existing;
    if (existing) {
        out.thing = *existing;
    } else {
        out.thing.name = plan.thing_name;
        out.thing.arn = account.arn("thing", plan.thing_name);
        out.thing.id = random_uuid();
    }
    const std::string resource = "Thing " + plan.thing_name;
    const auto applies = [&](Override setting, std::string_view property) {
        return out.is_new || overrides(setting, resource, property);
    };
    bool changed = false;
    if (plan.attributes && applies(plan.attribute_payload_override, "AttributePayload")) {
        const bool merge = !out.is_new && plan.attribute_payload_override == Override::merge;
        detail::apply_attribute_payload(out.thing.attributes, {*plan.attributes, merge});
        changed = true;
    }
    if (plan.thing_type_name && applies(plan.thing_type_name_override, "ThingTypeName") &&
        plan.thing_type_name != out.thing.thing_type_name) {
        detail::require_usable_thing_type(state, *plan.thing_type_name);
        out.thing.thing_type_name = plan.thing_type_name;
        changed = true;
    }
    detail::require_attribute_count(out.thing);
    if (plan.thing_groups && applies(plan.thing_groups_override, "ThingGroups")) {
        for (const auto& group : *plan.thing_groups) {
            detail::require_valid_name(NameKind::thing_group, group);
            detail::find_or_throw(state.thing_groups, group, "Thing group");
        }
        const bool replace = !out.is_new && plan.thing_groups_override == Override::replace;
        out.groups = replace ? std::set<std::string>() : groups_of(state, plan.thing_name);
        out.groups->insert(plan.thing_groups->begin(), plan.thing_groups->end());
    }
    if (changed && !out.is_new) ++out.thing.version;
    return out;
}

// The certificate being provisioned (PENDING_ACTIVATION) takes the template's status; one that
// was provisioned before follows the Status OverrideSetting.
model::Certificate stage_certificate(const State& state,
                                     const provisioning::CertificatePlan& plan) {
    detail::require_valid_name(NameKind::certificate_id, plan.certificate_id);
    model::Certificate certificate =
        detail::find_or_throw(state.certificates, plan.certificate_id, "Certificate").value;
    if (certificate.status == plan.status) return certificate;
    if (certificate.status != model::CertificateStatus::pending_activation &&
        !overrides(plan.status_override, "Certificate " + certificate.id, "Status"))
        return certificate;
    if (certificate.status == model::CertificateStatus::revoked)
        detail::throw_error(aws_errors::certificate_state, "The certificate " + certificate.id +
                                                               " is REVOKED; its status cannot "
                                                               "be changed.");
    certificate.status = plan.status;
    certificate.last_modified_date = now();
    return certificate;
}

// A policy named by PolicyName alone must exist; one with a document is created unless a policy
// of that name exists, which is then used as it is (policies have no OverrideSettings).
void stage_policies(const State& state, const std::vector<provisioning::PolicyPlan>& plans,
                    Staged& staged) {
    for (const auto& plan : plans) {
        detail::require_valid_name(NameKind::policy, plan.policy_name);
        staged.policy_names.push_back(plan.policy_name);
        const bool staged_already =
            std::any_of(staged.new_policies.begin(), staged.new_policies.end(),
                        [&](const auto& entry) { return entry.first == plan.policy_name; });
        if (state.policies.contains(plan.policy_name) || staged_already) continue;
        if (!plan.policy_document)
            detail::throw_error(aws_errors::resource_not_found,
                                "Policy " + plan.policy_name + " cannot be found.");
        detail::require_well_formed_policy(*plan.policy_document);
        staged.new_policies.emplace_back(plan.policy_name, *plan.policy_document);
    }
}

// The policies not yet attached to the certificate must fit its limit.
void require_attachments_fit(const State& state, const Staged& staged) {
    if (!staged.certificate) return;
    const std::string& arn = staged.certificate->arn;
    std::set<std::string> adding;
    for (const auto& name : staged.policy_names) {
        const auto targets = state.policy_targets.find(name);
        if (targets == state.policy_targets.end() || !targets->second.contains(arn))
            adding.insert(name);
    }
    if (!adding.empty()) detail::require_policy_room(state, arn, adding.size());
}

// Stores the staged thing and records what changed as registry events: the same events
// CreateThing, UpdateThing and the group membership operations record
// (docs/aws/provisioning-and-services.md §3.3).
void store_thing(State& state, const StagedThing& staged, detail::EventBatch& events) {
    using model::EventOperation;
    const std::string& name = staged.thing.name;
    if (staged.is_new) {
        detail::insert_new(state, state.things, name, staged.thing);
        events.add(model::ThingEvent{EventOperation::created, staged.thing});
        detail::record_type_change(events, staged.thing, std::nullopt);
    } else {
        auto& stored = state.things.at(name).value;
        if (stored.version != staged.thing.version) {
            events.add(model::ThingEvent{EventOperation::updated, staged.thing});
            detail::record_type_change(events, staged.thing, stored.thing_type_name);
        }
        stored = staged.thing;
    }
    if (!staged.groups) return;
    for (const auto& group : *staged.groups)
        if (state.group_things[group].insert(name).second)
            events.add(model::ThingGroupMembershipEvent{
                EventOperation::added, state.thing_groups.at(group).value, staged.thing});
    for (const auto& group : groups_of(state, name))
        if (!staged.groups->contains(group)) {
            detail::erase_from(state.group_things, group, name);
            events.add(model::ThingGroupMembershipEvent{
                EventOperation::removed, state.thing_groups.at(group).value, staged.thing});
        }
}

}  // namespace

ProvisionedResources Registry::provision(const provisioning::Plan& plan) {
    ProvisionedResources resources;
    std::optional<model::Certificate> changed;
    std::vector<model::RegistryEvent> events;
    {
        std::unique_lock lock(mutex_);
        Staged staged;
        if (plan.certificate) staged.certificate = stage_certificate(state_, *plan.certificate);
        if (plan.thing) staged.thing = stage_thing(state_, account_, *plan.thing);
        stage_policies(state_, plan.policies, staged);
        require_attachments_fit(state_, staged);

        // Every check passed: from here on nothing throws an AwsError.
        detail::EventBatch batch(state_);
        for (const auto& [name, document] : staged.new_policies)
            detail::insert_new_policy(state_, account_, name, document);
        if (staged.thing) {
            store_thing(state_, *staged.thing, batch);
            resources[plan.thing->logical_id] = staged.thing->thing.arn;
        }
        if (staged.certificate) {
            const std::string& arn = staged.certificate->arn;
            auto& stored = state_.certificates.at(staged.certificate->id).value;
            if (stored.status != staged.certificate->status) changed = *staged.certificate;
            stored = *staged.certificate;
            if (staged.thing) state_.thing_principals[staged.thing->thing.name].insert(arn);
            for (const auto& name : staged.policy_names) state_.policy_targets[name].insert(arn);
            resources[plan.certificate->logical_id] = arn;
        }
        for (std::size_t i = 0; i < plan.policies.size(); ++i)
            resources[plan.policies[i].logical_id] = account_.arn("policy", staged.policy_names[i]);
        commit();
        events = batch.events();
    }
    if (changed) notify_certificate_change(*changed, /*deleted=*/false);
    publish_events(events);
    return resources;
}

Registry::RegisteredThing Registry::register_thing(
    std::string_view template_body,
    const std::map<std::string, std::string, std::less<>>& parameters) {
    detail::require_valid_template(template_body);  // InvalidRequestException naming the problem
    const auto plan =
        provisioning::evaluate(*provisioning::Template::parse(template_body), parameters);
    // [inf] A template the parameters or the state cannot satisfy answers the model's
    // ResourceRegistrationFailureException (docs/aws/provisioning-and-services.md §2), except a
    // FAIL override, which RegisterThing models as ConflictingResourceUpdateException.
    if (!plan) detail::throw_error(aws_errors::resource_registration_failure, plan.error().message);
    RegisteredThing out;
    try {
        out.resource_arns = provision(*plan);
    } catch (const AwsError& error) {
        if (error.code() == aws_errors::conflicting_resource_update) throw;
        detail::throw_error(aws_errors::resource_registration_failure,
                            error.code() + ": " + std::string(error.message()));
    }
    if (plan->certificate)
        if (const auto certificate = find_certificate(plan->certificate->certificate_id))
            out.certificate_pem = certificate->pem;
    return out;
}

}  // namespace iotemu::registry
