// STS's two operations over an in-memory map of the sessions it issued; expired sessions are
// dropped as new ones arrive, so the map stays as small as the live sessions.
#include "services/sts/sts.hpp"

#include <chrono>

#include "common/aws_error.hpp"
#include "common/base64.hpp"
#include "common/random.hpp"
#include "services/iam/validation.hpp"

namespace iotemu::services::sts {
namespace {

constexpr std::string_view secret_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct RoleArn {
    std::string account;
    std::string name;  // the last path segment
};

// arn:aws:iam::<12 digits>:role/<path/><name>
std::optional<RoleArn> parse_role_arn(std::string_view arn) {
    constexpr std::string_view prefix = "arn:aws:iam::";
    if (arn.substr(0, prefix.size()) != prefix) return std::nullopt;
    arn.remove_prefix(prefix.size());
    const auto colon = arn.find(':');
    if (colon != 12) return std::nullopt;
    for (const char c : arn.substr(0, 12))
        if (c < '0' || c > '9') return std::nullopt;
    RoleArn out{std::string(arn.substr(0, 12)), {}};
    arn.remove_prefix(13);
    if (arn.substr(0, 5) != "role/") return std::nullopt;
    const auto name = arn.substr(arn.rfind('/') + 1);
    if (name.empty()) return std::nullopt;
    out.name = std::string(name);
    return out;
}

}  // namespace

Service::Service(std::string account_id) : account_id_(std::move(account_id)) {}

CallerIdentity Service::caller_identity(std::string_view access_key_id) const {
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(access_key_id);
        if (it != sessions_.end() && it->second.expiration > now()) return it->second.identity;
    }
    // Everyone else is the account's root user, whose user id is the account id.
    return {account_id_, account_id_, "arn:aws:iam::" + account_id_ + ":root"};
}

AssumedRole Service::assume_role(const AssumeRoleInput& input) {
    iam::check_length("roleArn", input.role_arn, 20, 2048);
    iam::check_name("roleSessionName", input.role_session_name, 2, 64);
    const auto duration = input.duration_seconds.value_or(3600);
    iam::check_range("durationSeconds", duration, 900, 43200);
    const auto role = parse_role_arn(input.role_arn);
    if (!role)
        throw AwsError(
            aws_errors::query::validation_error,
            input.role_arn + " is not a valid role ARN (arn:aws:iam::<account>:role/<name>)");

    AssumedRole out;
    out.credentials.access_key_id = "ASIA" + random_text(16, upper_alphanumeric);
    out.credentials.secret_access_key = random_text(40, secret_alphabet);
    out.credentials.session_token = base64_encode("iot-emulator session " + random_hex(96));
    out.credentials.expiration = now() + std::chrono::seconds(duration);
    out.arn = "arn:aws:sts::" + role->account + ":assumed-role/" + role->name + "/" +
              input.role_session_name;

    std::lock_guard lock(mutex_);
    auto [role_id, fresh] = role_ids_.try_emplace(input.role_arn);
    if (fresh) role_id->second = "AROA" + random_text(17, upper_alphanumeric);
    out.assumed_role_id = role_id->second + ":" + input.role_session_name;
    std::erase_if(sessions_, [](const auto& entry) { return entry.second.expiration <= now(); });
    sessions_[out.credentials.access_key_id] = {{out.assumed_role_id, role->account, out.arn},
                                                out.credentials.expiration};
    return out;
}

}  // namespace iotemu::services::sts
