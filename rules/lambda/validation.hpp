// Lambda's rules for a function's settings at CreateFunction / UpdateFunctionConfiguration:
// names, runtimes the emulator can run, handlers, roles, limits, environment variables. Each
// check throws AwsError (InvalidParameterValueException or ValidationException, as AWS answers)
// and changes nothing. std only.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rules/lambda/function.hpp"

namespace iotemu::lambda {

// A new function's name: 1-64 of [a-zA-Z0-9-_].
void check_new_function_name(std::string_view name);

// python3.x → python, nodejs* → node; other runtimes of the model are refused with a message
// saying what the emulator runs; names outside the model's enum are refused as AWS does.
RuntimeFamily check_runtime(std::string_view runtime);

// `file.function` (a path with '/' allowed before the last '.'), no whitespace, ≤ 128 chars.
void check_handler(std::string_view handler);

// arn:aws:iam::<12 digits>:role/<name>.
void check_role(std::string_view role);

void check_timeout(int seconds);                       // 1..900
void check_memory_size(int megabytes);                 // 128..10240
void check_description(std::string_view description);  // ≤ 256
// Keys [a-zA-Z][a-zA-Z0-9_]+, none of Lambda's reserved ones, 4 KB in all.
void check_environment(const std::map<std::string, std::string>& variables);

// Throws AWS's ValidationException: "1 validation error detected: Value '<value>' at '<member>'
// failed to satisfy constraint: <rule>".
[[noreturn]] void throw_constraint_violation(std::string_view member, std::string_view value,
                                             std::string_view rule);

// Every present member of `settings`.
void check_settings(const FunctionSettings& settings);

}  // namespace iotemu::lambda
