// Name rules as character classes; no <regex> (slow to build and to run).
#include "model/names.hpp"

namespace iotemu::model {
namespace {

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_hex(char c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

template <class Allowed>
bool all_of(std::string_view text, std::size_t max_length, Allowed allowed) {
    if (text.empty() || text.size() > max_length) return false;
    for (char c : text)
        if (!allowed(c)) return false;
    return true;
}

bool thing_like(std::string_view name) {
    return all_of(name, 128,
                  [](char c) { return is_alnum(c) || c == ':' || c == '_' || c == '-'; });
}

}  // namespace

bool is_valid_thing_name(std::string_view name) { return thing_like(name); }
bool is_valid_thing_group_name(std::string_view name) { return thing_like(name); }
bool is_valid_thing_type_name(std::string_view name) { return thing_like(name); }

bool is_valid_policy_name(std::string_view name) {
    return all_of(name, 128, [](char c) {
        return is_alnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
               c == '@' || c == '-';
    });
}

bool is_valid_certificate_id(std::string_view id) {
    return id.size() == 64 && all_of(id, 64, is_hex);
}

bool is_valid_rule_name(std::string_view name) {
    return all_of(name, 128, [](char c) { return is_alnum(c) || c == '_'; });
}

bool is_valid_template_name(std::string_view name) {
    return all_of(name, 36, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

}  // namespace iotemu::model
