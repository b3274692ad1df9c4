// Percent-decoding and name=value splitting. Knows no route and no AWS shape.
#include "api/url.hpp"

#include <cctype>

namespace iotemu::api {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes into `out`; false at the first malformed escape when `strict`.
bool decode(std::string_view text, bool plus_is_space, bool strict, std::string& out) {
    out.reserve(out.size() + text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            const bool room = i + 2 < text.size();
            const int high = room ? hex_value(text[i + 1]) : -1;
            const int low = room ? hex_value(text[i + 2]) : -1;
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
            if (strict) return false;
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return true;
}

template <class Part>
void for_each_part(std::string_view text, Part part) {
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) part(text.substr(start, end - start));
        start = end + 1;
    }
}

std::pair<std::string_view, std::string_view> split_pair(std::string_view part) {
    const auto equals = part.find('=');
    if (equals == std::string_view::npos) return {part, {}};
    return {part.substr(0, equals), part.substr(equals + 1)};
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    decode(text, plus_is_space, false, out);
    return out;
}

std::string percent_encode(std::string_view text) {
    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
    }
    return out;
}

Parameters parse_query(std::string_view query) {
    Parameters out;
    for_each_part(query, [&](std::string_view part) {
        const auto [key, value] = split_pair(part);
        out.emplace_back(percent_decode(key, true), percent_decode(value, true));
    });
    return out;
}

std::optional<Parameters> parse_form(std::string_view form) {
    Parameters out;
    bool good = true;
    for_each_part(form, [&](std::string_view part) {
        const auto [key, value] = split_pair(part);
        std::string name, text;
        good = good && decode(key, true, true, name) && decode(value, true, true, text);
        if (good) out.emplace_back(std::move(name), std::move(text));
    });
    if (!good) return std::nullopt;
    return out;
}

std::optional<std::string> find_parameter(const Parameters& parameters, std::string_view name) {
    for (const auto& [key, value] : parameters)
        if (key == name) return value;
    return std::nullopt;
}

}  // namespace iotemu::api
