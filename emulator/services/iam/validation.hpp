// The IAM and STS models' member constraints (lengths, the name character class, paths) and the
// ValidationError they answer, worded as AWS words it. Shared by the iam and sts cores. std only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace iotemu::services::iam {

// "1 validation error detected: Value '<value>' at '<member>' failed to satisfy constraint:
// <constraint>" as AwsError ValidationError. `member` is the model's name in lowerCamel
// ("roleName").
[[noreturn]] void validation_error(std::string_view member, std::string_view value,
                                   std::string_view constraint);

void check_length(std::string_view member, std::string_view value, std::size_t min,
                  std::size_t max);
void check_range(std::string_view member, std::int64_t value, std::int64_t min, std::int64_t max);
// Role, policy and session names: [\w+=,.@-] (\w = [A-Za-z0-9_]), `min`..`max` characters.
void check_name(std::string_view member, std::string_view value, std::size_t min, std::size_t max);
// A role's path: "/" or "/…/" with printable ASCII between, at most 512 characters.
void check_role_path(std::string_view member, std::string_view value);
// A policy's path: "/" or "/segment/…/" with [A-Za-z0-9.,+@=_-] segments.
void check_policy_path(std::string_view member, std::string_view value);
// A policy version id: v1, v2, … (optionally ".suffix").
void check_version_id(std::string_view member, std::string_view value);

}  // namespace iotemu::services::iam
