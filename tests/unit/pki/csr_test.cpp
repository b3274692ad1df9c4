// CertificateRequest: parsing, proof that the requester holds the key, and issuing from a CSR.
#include "pki/csr.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

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

TEST_CASE(
    "A CSR made for a key carries its subject, is signed with the digest asked for, and reads "
    "back") {
    const auto [type, digest, nid] = GENERATE(table<KeyType, Digest, int>({
        {KeyType::rsa_2048, Digest::sha256, NID_sha256WithRSAEncryption},
        {KeyType::ec_p256, Digest::sha384, NID_ecdsa_with_SHA384},
        {KeyType::ec_p384, Digest::sha512, NID_ecdsa_with_SHA512},
    }));
    CAPTURE(name_of(type));
    const PrivateKey& key = shared_key(type);
    const auto made = CertificateRequest::create({{"C", "DE"}, {"CN", "IoT CA"}}, key, digest);
    const auto pem = made.to_pem();
    CHECK(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0) == 0);
    const auto read = CertificateRequest::from_pem(pem);
    REQUIRE(read);
    CHECK(read->subject().one_line() == "CN=IoT CA,C=DE");
    CHECK(read->public_key() == PublicKey::from_private(key));
    CHECK_FALSE(read->subject_alt_name_der());
    const BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    const X509ReqPtr raw(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(raw);
    CHECK(X509_REQ_get_signature_nid(raw.get()) == nid);
}

TEST_CASE("A CSR's requested subjectAltName is read back and can be copied into a certificate") {
    const PrivateKey& key = shared_key(KeyType::ec_p256);
    X509ReqPtr req(X509_REQ_new());
    X509NamePtr name(X509_NAME_new());
    REQUIRE(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("device"), -1, -1,
                                       0) == 1);
    REQUIRE(X509_REQ_set_subject_name(req.get(), name.get()) == 1);
    REQUIRE(X509_REQ_set_pubkey(req.get(), key.native()) == 1);
    STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name,
                                              "DNS:device.example,IP:10.0.0.7");
    REQUIRE(san);
    sk_X509_EXTENSION_push(extensions, san);
    REQUIRE(X509_REQ_add_extensions(req.get(), extensions) == 1);
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    REQUIRE(X509_REQ_sign(req.get(), key.native(), EVP_sha256()) > 0);
    const BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), req.get()) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);

    const auto csr =
        CertificateRequest::from_pem(std::string_view(data, static_cast<std::size_t>(size)));
    REQUIRE(csr);
    const auto der = csr->subject_alt_name_der();
    REQUIRE(der);
    CertificateProfile profile = device_profile("device");
    profile.subject_alt_name_der = der;
    const auto ca = make_root_ca("SAN CA", shared_key(KeyType::rsa_2048));
    const auto certificate = issue_certificate(profile, csr->public_key(), ca);
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate.native(), NID_subject_alt_name, nullptr, nullptr));
    REQUIRE(names);
    CHECK(sk_GENERAL_NAME_num(names) == 2);
    GENERAL_NAMES_free(names);
}
