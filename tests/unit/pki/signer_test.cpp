// is_signed_by / is_self_signed: AWS accepts only the direct signer (docs/aws/iot-core.md §2.4,
// §3.2), checked by issuer name and signature, never by keyUsage quirks.
#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "fixtures.hpp"
#include "pki/certificate.hpp"

using namespace iotemu::pki;
using namespace iotemu::pki::testing;

namespace {

// `ca` re-signed by `key` after replacing its keyUsage (or dropping it when `key_usage` is empty):
// the same subject and key, with the extensions some real-world CAs have.
X509Certificate with_key_usage(const X509Certificate& ca, const PrivateKey& key,
                               const std::string& key_usage) {
    X509Ptr copy(X509_dup(ca.native()));
    REQUIRE(copy);
    const int at = X509_get_ext_by_NID(copy.get(), NID_key_usage, -1);
    REQUIRE(at >= 0);
    X509ExtensionPtr removed(X509_delete_ext(copy.get(), at));
    if (!key_usage.empty()) {
        X509ExtensionPtr extension(
            X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, key_usage.c_str()));
        REQUIRE(extension);
        REQUIRE(X509_add_ext(copy.get(), extension.get(), -1) == 1);
    }
    REQUIRE(X509_sign(copy.get(), key.native(), EVP_sha256()) > 0);
    return X509Certificate::from_native(copy.get());
}

}  // namespace

TEST_CASE("A certificate is signed by its direct signer, whether the CA key is RSA or ECDSA") {
    const auto ca_key = GENERATE(KeyType::rsa_2048, KeyType::ec_p256, KeyType::ec_p384);
    const auto device_key = GENERATE(KeyType::rsa_2048, KeyType::ec_p256);
    CAPTURE(name_of(ca_key), name_of(device_key));
    const Issuer ca = make_root_ca("Signer Root", shared_key(ca_key));
    const X509Certificate device = make_device("device-1", ca, shared_key(device_key));

    CHECK(device.is_signed_by(ca.certificate));
    CHECK_FALSE(ca.certificate.is_signed_by(device));
}

TEST_CASE("A CA with the same subject but another key did not sign the certificate") {
    const Issuer ca = make_root_ca("Twin Root", shared_key(KeyType::ec_p256));
    const Issuer twin = make_root_ca("Twin Root", PrivateKey::generate(KeyType::ec_p256));
    REQUIRE(twin.certificate.subject().one_line() == ca.certificate.subject().one_line());
    const X509Certificate device = make_device("device-1", ca);

    CHECK(device.is_signed_by(ca.certificate));
    CHECK_FALSE(device.is_signed_by(twin.certificate));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A CA with another subject but the same key did not sign the certificate") {
    const Issuer ca = make_root_ca("Named Root", shared_key(KeyType::ec_p256));
    const Issuer renamed = make_root_ca("Other Name", shared_key(KeyType::ec_p256));
    const X509Certificate device = make_device("device-1", ca);

    CHECK_FALSE(device.is_signed_by(renamed.certificate));
}

TEST_CASE("A root did not directly sign a certificate issued by its intermediate") {
    const Issuer root = make_root_ca("Grand Root", shared_key(KeyType::rsa_2048));
    const Issuer intermediate =
        make_intermediate_ca("Grand Intermediate", shared_key(KeyType::ec_p384), root);
    const X509Certificate device = make_device("device-1", intermediate);

    CHECK(intermediate.certificate.is_signed_by(root.certificate));
    CHECK(device.is_signed_by(intermediate.certificate));
    CHECK_FALSE(device.is_signed_by(root.certificate));
}

TEST_CASE("A CA whose keyUsage lacks keyCertSign, or that has none, is still the signer") {
    const auto key_usage = GENERATE(as<std::string>{}, "", "critical,digitalSignature");
    CAPTURE(key_usage);
    const PrivateKey& key = shared_key(KeyType::ec_p256);
    const Issuer ca = make_root_ca("Quirky Root", key);
    const X509Certificate device = make_device("device-1", ca);
    const X509Certificate quirky = with_key_usage(ca.certificate, key, key_usage);

    CHECK(device.is_signed_by(quirky));
    CHECK(quirky.is_ca());
}

TEST_CASE("A certificate with a damaged signature is signed by nobody") {
    const Issuer ca = make_root_ca("Damage Root", shared_key(KeyType::rsa_2048));
    std::string der = make_device("device-1", ca).der();
    der.back() = static_cast<char>(der.back() ^ 0x01);  // the last byte is signature
    const auto damaged = X509Certificate::from_der(der);
    REQUIRE(damaged);

    CHECK_FALSE(damaged->is_signed_by(ca.certificate));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A root CA is self-signed and a device certificate is not") {
    const Issuer ca = make_root_ca("Self Root", shared_key(KeyType::ec_p384));
    CHECK(ca.certificate.is_self_signed());
    CHECK_FALSE(make_device("device-1", ca).is_self_signed());
}
