// iam::Service: the IAM entities onboarding scripts create — roles with their trust policy,
// customer managed policies with versions, AWS managed policies known to exist, attachments and
// inline role policies — with IAM's rules for each operation (docs/aws/provisioning-and-services.md
// §5.2). Global to the account, as IAM is. Values in, values out; a broken rule throws AwsError
// with IAM's short code, and a failed call changes nothing. Thread-safe (one lock, shared for
// reads). Nothing else in the emulator consults it: roles and policies are never enforced.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"

namespace iotemu::services::iam {

struct Tag {
    std::string key;
    std::string value;
};

struct Role {
    std::string path = "/";
    std::string name;
    std::string id;   // "AROA" + 17 characters
    std::string arn;  // arn:aws:iam::<account>:role<path><name>
    Timestamp create_date;
    std::string assume_role_policy_document;  // JSON text as given
    std::optional<std::string> description;
    int max_session_duration = 3600;
    std::vector<Tag> tags;
    std::vector<std::string> attached_policy_arns;       // in attach order
    std::map<std::string, std::string> inline_policies;  // name → document
};

struct PolicyVersion {
    std::string version_id;  // "v1", "v2", …
    std::string document;    // JSON text as given
    Timestamp create_date;
    bool is_default = false;
};

struct ManagedPolicy {
    std::string name;
    std::string id;   // "ANPA" + 17 characters
    std::string arn;  // arn:aws:iam::<account>:policy<path><name>, or arn:aws:iam::aws:policy/…
    std::string path = "/";
    std::optional<std::string> description;
    std::string default_version_id = "v1";
    int attachment_count = 0;
    bool aws_managed = false;
    Timestamp create_date;
    Timestamp update_date;
    std::vector<Tag> tags;
    std::vector<PolicyVersion> versions;  // oldest first; is_default kept current
    int next_version = 2;
};

struct AttachedPolicy {
    std::string name;
    std::string arn;
};

struct CreateRoleInput {
    std::string name;
    std::optional<std::string> path;
    std::string assume_role_policy_document;
    std::optional<std::string> description;
    std::optional<std::int64_t> max_session_duration;
    std::vector<Tag> tags;
};

struct CreatePolicyInput {
    std::string name;
    std::optional<std::string> path;
    std::string document;
    std::optional<std::string> description;
    std::vector<Tag> tags;
};

// Marker-paged lists (IAM's Marker/MaxItems/IsTruncated); PathPrefix where the operation has it.
struct PageRequest {
    std::optional<std::string> marker;
    std::optional<std::int64_t> max_items;  // 1..1000, default 100
    std::optional<std::string> path_prefix;
};

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> marker;  // set when truncated
};

enum class PolicyScope { all, aws, local };

class Service {
public:
    // The AWS managed policies (aws_managed_policies.cpp) exist from the start.
    explicit Service(std::string account_id);

    const std::string& account_id() const { return account_id_; }

    Role create_role(const CreateRoleInput& input);
    Role get_role(std::string_view name) const;
    Page<Role> list_roles(const PageRequest& request) const;
    void delete_role(std::string_view name);

    ManagedPolicy create_policy(const CreatePolicyInput& input);
    ManagedPolicy get_policy(std::string_view arn) const;
    Page<ManagedPolicy> list_policies(const PageRequest& request, PolicyScope scope,
                                      bool only_attached) const;
    void delete_policy(std::string_view arn);

    PolicyVersion create_policy_version(std::string_view arn, const std::string& document,
                                        bool set_as_default);
    PolicyVersion get_policy_version(std::string_view arn, std::string_view version_id) const;
    Page<PolicyVersion> list_policy_versions(std::string_view arn,
                                             const PageRequest& request) const;
    void delete_policy_version(std::string_view arn, std::string_view version_id);
    void set_default_policy_version(std::string_view arn, std::string_view version_id);

    void attach_role_policy(std::string_view role_name, std::string_view policy_arn);
    void detach_role_policy(std::string_view role_name, std::string_view policy_arn);
    Page<AttachedPolicy> list_attached_role_policies(std::string_view role_name,
                                                     const PageRequest& request) const;

    void put_role_policy(std::string_view role_name, std::string_view policy_name,
                         const std::string& document);
    std::string get_role_policy(std::string_view role_name, std::string_view policy_name) const;
    void delete_role_policy(std::string_view role_name, std::string_view policy_name);
    Page<std::string> list_role_policies(std::string_view role_name,
                                         const PageRequest& request) const;

private:
    Role& existing_role(std::string_view name);
    const Role& existing_role(std::string_view name) const;
    ManagedPolicy& existing_policy(std::string_view arn);
    const ManagedPolicy& existing_policy(std::string_view arn) const;
    ManagedPolicy& customer_policy(std::string_view arn);  // refuses AWS managed ones

    std::string account_id_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, Role> roles_;              // by lower-cased name: IAM ignores case
    std::map<std::string, ManagedPolicy> policies_;  // by ARN
};

}  // namespace iotemu::services::iam
