// IoT SQL operands: literals, names, calls (resolved against the function table), cast(), CASE,
// parenthesised and nested SELECTs, array and object literals. See parser.cpp for the grammar.
#include <array>
#include <charconv>

#include "rules/sql/functions.hpp"
#include "rules/sql/parser_impl.hpp"

namespace iotemu::rules::sql::detail {
namespace {

constexpr std::array<std::string_view, 16> reserved = {
    "select", "from", "where", "as",   "and",  "or",  "not",  "is",
    "in",     "case", "when",  "then", "else", "end", "true", "false"};

}  // namespace

ExprPtr Parser::primary() {
    const Token& token = take();
    switch (token.kind) {
        case TokenKind::integer:
        case TokenKind::decimal:
            return number(token);
        case TokenKind::single_quoted:
        case TokenKind::double_quoted: {
            Literal literal;
            literal.kind = LiteralKind::string;
            literal.string = token.text;
            return make(token.position, std::move(literal));
        }
        case TokenKind::star:
            return make(token.position, Star{});
        case TokenKind::lparen: {
            if (accept_keyword("SELECT")) {
                require_2016(token.position, "a nested SELECT");
                auto query = select_body(false);
                expect(TokenKind::rparen, "')'");
                return make(token.position, Subquery{std::move(query)});
            }
            auto inner = expression();
            expect(TokenKind::rparen, "')'");
            return inner;
        }
        case TokenKind::lbracket: {
            require_2016(token.position, "an array literal");
            return make(token.position, ArrayLiteral{list(TokenKind::rbracket, "']'")});
        }
        case TokenKind::lbrace: {
            require_2016(token.position, "an object literal");
            ObjectLiteral object;
            if (!accept(TokenKind::rbrace)) {
                do {
                    const Token& key = take();
                    if (key.kind != TokenKind::single_quoted &&
                        key.kind != TokenKind::double_quoted && key.kind != TokenKind::identifier)
                        fail(key.position, "expected an object key");
                    expect(TokenKind::colon, "':'");
                    object.members.emplace_back(key.text, expression());
                } while (accept(TokenKind::comma));
                expect(TokenKind::rbrace, "'}'");
            }
            return make(token.position, std::move(object));
        }
        case TokenKind::identifier:
            break;
        default:
            fail(token.position, "unexpected " + describe(token));
    }
    if (peek().kind == TokenKind::lparen) {
        if (iequals(token.text, "cast")) return cast(token.position);
        return call(token);
    }
    if (iequals(token.text, "true") || iequals(token.text, "false")) {
        Literal literal;
        literal.kind = LiteralKind::boolean;
        literal.boolean = iequals(token.text, "true");
        return make(token.position, std::move(literal));
    }
    if (iequals(token.text, "null"))
        return make(token.position, Literal{});  // kind defaults to null
    if (iequals(token.text, "case")) return case_expression(token.position);
    for (const auto word : reserved) {
        if (iequals(token.text, word)) fail(token.position, "unexpected keyword " + to_lower(word));
    }
    return make(token.position, Field{token.text});
}

ExprPtr Parser::number(const Token& token) const {
    const char* first = token.text.data();
    const char* last = first + token.text.size();
    Literal literal;
    literal.kind = LiteralKind::integer;
    if (token.kind == TokenKind::integer) {
        const auto [end, ec] = std::from_chars(first, last, literal.integer);
        if (ec == std::errc{} && end == last) return make(token.position, std::move(literal));
    }
    // Decimals, and integers beyond 64 bits (AWS's Int holds 34 digits; a double is our nearest).
    literal.kind = LiteralKind::decimal;
    const auto [end, ec] = std::from_chars(first, last, literal.decimal);
    if (ec != std::errc{} || end != last) fail(token.position, "number out of range");
    return make(token.position, std::move(literal));
}

std::vector<ExprPtr> Parser::list(TokenKind close, std::string_view what) {
    std::vector<ExprPtr> items;
    if (accept(close)) return items;
    do {
        items.push_back(expression());
    } while (accept(TokenKind::comma));
    expect(close, what);
    return items;
}

ExprPtr Parser::call(const Token& name) {
    const Function* function = find_function(name.text);
    if (function == nullptr) fail(name.position, "unknown function " + name.text + "()");
    if (function->impl == nullptr)
        fail(name.position, "function " + name.text + "() is not supported by iot-emulator");
    if (function->since != SqlVersion::v2015_10_08)
        require_2016(name.position, "function " + name.text + "()");
    expect(TokenKind::lparen, "'('");
    nest(name.position);
    auto args = list(TokenKind::rparen, "')'");
    --depth_;
    return make(name.position, Call{function, std::move(args)});
}

// cast(value AS type) [DG iot-sql-functions cast]; Decimal/Bool/Boolean arrived in 2016-03-23.
ExprPtr Parser::cast(std::size_t position) {
    expect(TokenKind::lparen, "'('");
    auto operand = expression();
    expect_keyword("AS");
    const Token& type = take();
    if (type.kind != TokenKind::identifier) fail(type.position, "expected a type name");
    const auto name = to_lower(type.text);
    CastType target;
    if (name == "string" || name == "nvarchar" || name == "text" || name == "ntext" ||
        name == "varchar") {
        target = CastType::string;
    } else if (name == "int" || name == "integer") {
        target = CastType::integer;
    } else if (name == "double") {
        target = CastType::double_precision;
    } else if (name == "decimal") {
        require_2016(type.position, "cast to Decimal");
        target = CastType::decimal;
    } else if (name == "bool" || name == "boolean") {
        require_2016(type.position, "cast to Boolean");
        target = CastType::boolean;
    } else {
        fail(type.position, "unknown type " + type.text + " in cast");
    }
    expect(TokenKind::rparen, "')'");
    return make(position, Cast{std::move(operand), target});
}

// CASE v WHEN t THEN r … [ELSE e] END [DG iot-sql-case], and the searched CASE WHEN c THEN …
ExprPtr Parser::case_expression(std::size_t position) {
    Case node;
    if (!is_keyword(peek(), "when")) node.subject = expression();
    while (accept_keyword("WHEN")) {
        auto when = expression();
        expect_keyword("THEN");
        node.whens.push_back(WhenClause{std::move(when), expression()});
    }
    if (node.whens.empty()) fail(peek().position, "expected WHEN");
    if (accept_keyword("ELSE")) node.otherwise = expression();
    expect_keyword("END");
    return make(position, std::move(node));
}

}  // namespace iotemu::rules::sql::detail
