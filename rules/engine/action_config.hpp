// Reading an action's JSON configuration: typed members with AWS-style InvalidRequestException
// messages, substitution templates, and the per-kind parsers action_kinds.cpp lists. Internal to
// rules/engine; never runs anything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "rules/engine/action.hpp"
#include "rules/sql/template.hpp"

namespace iotemu::rules::detail {

// Throws AwsError InvalidRequestException.
[[noreturn]] void invalid_action(std::string message);

// `where` is the action's path in messages, e.g. "actions[1].republish".
std::string required_string(const nlohmann::json& config, std::string_view member,
                            std::string_view where);
std::optional<std::string> optional_string(const nlohmann::json& config, std::string_view member,
                                           std::string_view where);
std::optional<std::int64_t> optional_int(const nlohmann::json& config, std::string_view member,
                                         std::string_view where);
// A member that is a substitution template; a bad expression names the member.
sql::Template template_of(const std::string& text, std::string_view member, std::string_view where,
                          sql::SqlVersion version);

using ActionParser = std::shared_ptr<const Action> (*)(const nlohmann::json& config,
                                                       std::string_view where,
                                                       sql::SqlVersion version);

// One per kind, each in its own file.
std::shared_ptr<const Action> parse_lambda_action(const nlohmann::json& config,
                                                  std::string_view where, sql::SqlVersion version);
std::shared_ptr<const Action> parse_republish_action(const nlohmann::json& config,
                                                     std::string_view where,
                                                     sql::SqlVersion version);
std::shared_ptr<const Action> parse_http_action(const nlohmann::json& config,
                                                std::string_view where, sql::SqlVersion version);

}  // namespace iotemu::rules::detail
