// Wildcard matching for policy strings (docs/aws/iot-core.md §5.2). Greedy matching with one
// backtrack point, so a match costs O(pattern × text) at worst and allocates nothing: it runs on
// every PUBLISH.
#include "policy/pattern.hpp"

#include <algorithm>
#include <array>

namespace iotemu::policy {
namespace {

enum class TokenKind { any_sequence, any_character, literal };

struct Token {
    TokenKind kind;
    char character;      // for literal
    std::size_t length;  // characters of pattern it spans: 4 for an escape, else 1
};

// `$(*)`, `$(?)` and `$($)` stand for the character inside the parentheses
// (docs/aws/iot-core.md §5.2).
constexpr std::array<char, 3> escapable = {'*', '?', '$'};

bool escape_at(std::string_view pattern, std::size_t at) {
    return pattern.size() - at >= 4 && pattern[at] == '$' && pattern[at + 1] == '(' &&
           pattern[at + 3] == ')' &&
           std::find(escapable.begin(), escapable.end(), pattern[at + 2]) != escapable.end();
}

Token token_at(std::string_view pattern, std::size_t at) {
    if (escape_at(pattern, at)) return {TokenKind::literal, pattern[at + 2], 4};
    if (pattern[at] == '*') return {TokenKind::any_sequence, '*', 1};
    if (pattern[at] == '?') return {TokenKind::any_character, '?', 1};
    return {TokenKind::literal, pattern[at], 1};
}

// `?` stands for one character, so it takes a whole UTF-8 sequence (topic names are UTF-8).
std::size_t character_length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return std::min(length, text.size() - at);
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
    constexpr auto none = std::string_view::npos;
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t after_star = none;  // pattern position just past the last `*` seen
    std::size_t star_text = 0;      // where in text that `*` currently stops
    while (t < text.size()) {
        if (p < pattern.size()) {
            const Token token = token_at(pattern, p);
            if (token.kind == TokenKind::any_sequence) {
                after_star = p + token.length;
                star_text = t;
                p = after_star;
                continue;
            }
            if (token.kind == TokenKind::any_character) {
                p += token.length;
                t += character_length(text, t);
                continue;
            }
            if (token.character == text[t]) {
                p += token.length;
                ++t;
                continue;
            }
        }
        if (after_star == none) return false;
        // Let the last `*` swallow one more character and retry from just after it.
        p = after_star;
        t = ++star_text;
    }
    while (p < pattern.size()) {
        const Token token = token_at(pattern, p);
        if (token.kind != TokenKind::any_sequence) return false;
        p += token.length;
    }
    return true;
}

std::string escape_wildcards(std::string_view literal) {
    std::string out;
    out.reserve(literal.size());
    for (const char c : literal) {
        if (std::find(escapable.begin(), escapable.end(), c) != escapable.end()) {
            out += "$(";
            out += c;
            out += ')';
        } else {
            out += c;
        }
    }
    return out;
}

std::string unescape_wildcards(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size());
    for (std::size_t at = 0; at < pattern.size();) {
        const Token token = token_at(pattern, at);
        out += token.character;
        at += token.length;
    }
    return out;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace iotemu::policy
