// Lambda's validation of function settings, with AWS's error names and wording where known.
// Never touches a store or the file system.
#include "rules/lambda/validation.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/aws_error.hpp"

namespace iotemu::lambda {
namespace {

[[noreturn]] void invalid_parameter(std::string message) {
    throw AwsError(aws_errors::invalid_parameter_value, std::move(message));
}

bool all_of(std::string_view text, int (*predicate)(int), std::string_view extra) {
    return std::all_of(text.begin(), text.end(), [&](unsigned char c) {
        return predicate(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

// The model's Runtime enum minus the families the emulator runs.
constexpr std::array<std::string_view, 24> other_runtimes{
    "java8",         "java8.al2", "java11",        "java17",         "java21",
    "java25",        "python2.7", "dotnetcore1.0", "dotnetcore2.0",  "dotnetcore2.1",
    "dotnetcore3.1", "dotnet6",   "dotnet8",       "dotnet10",       "go1.x",
    "ruby2.5",       "ruby2.7",   "ruby3.2",       "ruby3.3",        "ruby3.4",
    "ruby4.0",       "provided",  "provided.al2",  "provided.al2023"};

// "python3.7", "python3.12": python3. then digits.
bool is_python3(std::string_view runtime) {
    constexpr std::string_view prefix = "python3.";
    if (runtime.substr(0, prefix.size()) != prefix || runtime.size() == prefix.size()) return false;
    return all_of(runtime.substr(prefix.size()), std::isdigit, "");
}

// "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs20.x".
bool is_nodejs(std::string_view runtime) {
    constexpr std::string_view prefix = "nodejs";
    if (runtime.substr(0, prefix.size()) != prefix) return false;
    const auto rest = runtime.substr(prefix.size());
    return rest.empty() || rest == "4.3-edge" ||
           (std::isdigit(static_cast<unsigned char>(rest.front())) &&
            all_of(rest, std::isdigit, ".x"));
}

// AWS sets these itself; a function may not (Lambda developer guide, "Reserved environment
// variables").
constexpr std::array<std::string_view, 15> reserved_variables{"_HANDLER",
                                                              "_X_AMZN_TRACE_ID",
                                                              "AWS_DEFAULT_REGION",
                                                              "AWS_REGION",
                                                              "AWS_EXECUTION_ENV",
                                                              "AWS_LAMBDA_FUNCTION_NAME",
                                                              "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                                                              "AWS_LAMBDA_FUNCTION_VERSION",
                                                              "AWS_LAMBDA_INITIALIZATION_TYPE",
                                                              "AWS_LAMBDA_LOG_GROUP_NAME",
                                                              "AWS_LAMBDA_LOG_STREAM_NAME",
                                                              "AWS_ACCESS_KEY_ID",
                                                              "AWS_SECRET_ACCESS_KEY",
                                                              "AWS_SESSION_TOKEN",
                                                              "AWS_LAMBDA_RUNTIME_API"};

}  // namespace

void check_new_function_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || !all_of(name, std::isalnum, "-_"))
        throw_constraint_violation(
            "functionName", name,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}");
}

RuntimeFamily check_runtime(std::string_view runtime) {
    if (is_python3(runtime)) return RuntimeFamily::python;
    if (is_nodejs(runtime)) return RuntimeFamily::node;
    if (std::find(other_runtimes.begin(), other_runtimes.end(), runtime) != other_runtimes.end())
        invalid_parameter("The runtime parameter of " + std::string(runtime) +
                          " is not supported by iot-emulator, which runs python3.x functions on "
                          "the machine's python3 and nodejs functions on its node.");
    invalid_parameter("Value " + std::string(runtime) +
                      " at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
                      "set: [python3.8 … python3.14, nodejs … nodejs24.x, java…, dotnet…, ruby…, "
                      "provided…] or be a valid ARN");
}

void check_handler(std::string_view handler) {
    if (handler.size() > 128)
        throw_constraint_violation("handler", handler,
                                   "Member must have length less than or equal to 128");
    const bool has_space = std::any_of(handler.begin(), handler.end(),
                                       [](unsigned char c) { return std::isspace(c); });
    const auto dot = handler.rfind('.');
    if (handler.empty() || has_space || dot == std::string_view::npos || dot == 0 ||
        dot + 1 == handler.size() || handler.back() == '/')
        invalid_parameter("Handler '" + std::string(handler) +
                          "' is not of the form <file>.<function> (e.g. index.handler or "
                          "lambda_function.lambda_handler).");
}

void check_role(std::string_view role) {
    constexpr std::string_view pattern =
        "Member must satisfy regular expression pattern: "
        "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
    const auto iam = role.find(":iam::");
    if (role.substr(0, 7) != "arn:aws" || iam == std::string_view::npos ||
        !all_of(role.substr(4, iam - 4), std::isalpha, "-"))
        throw_constraint_violation("role", role, pattern);
    const auto rest = role.substr(iam + 6);
    if (rest.size() < 18 || !all_of(rest.substr(0, 12), std::isdigit, "") ||
        (rest.substr(12, 6) != ":role/" && rest.substr(12, 5) != ":role"))
        throw_constraint_violation("role", role, pattern);
    const auto path = rest.substr(rest.substr(12, 6) == ":role/" ? 18 : 17);
    if (path.empty() || !all_of(path, std::isalnum, "+=,.@-_/"))
        throw_constraint_violation("role", role, pattern);
}

void check_timeout(int seconds) {
    if (seconds < 1 || seconds > 900)
        invalid_parameter("Timeout value " + std::to_string(seconds) +
                          " is out of range: a function's timeout is 1 to 900 seconds.");
}

void check_memory_size(int megabytes) {
    if (megabytes < 128 || megabytes > 10240)
        invalid_parameter(
            "'MemorySize' value failed to satisfy constraint: Member must have "
            "value greater than or equal to 128 and less than or equal to 10240");
}

void check_description(std::string_view description) {
    if (description.size() > 256)
        throw_constraint_violation("description", description,
                                   "Member must have length less than or equal to 256");
}

void check_environment(const std::map<std::string, std::string>& variables) {
    std::size_t total = 0;
    std::string reserved;
    for (const auto& [key, value] : variables) {
        total += key.size() + value.size();
        if (key.size() < 2 || !std::isalpha(static_cast<unsigned char>(key.front())) ||
            !all_of(key, std::isalnum, "_"))
            throw_constraint_violation(
                "environment.variables", key,
                "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
        if (std::find(reserved_variables.begin(), reserved_variables.end(), key) !=
            reserved_variables.end())
            reserved += (reserved.empty() ? "" : ", ") + key;
    }
    if (!reserved.empty())
        invalid_parameter(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided contains reserved keys that "
            "are currently not supported for modification. Reserved keys used in "
            "this request: " +
            reserved);
    if (total > 4096)
        invalid_parameter(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided exceeded the 4KB limit. "
            "String measured: " +
            std::to_string(total));
}

void check_settings(const FunctionSettings& settings) {
    if (settings.runtime) check_runtime(*settings.runtime);
    if (settings.handler) check_handler(*settings.handler);
    if (settings.role) check_role(*settings.role);
    if (settings.description) check_description(*settings.description);
    if (settings.timeout) check_timeout(*settings.timeout);
    if (settings.memory_size) check_memory_size(*settings.memory_size);
    if (settings.environment) check_environment(*settings.environment);
}

void throw_constraint_violation(std::string_view member, std::string_view value,
                                std::string_view rule) {
    throw AwsError(aws_errors::validation,
                   "1 validation error detected: Value '" + std::string(value) + "' at '" +
                       std::string(member) +
                       "' failed to satisfy constraint: " + std::string(rule));
}

}  // namespace iotemu::lambda
