// IoT SQL functions, part 2: strings [DG iot-sql-functions]. Non-string arguments go through the
// standard string conversion first; Null and Undefined make the result Undefined. Positions and
// lengths count Unicode code points, not bytes (numbytes() counts bytes).
#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <re2/re2.h>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "rules/sql/functions.hpp"
#include "rules/sql/value.hpp"

namespace iotemu::rules::sql::detail {
namespace {

using Args = std::span<const Json>;
constexpr auto v1 = SqlVersion::v2015_10_08;
constexpr auto v2 = SqlVersion::v2016_03_23;
// What one compiled pattern may take (RE2's own default); a larger pattern fails to compile.
constexpr std::int64_t max_regex_memory = 8 << 20;

// Byte offset of each code point, plus the end: offsets[i]..offsets[i+1] is code point i.
std::vector<std::size_t> code_point_offsets(const std::string& text) {
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) offsets.push_back(i);
    }
    offsets.push_back(text.size());
    return offsets;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

template <class Transform>
Json map_string(const Json& value, Transform transform) {
    auto text = to_string(value);
    if (!text) return undefined();
    return transform(std::move(*text));
}

Json fn_concat(Args args, const CallEnv&) {
    if (args.empty()) return undefined();
    const bool any_array =
        std::any_of(args.begin(), args.end(), [](const Json& a) { return a.is_array(); });
    if (any_array) {
        Json out = Json::array();
        for (const auto& arg : args) {
            if (is_undefined(arg)) return undefined();
            if (arg.is_array()) {
                out.insert(out.end(), arg.begin(), arg.end());
            } else {
                out.push_back(arg);
            }
        }
        return out;
    }
    std::string out;
    for (const auto& arg : args) {
        const auto text = to_string(arg);
        if (!text) return undefined();
        out += *text;
    }
    return out;
}

Json fn_upper(Args args, const CallEnv&) {
    return map_string(args[0], [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    });
}

Json fn_lower(Args args, const CallEnv&) {
    return map_string(args[0], [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    });
}

Json fn_trim(Args args, const CallEnv&) {
    return map_string(args[0], [](std::string s) {
        const auto first = std::find_if_not(s.begin(), s.end(), is_space);
        const auto last = std::find_if_not(s.rbegin(), s.rend(), is_space).base();
        return first < last ? std::string(first, last) : std::string();
    });
}

Json fn_ltrim(Args args, const CallEnv&) {
    return map_string(args[0], [](std::string s) {
        return std::string(std::find_if_not(s.begin(), s.end(), is_space), s.end());
    });
}

Json fn_rtrim(Args args, const CallEnv&) {
    return map_string(args[0], [](std::string s) {
        return std::string(s.begin(), std::find_if_not(s.rbegin(), s.rend(), is_space).base());
    });
}

// startswith/endswith: both arguments as strings; Null or Undefined on either side → Undefined.
template <bool AtStart>
Json fn_affix(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    const auto affix = to_string(args[1]);
    if (!text || !affix) return undefined();
    if (affix->size() > text->size()) return false;
    return AtStart ? text->compare(0, affix->size(), *affix) == 0
                   : text->compare(text->size() - affix->size(), affix->size(), *affix) == 0;
}

Json fn_substring(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    const auto from = to_int(args[1]);
    if (!text || !from) return undefined();
    const auto offsets = code_point_offsets(*text);
    const auto length = static_cast<std::int64_t>(offsets.size() - 1);
    const auto clamp = [&](std::int64_t i) { return std::clamp<std::int64_t>(i, 0, length); };
    const auto begin = clamp(*from);
    auto end = length;
    if (args.size() == 3) {
        const auto to = to_int(args[2]);
        if (!to) return undefined();
        end = clamp(*to);
    }
    if (begin >= end) return "";
    return text->substr(offsets[begin], offsets[end] - offsets[begin]);
}

Json fn_length(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    if (!text) return undefined();
    return make_int(static_cast<std::int64_t>(code_point_offsets(*text).size() - 1));
}

Json fn_numbytes(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    return text ? make_int(static_cast<std::int64_t>(text->size())) : undefined();
}

Json fn_replace(Args args, const CallEnv&) {
    auto text = to_string(args[0]);
    const auto from = to_string(args[1]);
    const auto to = to_string(args[2]);
    if (!text || !from || !to) return undefined();
    if (from->empty()) return *text;
    std::string out;
    std::size_t start = 0;
    for (auto hit = text->find(*from); hit != std::string::npos; hit = text->find(*from, start)) {
        out.append(*text, start, hit - start);
        out += *to;
        start = hit + from->size();
    }
    out.append(*text, start);
    return out;
}

Json fn_indexof(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    const auto needle = to_string(args[1]);
    if (!text || !needle) return undefined();
    const auto hit = text->find(*needle);
    if (hit == std::string::npos) return make_int(-1);
    const auto offsets = code_point_offsets(*text);
    const auto index = std::lower_bound(offsets.begin(), offsets.end(), hit) - offsets.begin();
    return make_int(index);
}

// lpad/rpad: the count is clamped to 0..1000 [DG lpad].
template <bool Left>
Json fn_pad(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    if (!text || !(args[1].is_number() || args[1].is_string())) return undefined();
    const auto count = to_int(args[1]);
    if (!count) return undefined();
    const std::string padding(static_cast<std::size_t>(std::clamp<std::int64_t>(*count, 0, 1000)),
                              ' ');
    return Left ? padding + *text : *text + padding;
}

Json fn_chr(Args args, const CallEnv&) {
    const auto code = to_int(args[0]);
    if (!code || *code < 0 || *code > 127) return undefined();
    return std::string(1, static_cast<char>(*code));
}

// The regexp_* functions take Java patterns. RE2 reads the same syntax for everything but
// backreferences and lookaround, and never backtracks: its time is linear in the input, so no
// pattern can stall the rules engine (docs/limits.md). A pattern it cannot compile, or one of
// those two features, is Undefined, as AWS documents for an invalid pattern.
std::unique_ptr<const re2::RE2> compile(const Json& pattern) {
    const auto text = to_string(pattern);
    if (!text) return nullptr;
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(max_regex_memory);
    auto compiled = std::make_unique<const re2::RE2>(*text, options);
    if (!compiled->ok()) return nullptr;
    return compiled;
}

// Java's replacement syntax ($1 a group, \x the character x) in RE2's (\1 a group, \\ a
// backslash).
std::string rewrite_of(std::string_view replacement) {
    std::string out;
    for (std::size_t i = 0; i < replacement.size(); ++i) {
        const char c = replacement[i];
        if (c == '$' && i + 1 < replacement.size() &&
            std::isdigit(static_cast<unsigned char>(replacement[i + 1]))) {
            out += '\\';
            out += replacement[++i];
            continue;
        }
        const char literal = c == '\\' && i + 1 < replacement.size() ? replacement[++i] : c;
        if (literal == '\\') out += '\\';
        out += literal;
    }
    return out;
}

Json fn_regexp_matches(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    const auto pattern = compile(args[1]);
    if (!text || !pattern) return undefined();
    return re2::RE2::PartialMatch(*text, *pattern);
}

Json fn_regexp_replace(Args args, const CallEnv&) {
    auto text = to_string(args[0]);
    const auto pattern = compile(args[1]);
    const auto replacement = to_string(args[2]);
    if (!text || !pattern || !replacement) return undefined();
    const auto rewrite = rewrite_of(*replacement);
    if (std::string problem; !pattern->CheckRewriteString(rewrite, &problem)) return undefined();
    re2::RE2::GlobalReplace(&*text, *pattern, rewrite);
    return *text;
}

Json fn_regexp_substr(Args args, const CallEnv&) {
    const auto text = to_string(args[0]);
    const auto pattern = compile(args[1]);
    if (!text || !pattern) return undefined();
    re2::StringPiece match;
    if (!pattern->Match(*text, 0, text->size(), re2::RE2::UNANCHORED, &match, 1)) return "";
    return std::string(match.data(), match.size());
}

constexpr std::array<Function, 19> table = {{
    {"chr", v1, 1, 1, fn_chr},
    {"concat", v1, 0, -1, fn_concat},
    {"endswith", v1, 2, 2, fn_affix<false>},
    {"indexof", v2, 2, 2, fn_indexof},
    {"length", v2, 1, 1, fn_length},
    {"lower", v1, 1, 1, fn_lower},
    {"lpad", v1, 2, 2, fn_pad<true>},
    {"ltrim", v1, 1, 1, fn_ltrim},
    {"numbytes", v2, 1, 1, fn_numbytes},
    {"regexp_matches", v1, 2, 2, fn_regexp_matches},
    {"regexp_replace", v1, 3, 3, fn_regexp_replace},
    {"regexp_substr", v1, 2, 2, fn_regexp_substr},
    {"replace", v1, 3, 3, fn_replace},
    {"rpad", v1, 2, 2, fn_pad<false>},
    {"rtrim", v1, 1, 1, fn_rtrim},
    {"startswith", v1, 2, 2, fn_affix<true>},
    {"substring", v1, 2, 3, fn_substring},
    {"trim", v1, 1, 1, fn_trim},
    {"upper", v1, 1, 1, fn_upper},
}};

}  // namespace

std::span<const Function> string_functions() { return table; }

}  // namespace iotemu::rules::sql::detail
