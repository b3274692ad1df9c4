// IoT SQL functions, part 3: numbers [DG iot-sql-functions]. Arguments convert through Decimal
// (numeric strings included); Int in, Int out where AWS says so; double precision throughout,
// where AWS keeps 34 digits. NaN and infinities are Undefined (JSON cannot carry them).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "rules/sql/functions.hpp"
#include "rules/sql/operators.hpp"
#include "rules/sql/value.hpp"

namespace iotemu::rules::sql::detail {
namespace {

using Args = std::span<const Json>;
constexpr auto v1 = SqlVersion::v2015_10_08;
constexpr double int64_limit = 9223372036854775808.0;

// A whole number as an Int when it fits, else as a Decimal.
Json whole(double value, SqlVersion version) {
    if (!std::isfinite(value)) return undefined();
    if (std::fabs(value) < int64_limit) return make_int(static_cast<std::int64_t>(value));
    return make_decimal(value, version);
}

template <double (*Op)(double)>
Json unary_double(Args args, const CallEnv& env) {
    const auto x = to_decimal(args[0]);
    return x ? make_decimal(Op(*x), env.version) : undefined();
}

double ln(double x) { return std::log(x); }
double log10(double x) { return std::log10(x); }

Json fn_abs(Args args, const CallEnv& env) {
    if (is_int(args[0]) && int_of(args[0]) != INT64_MIN)
        return make_int(std::llabs(int_of(args[0])));
    return unary_double<std::fabs>(args, env);
}

template <double (*Round)(double)>
Json fn_round_to_int(Args args, const CallEnv& env) {
    if (is_int(args[0])) return args[0];
    const auto x = to_decimal(args[0]);
    return x ? whole(Round(*x), env.version) : undefined();
}

Json fn_sign(Args args, const CallEnv&) {
    const auto x = to_decimal(args[0]);
    if (!x || std::isnan(*x)) return undefined();
    return make_int(*x > 0 ? 1 : (*x < 0 ? -1 : 0));
}

Json fn_mod(Args args, const CallEnv& env) {
    return apply_binary(BinaryOp::modulo, args[0], args[1], env.version);
}

Json fn_power(Args args, const CallEnv& env) {
    const auto base = to_decimal(args[0]);
    const auto exponent = to_decimal(args[1]);
    return base && exponent ? make_decimal(std::pow(*base, *exponent), env.version) : undefined();
}

Json fn_atan2(Args args, const CallEnv& env) {
    const auto y = to_decimal(args[0]);
    const auto x = to_decimal(args[1]);
    return y && x ? make_decimal(std::atan2(*y, *x), env.version) : undefined();
}

// trunc(x, places): places clamped to 0..34; Int with Int is returned as is [DG trunc].
Json fn_trunc(Args args, const CallEnv& env) {
    if (is_int(args[0]) && is_int(args[1])) return args[0];
    const auto x = to_decimal(args[0]);
    if (!x || !(args[1].is_number())) return undefined();
    const auto places = std::clamp<std::int64_t>(*to_int(args[1]), 0, 34);
    const double scale = std::pow(10.0, static_cast<double>(places));
    const double scaled = *x * scale;
    if (!std::isfinite(scaled)) return make_decimal(*x, env.version);
    // A whole result prints as an Int ("trailing zeroes are stripped": trunc(2.00, 5) = 2).
    const double out = std::trunc(scaled) / scale;
    if (std::trunc(out) == out) return whole(out, env.version);
    return make_decimal(out, env.version);
}

// Bitwise functions work on the arguments converted to Int (decimals rounded down).
template <int Op>
Json fn_bitwise(Args args, const CallEnv&) {
    const auto a = to_int(args[0]);
    if (!a) return undefined();
    if constexpr (Op == 3) {
        return make_int(~*a);
    } else {
        const auto b = to_int(args[1]);
        if (!b) return undefined();
        if constexpr (Op == 0) return make_int(*a & *b);
        if constexpr (Op == 1) return make_int(*a | *b);
        return make_int(*a ^ *b);
    }
}

constexpr std::array<Function, 27> table = {{
    {"abs", v1, 1, 1, fn_abs},
    {"acos", v1, 1, 1, unary_double<std::acos>},
    {"asin", v1, 1, 1, unary_double<std::asin>},
    {"atan", v1, 1, 1, unary_double<std::atan>},
    {"atan2", v1, 2, 2, fn_atan2},
    {"bitand", v1, 2, 2, fn_bitwise<0>},
    {"bitor", v1, 2, 2, fn_bitwise<1>},
    {"bitxor", v1, 2, 2, fn_bitwise<2>},
    {"bitnot", v1, 1, 1, fn_bitwise<3>},
    {"ceil", v1, 1, 1, fn_round_to_int<std::ceil>},
    {"cos", v1, 1, 1, unary_double<std::cos>},
    {"cosh", v1, 1, 1, unary_double<std::cosh>},
    {"exp", v1, 1, 1, unary_double<std::exp>},
    {"floor", v1, 1, 1, fn_round_to_int<std::floor>},
    {"ln", v1, 1, 1, unary_double<ln>},
    {"log", v1, 1, 1, unary_double<log10>},
    {"mod", v1, 2, 2, fn_mod},
    {"power", v1, 2, 2, fn_power},
    {"remainder", v1, 2, 2, fn_mod},
    {"round", v1, 1, 1, fn_round_to_int<std::round>},  // half away from zero: round(-1.5) = -2
    {"sign", v1, 1, 1, fn_sign},
    {"sin", v1, 1, 1, unary_double<std::sin>},
    {"sinh", v1, 1, 1, unary_double<std::sinh>},
    {"sqrt", v1, 1, 1, unary_double<std::sqrt>},
    {"tan", v1, 1, 1, unary_double<std::tan>},
    {"tanh", v1, 1, 1, unary_double<std::tanh>},
    {"trunc", v1, 2, 2, fn_trunc},
}};

}  // namespace

std::span<const Function> math_functions() { return table; }

}  // namespace iotemu::rules::sql::detail
