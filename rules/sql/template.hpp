// Substitution templates: `${expression}` inside a rule action's parameters (a republish topic,
// a Lambda functionArn, an HTTP URL) [DG iot-substitution-templates]. Parsed once with the rule,
// rendered per message. The expressions see the *original* message, never the SELECT output (so
// no AS alias), exactly as AWS evaluates them. Sans-I/O, like the rest of rules/sql.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql {

class Template {
public:
    const std::string& text() const { return text_; }  // as written in the action
    bool has_substitutions() const;

private:
    friend Result<Template, ParseError> parse_template(std::string_view text, SqlVersion version);
    friend std::string render(const Template& tmpl, std::string_view payload,
                              const Context& context);

    struct Part {
        std::string literal;                  // text before the expression (or the tail)
        std::optional<Statement> expression;  // `SELECT VALUE <expr> FROM …`, when present
    };
    std::string text_;
    std::vector<Part> parts_;
};

// Splits `text` into literal text and `${…}` expressions (an expression may hold braces and
// quoted strings). A malformed or unknown expression is a ParseError whose position is the byte
// offset in `text`, so CreateTopicRule can point at it.
Result<Template, ParseError> parse_template(std::string_view text,
                                            SqlVersion version = SqlVersion::v2015_10_08);

// The template with every expression replaced by its value over the message: strings as they
// are, other values as JSON text, Undefined as nothing. `payload` is the raw message.
std::string render(const Template& tmpl, std::string_view payload, const Context& context);

}  // namespace iotemu::rules::sql
