// Query-protocol member reads. The member named in a message is the model's in lowerCamel, as
// IAM's and STS's validation messages spell it.
#include "api/query_members.hpp"

#include <cctype>
#include <charconv>

#include "services/iam/validation.hpp"

namespace iotemu::api::query_members {
namespace {

std::string lower_camel(std::string_view name) {
    std::string out(name);
    if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
    return out;
}

}  // namespace

std::string required(const Call& call, std::string_view name) {
    auto value = call.query(name);
    if (!value)
        services::iam::validation_error(lower_camel(name), "null", "Member must not be null");
    return std::move(*value);
}

std::optional<std::int64_t> integer(const Call& call, std::string_view name) {
    const auto text = call.query(name);
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || error != std::errc{} || end != text->data() + text->size())
        services::iam::validation_error(lower_camel(name), *text, "Member must be an integer");
    return value;
}

std::optional<bool> boolean(const Call& call, std::string_view name) {
    const auto text = call.query(name);
    if (!text) return std::nullopt;
    if (*text == "true") return true;
    if (*text == "false") return false;
    services::iam::validation_error(lower_camel(name), *text, "Member must be true or false");
}

std::vector<std::map<std::string, std::string>> structures(const Call& call,
                                                           std::string_view list) {
    // One pass over the members: <list>.member.<n>.<field> → items[n][field].
    const std::string prefix = std::string(list) + ".member.";
    std::map<std::size_t, std::map<std::string, std::string>> items;
    for (const auto& [key, value] : call.query_parameters()) {
        if (key.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string_view rest = std::string_view(key).substr(prefix.size());
        std::size_t n = 0;
        const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
        if (error != std::errc{} || end == rest.data() + rest.size() || *end != '.' || n == 0)
            continue;
        items[n][std::string(end + 1, rest.data() + rest.size())] = value;
    }
    std::vector<std::map<std::string, std::string>> out;
    for (auto& [n, item] : items) {
        if (n != out.size() + 1) break;  // a gap ends the list
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace iotemu::api::query_members
