// acm_pca::Service: the status lifecycle, a root CA's bootstrap, issuing with the templates the
// workshops use (real X.509, the extensions AWS puts in), subordinate CAs, and the errors a
// script sees (docs/aws/provisioning-and-services.md §5.3).
#include "services/acm_pca/acm_pca.hpp"

#include <catch2/catch.hpp>
#include <openssl/x509v3.h>

#include "pki/certificate.hpp"
#include "pki/csr.hpp"
#include "pki/key.hpp"
#include "support.hpp"

using namespace iotemu;
using namespace iotemu::services;
using namespace iotemu::services::test;

namespace {

constexpr const char* templates = "arn:aws:acm-pca:::template/";

acm_pca::CreateInput root_input(std::string key = "RSA_2048",
                                std::string signing = "SHA256WITHRSA") {
    acm_pca::CreateInput input;
    input.configuration = {
        std::move(key),
        std::move(signing),
        {{"Country", "DE"}, {"Organization", "Workshop"}, {"CommonName", "IoT CA"}}};
    return input;
}

acm_pca::IssueInput issue(const std::string& ca, std::string csr, std::string signing,
                          std::optional<std::string> template_name, acm_pca::Validity validity) {
    acm_pca::IssueInput input;
    input.certificate_authority_arn = ca;
    input.csr_pem = std::move(csr);
    input.signing_algorithm = std::move(signing);
    if (template_name) input.template_arn = templates + *template_name;
    input.validity = std::move(validity);
    return input;
}

// A root CA through its bootstrap: CSR, self-signed with RootCACertificate/V1, imported: ACTIVE.
std::string active_root(acm_pca::Service& pca, acm_pca::CreateInput input = root_input()) {
    const auto signing = input.configuration.signing_algorithm;
    const auto arn = pca.create_certificate_authority(input);
    const auto csr = pca.get_certificate_authority_csr(arn);
    const auto cert_arn =
        pca.issue_certificate(issue(arn, csr, signing, "RootCACertificate/V1", {10, "YEARS"}));
    const auto issued = pca.get_certificate(arn, cert_arn);
    CHECK_FALSE(issued.chain);
    pca.import_certificate_authority_certificate(arn, issued.certificate, std::nullopt);
    return arn;
}

std::string device_csr(const std::string& common_name, pki::KeyType type = pki::KeyType::rsa_2048) {
    static const auto rsa = pki::PrivateKey::generate(pki::KeyType::rsa_2048);
    static const auto ec = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    return pki::CertificateRequest::create({{"C", "DE"}, {"CN", common_name}},
                                           type == pki::KeyType::rsa_2048 ? rsa : ec,
                                           pki::Digest::sha256)
        .to_pem();
}

pki::X509Certificate parse(const std::string& pem) {
    return pki::X509Certificate::from_pem(pem).value();
}

struct Extensions {
    bool ca = false;
    long path_length = -1;
    bool basic_constraints_critical = false;
    std::uint32_t key_usage = 0;
    std::uint32_t extended_key_usage = 0;
    bool authority_key_id = false;
    bool subject_key_id = false;
};

Extensions extensions_of(const pki::X509Certificate& certificate) {
    X509* x = certificate.native();
    Extensions out;
    int critical = -1;
    auto* constraints = static_cast<BASIC_CONSTRAINTS*>(
        X509_get_ext_d2i(x, NID_basic_constraints, &critical, nullptr));
    if (constraints) {
        out.ca = constraints->ca != 0;
        if (constraints->pathlen) out.path_length = ASN1_INTEGER_get(constraints->pathlen);
        out.basic_constraints_critical = critical == 1;
        BASIC_CONSTRAINTS_free(constraints);
    }
    out.key_usage = X509_get_key_usage(x);
    // (without the extension OpenSSL answers "every usage")
    if (X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0)
        out.extended_key_usage = X509_get_extended_key_usage(x);
    out.authority_key_id = X509_get_ext_by_NID(x, NID_authority_key_identifier, -1) >= 0;
    out.subject_key_id = X509_get_ext_by_NID(x, NID_subject_key_identifier, -1) >= 0;
    return out;
}

}  // namespace

