// The RegisterCACertificate proof-of-possession rule (docs/aws/iot-core.md §1.2): CN is the
// registration code, and the CA's key signed the verification certificate. CN is checked first.
#include "pki/verification.hpp"

#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace iotemu::pki;
using namespace iotemu::pki::testing;

namespace {

constexpr const char* registration_code =
    "f3d2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2";

X509Certificate verification_certificate(const std::vector<NameEntry>& subject,
                                         const Issuer& signer) {
    CertificateProfile profile;
    profile.subject = subject;
    return issue_certificate(profile, PublicKey::from_private(shared_key(KeyType::ec_p256)),
                             signer);
}

}  // namespace

TEST_CASE("A verification certificate with the registration code as CN signed by the CA passes") {
    const auto ca_key = GENERATE(KeyType::rsa_2048, KeyType::ec_p256);
    CAPTURE(name_of(ca_key));
    const Issuer ca = make_root_ca("Verified Root", shared_key(ca_key));
    const X509Certificate verification = verification_certificate({{"CN", registration_code}}, ca);

    const auto result =
        check_verification_certificate(ca.certificate, verification, registration_code);
    CHECK(result.has_value());
}

TEST_CASE("A verification certificate whose CN is not exactly the code fails with code_mismatch") {
    const std::string code = registration_code;
    std::string upper = code;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto [label, subject] = GENERATE_COPY(table<std::string, std::vector<NameEntry>>({
        {"another code", {{"CN", std::string(64, 'a')}}},
        {"the code in upper case", {{"CN", upper}}},
        {"the code with a trailing space", {{"CN", code + " "}}},
        {"the code as a prefix", {{"CN", code + "0"}}},
        {"no CN at all", {{"O", code}}},
    }));
    CAPTURE(label);
    const Issuer ca = make_root_ca("Mismatch Root", shared_key(KeyType::ec_p256));
    const X509Certificate verification = verification_certificate(subject, ca);

    const auto result = check_verification_certificate(ca.certificate, verification, code);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == VerificationFailure::code_mismatch);
}

TEST_CASE("A verification certificate signed by another key fails with not_signed_by_ca") {
    const Issuer ca = make_root_ca("Impostor Root", shared_key(KeyType::ec_p256));
    const Issuer impostor = make_root_ca("Impostor Root", PrivateKey::generate(KeyType::ec_p256));
    const X509Certificate verification =
        verification_certificate({{"CN", registration_code}}, impostor);

    const auto result =
        check_verification_certificate(ca.certificate, verification, registration_code);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == VerificationFailure::not_signed_by_ca);
}

TEST_CASE("A wrong CN is reported before a wrong signer") {
    const Issuer ca = make_root_ca("Order Root", shared_key(KeyType::ec_p256));
    const Issuer impostor = make_root_ca("Order Root", PrivateKey::generate(KeyType::ec_p256));
    const X509Certificate verification = verification_certificate({{"CN", "wrong"}}, impostor);

    const auto result =
        check_verification_certificate(ca.certificate, verification, registration_code);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error() == VerificationFailure::code_mismatch);
}
