// IAM managed policies: the AWS managed ones seeded at start, customer managed ones created
// here, and their versions (at most five, one default). Every check before any change.
#include <cstdio>
#include <mutex>

#include "common/aws_error.hpp"
#include "services/iam/aws_managed_policies.hpp"
#include "services/iam/detail.hpp"
#include "services/iam/documents.hpp"
#include "services/iam/iam.hpp"
#include "services/iam/validation.hpp"

namespace iotemu::services::iam {
namespace {

namespace q = aws_errors::query;

constexpr std::size_t max_versions = 5;
constexpr std::size_t max_managed_policy_size = 6144;

void check_arn(std::string_view arn) {
    check_length("policyArn", arn, 20, 2048);
    const bool looks_right =
        arn.substr(0, 13) == "arn:aws:iam::" && arn.find(":policy/") != std::string_view::npos;
    if (!looks_right)
        throw AwsError(q::invalid_input, "ARN " + std::string(arn) + " is not valid.");
}

void check_document(const std::string& document) {
    check_length("policyDocument", document, 1, 131072);
    check_policy_document(document, DocumentKind::permissions);
    if (policy_size(document) > max_managed_policy_size)
        throw AwsError(q::limit_exceeded, "Cannot exceed quota for PolicySize: " +
                                              std::to_string(max_managed_policy_size));
}

// A policy's version, const or not as the policy is.
template <class Policy>
auto& version_of(Policy& policy, std::string_view version_id) {
    for (auto& version : policy.versions)
        if (version.version_id == version_id) return version;
    throw AwsError(q::no_such_entity, "Policy " + policy.arn + " version " +
                                          std::string(version_id) +
                                          " does not exist or is not "
                                          "attachable.");
}

void make_default(ManagedPolicy& policy, std::string_view version_id) {
    for (auto& version : policy.versions) version.is_default = version.version_id == version_id;
    policy.default_version_id = std::string(version_id);
    policy.update_date = now();
}

}  // namespace

Service::Service(std::string account_id) : account_id_(std::move(account_id)) {
    const auto seeded = now();
    for (const auto& aws : aws_managed_policies()) {
        ManagedPolicy policy;
        policy.name = std::string(aws.name);
        policy.path = std::string(aws.path);
        policy.arn = "arn:aws:iam::aws:policy" + policy.path + policy.name;
        policy.id = detail::unique_id("ANPA");
        policy.description = std::string(aws.description);
        policy.aws_managed = true;
        policy.create_date = policy.update_date = seeded;
        policy.versions.push_back({"v1", std::string(aws.document), seeded, true});
        policies_.emplace(policy.arn, std::move(policy));
    }
}

ManagedPolicy& Service::existing_policy(std::string_view arn) {
    return const_cast<ManagedPolicy&>(std::as_const(*this).existing_policy(arn));
}

const ManagedPolicy& Service::existing_policy(std::string_view arn) const {
    const auto it = policies_.find(std::string(arn));
    if (it == policies_.end())
        throw AwsError(q::no_such_entity,
                       "Policy " + std::string(arn) + " does not exist or is not attachable.");
    return it->second;
}

ManagedPolicy& Service::customer_policy(std::string_view arn) {
    ManagedPolicy& policy = existing_policy(arn);
    if (policy.aws_managed)
        throw AwsError(q::invalid_input,
                       "Policy " + policy.arn + " is an AWS managed policy and cannot be changed.");
    return policy;
}

ManagedPolicy Service::create_policy(const CreatePolicyInput& input) {
    check_name("policyName", input.name, 1, 128);
    const std::string path = input.path.value_or("/");
    check_policy_path("path", path);
    if (input.description) check_length("description", *input.description, 0, 1000);
    check_document(input.document);

    std::unique_lock lock(mutex_);
    const auto name = detail::folded(input.name);
    for (const auto& [arn, existing] : policies_)
        if (!existing.aws_managed && detail::folded(existing.name) == name)
            throw AwsError(q::entity_already_exists,
                           "A policy called " + input.name +
                               " already exists. Duplicate names are not allowed.");
    ManagedPolicy policy;
    policy.name = input.name;
    policy.path = path;
    policy.arn = "arn:aws:iam::" + account_id_ + ":policy" + path + input.name;
    policy.id = detail::unique_id("ANPA");
    policy.description = input.description;
    policy.create_date = policy.update_date = now();
    policy.tags = input.tags;
    policy.versions.push_back({"v1", input.document, policy.create_date, true});
    policies_.emplace(policy.arn, policy);
    return policy;
}

ManagedPolicy Service::get_policy(std::string_view arn) const {
    check_arn(arn);
    std::shared_lock lock(mutex_);
    return existing_policy(arn);
}

Page<ManagedPolicy> Service::list_policies(const PageRequest& request, PolicyScope scope,
                                           bool only_attached) const {
    std::vector<std::pair<std::string, ManagedPolicy>> policies;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [arn, policy] : policies_) {
            if (scope == PolicyScope::aws && !policy.aws_managed) continue;
            if (scope == PolicyScope::local && policy.aws_managed) continue;
            if (only_attached && policy.attachment_count == 0) continue;
            if (detail::in_path(policy.path, request)) policies.emplace_back(arn, policy);
        }
    }
    return detail::paginate(std::move(policies), request);
}

