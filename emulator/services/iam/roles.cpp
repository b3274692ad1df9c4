// IAM roles: create, read, list, delete, and what hangs off a role — managed policy
// attachments and inline policies. Every check before any change.
#include <mutex>

#include "common/aws_error.hpp"
#include "services/iam/detail.hpp"
#include "services/iam/documents.hpp"
#include "services/iam/iam.hpp"
#include "services/iam/validation.hpp"

namespace iotemu::services::iam {
namespace {

namespace q = aws_errors::query;

// IAM's default quotas (docs/aws/provisioning-and-services.md §5.2).
constexpr std::size_t max_attached_policies = 10;
constexpr std::size_t max_trust_policy_size = 2048;
constexpr std::size_t max_inline_policies_size = 10240;

void check_tags(const std::vector<Tag>& tags) {
    if (tags.size() > 50)
        validation_error("tags", std::to_string(tags.size()) + " tags",
                         "Member must have length less than or equal to 50");
    for (const auto& tag : tags) {
        check_length("tags.member.key", tag.key, 1, 128);
        check_length("tags.member.value", tag.value, 0, 256);
    }
}

}  // namespace

Role& Service::existing_role(std::string_view name) {
    return const_cast<Role&>(std::as_const(*this).existing_role(name));
}

const Role& Service::existing_role(std::string_view name) const {
    const auto it = roles_.find(detail::folded(name));
    if (it == roles_.end())
        throw AwsError(q::no_such_entity,
                       "The role with name " + std::string(name) + " cannot be found.");
    return it->second;
}

Role Service::create_role(const CreateRoleInput& input) {
    check_name("roleName", input.name, 1, 64);
    const std::string path = input.path.value_or("/");
    check_role_path("path", path);
    check_length("assumeRolePolicyDocument", input.assume_role_policy_document, 1, 131072);
    if (input.description) check_length("description", *input.description, 0, 1000);
    if (input.max_session_duration)
        check_range("maxSessionDuration", *input.max_session_duration, 3600, 43200);
    check_tags(input.tags);
    check_policy_document(input.assume_role_policy_document, DocumentKind::trust);
    if (policy_size(input.assume_role_policy_document) > max_trust_policy_size)
        throw AwsError(q::limit_exceeded, "Cannot exceed quota for ACLSizePerRole: " +
                                              std::to_string(max_trust_policy_size));

    std::unique_lock lock(mutex_);
    if (roles_.count(detail::folded(input.name)))
        throw AwsError(q::entity_already_exists,
                       "Role with name " + input.name + " already exists.");
    Role role;
    role.path = path;
    role.name = input.name;
    role.id = detail::unique_id("AROA");
    role.arn = "arn:aws:iam::" + account_id_ + ":role" + path + input.name;
    role.create_date = now();
    role.assume_role_policy_document = input.assume_role_policy_document;
    role.description = input.description;
    role.max_session_duration = static_cast<int>(input.max_session_duration.value_or(3600));
    role.tags = input.tags;
    roles_.emplace(detail::folded(input.name), role);
    return role;
}

Role Service::get_role(std::string_view name) const {
    check_name("roleName", name, 1, 64);
    std::shared_lock lock(mutex_);
    return existing_role(name);
}

Page<Role> Service::list_roles(const PageRequest& request) const {
    std::vector<std::pair<std::string, Role>> roles;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [key, role] : roles_)
            if (detail::in_path(role.path, request)) roles.emplace_back(key, role);
    }
    return detail::paginate(std::move(roles), request);
}

void Service::delete_role(std::string_view name) {
    check_name("roleName", name, 1, 64);
    std::unique_lock lock(mutex_);
    const Role& role = existing_role(name);
    if (!role.attached_policy_arns.empty())
        throw AwsError(q::delete_conflict, "Cannot delete entity, must detach all policies first.");
    if (!role.inline_policies.empty())
        throw AwsError(q::delete_conflict, "Cannot delete entity, must delete policies first.");
    roles_.erase(detail::folded(name));
}

