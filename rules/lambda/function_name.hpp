// The ways AWS accepts a function's name: `my-function`, `my-function:$LATEST`,
// `function:my-function`, `123456789012:function:my-function` and the full ARN
// `arn:aws:lambda:us-east-1:123456789012:function:my-function[:qualifier]`. Parsing only; which
// function it names is FunctionStore's business. std only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::lambda {

struct FunctionReference {
    std::string name;
    std::optional<std::string> qualifier;  // "$LATEST", a version number or an alias
    std::optional<std::string> region;
    std::optional<std::string> account_id;
};

// Throws AwsError ValidationException when `text` matches none of the model's forms.
FunctionReference parse_function_reference(std::string_view text);

// "arn:aws:lambda:<region>:<account>:function:<name>".
std::string function_arn(std::string_view region, std::string_view account_id,
                         std::string_view name);

}  // namespace iotemu::lambda
