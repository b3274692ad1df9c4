// IoT SQL values and the standard conversions [DG iot-sql-data-types, iot-sql-conversions].
// Every function here is total: bad input gives nullopt/Undefined, never an exception.
#include "rules/sql/value.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

namespace iotemu::rules::sql::detail {
namespace {

constexpr double int64_limit = 9223372036854775808.0;  // 2^63

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Java-like rendering of a boolean/number for string conversion; strings are not quoted.
std::string render_scalar(const Json& value) {
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    return dump(value);
}

}  // namespace

Json undefined() { return Json(Json::value_t::discarded); }
bool is_undefined(const Json& value) { return value.is_discarded(); }

bool is_int(const Json& value) {
    if (value.is_number_integer() && !value.is_number_unsigned()) return true;
    return value.is_number_unsigned() &&
           value.get<std::uint64_t>() <=
               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

std::int64_t int_of(const Json& value) {
    if (value.is_number_unsigned()) return static_cast<std::int64_t>(value.get<std::uint64_t>());
    return value.get<std::int64_t>();
}

bool is_number(const Json& value) { return value.is_number(); }

double decimal_of(const Json& value) {
    if (is_int(value)) return static_cast<double>(int_of(value));
    if (value.is_number_unsigned()) return static_cast<double>(value.get<std::uint64_t>());
    return value.get<double>();
}

Json make_int(std::int64_t value) { return Json(value); }

Json make_decimal(double value, SqlVersion version) {
    if (!std::isfinite(value)) return undefined();  // JSON has no NaN/Infinity
    if (version != SqlVersion::v2015_10_08 && std::trunc(value) == value &&
        std::fabs(value) < int64_limit) {
        return Json(static_cast<std::int64_t>(value));
    }
    return Json(value);
}

void normalize_numbers(Json& value, SqlVersion version) {
    if (version == SqlVersion::v2015_10_08) return;
    // An explicit stack: payload nesting depth is the publisher's choice, not ours.
    std::vector<Json*> pending{&value};
    while (!pending.empty()) {
        Json* current = pending.back();
        pending.pop_back();
        if (current->is_number_float()) {
            *current = make_decimal(current->get<double>(), version);
        } else if (current->is_structured()) {
            for (auto& child : *current) pending.push_back(&child);
        }
    }
}

std::optional<double> parse_decimal_string(std::string_view text) {
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    const std::size_t digits_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == digits_start) return std::nullopt;
    if (i < text.size() && text[i] == '.') {
        const std::size_t fraction_start = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i == fraction_start) return std::nullopt;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && text[i] == '-') ++i;
        const std::size_t exponent_start = i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i == exponent_start) return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    double out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    // Beyond double's range AWS's 34-digit Decimal still holds it; we call it Undefined.
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return out;
}

std::optional<double> to_decimal(const Json& value) {
    if (value.is_number()) return decimal_of(value);
    if (value.is_string()) return parse_decimal_string(value.get_ref<const std::string&>());
    return std::nullopt;
}

std::optional<std::int64_t> to_int(const Json& value) {
    if (is_int(value)) return int_of(value);
    const auto decimal = to_decimal(value);
    if (!decimal || std::isnan(*decimal)) return std::nullopt;
    const double truncated = std::trunc(*decimal);
    if (truncated >= int64_limit) return std::numeric_limits<std::int64_t>::max();
    if (truncated < -int64_limit) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(truncated);
}

std::optional<bool> to_boolean(const Json& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text.size() == 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'r' &&
            (text[2] | 0x20) == 'u' && (text[3] | 0x20) == 'e')
            return true;
        if (text.size() == 5 && (text[0] | 0x20) == 'f' && (text[1] | 0x20) == 'a' &&
            (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 's' && (text[4] | 0x20) == 'e')
            return false;
    }
    return std::nullopt;
}

std::optional<std::string> to_string(const Json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null() || is_undefined(value)) return std::nullopt;
    if (value.is_binary()) {
        const auto& bytes = value.get_binary();
        return std::string(bytes.begin(), bytes.end());
    }
    if (value.is_structured()) return dump(value);
    return render_scalar(value);
}

std::string dump(const Json& value) {
    if (is_undefined(value)) return "";
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<bool> equals(const Json& lhs, const Json& rhs) {
    if (is_undefined(lhs) || is_undefined(rhs)) return std::nullopt;
    // Pairs still to compare, on the heap: nested arrays and objects never deepen the C++ stack.
    std::vector<std::pair<const Json*, const Json*>> pending{{&lhs, &rhs}};
    while (!pending.empty()) {
        const auto [left, right] = pending.back();
        pending.pop_back();
        if (left->is_number() && right->is_number()) {
            const bool same = is_int(*left) && is_int(*right)
                                  ? int_of(*left) == int_of(*right)
                                  : decimal_of(*left) == decimal_of(*right);
            if (!same) return false;
        } else if (left->type() != right->type() || left->size() != right->size()) {
            return false;  // "Mismatched type: False"
        } else if (left->is_array()) {
            for (std::size_t i = 0; i < left->size(); ++i)
                pending.emplace_back(&(*left)[i], &(*right)[i]);
        } else if (left->is_object()) {
            for (auto it = left->begin(); it != left->end(); ++it) {
                const auto other = right->find(it.key());
                if (other == right->end()) return false;
                pending.emplace_back(&it.value(), &*other);
            }
        } else if (*left != *right) {
            return false;  // null, boolean, string, binary
        }
    }
    return true;
}

}  // namespace iotemu::rules::sql::detail
