// X509Certificate: parsing PEM/DER, the IoT id, chains, malformed input, dates, serials, CA-ness.
#include "pki/certificate.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <openssl/err.h>

#include "fixtures.hpp"

using namespace iotemu;
using namespace iotemu::pki;
using namespace iotemu::pki::testing;
using namespace std::chrono_literals;

namespace {

// The certificate's DER hashed by the openssl command line, exactly as docs/aws/iot-core.md §0.2
// defines the id.
std::string openssl_sha256_of_der(const std::string& pem) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("iotemu-pki-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(path) << pem;
    const std::string command = "openssl x509 -in '" + path.string() + "' -outform der | sha256sum";
    std::string output(128, '\0');
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    output.resize(std::fread(output.data(), 1, output.size(), pipe));
    ::pclose(pipe);
    std::filesystem::remove(path);
    return output.substr(0, output.find(' '));
}

std::string chain_pem(const std::vector<X509Certificate>& certs) {
    std::string pem;
    for (const auto& cert : certs) {
        pem += cert.to_pem();
    }
    return pem;
}

}  // namespace

TEST_CASE("A certificate id is the SHA-256 of its DER as openssl computes it") {
    const auto key_type = GENERATE(KeyType::rsa_2048, KeyType::ec_p256);
    CAPTURE(name_of(key_type));
    const Issuer ca = make_root_ca("Id Root", shared_key(key_type));
    const X509Certificate device = make_device("device-1", ca);

    for (const auto* cert : {&ca.certificate, &device}) {
        const std::string expected = openssl_sha256_of_der(cert->to_pem());
        REQUIRE(expected.size() == 64);
        CHECK(cert->id() == expected);
    }
}

TEST_CASE("The AWS blog's root CA reads with its known id, subject, serial and dates") {
    const auto cert = X509Certificate::from_pem(blog_root_ca_pem);
    REQUIRE(cert);
    CHECK(cert->id() == "a14abf10024c18e15c13287dc5681472bfbc6d07baf0c1ed68d5ceb64baab707");
    CHECK(cert->subject().one_line() == "CN=Example Root CA,O=Example Corp,ST=Washington,C=US");
    CHECK(cert->issuer().one_line() == cert->subject().one_line());
    CHECK(cert->serial_number_hex() == "79f0a53dbe32cf22fbdb2bd62224a3b4c41dfc06");
    CHECK(cert->validity().not_before == Timestamp{1795434402s});
    CHECK(cert->validity().not_after == Timestamp{1883908002s});
    // `openssl req -x509` marks its output CA:TRUE by default in OpenSSL 3.
    CHECK(cert->is_ca());
    CHECK(cert->is_self_signed());
}

TEST_CASE("from_pem takes the first certificate and chain_from_pem reads all of them in order") {
    const Issuer root = make_root_ca("Chain Root", shared_key(KeyType::ec_p384));
    const Issuer intermediate =
        make_intermediate_ca("Chain Intermediate", shared_key(KeyType::ec_p256), root);
    const X509Certificate device = make_device("device-1", intermediate);
    const std::string pem = chain_pem({device, intermediate.certificate, root.certificate});

    const auto first = X509Certificate::from_pem(pem);
    REQUIRE(first);
    CHECK(first->id() == device.id());

    const auto chain = X509Certificate::chain_from_pem(pem);
    REQUIRE(chain);
    REQUIRE(chain->size() == 3);
    CHECK((*chain)[0].id() == device.id());
    CHECK((*chain)[1].id() == intermediate.certificate.id());
    CHECK((*chain)[2].id() == root.certificate.id());
}

