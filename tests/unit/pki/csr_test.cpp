// CertificateRequest: parsing, proof that the requester holds the key, and issuing from a CSR.
#include "pki/csr.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>

#include "fixtures.hpp"
#include "pki/issue.hpp"

using namespace iotemu::pki;
using namespace iotemu::pki::testing;

TEST_CASE("A CSR reads with its subject and public key, for RSA and ECDSA keys") {
    const auto type = GENERATE(KeyType::rsa_2048, KeyType::ec_p256, KeyType::ec_p384);
    CAPTURE(name_of(type));
    const PrivateKey& key = shared_key(type);
    const std::string pem =
        pem_of("CERTIFICATE REQUEST", make_csr_der(key, {{"O", "Acme"}, {"CN", "device-1"}}));

    const auto csr = CertificateRequest::from_pem(pem);
    REQUIRE(csr);
    CHECK(csr->subject().one_line() == "CN=device-1,O=Acme");
    CHECK(EVP_PKEY_eq(csr->public_key().native(), key.native()) == 1);
}

TEST_CASE("A CSR altered after signing is refused because its signature no longer verifies") {
    const std::string der = make_csr_der(shared_key(KeyType::ec_p256), {{"CN", "device-1"}});
    const std::string tampered = replaced(der, "device-1", "device-2");

    const auto csr = CertificateRequest::from_pem(pem_of("CERTIFICATE REQUEST", tampered));
    REQUIRE_FALSE(csr);
    CHECK_THAT(csr.error().message, Catch::Contains("signature"));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("Unusable CSR PEM is refused with a message and leaves no OpenSSL error") {
    const std::string pem =
        pem_of("CERTIFICATE REQUEST", make_csr_der(shared_key(KeyType::ec_p256), {{"CN", "d"}}));
    const auto [label, input] = GENERATE_COPY(table<std::string, std::string>({
        {"an empty string", ""},
        {"garbage", "not a csr"},
        {"a certificate", std::string(blog_root_ca_pem)},
        {"a private key", shared_key(KeyType::ec_p256).to_pem()},
        {"a truncated CSR", pem.substr(0, pem.size() / 2)},
    }));
    CAPTURE(label);
    ERR_clear_error();
    const auto refused = CertificateRequest::from_pem(input);
    REQUIRE_FALSE(refused);
    CHECK_FALSE(refused.error().message.empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A certificate issued from a CSR carries its subject and key and its CA signed it") {
    const Issuer ca = make_root_ca("Csr Root", shared_key(KeyType::rsa_2048));
    const PrivateKey& device_key = shared_key(KeyType::ec_p256);
    const auto csr = CertificateRequest::from_pem(
        pem_of("CERTIFICATE REQUEST", make_csr_der(device_key, {{"C", "US"}, {"CN", "device-7"}})));
    REQUIRE(csr);

    CertificateProfile profile;
    profile.subject = csr->subject().entries;
    profile.client_auth = true;
    const X509Certificate device = issue_certificate(profile, csr->public_key(), ca);

    CHECK(device.subject().one_line() == "CN=device-7,C=US");
    CHECK(X509_check_private_key(device.native(), device_key.native()) == 1);
    CHECK(device.is_signed_by(ca.certificate));
}
