// Compiles and decides Condition blocks with IAM's operator semantics (docs/aws/iot-core.md §5.2;
// IAM "condition operators"). The JSON is read here once per compile, never per request; no I/O, no
// logging.
#include "policy/condition.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"
#include "policy/pattern.hpp"

namespace iotemu::policy {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, ConditionOperator>, 20> operator_names = {{
    {"StringEquals", ConditionOperator::string_equals},
    {"StringNotEquals", ConditionOperator::string_not_equals},
    {"StringEqualsIgnoreCase", ConditionOperator::string_equals_ignore_case},
    {"StringNotEqualsIgnoreCase", ConditionOperator::string_not_equals_ignore_case},
    {"StringLike", ConditionOperator::string_like},
    {"StringNotLike", ConditionOperator::string_not_like},
    {"NumericEquals", ConditionOperator::numeric_equals},
    {"NumericNotEquals", ConditionOperator::numeric_not_equals},
    {"NumericLessThan", ConditionOperator::numeric_less_than},
    {"NumericLessThanEquals", ConditionOperator::numeric_less_than_equals},
    {"NumericGreaterThan", ConditionOperator::numeric_greater_than},
    {"NumericGreaterThanEquals", ConditionOperator::numeric_greater_than_equals},
    {"Bool", ConditionOperator::boolean},
    {"IpAddress", ConditionOperator::ip_address},
    {"NotIpAddress", ConditionOperator::not_ip_address},
    {"ArnEquals", ConditionOperator::arn_equals},
    {"ArnNotEquals", ConditionOperator::arn_not_equals},
    {"ArnLike", ConditionOperator::arn_like},
    {"ArnNotLike", ConditionOperator::arn_not_like},
    {"Null", ConditionOperator::null},
}};

// The comparison an operator makes, and whether it is the negated form of it. IAM defines each
// negated operator as "none of the values matches", which is how absent keys satisfy them.
enum class Comparison {
    equals,
    equals_ignore_case,
    like,
    number_eq,
    number_lt,
    number_le,
    number_gt,
    number_ge,
    boolean,
    ip,
    arn,
    null
};

struct Semantics {
    Comparison comparison;
    bool negated;
};

Semantics semantics(ConditionOperator op) {
    using O = ConditionOperator;
    using C = Comparison;
    switch (op) {
        case O::string_equals:
            return {C::equals, false};
        case O::string_not_equals:
            return {C::equals, true};
        case O::string_equals_ignore_case:
            return {C::equals_ignore_case, false};
        case O::string_not_equals_ignore_case:
            return {C::equals_ignore_case, true};
        case O::string_like:
            return {C::like, false};
        case O::string_not_like:
            return {C::like, true};
        case O::numeric_equals:
            return {C::number_eq, false};
        case O::numeric_not_equals:
            return {C::number_eq, true};
        case O::numeric_less_than:
            return {C::number_lt, false};
        case O::numeric_less_than_equals:
            return {C::number_le, false};
        case O::numeric_greater_than:
            return {C::number_gt, false};
        case O::numeric_greater_than_equals:
            return {C::number_ge, false};
        case O::boolean:
            return {C::boolean, false};
        case O::ip_address:
            return {C::ip, false};
        case O::not_ip_address:
            return {C::ip, true};
        // IAM: ArnEquals and ArnLike behave alike, both with per-component wildcards.
        case O::arn_equals:
        case O::arn_like:
            return {C::arn, false};
        case O::arn_not_equals:
        case O::arn_not_like:
            return {C::arn, true};
        case O::null:
            return {C::null, false};
    }
    return {C::equals, false};
}

struct ParsedOperator {
    ConditionOperator op;
    SetQualifier qualifier;
    bool if_exists;
};

// "ForAllValues:StringLikeIfExists" → {string_like, for_all_values, true}. Names are exact, as in
// IAM's grammar.
std::optional<ParsedOperator> parse_operator(std::string_view name) {
    ParsedOperator parsed{ConditionOperator::string_equals, SetQualifier::none, false};
    constexpr std::string_view any_value = "ForAnyValue:";
    constexpr std::string_view all_values = "ForAllValues:";
    constexpr std::string_view if_exists = "IfExists";
    if (name.starts_with(any_value)) {
        parsed.qualifier = SetQualifier::for_any_value;
        name.remove_prefix(any_value.size());
    } else if (name.starts_with(all_values)) {
        parsed.qualifier = SetQualifier::for_all_values;
        name.remove_prefix(all_values.size());
    }
    if (name.ends_with(if_exists)) {
        parsed.if_exists = true;
        name.remove_suffix(if_exists.size());
    }
    const auto found = std::find_if(operator_names.begin(), operator_names.end(),
                                    [&](const auto& entry) { return entry.first == name; });
    if (found == operator_names.end()) return std::nullopt;
    parsed.op = found->second;
    if (parsed.op == ConditionOperator::null && parsed.if_exists) return std::nullopt;
    return parsed;
}

// A condition value as IAM reads it: strings as written, booleans and numbers by their JSON text.
std::optional<std::string> scalar_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean() || value.is_number()) return value.dump();
    return std::nullopt;
}