TEST_CASE("Text around and between PEM blocks is skipped as openssl skips it") {
    const Issuer ca = make_root_ca("Wrapped Root", shared_key(KeyType::ec_p256));
    const X509Certificate device = make_device("device-1", ca);
    const std::string pem = device.to_pem();
    const std::string text_dump =
        "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Subject: O=Acme, CN=device-1\n";
    std::string crlf;
    for (const char c : pem) {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }

    // Generators keep their values across the test's re-runs while the certificates above are
    // new each run: generate the kind of wrapping, build the input from this run's PEM.
    const std::string label =
        GENERATE(as<std::string>{}, "openssl x509 -text output before the PEM",
                 "trailing text after the PEM", "a private key block before the certificate",
                 "Windows line endings");
    const std::map<std::string, std::string> inputs = {
        {"openssl x509 -text output before the PEM", text_dump + pem},
        {"trailing text after the PEM", pem + "\nsome notes\n"},
        {"a private key block before the certificate", shared_key(KeyType::ec_p256).to_pem() + pem},
        {"Windows line endings", crlf},
    };
    const std::string& input = inputs.at(label);
    CAPTURE(label);
    const auto cert = X509Certificate::from_pem(input);
    REQUIRE(cert);
    CHECK(cert->id() == device.id());

    const auto chain = X509Certificate::chain_from_pem(input + text_dump + ca.certificate.to_pem());
    REQUIRE(chain);
    REQUIRE(chain->size() == 2);
    CHECK((*chain)[1].id() == ca.certificate.id());
}

