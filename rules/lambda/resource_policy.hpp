// A function's resource-based policy as AddPermission and GetPolicy render it: one statement
// from AddPermission's members, the whole document for GetPolicy. JSON text out; json.hpp stays
// in the .cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/lambda/function.hpp"

namespace iotemu::lambda {

// {"Sid","Effect":"Allow","Principal",…,"Action","Resource","Condition"?} as one JSON string.
std::string statement_json(const PolicyStatement& statement, std::string_view function_arn);

// {"Version":"2012-10-17","Id":"default","Statement":[…]} as one JSON string.
std::string policy_json(const std::vector<PolicyStatement>& statements,
                        std::string_view function_arn);

}  // namespace iotemu::lambda
