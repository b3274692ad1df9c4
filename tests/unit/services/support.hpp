// Helpers for the services' core tests: the AWS error code a call throws.
#pragma once

#include <string>

#include "common/aws_error.hpp"

namespace iotemu::services::test {

// The code of the AwsError `call` throws, or "" when it does not throw.
template <class Call>
std::string error_code(Call call) {
    try {
        call();
    } catch (const AwsError& error) {
        return error.code();
    }
    return {};
}

// The message of the AwsError `call` throws, or "".
template <class Call>
std::string error_message(Call call) {
    try {
        call();
    } catch (const AwsError& error) {
        return std::string(error.message());
    }
    return {};
}

inline const std::string lambda_trust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
inline const std::string jitr_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:UpdateCertificate","iot:CreatePolicy","iot:AttachPolicy","logs:*"],"Resource":"*"}]})";

}  // namespace iotemu::services::test
