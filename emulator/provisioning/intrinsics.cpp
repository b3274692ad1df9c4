// The intrinsic functions of provisioning templates (docs/aws/iot-core.md §4.4): Ref, Fn::Join,
// Fn::Select, Fn::FindInMap, Fn::Split and Fn::Sub — their argument rules, checked when a
// template is stored, and their values, computed when it is evaluated. One table of names.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>

#include <nlohmann/json.hpp>

#include "provisioning/detail.hpp"

namespace iotemu::provisioning::detail {
namespace {

using nlohmann::json;

constexpr std::string_view ref = "Ref";
constexpr std::string_view join = "Fn::Join";
constexpr std::string_view select = "Fn::Select";
constexpr std::string_view find_in_map = "Fn::FindInMap";
constexpr std::string_view split = "Fn::Split";
constexpr std::string_view sub = "Fn::Sub";

// ---- checks -----------------------------------------------------------------------------------

void require(bool condition, const std::string& where, std::string_view function,
             std::string_view shape) {
    if (!condition)
        fail(std::string(function) + " at " + where + " takes " + std::string(shape) + ".");
}

bool is_function_or(const json& node, bool (json::*is)() const) {
    return (node.*is)() || intrinsic_name(node).has_value();
}

void check_function(std::string_view name, const json& args, const json& mappings,
                    const std::string& where) {
    const std::string inner = where + "." + std::string(name);
    const auto arity = [&](std::size_t n) { return args.is_array() && args.size() == n; };
    if (name == ref) {
        require(args.is_string(), where, name, "a parameter name");
        return;
    }
    if (name == join) {
        require(arity(2) && args[0].is_string() && is_function_or(args[1], &json::is_array), where,
                name, "[delimiter, [values…]]");
    } else if (name == select) {
        require(arity(2) &&
                    (args[0].is_number_unsigned() || is_function_or(args[0], &json::is_string)) &&
                    is_function_or(args[1], &json::is_array),
                where, name, "[index, [values…]]");
    } else if (name == split) {
        require(arity(2) && args[0].is_string() && !args[0].get_ref<const std::string&>().empty() &&
                    is_function_or(args[1], &json::is_string),
                where, name, "[non-empty delimiter, string]");
    } else if (name == find_in_map) {
        require(arity(3) &&
                    std::all_of(args.begin(), args.end(),
                                [](const json& a) { return is_function_or(a, &json::is_string); }),
                where, name, "[map name, top-level key, second-level key]");
        if (args[0].is_string() && !mappings.contains(args[0].get<std::string>()))
            fail(std::string(name) + " at " + where + " refers to mapping '" +
                 args[0].get<std::string>() + "', which the Mappings section does not declare.");
    } else if (name == sub) {
        require(args.is_string() || (arity(2) && args[0].is_string() && args[1].is_object()), where,
                name, "a string, or [string, {variable: value…}]");
    } else {
        fail("Unknown intrinsic function '" + std::string(name) + "' at " + where +
             ": templates may use Ref, Fn::Join, Fn::Select, Fn::FindInMap, Fn::Split and "
             "Fn::Sub.");
    }
    check_expression(args, mappings, inner);
}

// ---- evaluation -------------------------------------------------------------------------------

const std::string& value_of(std::string_view name, const Scope& scope, const std::string& where) {
    const auto it = scope.values.find(name);
    if (it == scope.values.end())
        fail("Ref '" + std::string(name) + "' at " + where +
             " has no value: it is not a parameter declared with a Default and no value was "
             "supplied for it.");
    return it->second;
}

json resolve_join(const json& args, const Scope& scope, const std::string& where) {
    const json values = resolve(args[1], scope, where);
    if (!values.is_array()) fail(std::string(join) + " at " + where + " needs a list of values.");
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += args[0].get_ref<const std::string&>();
        out += as_text(values[i], where);
    }
    return out;
}

// Fn::Select does no bounds or null checks of its own: both are provisioning errors (§4.4).
json resolve_select(const json& args, const Scope& scope, const std::string& where) {
    const json index = resolve(args[0], scope, where);
    std::size_t position = 0;
    bool numeric = index.is_number_unsigned();
    if (numeric) {
        position = index.get<std::size_t>();
    } else if (index.is_string()) {
        const auto& text = index.get_ref<const std::string&>();
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), position);
        numeric = !text.empty() && error == std::errc{} && end == text.data() + text.size();
    }
    if (!numeric)
        fail(std::string(select) + " at " + where + ": the index " + index.dump() +
             " is not a non-negative integer.");
    const json values = resolve(args[1], scope, where);
    if (!values.is_array()) fail(std::string(select) + " at " + where + " needs a list.");
    if (position >= values.size())
        fail(std::string(select) + " at " + where + ": index " + std::to_string(position) +
             " is out of bounds of a list of " + std::to_string(values.size()) + ".");
    if (values[position].is_null())
        fail(std::string(select) + " at " + where + ": element " + std::to_string(position) +
             " is null.");
    return values[position];
}

