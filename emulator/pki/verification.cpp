// The RegisterCACertificate proof-of-possession rule (docs/aws/iot-core.md §1.2). Pure:
// certificates in, verdict out.
#include "pki/verification.hpp"

namespace iotemu::pki {

Result<void, VerificationFailure> check_verification_certificate(
    const X509Certificate& ca, const X509Certificate& verification,
    std::string_view registration_code) {
    // The code is checked first: a stale or mistyped code is the common mistake and maps to its
    // own AWS error (RegistrationCodeValidationException), whatever the signature says.
    const std::optional<std::string> common_name = verification.subject().first("CN");
    if (!common_name || *common_name != registration_code) {
        return Unexpected{VerificationFailure::code_mismatch};
    }
    if (!verification.is_signed_by(ca)) {
        return Unexpected{VerificationFailure::not_signed_by_ca};
    }
    return {};
}

}  // namespace iotemu::pki
