// Parses an IoT policy document's JSON into a Document and says in one sentence what is wrong with
// a malformed one (CreatePolicy's MalformedPolicyException, docs/aws/iot-core.md §2.5). No
// evaluation here, and no exceptions escape: nlohmann is used in its non-throwing mode.
#include "policy/document.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"

namespace iotemu::policy {
namespace {

using nlohmann::json;
using Failure = Unexpected<ParseError>;

// AWS's documented limit: "maximum length of 2048, excluding whitespace" (CreatePolicy model doc).
constexpr std::size_t max_non_whitespace_length = 2048;

Failure fail(std::string message) { return Failure{ParseError{std::move(message)}}; }

std::string statement_label(std::size_t index) { return "Statement " + std::to_string(index + 1); }

// Object keys outside `allowed` make the document malformed (IAM grammar,
// docs/aws/iot-core.md §5.2).
Result<void, ParseError> check_keys(const json& object,
                                    std::initializer_list<std::string_view> allowed,
                                    const std::string& where) {
    for (const auto& [key, value] : object.items()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            return fail(where + " has an unknown key \"" + key + "\"");
    }
    return {};
}

// "Action", "Resource" and their Not* forms: one string or a non-empty array of strings.
Result<std::vector<std::string>, ParseError> string_list(const json& value,
                                                         const std::string& where) {
    std::vector<std::string> out;
    if (value.is_string()) {
        out.push_back(value.get<std::string>());
    } else if (value.is_array() && !value.empty()) {
        for (const auto& item : value) {
            if (!item.is_string()) return fail(where + " must contain only strings");
            out.push_back(item.get<std::string>());
        }
    } else {
        return fail(where + " must be a string or a non-empty array of strings");
    }
    for (const auto& text : out)
        if (text.empty()) return fail(where + " must not contain an empty string");
    return out;
}

// Reads exactly one of `key` / `not_key` into the matching list.
Result<void, ParseError> read_either(const json& statement, const std::string& label,
                                     const std::string& key, std::vector<std::string>& positive,
                                     std::vector<std::string>& negative) {
    const std::string not_key = "Not" + key;
    const bool has_key = statement.contains(key);
    const bool has_not_key = statement.contains(not_key);
    if (has_key == has_not_key)
        return fail(label + " must have exactly one of \"" + key + "\" or \"" + not_key + "\"");
    const std::string& used = has_key ? key : not_key;
    auto values = string_list(statement.at(used), label + " \"" + used + "\"");
    if (!values) return Failure{values.error()};
    (has_key ? positive : negative) = std::move(values).value();
    return {};
}

Result<Statement, ParseError> read_statement(const json& node, std::size_t index) {
    const std::string label = statement_label(index);
    if (!node.is_object()) return fail(label + " must be a JSON object");
    if (auto keys = check_keys(
            node, {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"},
            label);
        !keys)
        return Failure{keys.error()};

    Statement statement;
    if (node.contains("Sid") && !node.at("Sid").is_string())
        return fail(label + " \"Sid\" must be a string");

    if (!node.contains("Effect")) return fail(label + " is missing \"Effect\"");
    const json& effect = node.at("Effect");
    if (effect == "Allow")
        statement.effect = Effect::allow;
    else if (effect == "Deny")
        statement.effect = Effect::deny;
    else
        return fail(label + " \"Effect\" must be \"Allow\" or \"Deny\"");

    if (auto r = read_either(node, label, "Action", statement.actions, statement.not_actions); !r)
        return Failure{r.error()};
    if (auto r = read_either(node, label, "Resource", statement.resources, statement.not_resources);
        !r)
        return Failure{r.error()};

    if (node.contains("Condition")) {
        const json& condition = node.at("Condition");
        if (!condition.is_object()) return fail(label + " \"Condition\" must be a JSON object");
        statement.condition_json = condition.dump();
    }
    return statement;
}

std::size_t non_whitespace_length(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); }));
}

}  // namespace

Result<Document, ParseError> parse_document(std::string_view text) {
    const std::size_t length = non_whitespace_length(text);
    if (length == 0) return fail("The policy document is empty");
    if (length > max_non_whitespace_length)
        return fail("The policy document is longer than " +
                    std::to_string(max_non_whitespace_length) +
                    " characters, not counting whitespace");

    if (!json_depth_within(text))
        return fail("The policy document nests more than " + std::to_string(max_json_depth) +
                    " arrays or objects");
    const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return fail("The policy document is not valid JSON");
    if (!root.is_object()) return fail("The policy document must be a JSON object");
    if (auto keys = check_keys(root, {"Version", "Statement", "Id"}, "The policy document"); !keys)
        return Failure{keys.error()};

    Document document;
    if (root.contains("Version")) {
        if (!root.at("Version").is_string()) return fail("\"Version\" must be a string");
        document.version = root.at("Version").get<std::string>();
    }
    if (root.contains("Id") && !root.at("Id").is_string()) return fail("\"Id\" must be a string");

    if (!root.contains("Statement")) return fail("The policy document is missing \"Statement\"");
    const json& statements = root.at("Statement");
    if (statements.is_array() && statements.empty())
        return fail("\"Statement\" must not be an empty array");
    if (!statements.is_array() && !statements.is_object())
        return fail("\"Statement\" must be a JSON object or an array of objects");

    // A single statement object is shorthand for a one-element array (IAM grammar).
    const json list = statements.is_array() ? statements : json::array({statements});
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto statement = read_statement(list[i], i);
        if (!statement) return Failure{statement.error()};
        document.statements.push_back(std::move(statement).value());
    }
    return document;
}

}  // namespace iotemu::policy
