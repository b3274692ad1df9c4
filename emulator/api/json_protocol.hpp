// AWS JSON 1.1 (ACM PCA) answers: the output shape as application/x-amz-json-1.1, and the one
// place an AwsError becomes this protocol's error ({"__type", "message"}, 400 unless the table
// says otherwise). Never routes.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "api/message.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api::json_protocol {

Response response(const nlohmann::json& output);
int status_for(std::string_view aws_error_code);
Response error_response(const AwsError& error);

}  // namespace iotemu::api::json_protocol