TEST_CASE("a new CA waits for its certificate with a CSR of its own key and subject") {
    acm_pca::Service pca("eu-central-1", "123456789012");
    const auto arn =
        pca.create_certificate_authority(root_input("EC_prime256v1", "SHA256WITHECDSA"));
    CHECK(arn.rfind("arn:aws:acm-pca:eu-central-1:123456789012:certificate-authority/", 0) == 0);
    const auto ca = pca.describe_certificate_authority(arn);
    CHECK(ca.status == acm_pca::CaStatus::pending_certificate);
    CHECK(ca.type == acm_pca::CaType::root);
    CHECK(ca.owner_account == "123456789012");
    CHECK_FALSE(ca.serial);
    const auto csr = pki::CertificateRequest::from_pem(pca.get_certificate_authority_csr(arn));
    REQUIRE(csr);
    CHECK(csr->subject().one_line() == "CN=IoT CA,O=Workshop,C=DE");
    CHECK(csr->public_key().family() == pki::KeyFamily::ec);
    CHECK(pca.list_certificate_authorities(std::nullopt, std::nullopt).authorities.size() == 1);
    CHECK(error_code([&] { pca.get_certificate_authority_certificate(arn); }) ==
          "InvalidStateException");
}

TEST_CASE("a root CA bootstraps: its own CSR signed with RootCACertificate/V1, imported, ACTIVE") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto arn = active_root(pca);
    const auto ca = pca.describe_certificate_authority(arn);
    CHECK(ca.status == acm_pca::CaStatus::active);
    REQUIRE(ca.serial);
    REQUIRE(ca.not_after);
    CHECK(*ca.not_after > now() + std::chrono::hours(24 * 365 * 9));
    const auto pems = pca.get_certificate_authority_certificate(arn);
    CHECK_FALSE(pems.chain);
    const auto certificate = parse(pems.certificate);
    CHECK(certificate.is_self_signed());
    CHECK(certificate.serial_number_hex() == *ca.serial);
    const auto ext = extensions_of(certificate);
    CHECK(ext.ca);
    CHECK(ext.path_length == -1);
    CHECK(ext.basic_constraints_critical);
    CHECK(ext.key_usage == (KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    CHECK(ext.subject_key_id);
    CHECK_FALSE(ext.authority_key_id);
}

TEST_CASE("templates put in the extensions AWS's templates define") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto ca = active_root(pca);
    const auto ca_certificate = parse(pca.get_certificate_authority_certificate(ca).certificate);
    const auto [name, is_ca, path_length, key_usage, eku, bc_critical] =
        GENERATE(table<std::optional<std::string>, bool, long, std::uint32_t, std::uint32_t, bool>({
            {std::nullopt, false, -1, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
             XKU_SSL_SERVER | XKU_SSL_CLIENT, false},
            {"EndEntityCertificate/V1", false, -1, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT,
             XKU_SSL_SERVER | XKU_SSL_CLIENT, false},
            {"EndEntityClientAuthCertificate/V1", false, -1,
             KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, XKU_SSL_CLIENT, false},
            {"EndEntityServerAuthCertificate/V1", false, -1,
             KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT, XKU_SSL_SERVER, false},
            {"SubordinateCACertificate_PathLen0/V1", true, 0,
             KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN, 0, true},
            {"SubordinateCACertificate_PathLen3/V1", true, 3,
             KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN, 0, true},
        }));
    CAPTURE(name);
    const auto arn = pca.issue_certificate(
        issue(ca, device_csr("my-jitr-device"), "SHA256WITHRSA", name, {365, "DAYS"}));
    CHECK(arn.rfind(ca + "/certificate/", 0) == 0);
    CHECK(arn.size() == ca.size() + 13 + 32);
    const auto issued = pca.get_certificate(ca, arn);
    REQUIRE(issued.chain);
    CHECK(*issued.chain == ca_certificate.to_pem());
    const auto certificate = parse(issued.certificate);
    CHECK(certificate.is_signed_by(ca_certificate));
    CHECK(certificate.subject().one_line() == "CN=my-jitr-device,C=DE");
    CHECK(arn.substr(arn.size() - 32) == certificate.serial_number_hex());
    const auto ext = extensions_of(certificate);
    CHECK(ext.ca == is_ca);
    CHECK(ext.path_length == path_length);
    CHECK(ext.basic_constraints_critical == bc_critical);
    CHECK(ext.key_usage == key_usage);
    CHECK((ext.extended_key_usage & (XKU_SSL_SERVER | XKU_SSL_CLIENT)) == eku);
    CHECK(ext.authority_key_id);
    CHECK(ext.subject_key_id);
    // Valid from an hour ago for 365 days.
    const auto validity = certificate.validity();
    CHECK(validity.not_before <= now() - std::chrono::minutes(59));
    CHECK(validity.not_after > now() + std::chrono::hours(24 * 364));
}

