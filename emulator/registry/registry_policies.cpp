// IoT policies, their versions and their attachments to targets (docs/aws/iot-core.md §2.5).
// Documents are checked by policy::parse_document; evaluation happens in the broker, never here.
#include <mutex>

#include "common/random.hpp"
#include "policy/document.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;

// "A managed policy can have up to five versions" (CreatePolicyVersion model doc).
constexpr std::size_t max_policy_versions = 5;

PolicyVersionView view_of(const model::Policy& policy, const model::PolicyVersion& version) {
    return {policy, version, version.version_id == policy.default_version_id};
}

const model::PolicyVersion& find_version_or_throw(const model::Policy& policy,
                                                  std::string_view version_id) {
    for (const auto& version : policy.versions)
        if (version.version_id == version_id) return version;
    detail::throw_error(
        aws_errors::resource_not_found,
        "Version " + std::string(version_id) + " of policy " + policy.name + " cannot be found.");
}

}  // namespace

PolicyVersionView Registry::create_policy(std::string_view policy_name, std::string_view document) {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::require_well_formed_policy(document);
    std::unique_lock lock(mutex_);
    const std::string name(policy_name);
    if (const auto existing = detail::find_value(state_.policies, name))
        throw AwsError(aws_errors::resource_already_exists,
                       "Policy cannot be created - name already exists (name=" + name + ")", name,
                       existing->arn);
    const model::Policy policy = detail::insert_new_policy(state_, account_, name, document);
    commit();
    return view_of(policy, policy.versions.back());
}

model::Policy Registry::get_policy(std::string_view policy_name) const {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.policies, policy_name, "Policy").value;
}

Page<model::Policy> Registry::list_policies(const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    return detail::paginate(detail::collect(state_.policies, [](const auto&) { return true; }),
                            page);
}

// DeletePolicy model doc: refused while attached or while non-default versions exist.
void Registry::delete_policy(std::string_view policy_name) {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::unique_lock lock(mutex_);
    const auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    if (state_.policy_targets.contains(policy.name))
        detail::throw_error(aws_errors::delete_conflict,
                            "The policy " + policy.name +
                                " is attached to one or more targets; detach it before deletion.");
    if (policy.versions.size() > 1)
        detail::throw_error(aws_errors::delete_conflict,
                            "The policy " + policy.name +
                                " has non-default versions; delete them (DeletePolicyVersion) "
                                "before deleting the policy.");
    forget_compiled(policy.name);
    state_.next_policy_version.erase(policy.name);
    state_.policies.erase(policy.name);
    commit();
}

PolicyVersionView Registry::create_policy_version(std::string_view policy_name,
                                                  std::string_view document, bool set_as_default) {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::require_well_formed_policy(document);
    std::unique_lock lock(mutex_);
    auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    if (policy.versions.size() >= max_policy_versions)
        detail::throw_error(aws_errors::versions_limit_exceeded,
                            "The policy " + policy.name + " already has " +
                                std::to_string(max_policy_versions) +
                                " versions; delete one before creating another.");
    auto& next = state_.next_policy_version[policy.name];
    if (next < 2) next = 2;  // a state that predates the counter: never reuse "1"
    const std::string version_id = std::to_string(next++);
    policy.versions.push_back({version_id, std::string(document), now()});
    if (set_as_default) policy.default_version_id = version_id;
    policy.last_modified_date = policy.versions.back().creation_date;
    commit();
    return view_of(policy, policy.versions.back());
}

PolicyVersionView Registry::get_policy_version(std::string_view policy_name,
                                               std::string_view version_id) const {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::require_valid_name(NameKind::policy_version_id, version_id);
    std::shared_lock lock(mutex_);
    const auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    return view_of(policy, find_version_or_throw(policy, version_id));
}

// Newest first, as the list-policy-versions CLI example shows.
std::vector<PolicyVersionView> Registry::list_policy_versions(std::string_view policy_name) const {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::shared_lock lock(mutex_);
    const auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    std::vector<PolicyVersionView> out;
    for (auto it = policy.versions.rbegin(); it != policy.versions.rend(); ++it)
        out.push_back(view_of(policy, *it));
    return out;
}

