// IoT SQL tokens: turns statement text into tokens with their byte offsets. Knows no grammar:
// keywords are plain identifiers here (the parser decides, case-insensitively, where they count).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules::sql::detail {

enum class TokenKind {
    identifier,
    integer,        // 34, no point or exponent
    decimal,        // 1.5, 5E-12
    single_quoted,  // 'a/b' — the FROM clause needs this form [DG iot-sql-from]
    double_quoted,  // "PENDING_ACTIVATION" — a string literal too, as in AWS's own examples
    star,
    comma,
    dot,
    colon,
    lparen,
    rparen,
    lbracket,
    rbracket,
    lbrace,
    rbrace,
    plus,
    minus,
    slash,
    percent,
    equal,
    not_equal,  // <> or !=
    less,
    less_equal,
    greater,
    greater_equal,
    end,
};

struct Token {
    TokenKind kind;
    std::string text;  // identifiers and numbers as written; strings unescaped
    std::size_t position;
};

// 1-based column for messages ("at column 17"); statements are one logical line.
std::string at_column(std::size_t position);

Result<std::vector<Token>, ParseError> tokenize(std::string_view sql);

// Case-insensitive ASCII comparison, for keywords and function names.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);

}  // namespace iotemu::rules::sql::detail
