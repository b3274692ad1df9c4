// AwsError: the one exception type for a control-plane call that breaks an AWS rule.
// `code` is AWS's exception name (botocore reads it from x-amzn-ErrorType); the HTTP layer alone
// maps it to a status code. No layer below the API knows HTTP.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace iotemu {

// AWS exception names used by the emulator, spelled once (docs/aws/iot-core.md §0.1).
namespace aws_errors {
inline constexpr std::string_view invalid_request = "InvalidRequestException";
inline constexpr std::string_view resource_not_found = "ResourceNotFoundException";
inline constexpr std::string_view resource_already_exists = "ResourceAlreadyExistsException";
inline constexpr std::string_view certificate_validation = "CertificateValidationException";
inline constexpr std::string_view certificate_state = "CertificateStateException";
inline constexpr std::string_view certificate_conflict = "CertificateConflictException";
inline constexpr std::string_view registration_code_validation =
    "RegistrationCodeValidationException";
inline constexpr std::string_view delete_conflict = "DeleteConflictException";
inline constexpr std::string_view version_conflict = "VersionConflictException";
inline constexpr std::string_view versions_limit_exceeded = "VersionsLimitExceededException";
inline constexpr std::string_view limit_exceeded = "LimitExceededException";
inline constexpr std::string_view conflicting_resource_update =
    "ConflictingResourceUpdateException";
inline constexpr std::string_view malformed_policy = "MalformedPolicyException";
// RegisterThing's error for a template it cannot satisfy (docs/aws/provisioning-and-services.md §2;
// 400, the default status).
inline constexpr std::string_view resource_registration_failure =
    "ResourceRegistrationFailureException";
inline constexpr std::string_view sql_parse = "SqlParseException";
inline constexpr std::string_view unauthorized = "UnauthorizedException";
inline constexpr std::string_view forbidden = "ForbiddenException";
inline constexpr std::string_view throttling = "ThrottlingException";
inline constexpr std::string_view internal_failure = "InternalFailureException";
inline constexpr std::string_view service_unavailable = "ServiceUnavailableException";
inline constexpr std::string_view unknown_operation = "UnknownOperationException";
inline constexpr std::string_view method_not_allowed = "MethodNotAllowedException";
inline constexpr std::string_view request_entity_too_large = "RequestEntityTooLargeException";
// iot-data's shadow operations (docs/aws/data-plane.md §4.8).
inline constexpr std::string_view conflict = "ConflictException";
inline constexpr std::string_view unsupported_document_encoding =
    "UnsupportedDocumentEncodingException";
// Lambda's own names (botocore `lambda` 2015-03-31).
inline constexpr std::string_view invalid_parameter_value = "InvalidParameterValueException";
inline constexpr std::string_view resource_conflict = "ResourceConflictException";
inline constexpr std::string_view precondition_failed = "PreconditionFailedException";
inline constexpr std::string_view too_many_requests = "TooManyRequestsException";
inline constexpr std::string_view invalid_request_content = "InvalidRequestContentException";
inline constexpr std::string_view request_too_large = "RequestTooLargeException";
inline constexpr std::string_view validation = "ValidationException";
inline constexpr std::string_view service_exception = "ServiceException";
// ACM Private CA's names (botocore `acm-pca` 2017-08-22, JSON 1.1) and the protocol's own.
inline constexpr std::string_view invalid_state = "InvalidStateException";
inline constexpr std::string_view invalid_arn = "InvalidArnException";
inline constexpr std::string_view invalid_args = "InvalidArgsException";
inline constexpr std::string_view invalid_next_token = "InvalidNextTokenException";
inline constexpr std::string_view malformed_csr = "MalformedCSRException";
inline constexpr std::string_view malformed_certificate = "MalformedCertificateException";
inline constexpr std::string_view certificate_mismatch = "CertificateMismatchException";
inline constexpr std::string_view request_in_progress = "RequestInProgressException";
inline constexpr std::string_view serialization = "SerializationException";

// The query protocol (STS, IAM) puts the model's short code on the wire, not the shape name
// (NoSuchEntity, not NoSuchEntityException: docs/aws/provisioning-and-services.md §0).
namespace query {
inline constexpr std::string_view missing_action = "MissingAction";
inline constexpr std::string_view invalid_action = "InvalidAction";
inline constexpr std::string_view malformed_query_string = "MalformedQueryString";
inline constexpr std::string_view missing_parameter = "MissingParameter";
inline constexpr std::string_view validation_error = "ValidationError";
inline constexpr std::string_view access_denied = "AccessDenied";
inline constexpr std::string_view internal_failure = "InternalFailure";
inline constexpr std::string_view service_unavailable = "ServiceUnavailable";
// IAM (botocore `iam` 2010-05-08).
inline constexpr std::string_view no_such_entity = "NoSuchEntity";
inline constexpr std::string_view entity_already_exists = "EntityAlreadyExists";
inline constexpr std::string_view delete_conflict = "DeleteConflict";
inline constexpr std::string_view limit_exceeded = "LimitExceeded";
inline constexpr std::string_view malformed_policy_document = "MalformedPolicyDocument";
inline constexpr std::string_view invalid_input = "InvalidInput";
inline constexpr std::string_view unmodifiable_entity = "UnmodifiableEntity";
inline constexpr std::string_view policy_not_attachable = "PolicyNotAttachable";
inline constexpr std::string_view service_failure = "ServiceFailure";
// STS (botocore `sts` 2011-06-15); MalformedPolicyDocument is shared with IAM.
inline constexpr std::string_view packed_policy_too_large = "PackedPolicyTooLarge";
inline constexpr std::string_view region_disabled = "RegionDisabledException";
inline constexpr std::string_view expired_token = "ExpiredTokenException";
}  // namespace query
}  // namespace aws_errors

class AwsError : public std::runtime_error {
public:
    AwsError(std::string_view code, std::string message)
        : std::runtime_error(std::move(message)), code_(code) {}

    // ResourceAlreadyExistsException also names the resource that exists
    // (docs/aws/iot-core.md §0.1).
    AwsError(std::string_view code, std::string message, std::string resource_id,
             std::string resource_arn)
        : std::runtime_error(std::move(message)),
          code_(code),
          resource_id_(std::move(resource_id)),
          resource_arn_(std::move(resource_arn)) {}

    const std::string& code() const noexcept { return code_; }
    std::string_view message() const noexcept { return what(); }
    const std::optional<std::string>& resource_id() const noexcept { return resource_id_; }
    const std::optional<std::string>& resource_arn() const noexcept { return resource_arn_; }

private:
    std::string code_;
    std::optional<std::string> resource_id_;
    std::optional<std::string> resource_arn_;
};

}  // namespace iotemu
