// The syntax tree of one IoT SQL statement, as the parser builds it and the evaluator walks it.
// Plain immutable data: no evaluation here, and no JSON (literals keep their own small form).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace iotemu::rules::sql::detail {

struct Expr;
struct Query;
struct Function;
using ExprPtr = std::unique_ptr<const Expr>;

enum class LiteralKind { null, boolean, integer, decimal, string };
struct Literal {
    LiteralKind kind = LiteralKind::null;
    bool boolean = false;
    std::int64_t integer = 0;
    double decimal = 0;
    std::string string;
};

struct Star {};  // `*` inside an expression: the whole current document (or payload bytes)
struct Field {   // `color`: a key of the current document
    std::string name;
};
struct Member {  // `a.b`
    ExprPtr object;
    std::string key;
};
struct Index {  // `a[0]`
    ExprPtr object;
    ExprPtr index;
};
struct ArrayLiteral {  // `[a, 1]` (2016-03-23+)
    std::vector<ExprPtr> items;
};
struct ObjectLiteral {  // `{'k': v}` (2016-03-23+)
    std::vector<std::pair<std::string, ExprPtr>> members;
};

enum class UnaryOp { negate, logical_not };
struct Unary {
    UnaryOp op;
    ExprPtr operand;
};

enum class BinaryOp {
    add,
    subtract,
    multiply,
    divide,
    modulo,
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    logical_and,
    logical_or,
    in,
};
struct Binary {
    BinaryOp op;
    ExprPtr lhs;
    ExprPtr rhs;
};

enum class IsKind { null, undefined };
struct IsTest {  // `x IS [NOT] NULL|UNDEFINED`
    ExprPtr operand;
    IsKind kind;
    bool negated;
};

struct WhenClause {
    ExprPtr when;
    ExprPtr then;
};
struct Case {
    ExprPtr subject;  // null for the searched form `CASE WHEN cond THEN …`
    std::vector<WhenClause> whens;
    ExprPtr otherwise;  // null: no ELSE, so no match is Undefined
};

enum class CastType { string, integer, decimal, double_precision, boolean };
struct Cast {
    ExprPtr operand;
    CastType type;
};

struct Call {
    const Function* function;  // resolved while parsing: an unknown name is a parse error
    std::vector<ExprPtr> args;
};

struct Subquery {  // `(SELECT … FROM <expr> [WHERE …])` (2016-03-23+)
    std::shared_ptr<const Query> query;
};

struct Expr {
    using Node = std::variant<Literal, Star, Field, Member, Index, ArrayLiteral, ObjectLiteral,
                              Unary, Binary, IsTest, Case, Cast, Call, Subquery>;
    Node node;
    std::size_t position = 0;  // byte offset in the statement
    std::size_t height = 1;    // levels of the tree below and including this node (a leaf is 1)
};

struct SelectItem {
    ExprPtr expr;                  // null for `*`
    std::vector<std::string> key;  // output key path: `AS a.b` gives {"a","b"}; never empty
};

struct Query {
    bool select_value = false;  // SELECT VALUE <expr>: the output is that value itself
    std::vector<SelectItem> items;
    std::string topic_filter;  // top-level statements: FROM '<filter>'
    ExprPtr source;            // nested queries: FROM <expr> (an array or object of the outer doc)
    ExprPtr where;             // null when absent
};

}  // namespace iotemu::rules::sql::detail
