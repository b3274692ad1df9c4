// Resolves policy variables and condition keys against one connection's Variables, and renders
// policy strings with them (docs/aws/iot-core.md §5.2). Sans-I/O: no lookups beyond the values
// handed in.
#include "policy/variables.hpp"

#include <charconv>

#include "policy/pattern.hpp"

namespace iotemu::policy {
namespace {

using Attributes = std::vector<std::pair<std::string, std::string>>;

// DG cert-policy-variables "X.509 certificate policy variable limitations".
constexpr std::size_t max_certificate_value_length = 1024;
constexpr std::size_t max_certificate_values = 5;
constexpr std::string_view certificate_wildcards = "*$+?#";

struct Resolved {
    std::vector<std::string> values;
    bool multi_valued = false;  // a `.List` or iot:ConnectAttributes: never substituted in text
};

bool starts_with_ci(std::string_view text, std::string_view lower_prefix) {
    return text.size() >= lower_prefix.size() &&
           to_lower(text.substr(0, lower_prefix.size())) == lower_prefix;
}

Resolved single(const std::optional<std::string>& value) {
    return value ? Resolved{{*value}} : Resolved{};
}

bool usable_certificate_value(std::string_view value) {
    return value.size() <= max_certificate_value_length &&
           value.find_first_of(certificate_wildcards) == std::string_view::npos;
}

std::optional<std::size_t> parse_index(std::string_view digits) {
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return index;
}

// `path` is "<Name>", "<Name>.<N>" or "<Name>.List" (N zero-based: `.1` is the second value).
Resolved certificate_values(std::string_view path, const Attributes& attributes) {
    enum class Pick { first, index, list } pick = Pick::first;
    std::size_t index = 0;
    std::string_view name = path;
    if (const auto dot = path.rfind('.'); dot != std::string_view::npos) {
        const std::string_view suffix = path.substr(dot + 1);
        if (to_lower(suffix) == "list") {
            pick = Pick::list;
            name = path.substr(0, dot);
        } else if (const auto n = parse_index(suffix)) {
            pick = Pick::index;
            index = *n;
            name = path.substr(0, dot);
        }
    }
    const std::string wanted = to_lower(name);
    std::vector<std::string> found;
    for (const auto& [attribute, value] : attributes) {
        if (found.size() == max_certificate_values) break;  // "additional items are ignored"
        if (to_lower(attribute) == wanted) found.push_back(value);
    }
    if (pick == Pick::list) {
        Resolved out{{}, true};
        for (auto& value : found)
            if (usable_certificate_value(value)) out.values.push_back(std::move(value));
        return out;
    }
    const std::size_t at = pick == Pick::index ? index : 0;
    if (at >= found.size() || !usable_certificate_value(found[at])) return {};
    return Resolved{{std::move(found[at])}};
}

// "Subject.CommonName", "Subject.AlternativeName.DNSName.1", … after "iot:Certificate.".
Resolved certificate_path(std::string_view path, const Attributes& names,
                          const Attributes& alternative_names) {
    constexpr std::string_view alternative = "alternativename.";
    if (starts_with_ci(path, alternative))
        return certificate_values(path.substr(alternative.size()), alternative_names);
    return certificate_values(path, names);
}

Resolved resolve(std::string_view name, const Variables& v) {
    const std::string key = to_lower(name);
    if (key == "iot:clientid") return single(v.client_id);
    if (key == "aws:sourceip") return single(v.source_ip);
    if (key == "iot:connection.thing.thingname") return single(v.thing_name);
    if (key == "iot:connection.thing.thingtypename") return single(v.thing_type_name);
    if (key == "iot:connection.thing.isattached")
        return Resolved{{v.thing_is_attached ? "true" : "false"}};
    if (key == "iot:connectattributes") return Resolved{v.connect_attributes, true};

    constexpr std::string_view attributes = "iot:connection.thing.attributes[";
    if (key.starts_with(attributes) && key.ends_with(']')) {
        // The attribute's own name keeps its case: thing attribute names are case-sensitive.
        const std::string attribute(
            name.substr(attributes.size(), name.size() - attributes.size() - 1));
        const auto found = v.thing_attributes.find(attribute);
        return found == v.thing_attributes.end() ? Resolved{} : Resolved{{found->second}};
    }

    if (key == "iot:certificate.serialnumber") {
        const auto& serial = v.certificate_serial_number;
        return serial && usable_certificate_value(*serial) ? Resolved{{*serial}} : Resolved{};
    }
    constexpr std::string_view subject = "iot:certificate.subject.";
    constexpr std::string_view issuer = "iot:certificate.issuer.";
    if (key.starts_with(subject))
        return certificate_path(name.substr(subject.size()), v.subject,
                                v.subject_alternative_names);
    if (key.starts_with(issuer))
        return certificate_path(name.substr(issuer.size()), v.issuer, v.issuer_alternative_names);
    return {};  // unknown names, and iot:Certificate.AvailableKeys, have no value here
}

}  // namespace

void set_thing_variables(Variables& variables, const std::optional<model::Thing>& thing) {
    variables.thing_is_attached = thing.has_value();
    variables.thing_name = thing ? std::optional(thing->name) : std::nullopt;
    variables.thing_type_name = thing ? thing->thing_type_name : std::nullopt;
    variables.thing_attributes = thing ? thing->attributes : model::Attributes{};
}

std::vector<std::string> key_values(std::string_view name, const Variables& variables) {
    return resolve(name, variables).values;
}

Template::Template(std::string_view text) {
    auto add_literal = [this](std::string_view literal) {
        if (literal.empty()) return;
        if (pieces_.empty() || pieces_.back().is_variable) pieces_.push_back({false, {}});
        pieces_.back().text += literal;
    };
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find("${", at);
        const auto close = open == std::string_view::npos ? open : text.find('}', open + 2);
        if (close == std::string_view::npos) {
            add_literal(text.substr(at));
            break;
        }
        add_literal(text.substr(at, open - at));
        const std::string_view name = text.substr(open + 2, close - open - 2);
        // IAM's `${*}`, `${?}`, `${$}` are the same escapes as IoT's `$(*)`, `$(?)`, `$($)`.
        if (name == "*" || name == "?" || name == "$")
            add_literal("$(" + std::string(name) + ")");
        else
            pieces_.push_back({true, std::string(name)});
        at = close + 1;
    }
}

