// sts::Service: who a caller is (GetCallerIdentity) and role sessions (AssumeRole) for one
// account (docs/aws/provisioning-and-services.md §5.1). Credentials are never checked: any access
// key is the account's root user, except the keys AssumeRole handed out, which are their role
// session until they expire. The credentials it issues are well formed and mean nothing.
// Values in, values out; a broken rule throws AwsError. Thread-safe. std only.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace iotemu::services::sts {

struct CallerIdentity {
    std::string user_id;
    std::string account;
    std::string arn;
};

struct Credentials {
    std::string access_key_id;  // "ASIA" + 16 characters
    std::string secret_access_key;
    std::string session_token;
    Timestamp expiration;
};

struct AssumeRoleInput {
    std::string role_arn;
    std::string role_session_name;
    std::optional<std::int64_t> duration_seconds;  // 900..43200, default 3600
};

struct AssumedRole {
    Credentials credentials;
    std::string assumed_role_id;  // "<role id>:<session name>"
    std::string arn;              // arn:aws:sts::<account>:assumed-role/<role name>/<session>
};

class Service {
public:
    explicit Service(std::string account_id);

    CallerIdentity caller_identity(std::string_view access_key_id) const;
    AssumedRole assume_role(const AssumeRoleInput& input);

private:
    struct Session {
        CallerIdentity identity;
        Timestamp expiration;
    };

    std::string account_id_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string, std::less<>> role_ids_;  // role ARN → its "AROA…" id
    std::map<std::string, Session, std::less<>> sessions_;      // access key id → session
};

}  // namespace iotemu::services::sts
