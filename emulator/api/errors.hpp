// The one place AWS exception names become HTTP status codes (docs/aws/iot-core.md §0.1), and the
// error body.
#pragma once

#include "api/message.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api {

int status_for(std::string_view aws_error_code);
// x-amzn-ErrorType header + {"message": …} (+ resourceId/resourceArn when set).
Response error_response(const AwsError& error);

}  // namespace iotemu::api
