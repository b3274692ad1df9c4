// issue_certificate / issue_self_signed: what TLS clients and AWS tooling check in our
// certificates.
#include "pki/issue.hpp"

#include <set>

#include <catch2/catch.hpp>
#include <openssl/x509v3.h>

#include "fixtures.hpp"

using namespace iotemu::pki;
using namespace iotemu::pki::testing;

namespace {

CertificateProfile server_profile() {
    CertificateProfile profile;
    profile.subject = {{"O", "iot-emulator"}, {"CN", "localhost"}};
    profile.server_auth = true;
    profile.dns_names = {"localhost", "iot.local"};
    profile.ip_addresses = {"127.0.0.1", "::1"};
    return profile;
}

// X509_verify_cert with `ca` as the only trust anchor, for a TLS server named `host`.
int verify_server(const X509Certificate& leaf, const X509Certificate& ca, const char* host) {
    X509StorePtr store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca.native()) == 1);
    X509StoreCtxPtr context(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(context.get(), store.get(), leaf.native(), nullptr) == 1);
    X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    REQUIRE(X509_VERIFY_PARAM_set1_host(param, host, 0) == 1);
    const int verified = X509_verify_cert(context.get());
    if (verified != 1) {
        UNSCOPED_INFO(X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
    }
    return verified;
}

bool is_critical(const X509Certificate& cert, int nid) {
    const int at = X509_get_ext_by_NID(cert.native(), nid, -1);
    REQUIRE(at >= 0);
    return X509_EXTENSION_get_critical(X509_get_ext(cert.native(), at)) == 1;
}

}  // namespace

