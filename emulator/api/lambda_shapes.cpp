// FunctionConfiguration rendering and the request members several Lambda operations share.
// Shapes only: which rule a value breaks is the lambda module's business.
#include "api/lambda_shapes.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "api/json_members.hpp"
#include "common/aws_error.hpp"
#include "common/base64.hpp"
#include "rules/lambda/function_name.hpp"

namespace iotemu::api::lambda_shapes {
namespace {

using nlohmann::json;

[[noreturn]] void invalid_parameter(std::string message) {
    throw AwsError(aws_errors::invalid_parameter_value, std::move(message));
}

// Lambda's LastModified: "2024-01-01T12:00:00.000+0000".
std::string last_modified(Timestamp t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    const std::time_t seconds = ms.count() / 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    char millis[16];
    std::snprintf(millis, sizeof millis, ".%03d+0000", static_cast<int>(ms.count() % 1000));
    return std::string(text, length) + millis;
}

std::optional<int> int_setting(const Call& call, std::string_view member) {
    const auto value = call.body_int(member);
    if (!value) return std::nullopt;
    if (*value < -1'000'000 || *value > 1'000'000)
        invalid_parameter(std::string(member) + " is out of range: " + std::to_string(*value));
    return static_cast<int>(*value);
}

}  // namespace

json function_configuration(const lambda::Function& function) {
    json configuration = {
        {"FunctionName", function.name},
        {"FunctionArn", function.arn},
        {"Runtime", function.runtime},
        {"Role", function.role},
        {"Handler", function.handler},
        {"CodeSize", function.code.size},
        {"Description", function.description},
        {"Timeout", function.timeout},
        {"MemorySize", function.memory_size},
        {"LastModified", last_modified(function.last_modified)},
        {"CodeSha256", function.code.sha256},
        {"Version", function.version},
        {"TracingConfig", {{"Mode", "PassThrough"}}},
        {"RevisionId", function.revision_id},
        {"State", function.state},
        {"LastUpdateStatus", "Successful"},
        {"PackageType", "Zip"},
        {"Architectures", {"x86_64"}},
        {"EphemeralStorage", {{"Size", 512}}},
        {"SnapStart", {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}},
        {"LoggingConfig", {{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + function.name}}},
    };
    // AWS leaves Environment out when a function has no variables.
    if (!function.environment.empty())
        configuration["Environment"] = {{"Variables", function.environment}};
    return configuration;
}

lambda::FunctionSettings settings(const Call& call) {
    lambda::FunctionSettings settings;
    settings.runtime = call.body_string("Runtime");
    settings.role = call.body_string("Role");
    settings.handler = call.body_string("Handler");
    settings.description = call.body_string("Description");
    settings.timeout = int_setting(call, "Timeout");
    settings.memory_size = int_setting(call, "MemorySize");
    if (const json* environment = call.body_object("Environment")) {
        std::map<std::string, std::string> variables;
        if (const json* members =
                object_member(*environment, "Variables", "Environment.Variables")) {
            for (const auto& [key, value] : members->items()) {
                if (!value.is_string())
                    throw_invalid_request("Invalid type for Environment.Variables." + key +
                                          ": expected a string");
                variables.emplace(key, value.get<std::string>());
            }
        }
        settings.environment = std::move(variables);
    }
    if (const auto package_type = call.body_string("PackageType");
        package_type && *package_type != "Zip")
        invalid_parameter("iot-emulator runs Zip packages only; PackageType " + *package_type +
                          " is not supported.");
    return settings;
}

std::string zip_file(const json& code) {
    if (const auto text = string_member(code, "ZipFile", "Code.ZipFile")) {
        auto bytes = base64_decode(*text);
        if (!bytes)
            invalid_parameter(
                "Could not unzip uploaded file. Please check your file, then try "
                "to upload again. (ZipFile is not base64)");
        return std::move(*bytes);
    }
    if (code.contains("S3Bucket") || code.contains("S3Key") || code.contains("ImageUri"))
        invalid_parameter(
            "iot-emulator has no S3 or image registry: upload the package itself "
            "(--zip-file fileb://function.zip).");
    invalid_parameter("Please provide a source for function code.");
}

std::string function_name(const Call& call) {
    std::string name = call.path("FunctionName");
    const auto qualifier = call.query("Qualifier");
    if (!qualifier) return name;
    const auto reference = lambda::parse_function_reference(name);
    if (reference.qualifier && *reference.qualifier != *qualifier)
        invalid_parameter(
            "The derived qualifier from the function name does not match the "
            "specified qualifier.");
    if (!reference.qualifier) name += ":" + *qualifier;
    return name;
}

void refuse_versions() {
    invalid_parameter(
        "iot-emulator keeps one version of a function, $LATEST: publishing numbered versions "
        "(Publish=true, PublishVersion) is not supported. Drop --publish and invoke $LATEST.");
}

void refuse_publish(const Call& call) {
    if (call.body_bool("Publish").value_or(false)) refuse_versions();
}

Response no_content() {
    Response response;
    response.status = 204;
    return response;
}

}  // namespace iotemu::api::lambda_shapes
