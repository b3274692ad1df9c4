// The IoT SQL parser's internals, shared by parser.cpp (statement and operator levels) and
// parser_primary.cpp (operands). Not part of the API; parse_query in parser.hpp is.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/sql/ast.hpp"
#include "rules/sql/lexer.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

// Errors travel as this exception and are caught in parse_query: recursive descent reads far
// better than a check after every call, and nothing escapes the parser.
struct ParseFailure {
    ParseError error;
};

// Bounds that keep a hostile statement off the C++ stack (docs/limits.md): the parser recurses
// once per nested operand, the evaluator and the tree's destructor once per level of the tree.
// Chained operators (`a + b + c …`, `a.b.c …`) are built in loops, so the tree's height is
// checked as each node is made.
inline constexpr int max_parse_depth = 200;
inline constexpr std::size_t max_expression_height = 1000;

std::size_t child_height(const Expr::Node& node);

class Parser {
public:
    Parser(std::vector<Token> tokens, SqlVersion version)
        : tokens_(std::move(tokens)), version_(version) {}

    std::shared_ptr<const Query> statement();

private:
    const Token& peek(std::size_t ahead = 0) const {
        return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
    }
    const Token& take() { return tokens_[std::min(next_++, tokens_.size() - 1)]; }

    bool is_keyword(const Token& token, std::string_view keyword) const {
        return token.kind == TokenKind::identifier && iequals(token.text, keyword);
    }
    bool accept_keyword(std::string_view keyword) {
        if (!is_keyword(peek(), keyword)) return false;
        ++next_;
        return true;
    }
    bool accept(TokenKind kind) {
        if (peek().kind != kind) return false;
        ++next_;
        return true;
    }

    [[noreturn]] void fail(std::size_t position, const std::string& what) const {
        throw ParseFailure{ParseError{what + " at " + at_column(position), position}};
    }
    static std::string describe(const Token& token) {
        if (token.kind == TokenKind::end) return "end of statement";
        if (token.kind == TokenKind::single_quoted) return "'" + token.text + "'";
        if (token.kind == TokenKind::double_quoted) return "\"" + token.text + "\"";
        return "'" + token.text + "'";
    }
    void expect_keyword(std::string_view keyword) {
        if (!accept_keyword(keyword)) fail(peek().position, "expected " + std::string(keyword));
    }
    void expect(TokenKind kind, std::string_view what) {
        if (!accept(kind)) fail(peek().position, "expected " + std::string(what));
    }
    void require_2016(std::size_t position, std::string_view feature) const {
        if (version_ == SqlVersion::v2015_10_08)
            fail(position, std::string(feature) + " needs SQL version 2016-03-23 or later");
    }

    ExprPtr make(std::size_t position, Expr::Node node) const {
        const std::size_t height = child_height(node) + 1;
        if (height > max_expression_height)
            fail(position, "expression too deep: more than " +
                               std::to_string(max_expression_height) + " levels");
        return std::make_unique<const Expr>(Expr{std::move(node), position, height});
    }
    // One more level of nesting (a parenthesis, a call, NOT, a sign) before recursing into it.
    void nest(std::size_t position) {
        if (++depth_ > max_parse_depth)
            fail(position, "expression nested too deeply: more than " +
                               std::to_string(max_parse_depth) + " levels");
    }

    // After SELECT: [VALUE] items FROM source [WHERE expr]. `top` statements take a quoted topic
    // filter; nested ones take an expression naming an array or object of the outer document.
    std::shared_ptr<const Query> select_body(bool top);
    SelectItem select_item(std::size_t ordinal, bool value);
    ExprPtr expression();
    ExprPtr binary(BinaryOp op, ExprPtr lhs, ExprPtr rhs, std::size_t position) const;
    ExprPtr disjunction();
    ExprPtr conjunction();
    ExprPtr negation();
    ExprPtr comparison();
    ExprPtr sum();
    ExprPtr product();
    ExprPtr unary();
    ExprPtr postfix();
    ExprPtr primary();
    ExprPtr number(const Token& token) const;
    ExprPtr call(const Token& name);
    ExprPtr cast(std::size_t position);
    ExprPtr case_expression(std::size_t position);
    std::vector<ExprPtr> list(TokenKind close, std::string_view what);

    std::vector<Token> tokens_;
    std::size_t next_ = 0;
    SqlVersion version_;
    int depth_ = 0;
};

}  // namespace iotemu::rules::sql::detail