void Service::attach_role_policy(std::string_view role_name, std::string_view policy_arn) {
    check_name("roleName", role_name, 1, 64);
    check_length("policyArn", policy_arn, 20, 2048);
    std::unique_lock lock(mutex_);
    Role& role = existing_role(role_name);
    const auto policy = policies_.find(std::string(policy_arn));
    if (policy == policies_.end())
        throw AwsError(q::no_such_entity, "Policy " + std::string(policy_arn) +
                                              " does not exist or is not attachable.");
    auto& attached = role.attached_policy_arns;
    if (std::find(attached.begin(), attached.end(), policy_arn) != attached.end()) return;
    if (attached.size() >= max_attached_policies)
        throw AwsError(q::limit_exceeded, "Cannot exceed quota for PoliciesPerRole: " +
                                              std::to_string(max_attached_policies));
    attached.emplace_back(policy_arn);
    ++policy->second.attachment_count;
}

void Service::detach_role_policy(std::string_view role_name, std::string_view policy_arn) {
    check_name("roleName", role_name, 1, 64);
    check_length("policyArn", policy_arn, 20, 2048);
    std::unique_lock lock(mutex_);
    Role& role = existing_role(role_name);
    auto& attached = role.attached_policy_arns;
    const auto it = std::find(attached.begin(), attached.end(), policy_arn);
    if (it == attached.end())
        throw AwsError(q::no_such_entity, "Policy " + std::string(policy_arn) + " was not found.");
    attached.erase(it);
    if (const auto policy = policies_.find(std::string(policy_arn)); policy != policies_.end())
        --policy->second.attachment_count;
}

Page<AttachedPolicy> Service::list_attached_role_policies(std::string_view role_name,
                                                          const PageRequest& request) const {
    check_name("roleName", role_name, 1, 64);
    std::vector<std::pair<std::string, AttachedPolicy>> attached;
    {
        std::shared_lock lock(mutex_);
        for (const auto& arn : existing_role(role_name).attached_policy_arns) {
            const auto& policy = existing_policy(arn);
            if (detail::in_path(policy.path, request))
                attached.emplace_back(policy.name, AttachedPolicy{policy.name, policy.arn});
        }
    }
    std::sort(attached.begin(), attached.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return detail::paginate(std::move(attached), request);
}

void Service::put_role_policy(std::string_view role_name, std::string_view policy_name,
                              const std::string& document) {
    check_name("roleName", role_name, 1, 64);
    check_name("policyName", policy_name, 1, 128);
    check_length("policyDocument", document, 1, 131072);
    check_policy_document(document, DocumentKind::permissions);
    std::unique_lock lock(mutex_);
    Role& role = existing_role(role_name);
    std::size_t total = policy_size(document);
    for (const auto& [name, other] : role.inline_policies)
        if (name != policy_name) total += policy_size(other);
    if (total > max_inline_policies_size)
        throw AwsError(q::limit_exceeded, "Maximum policy size of " +
                                              std::to_string(max_inline_policies_size) +
                                              " bytes exceeded for role " + role.name);
    role.inline_policies[std::string(policy_name)] = document;
}

std::string Service::get_role_policy(std::string_view role_name,
                                     std::string_view policy_name) const {
    check_name("roleName", role_name, 1, 64);
    check_name("policyName", policy_name, 1, 128);
    std::shared_lock lock(mutex_);
    const Role& role = existing_role(role_name);
    const auto it = role.inline_policies.find(std::string(policy_name));
    if (it == role.inline_policies.end())
        throw AwsError(q::no_such_entity, "The role policy with name " + std::string(policy_name) +
                                              " cannot be found.");
    return it->second;
}

void Service::delete_role_policy(std::string_view role_name, std::string_view policy_name) {
    check_name("roleName", role_name, 1, 64);
    check_name("policyName", policy_name, 1, 128);
    std::unique_lock lock(mutex_);
    Role& role = existing_role(role_name);
    if (role.inline_policies.erase(std::string(policy_name)) == 0)
        throw AwsError(q::no_such_entity, "The role policy with name " + std::string(policy_name) +
                                              " cannot be found.");
}

Page<std::string> Service::list_role_policies(std::string_view role_name,
                                              const PageRequest& request) const {
    check_name("roleName", role_name, 1, 64);
    std::vector<std::pair<std::string, std::string>> names;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [name, document] : existing_role(role_name).inline_policies)
            names.emplace_back(name, name);
    }
    return detail::paginate(std::move(names), request);
}

}  // namespace iotemu::services::iam