TEST_CASE("Malformed certificate PEM is refused with a message and leaves no OpenSSL error") {
    const Issuer ca = make_root_ca("Malformed Root", shared_key(KeyType::ec_p256));
    const std::string pem = make_device("device-1", ca).to_pem();
    const std::string body_start = "-----BEGIN CERTIFICATE-----\n";
    const std::string end_line = "-----END CERTIFICATE-----\n";
    const std::string base64 =
        pem.substr(body_start.size(), pem.size() - body_start.size() - end_line.size());

    const auto [label, input] = GENERATE_COPY(table<std::string, std::string>({
        {"an empty string", ""},
        {"plain garbage", "this is not a certificate"},
        {"binary garbage", std::string("\x30\x82\x01\x00\xff\x00\x7f", 7)},
        {"a private key", shared_key(KeyType::ec_p256).to_pem()},
        {"a public key", shared_key(KeyType::ec_p256).public_key_pem()},
        {"a CSR",
         pem_of("CERTIFICATE REQUEST", make_csr_der(shared_key(KeyType::ec_p256), {{"CN", "x"}}))},
        {"base64 cut in half", body_start + base64.substr(0, base64.size() / 2) + "\n" + end_line},
        {"no END line", body_start + base64},
        {"only the BEGIN line", body_start},
        {"an invalid base64 character", replaced(pem, "\n", "\n*")},
        {"valid base64 that is not a certificate", body_start + "aGVsbG8gd29ybGQ=\n" + end_line},
    }));
    CAPTURE(label);
    ERR_clear_error();

    const auto cert = X509Certificate::from_pem(input);
    REQUIRE_FALSE(cert);
    CHECK_FALSE(cert.error().message.empty());
    CHECK(ERR_peek_error() == 0);

    const auto chain = X509Certificate::chain_from_pem(input);
    REQUIRE_FALSE(chain);
    CHECK_FALSE(chain.error().message.empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A chain whose second certificate is broken is refused, naming the certificate") {
    const Issuer ca = make_root_ca("Broken Chain Root", shared_key(KeyType::ec_p256));
    const std::string device_pem = make_device("device-1", ca).to_pem();
    const std::string ca_pem = ca.certificate.to_pem();
    const std::string truncated = ca_pem.substr(0, ca_pem.size() / 2) + "\n";

    const auto chain = X509Certificate::chain_from_pem(device_pem + truncated);
    REQUIRE_FALSE(chain);
    CHECK_THAT(chain.error().message, Catch::Contains("certificate 2"));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("from_der reads exactly one DER certificate") {
    const Issuer ca = make_root_ca("Der Root", shared_key(KeyType::ec_p256));
    const std::string der = ca.certificate.der();

    const auto parsed = X509Certificate::from_der(der);
    REQUIRE(parsed);
    CHECK(parsed->id() == ca.certificate.id());
    CHECK(parsed->der() == der);

    const auto [label, input] = GENERATE_COPY(table<std::string, std::string>({
        {"empty", ""},
        {"truncated", der.substr(0, der.size() - 10)},
        {"trailing bytes", der + std::string("\0\0", 2)},
        {"PEM text", ca.certificate.to_pem()},
        // Found by fuzzing: OpenSSL parses a certificate whose key does not decode (here an EC
        // point with prefix 05), and public_key() then threw.
        {"a public key that does not decode",
         replaced(der, std::string("\x03\x42\x00\x04", 4), std::string("\x03\x42\x00\x05", 4))},
    }));
    CAPTURE(label);
    const auto refused = X509Certificate::from_der(input);
    REQUIRE_FALSE(refused);
    CHECK_FALSE(refused.error().message.empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("A certificate taken from native OpenSSL keeps the same id and outlives the original") {
    const Issuer ca = make_root_ca("Native Root", shared_key(KeyType::ec_p256));
    std::optional<X509Certificate> shared;
    {
        X509Ptr copy(X509_dup(ca.certificate.native()));
        REQUIRE(copy);
        shared = X509Certificate::from_native(copy.get());
    }  // the caller's reference is gone; ours must keep the X509 alive
    CHECK(shared->id() == ca.certificate.id());
    CHECK(shared->subject().first("CN") == "Native Root");
}

TEST_CASE("to_pem round-trips to the same certificate") {
    const auto original = X509Certificate::from_pem(blog_root_ca_pem);
    REQUIRE(original);
    const std::string pem = original->to_pem();
    CHECK(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
    const auto reread = X509Certificate::from_pem(pem);
    REQUIRE(reread);
    CHECK(reread->id() == original->id());
}

TEST_CASE("Validity is the issued notBefore and notAfter, and is_valid_at honours both ends") {
    CertificateProfile profile = device_profile("device-1");
    profile.backdate = 2h;
    profile.lifetime = 24h * 30;
    const auto before = std::chrono::system_clock::now();
    const X509Certificate cert = issue_self_signed(profile, shared_key(KeyType::ec_p256));
    const auto after = std::chrono::system_clock::now();

    // X.509 times have whole seconds: allow one second of truncation on either side.
    const model::Validity validity = cert.validity();
    CHECK(validity.not_before >= before - 2h - 1s);
    CHECK(validity.not_before <= after - 2h);
    CHECK(validity.not_after >= before + 24h * 30 - 1s);
    CHECK(validity.not_after <= after + 24h * 30);

    CHECK(cert.is_valid_at(validity.not_before));
    CHECK(cert.is_valid_at(validity.not_after));
    CHECK(cert.is_valid_at(before));
    CHECK_FALSE(cert.is_valid_at(validity.not_before - 1s));
    CHECK_FALSE(cert.is_valid_at(validity.not_after + 1s));
}

TEST_CASE("Dates in GeneralizedTime read correctly and dates past 2262 clamp to the clock's end") {
    CertificateProfile profile = device_profile("long-lived");
    const auto [years, clamps] = GENERATE(table<int, bool>({{30, false}, {1000, true}}));
    CAPTURE(years);
    profile.lifetime = std::chrono::hours{24 * 365 * years};
    const auto start = std::chrono::system_clock::now();
    const X509Certificate cert = issue_self_signed(profile, shared_key(KeyType::ec_p256));

    if (clamps) {
        CHECK(cert.validity().not_after == Timestamp::max());
    } else {
        CHECK(cert.validity().not_after >= start + profile.lifetime - 1s);
        CHECK(cert.validity().not_after <= start + profile.lifetime + 60s);
    }
}

TEST_CASE("is_ca is true exactly for basicConstraints CA:TRUE") {
    const Issuer ca = make_root_ca("Ca Root", shared_key(KeyType::ec_p256));
    CHECK(ca.certificate.is_ca());
    CHECK_FALSE(make_device("device-1", ca).is_ca());
}
