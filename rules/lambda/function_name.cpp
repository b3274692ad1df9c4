// Function names, partial ARNs and full ARNs → FunctionReference, as the model's FunctionName
// pattern allows them. Never looks a function up.
#include "rules/lambda/function_name.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "common/aws_error.hpp"

namespace iotemu::lambda {
namespace {

constexpr std::string_view name_pattern =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
    "(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

[[noreturn]] void invalid(std::string_view text) {
    throw AwsError(aws_errors::validation,
                   "1 validation error detected: Value '" + std::string(text) +
                       "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern: " +
                       std::string(name_pattern));
}

std::vector<std::string_view> split_colons(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find(':', start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

bool is_name(std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
    });
}

bool is_qualifier(std::string_view part) {
    if (part == "$LATEST" || part == "$LATEST.PUBLISHED") return true;
    return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
    });
}

bool is_account(std::string_view part) {
    return part.size() == 12 &&
           std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "us-east-1", "us-gov-west-1": letters, dashes, and a final single digit.
bool is_region(std::string_view part) {
    if (part.size() < 6 || !std::isdigit(static_cast<unsigned char>(part.back()))) return false;
    if (part[part.size() - 2] != '-') return false;
    if (!std::islower(static_cast<unsigned char>(part[0])) ||
        !std::islower(static_cast<unsigned char>(part[1])) || part[2] != '-')
        return false;
    return std::all_of(part.begin(), part.end() - 1,
                       [](unsigned char c) { return std::islower(c) || c == '-'; });
}

}  // namespace

FunctionReference parse_function_reference(std::string_view text) {
    if (text.empty() || text.size() > 256) invalid(text);
    const auto parts = split_colons(text);
    std::size_t i = 0;
    FunctionReference reference;
    if (parts[0] == "arn") {
        if (parts.size() < 4 || parts[1].substr(0, 3) != "aws" || parts[2] != "lambda")
            invalid(text);
        i = 3;
    }
    // The optional parts come in order, and only when a name still follows them.
    const auto remaining = [&] { return parts.size() - i; };
    if (remaining() > 1 && is_region(parts[i])) reference.region = std::string(parts[i++]);
    if (remaining() > 1 && is_account(parts[i])) reference.account_id = std::string(parts[i++]);
    if (remaining() > 1 && parts[i] == "function") ++i;
    if (remaining() == 0 || !is_name(parts[i])) invalid(text);
    reference.name = std::string(parts[i++]);
    if (remaining() == 1) {
        if (!is_qualifier(parts[i])) invalid(text);
        reference.qualifier = std::string(parts[i++]);
    }
    if (remaining() != 0) invalid(text);
    return reference;
}

std::string function_arn(std::string_view region, std::string_view account_id,
                         std::string_view name) {
    return "arn:aws:lambda:" + std::string(region) + ":" + std::string(account_id) +
           ":function:" + std::string(name);
}

}  // namespace iotemu::lambda