std::optional<std::vector<Template>> read_values(const json& node) {
    std::vector<Template> values;
    const json list = node.is_array() ? node : json::array({node});
    for (const auto& item : list) {
        const auto text = scalar_text(item);
        if (!text) return std::nullopt;
        values.emplace_back(*text);
    }
    return values;
}

std::optional<double> parse_number(std::string_view text) {
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return number;
}

// An address with its prefix length: "203.0.113.0/24", "2001:db8::/32", or one address.
struct Network {
    int family = AF_INET;
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix_bits = 0;
};

std::optional<Network> parse_network(std::string_view text) {
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    Network network;
    network.family = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
    if (inet_pton(network.family, address.c_str(), network.bytes.data()) != 1) return std::nullopt;
    const unsigned width = network.family == AF_INET ? 32 : 128;
    network.prefix_bits = width;
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        const auto [end, error] =
            std::from_chars(bits.data(), bits.data() + bits.size(), network.prefix_bits);
        if (error != std::errc{} || end != bits.data() + bits.size() || bits.empty() ||
            network.prefix_bits > width)
            return std::nullopt;
    }
    return network;
}

bool network_contains(const Network& network, const Network& address) {
    if (network.family != address.family) return false;
    const unsigned whole = network.prefix_bits / 8;
    if (!std::equal(network.bytes.begin(), network.bytes.begin() + whole, address.bytes.begin()))
        return false;
    const unsigned rest = network.prefix_bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (network.bytes[whole] & mask) == (address.bytes[whole] & mask);
}

// IAM's ArnLike: the six colon-separated components are matched one by one, so a `*` never
// reaches across a `:` into the next component. The last component keeps any further colons.
std::optional<std::array<std::string_view, 6>> arn_components(std::string_view arn) {
    std::array<std::string_view, 6> parts;
    for (std::size_t i = 0; i < 5; ++i) {
        const auto colon = arn.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        parts[i] = arn.substr(0, colon);
        arn.remove_prefix(colon + 1);
    }
    parts[5] = arn;
    return parts;
}

bool arn_match(std::string_view pattern, std::string_view arn) {
    const auto p = arn_components(pattern);
    const auto a = arn_components(arn);
    if (!p || !a) return false;
    for (std::size_t i = 0; i < p->size(); ++i)
        if (!wildcard_match((*p)[i], (*a)[i])) return false;
    return true;
}

bool compare_numbers(Comparison comparison, double request, double policy) {
    switch (comparison) {
        case Comparison::number_eq:
            return request == policy;
        case Comparison::number_lt:
            return request < policy;
        case Comparison::number_le:
            return request <= policy;
        case Comparison::number_gt:
            return request > policy;
        case Comparison::number_ge:
            return request >= policy;
        default:
            return false;
    }
}