std::vector<std::string_view> Template::variable_names() const {
    std::vector<std::string_view> names;
    for (const auto& piece : pieces_)
        if (piece.is_variable) names.push_back(piece.text);
    return names;
}

template <class Literal, class Value>
std::optional<std::string> Template::render(const Variables& variables, Literal literal,
                                            Value value) const {
    std::string out;
    for (const auto& piece : pieces_) {
        if (!piece.is_variable) {
            out += literal(piece.text);
            continue;
        }
        const Resolved resolved = resolve(piece.text, variables);
        if (resolved.multi_valued || resolved.values.size() != 1) return std::nullopt;
        out += value(resolved.values.front());
    }
    return out;
}

std::optional<std::string> Template::render_pattern(const Variables& variables) const {
    return render(
        variables, [](const std::string& text) -> const std::string& { return text; },
        // [inf] A value is data, not pattern: a client id "*" must not become a wildcard grant.
        // Its `+` and `#` stay literal, which is AWS's documented foot-gun
        // (docs/aws/iot-core.md §5.2).
        [](const std::string& value) { return escape_wildcards(value); });
}

std::optional<std::string> Template::render_text(const Variables& variables) const {
    return render(
        variables, [](const std::string& text) { return unescape_wildcards(text); },
        [](const std::string& value) -> const std::string& { return value; });
}

bool Template::matches(std::string_view text, const Variables& variables) const {
    if (pieces_.empty()) return text.empty();
    if (pieces_.size() == 1 && !pieces_.front().is_variable)
        return wildcard_match(pieces_.front().text, text);
    const auto pattern = render_pattern(variables);
    return pattern && wildcard_match(*pattern, text);
}

}  // namespace iotemu::policy