TEST_CASE("an EC CA signs with ECDSA and refuses RSA signing algorithms") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto ca = active_root(pca, root_input("EC_secp384r1", "SHA384WITHECDSA"));
    const auto arn = pca.issue_certificate(issue(ca, device_csr("ec-device", pki::KeyType::ec_p256),
                                                 "SHA384WITHECDSA", std::nullopt, {1, "DAYS"}));
    CHECK(parse(pca.get_certificate(ca, arn).certificate).subject().first("CN") == "ec-device");
    CHECK(error_code([&] {
              pca.issue_certificate(
                  issue(ca, device_csr("x"), "SHA256WITHRSA", std::nullopt, {1, "DAYS"}));
          }) == "InvalidArgsException");
    CHECK(error_code([&] {
              pca.create_certificate_authority(root_input("EC_prime256v1", "SHA256WITHRSA"));
          }) == "InvalidArgsException");
    CHECK(error_code([&] {
              pca.create_certificate_authority(root_input("ML_DSA_44", "ML_DSA_44"));
          }) == "InvalidArgsException");
}

TEST_CASE("validity in days, months, years, to an end date or an absolute instant") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto ca = active_root(pca);
    const auto not_after = [&](acm_pca::Validity validity) {
        const auto arn = pca.issue_certificate(
            issue(ca, device_csr("v"), "SHA256WITHRSA", std::nullopt, std::move(validity)));
        return std::chrono::system_clock::to_time_t(
            parse(pca.get_certificate(ca, arn).certificate).validity().not_after);
    };
    const auto in = [](std::chrono::hours hours) {
        return std::chrono::system_clock::to_time_t(now() + hours);
    };
    CHECK(std::abs(not_after({2, "DAYS"}) - in(std::chrono::hours(48))) <= 5);
    CHECK(not_after({3, "MONTHS"}) > in(std::chrono::hours(24 * 88)));
    CHECK(not_after({1, "YEARS"}) > in(std::chrono::hours(24 * 364)));
    CHECK(not_after({2000000000, "ABSOLUTE"}) == 2000000000);
    CHECK(not_after({20300101120000, "END_DATE"}) == 1893499200);
    for (const auto& bad : std::vector<acm_pca::Validity>{
             {20301301120000, "END_DATE"}, {5, "WEEKS"}, {20, "YEARS"}, {1000, "ABSOLUTE"}}) {
        CAPTURE(bad.value, bad.type);
        CHECK(error_code([&] { not_after(bad); }) == "InvalidArgsException");
    }
}

TEST_CASE("a CA that is not ACTIVE issues nothing but its own root certificate") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto arn = pca.create_certificate_authority(root_input());
    CHECK(error_code([&] {
              pca.issue_certificate(
                  issue(arn, device_csr("d"), "SHA256WITHRSA", std::nullopt, {1, "DAYS"}));
          }) == "InvalidStateException");
    // RootCACertificate/V1 with somebody else's CSR is not a bootstrap.
    CHECK(error_code([&] {
              pca.issue_certificate(issue(arn, device_csr("d"), "SHA256WITHRSA",
                                          "RootCACertificate/V1", {1, "DAYS"}));
          }) == "InvalidArgsException");
    const auto active = active_root(pca);
    pca.update_certificate_authority(active, acm_pca::CaStatus::disabled, std::nullopt);
    CHECK(pca.describe_certificate_authority(active).status == acm_pca::CaStatus::disabled);
    CHECK(error_code([&] {
              pca.issue_certificate(
                  issue(active, device_csr("d"), "SHA256WITHRSA", std::nullopt, {1, "DAYS"}));
          }) == "InvalidStateException");
}