// Whether one value from the request matches one policy value. A policy value whose variable
// cannot be resolved matches nothing (docs/aws/iot-core.md §5.2).
bool value_matches(Comparison comparison, std::string_view request, const Template& policy,
                   const Variables& variables) {
    if (comparison == Comparison::like) return policy.matches(request, variables);
    if (comparison == Comparison::arn) {
        const auto pattern = policy.render_pattern(variables);
        return pattern && arn_match(*pattern, request);
    }
    const auto text = policy.render_text(variables);
    if (!text) return false;
    switch (comparison) {
        case Comparison::equals:
            return request == *text;
        case Comparison::equals_ignore_case:
        case Comparison::boolean:
            return to_lower(request) == to_lower(*text);
        case Comparison::ip: {
            const auto network = parse_network(*text);
            const auto address = parse_network(request);
            return network && address && network_contains(*network, *address);
        }
        default: {
            const auto a = parse_number(request);
            const auto b = parse_number(*text);
            return a && b && compare_numbers(comparison, *a, *b);
        }
    }
}

bool clause_holds(const ConditionClause& clause, const Variables& variables) {
    const std::vector<std::string> request_values = key_values(clause.key, variables);
    const Semantics meaning = semantics(clause.op);

    if (meaning.comparison == Comparison::null) {
        const std::string absent = request_values.empty() ? "true" : "false";
        return std::any_of(clause.values.begin(), clause.values.end(), [&](const Template& value) {
            const auto text = value.render_text(variables);
            return text && to_lower(*text) == absent;
        });
    }
    if (request_values.empty()) {
        if (clause.if_exists) return true;
        if (clause.qualifier == SetQualifier::for_all_values) return true;  // vacuously
        if (clause.qualifier == SetQualifier::for_any_value) return false;
        return meaning.negated;
    }
    const auto value_holds = [&](const std::string& request) {
        const bool any =
            std::any_of(clause.values.begin(), clause.values.end(), [&](const Template& policy) {
                return value_matches(meaning.comparison, request, policy, variables);
            });
        return meaning.negated ? !any : any;
    };
    if (clause.qualifier == SetQualifier::for_all_values)
        return std::all_of(request_values.begin(), request_values.end(), value_holds);
    return std::any_of(request_values.begin(), request_values.end(), value_holds);
}

}  // namespace

Condition compile_condition(std::string_view condition_json) {
    Condition condition;
    const json root = json_depth_within(condition_json)
                          ? json::parse(condition_json, nullptr, /*allow_exceptions=*/false)
                          : json(json::value_t::discarded);
    if (root.is_discarded() || !root.is_object()) {
        condition.unsupported.push_back("a Condition that is not a JSON object");
        return condition;
    }
    for (const auto& [name, block] : root.items()) {
        const auto parsed = parse_operator(name);
        if (!parsed) {
            condition.unsupported.push_back("operator " + name);
            continue;
        }
        if (!block.is_object()) {
            condition.unsupported.push_back("operator " + name +
                                            " whose value is not an object of keys");
            continue;
        }
        for (const auto& [key, node] : block.items()) {
            auto values = read_values(node);
            if (!values) {
                condition.unsupported.push_back("a non-scalar value for " + name + " " + key);
                continue;
            }
            condition.clauses.push_back(ConditionClause{
                parsed->op, parsed->qualifier, parsed->if_exists, key, std::move(*values)});
        }
    }
    return condition;
}

ConditionResult evaluate_condition(const Condition& condition, const Variables& variables) {
    if (!condition.unsupported.empty()) return ConditionResult::unsupported;
    for (const auto& clause : condition.clauses)
        if (!clause_holds(clause, variables)) return ConditionResult::fails;
    return ConditionResult::holds;
}

}  // namespace iotemu::policy