json resolve_split(const json& args, const Scope& scope, const std::string& where) {
    const std::string& delimiter = args[0].get_ref<const std::string&>();
    const std::string text = as_text(resolve(args[1], scope, where), where);
    json out = json::array();
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(delimiter, start)) != std::string::npos;
         start = at + delimiter.size())
        out.push_back(text.substr(start, at - start));
    out.push_back(text.substr(start));
    return out;
}

json resolve_find_in_map(const json& args, const Scope& scope, const std::string& where) {
    std::array<std::string, 3> keys;
    for (std::size_t i = 0; i < 3; ++i) keys[i] = as_text(resolve(args[i], scope, where), where);
    const auto map = scope.mappings.find(keys[0]);
    if (map == scope.mappings.end())
        fail(std::string(find_in_map) + " at " + where + ": there is no mapping '" + keys[0] +
             "'.");
    const auto top = map->find(keys[1]);
    if (top == map->end())
        fail(std::string(find_in_map) + " at " + where + ": mapping '" + keys[0] +
             "' has no key '" + keys[1] + "'.");
    const auto value = top->find(keys[2]);
    if (value == top->end())
        fail(std::string(find_in_map) + " at " + where + ": mapping '" + keys[0] + "' key '" +
             keys[1] + "' has no entry '" + keys[2] + "'.");
    return *value;
}

// ${Name} is a variable of the second argument or a parameter; ${!Text} is the literal ${Text}.
json resolve_sub(const json& args, const Scope& scope, const std::string& where) {
    const std::string& text = args.is_string() ? args.get_ref<const std::string&>()
                                               : args[0].get_ref<const std::string&>();
    std::map<std::string, std::string, std::less<>> variables;
    if (args.is_array())
        for (const auto& [name, value] : args[1].items())
            variables[name] = as_text(resolve(value, scope, where + "." + name), where);
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find("${", at);
        if (open == std::string::npos) break;
        const auto close = text.find('}', open + 2);
        if (close == std::string::npos)
            fail(std::string(sub) + " at " + where + ": '${' without a closing '}'.");
        out.append(text, at, open - at);
        const std::string_view name(text.data() + open + 2, close - open - 2);
        if (name.starts_with('!')) {
            out.append("${").append(name.substr(1)).append("}");
        } else if (const auto it = variables.find(name); it != variables.end()) {
            out += it->second;
        } else {
            out += value_of(name, scope, where);
        }
        at = close + 1;
    }
    out.append(text, at);
    return out;
}

}  // namespace

void fail(std::string message) { throw Failure{std::move(message)}; }

std::optional<std::string> intrinsic_name(const json& node) {
    if (!node.is_object()) return std::nullopt;
    for (const auto& [key, value] : node.items())
        if (key == ref || key.starts_with("Fn:")) return key;
    return std::nullopt;
}

void check_expression(const json& node, const json& mappings, const std::string& where) {
    if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            check_expression(node[i], mappings, where + "[" + std::to_string(i) + "]");
        return;
    }
    if (!node.is_object()) return;
    if (const auto name = intrinsic_name(node)) {
        if (node.size() != 1)
            fail("At " + where + ", " + *name +
                 " must be the only key of its object (an intrinsic function call).");
        check_function(*name, node.begin().value(), mappings, where);
        return;
    }
    for (const auto& [key, value] : node.items())
        check_expression(value, mappings, where + "." + key);
}

json resolve(const json& node, const Scope& scope, const std::string& where) {
    if (node.is_array()) {
        json out = json::array();
        for (const auto& element : node) out.push_back(resolve(element, scope, where));
        return out;
    }
    if (!node.is_object()) return node;
    const auto name = intrinsic_name(node);
    if (!name) {
        json out = json::object();
        for (const auto& [key, value] : node.items())
            out[key] = resolve(value, scope, where + "." + key);
        return out;
    }
    const json& args = node.begin().value();
    if (*name == ref) return value_of(args.get_ref<const std::string&>(), scope, where);
    if (*name == join) return resolve_join(args, scope, where);
    if (*name == select) return resolve_select(args, scope, where);
    if (*name == split) return resolve_split(args, scope, where);
    if (*name == find_in_map) return resolve_find_in_map(args, scope, where);
    return resolve_sub(args, scope, where);  // parse() admitted no other name
}

std::string as_text(const json& value, const std::string& where) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    fail("At " + where + ", expected a string but the value is " + value.dump() + ".");
}

std::optional<model::CertificateStatus> parse_status(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "ACTIVE") return model::CertificateStatus::active;
    if (upper == "INACTIVE") return model::CertificateStatus::inactive;
    return std::nullopt;
}

}  // namespace iotemu::provisioning::detail