TEST_CASE("bad CSRs, ARNs and templates get ACM PCA's errors") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto ca = active_root(pca);
    const auto code = [&](acm_pca::IssueInput input) {
        return error_code([&] { pca.issue_certificate(input); });
    };
    CHECK(code(issue(ca, "this is not a CSR", "SHA256WITHRSA", std::nullopt, {1, "DAYS"})) ==
          "MalformedCSRException");
    CHECK(code(issue(ca, pca.get_certificate_authority_certificate(ca).certificate, "SHA256WITHRSA",
                     std::nullopt, {1, "DAYS"})) == "MalformedCSRException");
    const auto unknown =
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "00000000-0000-0000-0000-000000000000";
    CHECK(code(issue(unknown, device_csr("d"), "SHA256WITHRSA", std::nullopt, {1, "DAYS"})) ==
          "ResourceNotFoundException");
    CHECK(code(issue("arn:aws:iot:us-east-1:1:thing/x", device_csr("d"), "SHA256WITHRSA",
                     std::nullopt, {1, "DAYS"})) == "InvalidArnException");
    CHECK(code(issue(ca, device_csr("d"), "SHA256WITHRSA",
                     "BlankEndEntityCertificate_APICSRPassthrough/V1", {1, "DAYS"})) ==
          "InvalidArgsException");
    CHECK(code(issue(ca, device_csr("d"), "SHA256WITHRSA", std::nullopt, {11, "YEARS"})) ==
          "InvalidArgsException");  // beyond the CA's own validity
    CHECK(error_code([&] { pca.describe_certificate_authority(unknown); }) ==
          "ResourceNotFoundException");
    CHECK(error_code([&] { pca.get_certificate(ca, ca + "/certificate/0123"); }) ==
          "ResourceNotFoundException");
    CHECK(error_code([&] { pca.get_certificate(ca, "arn:aws:acm-pca:elsewhere"); }) ==
          "InvalidArnException");
}

TEST_CASE("a subordinate CA is signed by its root and imported with its chain") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto root = active_root(pca);
    auto input = root_input();
    input.type = acm_pca::CaType::subordinate;
    input.configuration.subject = {{"CommonName", "Issuing CA"}};
    const auto sub = pca.create_certificate_authority(input);
    const auto signed_arn =
        pca.issue_certificate(issue(root, pca.get_certificate_authority_csr(sub), "SHA256WITHRSA",
                                    "SubordinateCACertificate_PathLen0/V1", {5, "YEARS"}));
    const auto signed_pems = pca.get_certificate(root, signed_arn);
    CHECK(error_code([&] {
              pca.import_certificate_authority_certificate(sub, signed_pems.certificate,
                                                           std::nullopt);
          }) == "InvalidRequestException");
    pca.import_certificate_authority_certificate(sub, signed_pems.certificate, signed_pems.chain);
    CHECK(pca.describe_certificate_authority(sub).status == acm_pca::CaStatus::active);

    const auto device = pca.issue_certificate(
        issue(sub, device_csr("leaf"), "SHA256WITHRSA", std::nullopt, {30, "DAYS"}));
    const auto pems = pca.get_certificate(sub, device);
    const auto chain = pki::X509Certificate::chain_from_pem(*pems.chain).value();
    REQUIRE(chain.size() == 2);
    CHECK(parse(pems.certificate).is_signed_by(chain[0]));
    CHECK(chain[0].is_signed_by(chain[1]));
    CHECK(chain[1].is_self_signed());
    CHECK(pca.get_certificate_authority_certificate(sub).chain == signed_pems.chain);
}

