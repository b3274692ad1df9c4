// The proof-of-possession rule for RegisterCACertificate in DEFAULT mode
// (docs/aws/iot-core.md §1.2): the verification certificate's subject CN equals the account's
// registration code, and it is signed by the CA's key. No I/O.
#pragma once

#include <string_view>

#include "common/result.hpp"
#include "pki/certificate.hpp"

namespace iotemu::pki {

enum class VerificationFailure {
    code_mismatch,     // CN absent or not the current registration code
    not_signed_by_ca,  // signature does not verify with the CA's public key
};

Result<void, VerificationFailure> check_verification_certificate(
    const X509Certificate& ca, const X509Certificate& verification,
    std::string_view registration_code);

}  // namespace iotemu::pki
