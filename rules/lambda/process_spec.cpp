// The process environment of a handler, in three layers: defaults a function may override
// (AWS_ENDPOINT_URL, TZ, …), the function's own variables, then what Lambda reserves. Nothing
// else of the emulator's environment leaks in but PATH and HOME.
#include "rules/lambda/process_spec.hpp"

#include <cstdlib>
#include <map>

namespace iotemu::lambda {
namespace {

// "arn:aws:lambda:<region>:…" → region.
std::string region_of(const std::string& arn) {
    const auto start = arn.find(':', arn.find(":lambda") + 1);
    const auto end = arn.find(':', start + 1);
    return arn.substr(start + 1, end - start - 1);
}

std::string from_environment(const char* name, std::string fallback) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::move(fallback);
}

}  // namespace

ProcessSpec process_spec(const Function& function, const RuntimeConfig& config,
                         const BootstrapFiles& bootstrap) {
    const bool python = function.family == RuntimeFamily::python;
    const std::string region = region_of(function.arn);
    std::map<std::string, std::string> variables{
        {"PATH", from_environment("PATH", "/usr/local/bin:/usr/bin:/bin")},
        {"HOME", from_environment("HOME", "/tmp")},
        {"LANG", "C.UTF-8"},
        {"TZ", ":UTC"},
        {"AWS_ENDPOINT_URL", config.api_endpoint_url},
        // The SDKs must not read the user's ~/.aws files nor probe EC2's metadata service.
        {"AWS_CONFIG_FILE", "/dev/null"},
        {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
        {"AWS_EC2_METADATA_DISABLED", "true"},
    };
    if (python) {
        variables["PYTHONUNBUFFERED"] = "1";
        variables["PYTHONDONTWRITEBYTECODE"] = "1";  // never write into a declared folder
    } else {
        variables["NODE_PATH"] = config.node_modules_directory.string();
        variables["AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE"] = "1";
        variables["AWS_NODEJS_CONNECTION_REUSE_ENABLED"] = "1";
    }
    for (const auto& [key, value] : function.environment) variables[key] = value;
    const std::map<std::string, std::string> reserved{
        {"AWS_REGION", region},
        {"AWS_DEFAULT_REGION", region},
        {"AWS_ACCESS_KEY_ID", "test"},
        {"AWS_SECRET_ACCESS_KEY", "test"},
        {"AWS_SESSION_TOKEN", "test"},
        {"AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime},
        {"AWS_LAMBDA_FUNCTION_NAME", function.name},
        {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(function.memory_size)},
        {"AWS_LAMBDA_FUNCTION_VERSION", function.version},
        {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.name},
        {"AWS_LAMBDA_LOG_STREAM_NAME", "iot-emulator/" + function.revision_id},
        {"LAMBDA_TASK_ROOT", function.code.directory.string()},
        {"LAMBDA_RUNTIME_DIR", bootstrap.python.parent_path().string()},
        {"_HANDLER", function.handler},
    };
    for (const auto& [key, value] : reserved) variables[key] = value;

    ProcessSpec spec;
    spec.executable = python ? config.python_executable : config.node_executable;
    spec.arguments = {(python ? bootstrap.python : bootstrap.node).string()};
    for (const auto& [key, value] : variables) spec.environment.push_back(key + "=" + value);
    spec.working_directory = function.code.directory;
    spec.log_component = function.name;
    return spec;
}

}  // namespace iotemu::lambda
