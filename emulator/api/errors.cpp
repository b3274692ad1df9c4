// AWS exception name → HTTP status (docs/aws/iot-core.md §0.1) and the rest-json error body. The
// only place a status code is chosen for an error; never decides which error an operation raises.
#include "api/errors.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/call.hpp"

namespace iotemu::api {
namespace {

// The IoT model's statuses; iot-data's extra names (403/405/413) and our unknown-operation
// answer (404) complete it. ThrottlingException is 400 in the IoT model (429 in iot-data's);
// botocore retries it by name either way.
constexpr std::array<std::pair<std::string_view, int>, 29> statuses{{
    {aws_errors::invalid_request, 400},
    {aws_errors::certificate_validation, 400},
    {aws_errors::registration_code_validation, 400},
    {aws_errors::malformed_policy, 400},
    {aws_errors::sql_parse, 400},
    {aws_errors::throttling, 400},
    {aws_errors::unauthorized, 401},
    {aws_errors::forbidden, 403},
    {aws_errors::resource_not_found, 404},
    {aws_errors::unknown_operation, 404},
    {aws_errors::method_not_allowed, 405},
    {aws_errors::certificate_state, 406},
    {aws_errors::resource_already_exists, 409},
    {aws_errors::delete_conflict, 409},
    {aws_errors::certificate_conflict, 409},
    {aws_errors::version_conflict, 409},
    {aws_errors::versions_limit_exceeded, 409},
    {aws_errors::conflicting_resource_update, 409},
    {aws_errors::limit_exceeded, 410},
    {aws_errors::request_entity_too_large, 413},
    {aws_errors::conflict, 409},                       // iot-data's shadow operations
    {aws_errors::unsupported_document_encoding, 415},  // iot-data's shadow operations
    {aws_errors::internal_failure, 500},
    {aws_errors::service_unavailable, 503},
    // Lambda's model (InvalidParameterValue, InvalidRequestContent, Validation: the 400 default).
    {aws_errors::resource_conflict, 409},
    {aws_errors::precondition_failed, 412},
    {aws_errors::request_too_large, 413},
    {aws_errors::too_many_requests, 429},
    {aws_errors::service_exception, 500},
}};

}  // namespace

int status_for(std::string_view aws_error_code) {
    for (const auto& [code, status] : statuses)
        if (code == aws_error_code) return status;
    return 400;
}

Response error_response(const AwsError& error) {
    nlohmann::json body = {{"message", std::string(error.message())}};
    if (error.resource_id()) body["resourceId"] = *error.resource_id();
    if (error.resource_arn()) body["resourceArn"] = *error.resource_arn();
    Response response = json_response(body, status_for(error.code()));
    response.headers.emplace_back("x-amzn-ErrorType", error.code());
    return response;
}

}  // namespace iotemu::api