void Service::delete_policy(std::string_view arn) {
    check_arn(arn);
    std::unique_lock lock(mutex_);
    const ManagedPolicy& policy = customer_policy(arn);
    if (policy.attachment_count > 0)
        throw AwsError(q::delete_conflict, "Cannot delete a policy attached to entities.");
    if (policy.versions.size() > 1)
        throw AwsError(q::delete_conflict,
                       "This policy has more than one version. Before you delete a policy, you "
                       "must delete the policy's versions. The default version is deleted with "
                       "the policy.");
    policies_.erase(std::string(arn));
}

PolicyVersion Service::create_policy_version(std::string_view arn, const std::string& document,
                                             bool set_as_default) {
    check_arn(arn);
    check_document(document);
    std::unique_lock lock(mutex_);
    ManagedPolicy& policy = customer_policy(arn);
    if (policy.versions.size() >= max_versions)
        throw AwsError(q::limit_exceeded,
                       "A managed policy can have up to 5 versions. Before you create a new "
                       "version, you must delete an existing version.");
    PolicyVersion version{"v" + std::to_string(policy.next_version++), document, now(), false};
    policy.versions.push_back(version);
    policy.update_date = version.create_date;
    if (set_as_default) make_default(policy, version.version_id);
    return policy.versions.back();
}

PolicyVersion Service::get_policy_version(std::string_view arn, std::string_view version_id) const {
    check_arn(arn);
    check_version_id("versionId", version_id);
    std::shared_lock lock(mutex_);
    return version_of(existing_policy(arn), version_id);
}

Page<PolicyVersion> Service::list_policy_versions(std::string_view arn,
                                                  const PageRequest& request) const {
    check_arn(arn);
    std::vector<std::pair<std::string, PolicyVersion>> versions;
    {
        std::shared_lock lock(mutex_);
        const auto& policy = existing_policy(arn);
        // Newest first, as IAM lists them; the marker is the version's position.
        for (auto it = policy.versions.rbegin(); it != policy.versions.rend(); ++it) {
            char key[8];
            std::snprintf(key, sizeof key, "%06zu", versions.size());
            versions.emplace_back(key, *it);
        }
    }
    return detail::paginate(std::move(versions), request);
}

void Service::delete_policy_version(std::string_view arn, std::string_view version_id) {
    check_arn(arn);
    check_version_id("versionId", version_id);
    std::unique_lock lock(mutex_);
    ManagedPolicy& policy = customer_policy(arn);
    if (version_of(policy, version_id).is_default)
        throw AwsError(q::delete_conflict, "Cannot delete the default version of a policy.");
    std::erase_if(policy.versions, [&](const auto& v) { return v.version_id == version_id; });
}

void Service::set_default_policy_version(std::string_view arn, std::string_view version_id) {
    check_arn(arn);
    check_version_id("versionId", version_id);
    std::unique_lock lock(mutex_);
    ManagedPolicy& policy = customer_policy(arn);
    version_of(policy, version_id);
    make_default(policy, version_id);
}

}  // namespace iotemu::services::iam
