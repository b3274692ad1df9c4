// IoT SQL grammar [DG iot-sql-reference and its subpages], lowest precedence first:
//   statement  SELECT [VALUE] item {, item} FROM '<filter>' [WHERE expr]
//   item       * | expr [AS name{.name}]
//   expr       or:  and {OR and}        and: not {AND not}        not: NOT not | comparison
//   comparison sum [(= <> != < <= > >=) sum | IS [NOT] NULL|UNDEFINED | IN sum]
//   sum        product {(+|-) product}  product: unary {(*|/|%) unary}   unary: -unary | postfix
//   postfix    primary {.name | [expr]}
//   primary    literal | * | name | name(args) | cast(expr AS type) | CASE … END | (expr)
//              | (SELECT … FROM expr [WHERE expr]) | [list] | {'k': v, …}
// Keywords are case-insensitive; field names are not. This file: the statement and the operator
// levels; parser_primary.cpp: the operands.
#include "rules/sql/parser.hpp"

#include <algorithm>
#include <optional>

#include "rules/sql/parser_impl.hpp"
#include "rules/sql/topic_filter.hpp"

namespace iotemu::rules::sql::detail {
namespace {

std::size_t height(const ExprPtr& expr) { return expr ? expr->height : 0; }

std::size_t height(const std::vector<ExprPtr>& exprs) {
    std::size_t out = 0;
    for (const auto& expr : exprs) out = std::max(out, height(expr));
    return out;
}

std::size_t height(const Query& query) {
    std::size_t out = std::max(height(query.source), height(query.where));
    for (const auto& item : query.items) out = std::max(out, height(item.expr));
    return out;
}

// The height of a node's tallest child; leaves have none.
struct ChildHeight {
    std::size_t operator()(const Member& n) const { return height(n.object); }
    std::size_t operator()(const Index& n) const {
        return std::max(height(n.object), height(n.index));
    }
    std::size_t operator()(const ArrayLiteral& n) const { return height(n.items); }
    std::size_t operator()(const ObjectLiteral& n) const {
        std::size_t out = 0;
        for (const auto& member : n.members) out = std::max(out, height(member.second));
        return out;
    }
    std::size_t operator()(const Unary& n) const { return height(n.operand); }
    std::size_t operator()(const Binary& n) const { return std::max(height(n.lhs), height(n.rhs)); }
    std::size_t operator()(const IsTest& n) const { return height(n.operand); }
    std::size_t operator()(const Case& n) const {
        std::size_t out = std::max(height(n.subject), height(n.otherwise));
        for (const auto& clause : n.whens)
            out = std::max({out, height(clause.when), height(clause.then)});
        return out;
    }
    std::size_t operator()(const Cast& n) const { return height(n.operand); }
    std::size_t operator()(const Call& n) const { return height(n.args); }
    std::size_t operator()(const Subquery& n) const { return height(*n.query); }
    std::size_t operator()(const auto&) const { return 0; }  // leaves
};

}  // namespace

std::size_t child_height(const Expr::Node& node) { return std::visit(ChildHeight{}, node); }

std::shared_ptr<const Query> Parser::statement() {
    expect_keyword("SELECT");
    auto query = select_body(true);
    if (peek().kind != TokenKind::end) {
        fail(peek().position, "unexpected " + describe(peek()) + " after the end of the statement");
    }
    return query;
}

// After SELECT: [VALUE] items FROM source [WHERE expr]. `top` statements take a quoted topic
// filter; nested ones take an expression naming an array or object of the outer document.
std::shared_ptr<const Query> Parser::select_body(bool top) {
    auto query = std::make_shared<Query>();
    // VALUE is a keyword only where it cannot be a field called "value".
    if (is_keyword(peek(), "value")) {
        const auto after = peek(1).kind;
        if (after != TokenKind::comma && after != TokenKind::dot && after != TokenKind::lbracket &&
            !is_keyword(peek(1), "from") && !is_keyword(peek(1), "as")) {
            ++next_;
            query->select_value = true;
        }
    }
    do {
        query->items.push_back(select_item(query->items.size() + 1, query->select_value));
    } while (accept(TokenKind::comma));
    if (query->select_value && (query->items.size() != 1 || query->items.front().expr == nullptr)) {
        fail(peek().position, "SELECT VALUE takes exactly one expression");
    }
    expect_keyword("FROM");
    if (top) {
        const Token& from = peek();
        if (from.kind != TokenKind::single_quoted)
            fail(from.position, "expected a single-quoted topic filter after FROM");
        ++next_;
        if (const auto problem = check_topic_filter(from.text))
            fail(from.position + 1 + problem->offset, problem->message);
        query->topic_filter = from.text;
    } else {
        query->source = expression();
    }
    if (accept_keyword("WHERE")) query->where = expression();
    return query;
}

SelectItem Parser::select_item(std::size_t ordinal, bool value) {
    SelectItem item;
    // `*` is an item of its own, except after VALUE where it is the document as a value.
    if (!value && accept(TokenKind::star)) return item;  // expr stays null
    item.expr = expression();
    if (accept_keyword("AS")) {
        do {
            const Token& name = take();
            if (name.kind != TokenKind::identifier) fail(name.position, "expected a name after AS");
            item.key.push_back(name.text);
        } while (accept(TokenKind::dot));
    } else if (const auto* field = std::get_if<Field>(&item.expr->node)) {
        item.key.push_back(field->name);
    } else if (const auto* member = std::get_if<Member>(&item.expr->node)) {
        item.key.push_back(member->key);
    } else {
        // An unnamed computed item gets a positional key, "_1" for the first item (inferred
        // from AWS consoles' output; name your items with AS to be sure).
        item.key.push_back("_" + std::to_string(ordinal));
    }
    return item;
}

ExprPtr Parser::expression() {
    nest(peek().position);
    auto out = disjunction();
    --depth_;
    return out;
}

ExprPtr Parser::binary(BinaryOp op, ExprPtr lhs, ExprPtr rhs, std::size_t position) const {
    return make(position, Binary{op, std::move(lhs), std::move(rhs)});
}

ExprPtr Parser::disjunction() {
    auto lhs = conjunction();
    while (is_keyword(peek(), "or")) {
        const auto position = take().position;
        lhs = binary(BinaryOp::logical_or, std::move(lhs), conjunction(), position);
    }
    return lhs;
}

ExprPtr Parser::conjunction() {
    auto lhs = negation();
    while (is_keyword(peek(), "and")) {
        const auto position = take().position;
        lhs = binary(BinaryOp::logical_and, std::move(lhs), negation(), position);
    }
    return lhs;
}

ExprPtr Parser::negation() {
    if (is_keyword(peek(), "not")) {
        const auto position = take().position;
        nest(position);
        auto operand = negation();
        --depth_;
        return make(position, Unary{UnaryOp::logical_not, std::move(operand)});
    }
    return comparison();
}

ExprPtr Parser::comparison() {
    auto lhs = sum();
    const Token& token = peek();
    std::optional<BinaryOp> op;
    switch (token.kind) {
        case TokenKind::equal:
            op = BinaryOp::equal;
            break;
        case TokenKind::not_equal:
            op = BinaryOp::not_equal;
            break;
        case TokenKind::less:
            op = BinaryOp::less;
            break;
        case TokenKind::less_equal:
            op = BinaryOp::less_equal;
            break;
        case TokenKind::greater:
            op = BinaryOp::greater;
            break;
        case TokenKind::greater_equal:
            op = BinaryOp::greater_equal;
            break;
        default:
            break;
    }
    if (is_keyword(token, "in")) op = BinaryOp::in;
    if (op) {
        ++next_;
        return binary(*op, std::move(lhs), sum(), token.position);
    }
    if (is_keyword(token, "is")) {
        ++next_;
        const bool negated = accept_keyword("not");
        IsKind kind = IsKind::null;
        if (accept_keyword("undefined"))
            kind = IsKind::undefined;
        else if (!accept_keyword("null"))
            fail(peek().position, "expected NULL or UNDEFINED after IS");
        return make(token.position, IsTest{std::move(lhs), kind, negated});
    }
    return lhs;
}

ExprPtr Parser::sum() {
    auto lhs = product();
    while (peek().kind == TokenKind::plus || peek().kind == TokenKind::minus) {
        const Token& token = take();
        const auto op = token.kind == TokenKind::plus ? BinaryOp::add : BinaryOp::subtract;
        lhs = binary(op, std::move(lhs), product(), token.position);
    }
    return lhs;
}

ExprPtr Parser::product() {
    auto lhs = unary();
    for (;;) {
        const Token& token = peek();
        BinaryOp op;
        if (token.kind == TokenKind::star)
            op = BinaryOp::multiply;
        else if (token.kind == TokenKind::slash)
            op = BinaryOp::divide;
        else if (token.kind == TokenKind::percent)
            op = BinaryOp::modulo;
        else
            return lhs;
        ++next_;
        lhs = binary(op, std::move(lhs), unary(), token.position);
    }
}

ExprPtr Parser::unary() {
    if (peek().kind == TokenKind::minus) {
        const auto position = take().position;
        nest(position);
        auto operand = unary();
        --depth_;
        return make(position, Unary{UnaryOp::negate, std::move(operand)});
    }
    return postfix();
}

ExprPtr Parser::postfix() {
    auto object = primary();
    for (;;) {
        const Token& token = peek();
        if (accept(TokenKind::dot)) {
            const Token& name = take();
            if (name.kind != TokenKind::identifier)
                fail(name.position, "expected a name after '.'");
            object = make(token.position, Member{std::move(object), name.text});
        } else if (accept(TokenKind::lbracket)) {
            auto index = expression();
            expect(TokenKind::rbracket, "']'");
            object = make(token.position, Index{std::move(object), std::move(index)});
        } else {
            return object;
        }
    }
}

Result<std::shared_ptr<const Query>, ParseError> parse_query(std::string_view sql,
                                                             SqlVersion version) {
    auto tokens = tokenize(sql);
    if (!tokens) return Unexpected{tokens.error()};
    try {
        return Parser(std::move(*tokens), version).statement();
    } catch (const ParseFailure& failure) {
        return Unexpected{failure.error};
    }
}

}  // namespace iotemu::rules::sql::detail
