// Lambda request and response shapes shared by the Lambda route files: FunctionConfiguration,
// the settings members of CreateFunction/UpdateFunctionConfiguration, the ZipFile blob and
// qualified function names. Internal to api/; never calls the service.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "api/call.hpp"
#include "rules/lambda/function.hpp"

namespace iotemu::api::lambda_shapes {

// FunctionConfiguration as CreateFunction, GetFunctionConfiguration and ListFunctions answer it.
nlohmann::json function_configuration(const lambda::Function& function);

// Runtime, Role, Handler, Description, Timeout, MemorySize, Environment.Variables of the body.
lambda::FunctionSettings settings(const Call& call);

// The ZipFile blob (base64 in JSON) of `code`; S3 and image sources are refused with a message.
std::string zip_file(const nlohmann::json& code);

// The {FunctionName} path parameter with the Qualifier query member folded in.
std::string function_name(const Call& call);

// Versions are not kept (every function is its $LATEST): PublishVersion, and Publish=true on
// CreateFunction or UpdateFunctionCode, are refused rather than answered as $LATEST.
[[noreturn]] void refuse_versions();
void refuse_publish(const Call& call);

// Lambda's answer with no body (DeleteFunction, RemovePermission): 204.
Response no_content();

}  // namespace iotemu::api::lambda_shapes