TEST_CASE("importing a certificate of another key or kind is refused") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto other = active_root(pca);
    const auto arn = pca.create_certificate_authority(root_input());
    const auto other_pem = pca.get_certificate_authority_certificate(other).certificate;
    CHECK(error_code([&] {
              pca.import_certificate_authority_certificate(arn, other_pem, std::nullopt);
          }) == "CertificateMismatchException");
    CHECK(error_code([&] {
              pca.import_certificate_authority_certificate(
                  arn, "-----BEGIN CERTIFICATE-----\nAAAA\n", std::nullopt);
          }) == "MalformedCertificateException");
    CHECK(pca.describe_certificate_authority(arn).status == acm_pca::CaStatus::pending_certificate);
}

TEST_CASE(
    "an ACTIVE CA is disabled before deletion, and a DELETED one restores within its window") {
    acm_pca::Service pca("us-east-1", "123456789012");
    const auto arn = active_root(pca);
    CHECK(error_code([&] { pca.delete_certificate_authority(arn, std::nullopt); }) ==
          "InvalidStateException");
    pca.update_certificate_authority(arn, acm_pca::CaStatus::disabled, std::nullopt);
    CHECK(error_code([&] { pca.delete_certificate_authority(arn, 3); }) == "InvalidArgsException");
    pca.delete_certificate_authority(arn, 7);
    const auto deleted = pca.describe_certificate_authority(arn);
    CHECK(deleted.status == acm_pca::CaStatus::deleted);
    REQUIRE(deleted.restorable_until);
    CHECK(*deleted.restorable_until > now() + std::chrono::hours(24 * 6));
    CHECK(error_code([&] { pca.get_certificate_authority_csr(arn); }) == "InvalidStateException");
    pca.restore_certificate_authority(arn);
    CHECK(pca.describe_certificate_authority(arn).status == acm_pca::CaStatus::disabled);
    pca.update_certificate_authority(arn, acm_pca::CaStatus::active, std::nullopt);
    CHECK(pca.describe_certificate_authority(arn).status == acm_pca::CaStatus::active);
}

TEST_CASE("an idempotency token answers a repeat with the first result") {
    acm_pca::Service pca("us-east-1", "123456789012");
    auto input = root_input();
    input.idempotency_token = "20240501120000";
    const auto first = pca.create_certificate_authority(input);
    CHECK(pca.create_certificate_authority(input) == first);
    CHECK(pca.list_certificate_authorities(std::nullopt, std::nullopt).authorities.size() == 1);
    const auto ca = active_root(pca);
    auto request = issue(ca, device_csr("d"), "SHA256WITHRSA", std::nullopt, {1, "DAYS"});
    request.idempotency_token = "once";
    CHECK(pca.issue_certificate(request) == pca.issue_certificate(request));
}

TEST_CASE("ListCertificateAuthorities pages with NextToken") {
    acm_pca::Service pca("us-east-1", "123456789012");
    for (int i = 0; i < 3; ++i)
        pca.create_certificate_authority(root_input("EC_prime256v1", "SHA256WITHECDSA"));
    const auto first = pca.list_certificate_authorities(std::nullopt, 2);
    REQUIRE(first.next_token);
    CHECK(first.authorities.size() == 2);
    const auto second = pca.list_certificate_authorities(first.next_token, 2);
    CHECK(second.authorities.size() == 1);
    CHECK_FALSE(second.next_token);
    CHECK(error_code([&] { pca.list_certificate_authorities(std::string("zz"), 2); }) ==
          "InvalidNextTokenException");
}

TEST_CASE("a subject must name something the model knows") {
    acm_pca::Service pca("us-east-1", "123456789012");
    auto input = root_input();
    input.configuration.subject = {{"Country", "Germany"}};
    CHECK(error_code([&] { pca.create_certificate_authority(input); }) == "InvalidArgsException");
    input.configuration.subject = {{"Favourite", "x"}};
    CHECK(error_code([&] { pca.create_certificate_authority(input); }) == "InvalidArgsException");
    input.configuration.subject = {};
    CHECK(error_code([&] { pca.create_certificate_authority(input); }) == "InvalidArgsException");
}
