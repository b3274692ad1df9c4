// A statement's Condition block (IAM grammar, docs/aws/iot-core.md §5.2): compiled once from its
// JSON text, then decided per request against the connection's Variables. Sans-I/O; no JSON types
// in this header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/variables.hpp"

namespace iotemu::policy {

enum class ConditionOperator {
    string_equals,
    string_not_equals,
    string_equals_ignore_case,
    string_not_equals_ignore_case,
    string_like,
    string_not_like,
    numeric_equals,
    numeric_not_equals,
    numeric_less_than,
    numeric_less_than_equals,
    numeric_greater_than,
    numeric_greater_than_equals,
    boolean,  // "Bool"
    ip_address,
    not_ip_address,
    arn_equals,
    arn_not_equals,
    arn_like,
    arn_not_like,
    null,  // "Null": whether the key is absent
};

// `ForAnyValue:` / `ForAllValues:` in front of an operator, for multi-valued keys.
enum class SetQualifier { none, for_any_value, for_all_values };

// One operator applied to one key: {"StringEquals": {"iot:ClientId": ["a", "b"]}} is one clause.
struct ConditionClause {
    ConditionOperator op = ConditionOperator::string_equals;
    SetQualifier qualifier = SetQualifier::none;
    bool if_exists = false;        // `…IfExists`: an absent key satisfies the clause
    std::string key;               // as written, e.g. "iot:Certificate.Subject.Organization.List"
    std::vector<Template> values;  // the policy's values; variables substituted per request
};

struct Condition {
    std::vector<ConditionClause> clauses;  // all must hold
    // Operators this emulator does not evaluate (Date*, Binary*, unknown names) and shapes it
    // cannot read, in words. Non-empty means the whole Condition is `unsupported` (see
    // evaluate.hpp).
    std::vector<std::string> unsupported;
};

enum class ConditionResult { holds, fails, unsupported };

// `condition_json` is a Statement's condition_json: a JSON object of operator → {key → values}.
Condition compile_condition(std::string_view condition_json);

// IAM semantics: clauses AND together, a clause's values OR together (negated operators: none may
// match); an absent key fails a clause unless the operator is negated, `…IfExists` or
// `ForAllValues:` (IAM "condition operators", "multiple context keys or values").
ConditionResult evaluate_condition(const Condition& condition, const Variables& variables);

}  // namespace iotemu::policy
