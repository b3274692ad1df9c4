// The IoT SQL evaluator: expression semantics [DG iot-sql-select, iot-sql-case, iot-sql-json,
// iot-sql-nested-queries] on top of value.hpp's conversions and operators.cpp's tables.
// Paths (`a.b[0]`) resolve to references into the document, so reading a large field never
// copies it until it is placed in the output.
#include "rules/sql/evaluator.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "rules/sql/operators.hpp"
#include "rules/sql/value.hpp"

namespace iotemu::rules::sql::detail {
namespace {

// A value that is either borrowed from the document or owned by the evaluator.
struct Ref {
    const Json* borrowed = nullptr;
    Json owned;

    const Json& get() const { return borrowed ? *borrowed : owned; }
    Json take() && { return borrowed ? *borrowed : std::move(owned); }
};

Ref owned(Json value) { return Ref{nullptr, std::move(value)}; }
Ref borrowed(const Json& value) { return Ref{&value, Json()}; }

Ref evaluate_ref(const Expr& expr, const Document& doc, const CallEnv& env);

Json evaluate(const Expr& expr, const Document& doc, const CallEnv& env) {
    return evaluate_ref(expr, doc, env).take();
}

// Navigates from `base` into `child`, keeping it borrowed when `base` was.
template <class Find>
Ref descend(Ref base, Find find) {
    const Json* child = find(base.get());
    if (child == nullptr) return owned(undefined());
    if (base.borrowed) return borrowed(*child);
    return owned(Json(*child));
}

Json literal_value(const Literal& literal, SqlVersion version) {
    switch (literal.kind) {
        case LiteralKind::null:
            return nullptr;
        case LiteralKind::boolean:
            return literal.boolean;
        case LiteralKind::integer:
            return make_int(literal.integer);
        case LiteralKind::decimal:
            return make_decimal(literal.decimal, version);
        case LiteralKind::string:
            return literal.string;
    }
    return undefined();
}

Json evaluate_case(const Case& node, const Document& doc, const CallEnv& env) {
    if (node.subject) {
        const auto subject = evaluate_ref(*node.subject, doc, env);
        if (is_undefined(subject.get())) return undefined();  // [DG iot-sql-case]
        for (const auto& clause : node.whens) {
            const auto candidate = evaluate_ref(*clause.when, doc, env);
            if (equals(subject.get(), candidate.get()) == true)
                return evaluate(*clause.then, doc, env);
        }
    } else {
        for (const auto& clause : node.whens) {
            if (to_boolean(evaluate_ref(*clause.when, doc, env).get()) == true)
                return evaluate(*clause.then, doc, env);
        }
    }
    return node.otherwise ? evaluate(*node.otherwise, doc, env) : undefined();
}

Json evaluate_call(const Call& node, const Document& doc, const CallEnv& env) {
    const auto count = static_cast<int>(node.args.size());
    const Function& function = *node.function;
    if (count < function.min_args || (function.max_args >= 0 && count > function.max_args))
        return undefined();  // wrong number of arguments is Undefined, not an error
    std::vector<Json> args;
    args.reserve(node.args.size());
    for (const auto& arg : node.args) {
        // `*` as an argument means the payload as published: encode(*, 'base64') encodes the
        // original bytes, JSON or not [DG iot-sql-functions encode].
        if (std::holds_alternative<Star>(arg->node) && doc.raw && function.name == "encode") {
            args.push_back(
                Json::binary(std::vector<std::uint8_t>(doc.raw->begin(), doc.raw->end())));
            continue;
        }
        args.push_back(evaluate(*arg, doc, env));
    }
    return function.impl(args, env);
}

// A nested query runs over each element of an array (giving an array) or over one object
// (giving one value); elements its WHERE rejects, and Undefined results, are left out.
Json evaluate_subquery(const Query& query, const Document& doc, const CallEnv& env) {
    const auto source = evaluate_ref(*query.source, doc, env);
    const Json& value = source.get();
    if (value.is_object()) {
        auto out = run_query(query, Document{&value, std::nullopt}, env);
        return out ? std::move(*out) : undefined();
    }
    if (!value.is_array()) return undefined();
    Json results = Json::array();
    for (const auto& element : value) {
        auto out = run_query(query, Document{&element, std::nullopt}, env);
        if (out && !is_undefined(*out)) results.push_back(std::move(*out));
    }
    return results;
}

Ref evaluate_ref(const Expr& expr, const Document& doc, const CallEnv& env) {
    const auto& node = expr.node;
    if (std::holds_alternative<Star>(node)) return borrowed(*doc.value);
    if (const auto* field = std::get_if<Field>(&node)) {
        if (!doc.value->is_object()) return owned(undefined());
        const auto found = doc.value->find(field->name);
        return found == doc.value->end() ? owned(undefined()) : borrowed(*found);
    }
    if (const auto* member = std::get_if<Member>(&node)) {
        return descend(evaluate_ref(*member->object, doc, env), [&](const Json& base) {
            if (!base.is_object()) return static_cast<const Json*>(nullptr);
            const auto found = base.find(member->key);
            return found == base.end() ? nullptr : &*found;
        });
    }
    if (const auto* index = std::get_if<Index>(&node)) {
        const auto position = to_int(evaluate_ref(*index->index, doc, env).get());
        return descend(evaluate_ref(*index->object, doc, env), [&](const Json& base) {
            if (!base.is_array() || !position || *position < 0 ||
                static_cast<std::size_t>(*position) >= base.size())
                return static_cast<const Json*>(nullptr);
            return &base[static_cast<std::size_t>(*position)];
        });
    }
    if (const auto* literal = std::get_if<Literal>(&node)) {
        return owned(literal_value(*literal, env.version));
    }
    if (const auto* array = std::get_if<ArrayLiteral>(&node)) {
        Json out = Json::array();
        for (const auto& item : array->items) {
            auto value = evaluate(*item, doc, env);
            if (!is_undefined(value)) out.push_back(std::move(value));
        }
        return owned(std::move(out));
    }
    if (const auto* object = std::get_if<ObjectLiteral>(&node)) {
        Json out = Json::object();
        for (const auto& [key, value_expr] : object->members) {
            auto value = evaluate(*value_expr, doc, env);
            if (!is_undefined(value)) out[key] = std::move(value);
        }
        return owned(std::move(out));
    }
    if (const auto* unary = std::get_if<Unary>(&node)) {
        return owned(
            apply_unary(unary->op, evaluate_ref(*unary->operand, doc, env).get(), env.version));
    }
    if (const auto* binary = std::get_if<Binary>(&node)) {
        const auto lhs = evaluate_ref(*binary->lhs, doc, env);
        const auto rhs = evaluate_ref(*binary->rhs, doc, env);
        return owned(apply_binary(binary->op, lhs.get(), rhs.get(), env.version));
    }
    if (const auto* test = std::get_if<IsTest>(&node)) {
        const auto value = evaluate_ref(*test->operand, doc, env);
        const bool holds =
            test->kind == IsKind::null ? value.get().is_null() : is_undefined(value.get());
        return owned(Json(holds != test->negated));
    }
    if (const auto* node_case = std::get_if<Case>(&node)) {
        return owned(evaluate_case(*node_case, doc, env));
    }
    if (const auto* cast = std::get_if<Cast>(&node)) {
        return owned(
            cast_value(evaluate_ref(*cast->operand, doc, env).get(), cast->type, env.version));
    }
    if (const auto* call = std::get_if<Call>(&node)) return owned(evaluate_call(*call, doc, env));
    if (const auto* subquery = std::get_if<Subquery>(&node)) {
        return owned(evaluate_subquery(*subquery->query, doc, env));
    }
    return owned(undefined());
}

// Sets out[key[0]][key[1]]… = value, making objects on the way (`AS a.b`).
void place(Json& out, const std::vector<std::string>& key, Json value) {
    Json* target = &out;
    for (std::size_t i = 0; i + 1 < key.size(); ++i) {
        Json& next = (*target)[key[i]];
        if (!next.is_object()) next = Json::object();
        target = &next;
    }
    (*target)[key.back()] = std::move(value);
}

}  // namespace

Json evaluate_expression(const Expr& expr, const Document& doc, const CallEnv& env) {
    return evaluate(expr, doc, env);
}

std::optional<Json> run_query(const Query& query, const Document& doc, const CallEnv& env) {
    // WHERE runs first and sees only the document: SELECT's aliases do not exist yet.
    if (query.where && to_boolean(evaluate_ref(*query.where, doc, env).get()) != true)
        return std::nullopt;
    if (query.select_value) return evaluate(*query.items.front().expr, doc, env);
    // `SELECT *` alone passes a payload through whatever it is: array, scalar or raw bytes.
    if (query.items.size() == 1 && query.items.front().expr == nullptr) return *doc.value;
    Json out = Json::object();
    for (const auto& item : query.items) {
        if (item.expr == nullptr) {
            if (doc.value->is_object()) {
                for (auto it = doc.value->begin(); it != doc.value->end(); ++it)
                    out[it.key()] = it.value();
            }
            continue;
        }
        auto value = evaluate(*item.expr, doc, env);
        if (!is_undefined(value)) place(out, item.key, std::move(value));  // Undefined: no key
    }
    return out;
}

}  // namespace iotemu::rules::sql::detail
