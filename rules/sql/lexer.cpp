// IoT SQL lexer: characters to tokens. Never throws; a bad character or an unterminated string is
// a ParseError pointing at where it starts.
#include "rules/sql/lexer.hpp"

#include <cctype>

namespace iotemu::rules::sql::detail {
namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

ParseError error_at(std::size_t position, std::string what) {
    return ParseError{what + " at " + at_column(position), position};
}

}  // namespace

std::string at_column(std::size_t position) { return "column " + std::to_string(position + 1); }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Result<std::vector<Token>, ParseError> tokenize(std::string_view sql) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    const auto single = [&](TokenKind kind, std::size_t width) {
        tokens.push_back(Token{kind, std::string(sql.substr(i, width)), i});
        i += width;
    };
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (is_ident_start(c)) {
            const std::size_t start = i;
            while (i < sql.size() && is_ident_char(sql[i])) ++i;
            tokens.push_back(
                Token{TokenKind::identifier, std::string(sql.substr(start, i - start)), start});
        } else if (is_digit(c)) {
            const std::size_t start = i;
            auto kind = TokenKind::integer;
            while (i < sql.size() && is_digit(sql[i])) ++i;
            if (i + 1 < sql.size() && sql[i] == '.' && is_digit(sql[i + 1])) {
                kind = TokenKind::decimal;
                ++i;
                while (i < sql.size() && is_digit(sql[i])) ++i;
            }
            if (i < sql.size() && (sql[i] == 'e' || sql[i] == 'E')) {
                std::size_t j = i + 1;
                if (j < sql.size() && (sql[j] == '-' || sql[j] == '+')) ++j;
                if (j < sql.size() && is_digit(sql[j])) {
                    kind = TokenKind::decimal;
                    i = j;
                    while (i < sql.size() && is_digit(sql[i])) ++i;
                }
            }
            if (i < sql.size() && is_ident_start(sql[i]))
                return Unexpected{error_at(start, "malformed number")};
            tokens.push_back(Token{kind, std::string(sql.substr(start, i - start)), start});
        } else if (c == '\'' || c == '"') {
            // Backslash escapes the quote, a backslash and \n \t \r; anything else stays as
            // written.
            const std::size_t start = i++;
            std::string text;
            bool closed = false;
            while (i < sql.size()) {
                const char d = sql[i++];
                if (d == c) {
                    closed = true;
                    break;
                }
                if (d == '\\' && i < sql.size()) {
                    const char e = sql[i++];
                    switch (e) {
                        case 'n':
                            text.push_back('\n');
                            break;
                        case 't':
                            text.push_back('\t');
                            break;
                        case 'r':
                            text.push_back('\r');
                            break;
                        case '\\':
                        case '\'':
                        case '"':
                            text.push_back(e);
                            break;
                        default:
                            text.push_back('\\');
                            text.push_back(e);
                    }
                    continue;
                }
                text.push_back(d);
            }
            if (!closed) return Unexpected{error_at(start, "unterminated string literal")};
            tokens.push_back(Token{c == '\'' ? TokenKind::single_quoted : TokenKind::double_quoted,
                                   std::move(text), start});
        } else {
            switch (c) {
                case '*':
                    single(TokenKind::star, 1);
                    break;
                case ',':
                    single(TokenKind::comma, 1);
                    break;
                case '.':
                    single(TokenKind::dot, 1);
                    break;
                case ':':
                    single(TokenKind::colon, 1);
                    break;
                case '(':
                    single(TokenKind::lparen, 1);
                    break;
                case ')':
                    single(TokenKind::rparen, 1);
                    break;
                case '[':
                    single(TokenKind::lbracket, 1);
                    break;
                case ']':
                    single(TokenKind::rbracket, 1);
                    break;
                case '{':
                    single(TokenKind::lbrace, 1);
                    break;
                case '}':
                    single(TokenKind::rbrace, 1);
                    break;
                case '+':
                    single(TokenKind::plus, 1);
                    break;
                case '-':
                    single(TokenKind::minus, 1);
                    break;
                case '/':
                    single(TokenKind::slash, 1);
                    break;
                case '%':
                    single(TokenKind::percent, 1);
                    break;
                case '=':
                    single(TokenKind::equal, 1);
                    break;
                case '!':
                    if (next != '=') return Unexpected{error_at(i, "unexpected character '!'")};
                    single(TokenKind::not_equal, 2);
                    break;
                case '<':
                    if (next == '>')
                        single(TokenKind::not_equal, 2);
                    else if (next == '=')
                        single(TokenKind::less_equal, 2);
                    else
                        single(TokenKind::less, 1);
                    break;
                case '>':
                    if (next == '=')
                        single(TokenKind::greater_equal, 2);
                    else
                        single(TokenKind::greater, 1);
                    break;
                default:
                    return Unexpected{error_at(i, std::string("unexpected character '") + c + "'")};
            }
        }
    }
    tokens.push_back(Token{TokenKind::end, "", sql.size()});
    return tokens;
}

}  // namespace iotemu::rules::sql::detail
