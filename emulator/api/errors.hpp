// rest-json's errors (iot, lambda): the one place their AWS exception names become HTTP status
// codes (docs/aws/iot-core.md §0.1), and the error body. JSON 1.1 and query have theirs in
// json_protocol.* and query_protocol.*.
#pragma once

#include "api/message.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api {

int status_for(std::string_view aws_error_code);
// x-amzn-ErrorType header + {"message": …} (+ resourceId/resourceArn when set).
Response error_response(const AwsError& error);

}  // namespace iotemu::api
