// errors: the exception-name → status table (docs/aws/iot-core.md §0.1) and the rest-json error
// shape.
#include "api/errors.hpp"

#include <catch2/catch.hpp>

#include "api_test_support.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;

TEST_CASE("AWS exception names map to the IoT model's status codes") {
    const auto [code, status] = GENERATE(table<const char*, int>({
        {"InvalidRequestException", 400},
        {"CertificateValidationException", 400},
        {"RegistrationCodeValidationException", 400},
        {"MalformedPolicyException", 400},
        {"SqlParseException", 400},
        {"ThrottlingException", 400},
        {"UnauthorizedException", 401},
        {"ForbiddenException", 403},
        {"ResourceNotFoundException", 404},
        {"UnknownOperationException", 404},
        {"MethodNotAllowedException", 405},
        {"CertificateStateException", 406},
        {"ResourceAlreadyExistsException", 409},
        {"DeleteConflictException", 409},
        {"CertificateConflictException", 409},
        {"VersionConflictException", 409},
        {"VersionsLimitExceededException", 409},
        {"LimitExceededException", 410},
        {"RequestEntityTooLargeException", 413},
        {"InternalFailureException", 500},
        {"ServiceUnavailableException", 503},
        {"SomethingNewException", 400},
    }));
    CAPTURE(code);
    CHECK(status_for(code) == status);
}

TEST_CASE("an error response carries x-amzn-ErrorType and a message body") {
    const auto response = error_response(AwsError(aws_errors::certificate_state, "is active"));
    CHECK(response.status == 406);
    CHECK(error_type(response) == "CertificateStateException");
    CHECK(header(response, "content-type") == "application/json");
    CHECK(body(response) == nlohmann::json{{"message", "is active"}});
}

TEST_CASE("ResourceAlreadyExistsException also names the existing resource") {
    const auto response = error_response(AwsError(aws_errors::resource_already_exists, "exists",
                                                  "abc", "arn:aws:iot:us-east-1:1:cert/abc"));
    CHECK(response.status == 409);
    const auto out = body(response);
    CHECK(out["message"] == "exists");
    CHECK(out["resourceId"] == "abc");
    CHECK(out["resourceArn"] == "arn:aws:iot:us-east-1:1:cert/abc");
}
