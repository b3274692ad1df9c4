// IoT policy documents (docs/aws/iot-core.md §5): the IAM-shaped JSON parsed into statements.
// Parsing is where CreatePolicy's MalformedPolicyException comes from; evaluation against a request
// comes later, over the same Document. Sans-I/O; the header needs no JSON library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace iotemu::policy {

enum class Effect { allow, deny };

struct Statement {
    Effect effect = Effect::allow;
    std::vector<std::string> actions;           // "Action" (string or list), e.g. "iot:Publish"
    std::vector<std::string> not_actions;       // "NotAction"
    std::vector<std::string> resources;         // "Resource" (string or list), ARNs with * and ?
    std::vector<std::string> not_resources;     // "NotResource"
    std::optional<std::string> condition_json;  // "Condition" kept as JSON text, evaluated later
};

struct Document {
    std::optional<std::string> version;  // "2012-10-17" or absent
    std::vector<Statement> statements;
};

// Why a document is malformed, in a sentence for MalformedPolicyException's message.
struct ParseError {
    std::string message;
};

Result<Document, ParseError> parse_document(std::string_view text);

}  // namespace iotemu::policy
