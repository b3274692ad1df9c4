// IAM's member constraints as hand-written checks of the model's patterns (no regex engine on
// this path). Each failure names the member and the pattern, as IAM's ValidationError does.
#include "services/iam/validation.hpp"

#include <string>

#include "common/aws_error.hpp"

namespace iotemu::services::iam {
namespace {

bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_name_char(char c) {
    return is_word(c) || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

bool is_policy_path_char(char c) {
    return is_word(c) || c == '.' || c == ',' || c == '+' || c == '@' || c == '=' || c == '-';
}

}  // namespace

void validation_error(std::string_view member, std::string_view value,
                      std::string_view constraint) {
    std::string message = "1 validation error detected: Value '";
    message.append(value).append("' at '").append(member);
    message.append("' failed to satisfy constraint: ").append(constraint);
    throw AwsError(aws_errors::query::validation_error, std::move(message));
}

void check_length(std::string_view member, std::string_view value, std::size_t min,
                  std::size_t max) {
    if (value.size() < min)
        validation_error(member, value,
                         "Member must have length greater than or equal to " + std::to_string(min));
    if (value.size() > max)
        validation_error(member, value,
                         "Member must have length less than or equal to " + std::to_string(max));
}

void check_range(std::string_view member, std::int64_t value, std::int64_t min, std::int64_t max) {
    const auto text = std::to_string(value);
    if (value < min)
        validation_error(member, text,
                         "Member must have value greater than or equal to " + std::to_string(min));
    if (value > max)
        validation_error(member, text,
                         "Member must have value less than or equal to " + std::to_string(max));
}

void check_name(std::string_view member, std::string_view value, std::size_t min, std::size_t max) {
    check_length(member, value, min, max);
    for (const char c : value)
        if (!is_name_char(c))
            validation_error(member, value,
                             "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
}

void check_role_path(std::string_view member, std::string_view value) {
    check_length(member, value, 1, 512);
    bool good = value.front() == '/' && value.back() == '/';
    for (const char c : value) good = good && c >= 0x21 && c <= 0x7e;
    if (!good)
        validation_error(member, value,
                         "Member must satisfy regular expression pattern: "
                         "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
}

void check_policy_path(std::string_view member, std::string_view value) {
    check_length(member, value, 1, 512);
    bool good = value.front() == '/' && value.back() == '/';
    // Segments between slashes are non-empty runs of the allowed characters.
    for (std::size_t i = 1; good && i < value.size(); ++i)
        good = value[i] == '/' ? value[i - 1] != '/' : is_policy_path_char(value[i]);
    if (!good)
        validation_error(member, value,
                         "Member must satisfy regular expression pattern: "
                         "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
}

void check_version_id(std::string_view member, std::string_view value) {
    bool good = value.size() >= 2 && value[0] == 'v' && value[1] >= '1' && value[1] <= '9';
    std::size_t i = 2;
    while (good && i < value.size() && value[i] >= '0' && value[i] <= '9') ++i;
    if (good && i < value.size()) {
        good = value[i] == '.';
        for (++i; good && i < value.size(); ++i)
            good = (value[i] >= 'a' && value[i] <= 'z') || (value[i] >= 'A' && value[i] <= 'Z') ||
                   (value[i] >= '0' && value[i] <= '9') || value[i] == '-';
    }
    if (!good)
        validation_error(member, value,
                         "Member must satisfy regular expression pattern: "
                         "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
}

}  // namespace iotemu::services::iam
