// Substitution templates (template.hpp). Each `${expr}` becomes the statement
// `SELECT VALUE <expr> FROM '#'`, so the expression grammar, the function table and the version
// checks are the parser's own, and evaluation is evaluate()'s.
#include "rules/sql/template.hpp"

#include <nlohmann/json.hpp>

#include "rules/sql/value.hpp"

namespace iotemu::rules::sql {
namespace {

constexpr std::string_view wrapper_head = "SELECT VALUE ";
constexpr std::string_view wrapper_tail = " FROM '#'";

// The offset of the `}` closing an expression that starts at `from`, skipping quoted strings and
// nested braces (object literals); npos when there is none.
std::size_t closing_brace(std::string_view text, std::size_t from) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = from; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == '\\')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}') {
            if (depth == 0) return i;
            --depth;
        }
    }
    return std::string_view::npos;
}

// Moves a parser error from the wrapped statement back into the template's own coordinates.
ParseError relocate(ParseError error, std::size_t expression_at, std::size_t expression_size) {
    std::size_t offset =
        error.position >= wrapper_head.size() ? error.position - wrapper_head.size() : 0;
    if (offset > expression_size) offset = expression_size;
    error.position = expression_at + offset;
    if (const auto at = error.message.rfind(" at column "); at != std::string::npos)
        error.message.erase(at);
    error.message = "substitution template: " + error.message + " at column " +
                    std::to_string(error.position + 1);
    return error;
}

std::string text_of(const nlohmann::json& value) {
    if (detail::is_undefined(value)) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_binary()) {
        const auto& bytes = value.get_binary();
        return std::string(bytes.begin(), bytes.end());
    }
    return detail::dump(value);
}

}  // namespace

bool Template::has_substitutions() const {
    for (const auto& part : parts_)
        if (part.expression) return true;
    return false;
}

Result<Template, ParseError> parse_template(std::string_view text, SqlVersion version) {
    Template out;
    out.text_ = std::string(text);
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 2, "${") != 0) {
            literal.push_back(text[i++]);
            continue;
        }
        const std::size_t start = i + 2;
        const std::size_t end = closing_brace(text, start);
        if (end == std::string_view::npos)
            return Unexpected{
                ParseError{"substitution template: '${' without a closing '}' at column " +
                               std::to_string(i + 1),
                           i}};
        const auto expression = text.substr(start, end - start);
        std::string wrapped(wrapper_head);
        wrapped.append(expression).append(wrapper_tail);
        auto statement = parse(wrapped, version);
        if (!statement) return Unexpected{relocate(statement.error(), start, expression.size())};
        out.parts_.push_back(Template::Part{std::move(literal), std::move(*statement)});
        literal.clear();
        i = end + 1;
    }
    if (!literal.empty() || out.parts_.empty())
        out.parts_.push_back(Template::Part{std::move(literal), std::nullopt});
    return out;
}

std::string render(const Template& tmpl, std::string_view payload, const Context& context) {
    std::string out;
    for (const auto& part : tmpl.parts_) {
        out += part.literal;
        if (!part.expression) continue;
        if (const auto value = evaluate(*part.expression, payload, context)) out += text_of(*value);
    }
    return out;
}

}  // namespace iotemu::rules::sql