TEST_CASE("An issued server certificate verifies against its CA for its names") {
    const auto ca_key = GENERATE(KeyType::rsa_2048, KeyType::ec_p256, KeyType::ec_p384);
    const auto server_key = GENERATE(KeyType::rsa_2048, KeyType::ec_p256);
    CAPTURE(name_of(ca_key), name_of(server_key));
    const Issuer ca = make_root_ca("Server Root", shared_key(ca_key));
    const X509Certificate server =
        issue_certificate(server_profile(), PublicKey::from_private(shared_key(server_key)), ca);

    CHECK(verify_server(server, ca.certificate, "localhost") == 1);
    CHECK(verify_server(server, ca.certificate, "iot.local") == 1);
    CHECK(X509_check_ip_asc(server.native(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(server.native(), "::1", 0) == 1);
    CHECK(verify_server(server, ca.certificate, "example.com") != 1);
}

TEST_CASE("A server certificate does not verify against another CA") {
    const Issuer ca = make_root_ca("Server Root", shared_key(KeyType::ec_p256));
    const Issuer other = make_root_ca("Server Root", PrivateKey::generate(KeyType::ec_p256));
    const X509Certificate server = issue_certificate(
        server_profile(), PublicKey::from_private(shared_key(KeyType::ec_p256)), ca);

    CHECK(verify_server(server, other.certificate, "localhost") != 1);
}

TEST_CASE("A CA certificate has critical CA:TRUE with its path length and keyCertSign, cRLSign") {
    CertificateProfile profile = ca_profile("Pathlen Root");
    profile.path_length = 1;
    const X509Certificate ca = issue_self_signed(profile, shared_key(KeyType::ec_p256));

    CHECK(ca.is_ca());
    CHECK(is_critical(ca, NID_basic_constraints));
    CHECK(X509_get_pathlen(ca.native()) == 1);
    CHECK(X509_get_key_usage(ca.native()) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    CHECK(is_critical(ca, NID_key_usage));
}

TEST_CASE("A leaf's key usage fits its key type and its extended key usage its profile") {
    const auto [key_type, key_usage] = GENERATE(table<KeyType, uint32_t>({
        {KeyType::rsa_2048, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT},
        {KeyType::ec_p256, KU_DIGITAL_SIGNATURE},
    }));
    const auto [server, client, eku] = GENERATE(table<bool, bool, uint32_t>({
        {true, false, XKU_SSL_SERVER},
        {false, true, XKU_SSL_CLIENT},
        {true, true, XKU_SSL_SERVER | XKU_SSL_CLIENT},
    }));
    CAPTURE(name_of(key_type), server, client);
    const Issuer ca = make_root_ca("Usage Root", shared_key(KeyType::ec_p256));
    CertificateProfile profile = device_profile("device-1");
    profile.server_auth = server;
    profile.client_auth = client;
    const X509Certificate leaf =
        issue_certificate(profile, PublicKey::from_private(shared_key(key_type)), ca);

    CHECK_FALSE(leaf.is_ca());
    CHECK(X509_get_key_usage(leaf.native()) == key_usage);
    CHECK(X509_get_extended_key_usage(leaf.native()) == eku);
}

TEST_CASE("Issued certificates are X.509 v3 signed with SHA-256 by the issuer's key type") {
    const auto [ca_key, signature] = GENERATE(table<KeyType, int>({
        {KeyType::rsa_2048, NID_sha256WithRSAEncryption},
        {KeyType::ec_p256, NID_ecdsa_with_SHA256},
        {KeyType::ec_p384, NID_ecdsa_with_SHA256},
    }));
    CAPTURE(name_of(ca_key));
    const Issuer ca = make_root_ca("Algorithm Root", shared_key(ca_key));
    const X509Certificate device = make_device("device-1", ca);

    CHECK(X509_get_version(device.native()) == X509_VERSION_3);
    CHECK(X509_get_signature_nid(device.native()) == signature);
    CHECK(X509_get_signature_nid(ca.certificate.native()) == signature);
}

TEST_CASE("Serial numbers are random positive 128-bit integers") {
    const Issuer ca = make_root_ca("Serial Root", shared_key(KeyType::ec_p256));
    std::set<std::string> serials;
    for (int i = 0; i < 5; ++i) {
        const X509Certificate device = make_device("device-1", ca);
        const std::string serial = device.serial_number_hex();
        CAPTURE(serial);
        CHECK(serial.size() == 32);
        CHECK(serial.find_first_of("89abcdef") == 0);  // the top bit is set: exactly 128 bits
        CHECK(ASN1_STRING_type(X509_get0_serialNumber(device.native())) == V_ASN1_INTEGER);
        serials.insert(serial);
    }
    CHECK(serials.size() == 5);
}

TEST_CASE("An issued certificate's authority key id is its issuer's subject key id") {
    const Issuer root = make_root_ca("Akid Root", shared_key(KeyType::ec_p384));
    const Issuer intermediate =
        make_intermediate_ca("Akid Intermediate", shared_key(KeyType::ec_p256), root);
    const X509Certificate device =
        make_device("device-1", intermediate, PrivateKey::generate(KeyType::ec_p256));

    const auto skid_of = [](const X509Certificate& cert) {
        const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(cert.native());
        REQUIRE(id != nullptr);
        return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(id)),
                           static_cast<std::size_t>(ASN1_STRING_length(id)));
    };
    const auto akid_of = [](const X509Certificate& cert) {
        const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(cert.native());
        REQUIRE(id != nullptr);
        return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(id)),
                           static_cast<std::size_t>(ASN1_STRING_length(id)));
    };
    CHECK(akid_of(root.certificate) == skid_of(root.certificate));
    CHECK(akid_of(intermediate.certificate) == skid_of(root.certificate));
    CHECK(akid_of(device) == skid_of(intermediate.certificate));
    CHECK(skid_of(device) != skid_of(intermediate.certificate));
}

TEST_CASE("The subject is written in profile order and the issuer is the CA's subject") {
    const Issuer ca = make_root_ca("Order Root", shared_key(KeyType::ec_p256));
    CertificateProfile profile = device_profile("device-1");
    profile.subject = {{"C", "DE"}, {"O", "Acme GmbH"}, {"OU", "a"}, {"OU", "b"}, {"CN", "dëvice"}};
    const X509Certificate device =
        issue_certificate(profile, PublicKey::from_private(shared_key(KeyType::ec_p256)), ca);

    CHECK(device.subject().one_line() == "CN=dëvice,OU=b,OU=a,O=Acme GmbH,C=DE");
    CHECK(device.subject().all("OU") == std::vector<std::string>{"a", "b"});
    CHECK(device.issuer().one_line() == ca.certificate.subject().one_line());
}

