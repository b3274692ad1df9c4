// IoT SQL operator semantics [DG iot-sql-operators]: `+` is addition or, with a String on either
// side, concatenation; `- * / %` convert numeric strings; comparisons go through Decimal;
// AND/OR/NOT take Booleans or "true"/"false" strings. Int op Int stays Int (overflow → Decimal).
#include "rules/sql/operators.hpp"

#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "rules/sql/value.hpp"

namespace iotemu::rules::sql::detail {
namespace {

using Json = nlohmann::json;

// Int-only arithmetic; nullopt on overflow or division by zero, so the caller can fall back.
std::optional<std::int64_t> int_arithmetic(BinaryOp op, std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    switch (op) {
        case BinaryOp::add:
            if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
            return out;
        case BinaryOp::subtract:
            if (__builtin_sub_overflow(a, b, &out)) return std::nullopt;
            return out;
        case BinaryOp::multiply:
            if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
            return out;
        case BinaryOp::divide:  // Int / Int is an Int, truncated toward zero like Java's
            if (b == 0 || (a == INT64_MIN && b == -1)) return std::nullopt;
            return a / b;
        case BinaryOp::modulo:  // the remainder takes the dividend's sign
            if (b == 0 || (a == INT64_MIN && b == -1)) return std::nullopt;
            return a % b;
        default:
            return std::nullopt;
    }
}

Json arithmetic(BinaryOp op, const Json& lhs, const Json& rhs, SqlVersion version) {
    if (op == BinaryOp::add) {
        // String on either side: concatenate the other side's string form [DG `+` operator].
        if (lhs.is_string() || rhs.is_string()) {
            const auto left = to_string(lhs);
            const auto right = to_string(rhs);
            if (!left || !right) return undefined();
            return *left + *right;
        }
        if (!lhs.is_number() || !rhs.is_number()) return undefined();
    }
    if (is_int(lhs) && is_int(rhs)) {
        if (const auto out = int_arithmetic(op, int_of(lhs), int_of(rhs))) return make_int(*out);
        if (op == BinaryOp::divide || op == BinaryOp::modulo) {
            if (int_of(rhs) == 0) return undefined();
        }
    }
    // `+` never converts strings (it concatenates them); the others do [DG iot-sql-operators].
    const auto a = to_decimal(lhs);
    const auto b = to_decimal(rhs);
    if (!a || !b) return undefined();
    switch (op) {
        case BinaryOp::add:
            return make_decimal(*a + *b, version);
        case BinaryOp::subtract:
            return make_decimal(*a - *b, version);
        case BinaryOp::multiply:
            return make_decimal(*a * *b, version);
        case BinaryOp::divide:
            if (*b == 0) return undefined();
            return make_decimal(*a / *b, version);
        case BinaryOp::modulo:
            if (*b == 0) return undefined();
            return make_decimal(std::fmod(*a, *b), version);
        default:
            return undefined();
    }
}

Json ordering(BinaryOp op, const Json& lhs, const Json& rhs) {
    int order = 0;
    if (is_int(lhs) && is_int(rhs)) {
        order = int_of(lhs) < int_of(rhs) ? -1 : (int_of(lhs) > int_of(rhs) ? 1 : 0);
    } else {
        const auto a = to_decimal(lhs);
        const auto b = to_decimal(rhs);
        if (!a || !b || std::isnan(*a) || std::isnan(*b)) return undefined();
        order = *a < *b ? -1 : (*a > *b ? 1 : 0);
    }
    switch (op) {
        case BinaryOp::less:
            return order < 0;
        case BinaryOp::less_equal:
            return order <= 0;
        case BinaryOp::greater:
            return order > 0;
        case BinaryOp::greater_equal:
            return order >= 0;
        default:
            return undefined();
    }
}

Json membership(const Json& needle, const Json& haystack) {
    if (is_undefined(needle) || !haystack.is_array()) return undefined();
    for (const auto& item : haystack) {
        if (equals(needle, item) == true) return true;
    }
    return false;
}

}  // namespace

Json apply_unary(UnaryOp op, const Json& operand, SqlVersion version) {
    if (op == UnaryOp::logical_not) {
        const auto value = to_boolean(operand);
        return value ? Json(!*value) : undefined();
    }
    if (is_int(operand) && int_of(operand) != INT64_MIN) return make_int(-int_of(operand));
    const auto value = to_decimal(operand);
    return value ? make_decimal(-*value, version) : undefined();
}

Json apply_binary(BinaryOp op, const Json& lhs, const Json& rhs, SqlVersion version) {
    switch (op) {
        case BinaryOp::add:
        case BinaryOp::subtract:
        case BinaryOp::multiply:
        case BinaryOp::divide:
        case BinaryOp::modulo:
            return arithmetic(op, lhs, rhs, version);
        case BinaryOp::equal:
        case BinaryOp::not_equal: {
            const auto same = equals(lhs, rhs);
            if (!same) return undefined();
            return op == BinaryOp::equal ? *same : !*same;
        }
        case BinaryOp::less:
        case BinaryOp::less_equal:
        case BinaryOp::greater:
        case BinaryOp::greater_equal:
            return ordering(op, lhs, rhs);
        case BinaryOp::logical_and:
        case BinaryOp::logical_or: {
            const auto a = to_boolean(lhs);
            const auto b = to_boolean(rhs);
            if (!a || !b) return undefined();
            return op == BinaryOp::logical_and ? (*a && *b) : (*a || *b);
        }
        case BinaryOp::in:
            return membership(lhs, rhs);
    }
    return undefined();
}

}  // namespace iotemu::rules::sql::detail
