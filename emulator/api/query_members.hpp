// The query protocol's request members read from a Call (STS, IAM): required strings, integers,
// booleans and lists of structures ("Tags.member.1.Key"), each failure worded as these services
// word a ValidationError. Internal to api/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/call.hpp"

namespace iotemu::api::query_members {

std::string required(const Call& call, std::string_view name);
std::optional<std::int64_t> integer(const Call& call, std::string_view name);
std::optional<bool> boolean(const Call& call, std::string_view name);
// <list>.member.<n>.<field>, n from 1, in order; a gap ends the list.
std::vector<std::map<std::string, std::string>> structures(const Call& call, std::string_view list);

}  // namespace iotemu::api::query_members