TEST_CASE("Issuing refuses a mismatched issuer key and unusable profiles by throwing") {
    const Issuer ca = make_root_ca("Refusing Root", shared_key(KeyType::ec_p256));
    const PublicKey device_key = PublicKey::from_private(shared_key(KeyType::ec_p256));

    const Issuer mismatched{ca.certificate, shared_key(KeyType::ec_p384)};
    CHECK_THROWS_AS(issue_certificate(device_profile("d"), device_key, mismatched),
                    std::runtime_error);

    CertificateProfile bad_name = device_profile("d");
    bad_name.subject.push_back({"NotAnAttribute", "x"});
    CHECK_THROWS_AS(issue_certificate(bad_name, device_key, ca), std::runtime_error);

    CertificateProfile bad_dns = server_profile();
    bad_dns.dns_names = {"a.example,IP:10.0.0.1"};
    CHECK_THROWS_AS(issue_certificate(bad_dns, device_key, ca), std::runtime_error);

    CertificateProfile bad_ip = server_profile();
    bad_ip.ip_addresses = {"not-an-ip"};
    CHECK_THROWS_AS(issue_certificate(bad_ip, device_key, ca), std::runtime_error);
}

TEST_CASE("A profile's digest, keys and validity instants are used as given") {
    const auto [key_type, digest, signature] = GENERATE(table<KeyType, Digest, int>({
        {KeyType::rsa_3072, Digest::sha384, NID_sha384WithRSAEncryption},
        {KeyType::ec_p521, Digest::sha512, NID_ecdsa_with_SHA512},
    }));
    CAPTURE(name_of(key_type));
    CertificateProfile profile = ca_profile("Template Root");
    profile.digest = digest;
    const auto not_before = iotemu::Timestamp{std::chrono::seconds(1700000000)};
    const auto not_after = iotemu::Timestamp{std::chrono::seconds(2000000000)};
    profile.not_before = not_before;
    profile.not_after = not_after;
    const X509Certificate root = issue_self_signed(profile, shared_key(key_type));

    CHECK(X509_get_signature_nid(root.native()) == signature);
    CHECK(root.validity().not_before == not_before);
    CHECK(root.validity().not_after == not_after);
    CHECK(root.public_key() == PublicKey::from_private(shared_key(key_type)));
    CHECK(root.public_key().family() == shared_key(key_type).family());
}

TEST_CASE("A profile can set key usage, a non-critical CA:FALSE and no authority key id") {
    const Issuer ca = make_root_ca("Knobs Root", shared_key(KeyType::ec_p256));
    CertificateProfile profile = device_profile("device-1");
    profile.key_usage = KeyUsage{.digital_signature = true, .key_encipherment = true};
    profile.basic_constraints_critical = false;
    profile.authority_key_identifier = false;
    const X509Certificate leaf =
        issue_certificate(profile, PublicKey::from_private(shared_key(KeyType::ec_p256)), ca);

    CHECK(X509_get_key_usage(leaf.native()) == (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    CHECK_FALSE(is_critical(leaf, NID_basic_constraints));
    CHECK_FALSE(leaf.is_ca());
    CHECK(X509_get_ext_by_NID(leaf.native(), NID_authority_key_identifier, -1) < 0);
    CHECK(X509_get_ext_by_NID(leaf.native(), NID_subject_key_identifier, -1) >= 0);
}

TEST_CASE("A validity that ends before it begins is refused") {
    CertificateProfile profile = ca_profile("Backwards Root");
    profile.not_after = iotemu::Timestamp{std::chrono::seconds(1000)};
    CHECK_THROWS_AS(issue_self_signed(profile, shared_key(KeyType::ec_p256)), std::runtime_error);
}
