// A one-statement IoT policy document and the account's ARN prefix, for the tests that evaluate
// policies (the policy engine's and the registry's debugging APIs). Test-only.
#pragma once

#include <string>

namespace iotemu::testing {

inline const std::string arn = "arn:aws:iot:us-east-1:123456789012:";

inline std::string statement(const std::string& effect, const std::string& action,
                             const std::string& resource) {
    return R"({"Version": "2012-10-17", "Statement": [{"Effect": ")" + effect +
           R"(", "Action": ")" + action + R"(", "Resource": ")" + resource + R"("}]})";
}

}  // namespace iotemu::testing