// DeletePolicyVersion model doc: the default version goes only with DeletePolicy.
void Registry::delete_policy_version(std::string_view policy_name, std::string_view version_id) {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::require_valid_name(NameKind::policy_version_id, version_id);
    std::unique_lock lock(mutex_);
    auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    find_version_or_throw(policy, version_id);
    if (policy.default_version_id == version_id)
        detail::throw_error(aws_errors::delete_conflict,
                            "Cannot delete the default version of a policy; set another version "
                            "as default or use DeletePolicy.");
    std::erase_if(policy.versions, [&](const auto& v) { return v.version_id == version_id; });
    forget_compiled(policy.name, version_id);
    policy.last_modified_date = now();
    commit();
}

void Registry::set_default_policy_version(std::string_view policy_name,
                                          std::string_view version_id) {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::require_valid_name(NameKind::policy_version_id, version_id);
    std::unique_lock lock(mutex_);
    auto& policy = detail::find_or_throw(state_.policies, policy_name, "Policy").value;
    find_version_or_throw(policy, version_id);
    policy.default_version_id = std::string(version_id);
    policy.last_modified_date = now();
    commit();
}

// ---- attachments ----------------------------------------------------------------------------

// Idempotent (docs/aws/iot-core.md §2.5); the target must exist.
void Registry::attach_policy(std::string_view policy_name, std::string_view target) {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::unique_lock lock(mutex_);
    detail::find_or_throw(state_.policies, policy_name, "Policy");
    detail::resolve_principal(state_, account_, target, /*allow_thing_group=*/true);
    const std::string name(policy_name);
    const std::string arn(target);
    if (state_.policy_targets.contains(name) && state_.policy_targets.at(name).contains(arn))
        return;
    detail::require_policy_room(state_, arn);
    state_.policy_targets[name].insert(arn);
    commit();
}

// The DetachPolicy model lists no ResourceNotFoundException: detaching a policy that is not
// attached (or no longer exists) is a no-op success. A malformed target is still an error.
void Registry::detach_policy(std::string_view policy_name, std::string_view target) {
    detail::require_valid_name(NameKind::policy, policy_name);
    detail::parse_principal(account_, target, /*allow_thing_group=*/true);
    std::unique_lock lock(mutex_);
    if (detail::erase_from(state_.policy_targets, std::string(policy_name), std::string(target)))
        commit();
}

Page<model::Policy> Registry::list_attached_policies(std::string_view target,
                                                     const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    detail::resolve_principal(state_, account_, target, /*allow_thing_group=*/true);
    const std::string arn(target);
    return detail::paginate(
        detail::collect(state_.policies,
                        [&](const model::Policy& policy) {
                            const auto it = state_.policy_targets.find(policy.name);
                            return it != state_.policy_targets.end() && it->second.contains(arn);
                        }),
        page);
}

Page<std::string> Registry::list_targets_for_policy(std::string_view policy_name,
                                                    const PageRequest& page) const {
    detail::require_valid_name(NameKind::policy, policy_name);
    std::shared_lock lock(mutex_);
    detail::find_or_throw(state_.policies, policy_name, "Policy");
    return detail::paginate_attached(state_, account_, state_.policy_targets,
                                     std::string(policy_name), page);
}

}  // namespace iotemu::registry

namespace iotemu::registry::detail {

// AWS IoT quota: at most 10 policies attached to one certificate or other target.
constexpr std::size_t max_policies_per_target = 10;

void require_well_formed_policy(std::string_view document) {
    const auto parsed = policy::parse_document(document);
    if (!parsed) throw_error(aws_errors::malformed_policy, parsed.error().message);
}

model::Policy insert_new_policy(State& state, const model::Account& account,
                                const std::string& name, std::string_view document) {
    model::Policy policy;
    policy.name = name;
    policy.arn = account.arn("policy", name);
    policy.generation_id = random_uuid();
    policy.creation_date = policy.last_modified_date = now();
    policy.versions.push_back({"1", std::string(document), policy.creation_date});
    policy.default_version_id = "1";
    // Version ids are never reused within a policy; a policy re-created later starts at 1 again.
    state.next_policy_version[name] = 2;
    insert_new(state, state.policies, name, policy);
    return policy;
}

void require_policy_room(const State& state, const std::string& target, std::size_t adding) {
    const auto attached =
        std::count_if(state.policy_targets.begin(), state.policy_targets.end(),
                      [&](const auto& entry) { return entry.second.contains(target); });
    if (static_cast<std::size_t>(attached) + adding > max_policies_per_target)
        throw_error(aws_errors::limit_exceeded,
                    "The target " + target + " already has " + std::to_string(attached) +
                        " policies attached; at most " + std::to_string(max_policies_per_target) +
                        " are allowed.");
}

}  // namespace iotemu::registry::detail
