// Shared fixtures for the pki tests: keys generated once per test process, CAs and device
// certificates issued through the code under test, CSRs and PEM built with OpenSSL directly.
// Test-only; never linked into the emulator.
#pragma once

#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/certificate.hpp"
#include "pki/issue.hpp"
#include "pki/key.hpp"
#include "pki/ossl.hpp"

namespace iotemu::pki::testing {

// One key per type per process: RSA generation is slow, above all under valgrind.
inline const PrivateKey& shared_key(KeyType type) {
    static std::map<KeyType, PrivateKey> keys;  // Catch2 runs tests on one thread
    auto it = keys.find(type);
    if (it == keys.end()) it = keys.emplace(type, PrivateKey::generate(type)).first;
    return it->second;
}

inline const char* name_of(KeyType type) {
    switch (type) {
        case KeyType::rsa_2048:
            return "RSA-2048";
        case KeyType::rsa_3072:
            return "RSA-3072";
        case KeyType::rsa_4096:
            return "RSA-4096";
        case KeyType::ec_p256:
            return "P-256";
        case KeyType::ec_p384:
            return "P-384";
        case KeyType::ec_p521:
            return "P-521";
    }
    return "?";
}

inline CertificateProfile ca_profile(const std::string& common_name) {
    CertificateProfile profile;
    profile.subject = {{"C", "US"}, {"O", "Acme"}, {"CN", common_name}};
    profile.is_ca = true;
    return profile;
}

inline CertificateProfile device_profile(const std::string& common_name) {
    CertificateProfile profile;
    profile.subject = {{"O", "Acme"}, {"CN", common_name}};
    profile.client_auth = true;
    return profile;
}

inline Issuer make_root_ca(const std::string& common_name, const PrivateKey& key) {
    return Issuer{issue_self_signed(ca_profile(common_name), key), key};
}

inline Issuer make_intermediate_ca(const std::string& common_name, const PrivateKey& key,
                                   const Issuer& parent) {
    return Issuer{issue_certificate(ca_profile(common_name), PublicKey::from_private(key), parent),
                  key};
}

inline X509Certificate make_device(const std::string& common_name, const Issuer& issuer,
                                   const PrivateKey& key = shared_key(KeyType::ec_p256)) {
    return issue_certificate(device_profile(common_name), PublicKey::from_private(key), issuer);
}

inline std::string to_string(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// `der` wrapped as PEM under `label` ("CERTIFICATE REQUEST"): lets tests alter bytes and re-wrap.
inline std::string pem_of(const char* label, std::string_view der) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio(bio.get(), label, "", reinterpret_cast<const unsigned char*>(der.data()),
                          static_cast<long>(der.size())) > 0);
    return to_string(bio.get());
}

// A PKCS#10 request signed by `key`, as DER.
inline std::string make_csr_der(const PrivateKey& key, const std::vector<NameEntry>& subject) {
    X509ReqPtr req(X509_REQ_new());
    X509NamePtr name(X509_NAME_new());
    for (const auto& entry : subject) {
        REQUIRE(X509_NAME_add_entry_by_txt(
                    name.get(), entry.short_name.c_str(), MBSTRING_UTF8,
                    reinterpret_cast<const unsigned char*>(entry.value.c_str()), -1, -1, 0) == 1);
    }
    REQUIRE(X509_REQ_set_subject_name(req.get(), name.get()) == 1);
    REQUIRE(X509_REQ_set_pubkey(req.get(), key.native()) == 1);
    REQUIRE(X509_REQ_sign(req.get(), key.native(), EVP_sha256()) > 0);
    unsigned char* der = nullptr;
    const int size = i2d_X509_REQ(req.get(), &der);
    const OpensslBytesPtr owned(der);
    REQUIRE(size > 0);
    return std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
}

// `text` with the first occurrence of `from` replaced by `to` (same length keeps DER valid).
inline std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    return text;
}

// A root CA made the way AWS's JITR blog does (`openssl req -x509 -new -nodes -key rootCA.key
// -sha256 -days 1024`, OpenSSL 3.0 defaults), kept as data so its id, serial and dates are known.
// Its facts, from the openssl command line:
//   sha256 of DER  a14abf10024c18e15c13287dc5681472bfbc6d07baf0c1ed68d5ceb64baab707
//   serial         79F0A53DBE32CF22FBDB2BD62224A3B4C41DFC06
//   notBefore      2026-11-23 11:46:42Z    notAfter 2029-09-12 11:46:42Z
//   subject        CN=Example Root CA,O=Example Corp,ST=Washington,C=US (RFC 2253)
inline constexpr std::string_view blog_root_ca_pem = R"(-----BEGIN CERTIFICATE-----
MIIDhzCCAm+gAwIBAgIUefClPb4yzyL72yvWIiSjtMQd/AYwDQYJKoZIhvcNAQEL
BQAwUzELMAkGA1UEBhMCVVMxEzARBgNVBAgMCldhc2hpbmd0b24xFTATBgNVBAoM
DEV4YW1wbGUgQ29ycDEYMBYGA1UEAwwPRXhhbXBsZSBSb290IENBMB4XDTI2MTEy
MzExNDY0MloXDTI5MDkxMjExNDY0MlowUzELMAkGA1UEBhMCVVMxEzARBgNVBAgM
Cldhc2hpbmd0b24xFTATBgNVBAoMDEV4YW1wbGUgQ29ycDEYMBYGA1UEAwwPRXhh
bXBsZSBSb290IENBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArsK2
Lymh0aVEvv09ICQEI9nDceuNYT/6DKcO78ihYZf38knW/kJeHdKJHzpmEjPCejeU
ccl5Q+wAOnAJFUSP6xj1hMd5d0g2Vl9pAGst0OOcENxsdx7esMGHPqfUeqIwA3NP
CN8WCJRMDcaBr/Y7uW9NlfNTqVKx8s0ysw2fcqn6qk0htl3n3pxir9Zt5c1AM3Ij
Gw5wSWHvJ7/MoEDoyTzsuUhanjYsg97ec5gxdP8lhMLhB3Y2VHb+217dYhEP9PNc
6g61iXM2I46MBMCSsK1HwX688+15QGgV8M82VxKiYQjK09zbrlxqhapa9ELxk98/
d2iGPuPvWHEPqcRJ7QIDAQABo1MwUTAdBgNVHQ4EFgQULalrD2X04sCXZBlSv32G
N5lMa7MwHwYDVR0jBBgwFoAULalrD2X04sCXZBlSv32GN5lMa7MwDwYDVR0TAQH/
BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAGrEoeZV9ZnOcd6BEfuDunQ6aOhlJ
765vjRQUv+O/jxTbQll1TG9asr6Plc99WHhGQf+1wZF/ZrXcsrYI6wdk7K+TACWP
JUuQyO1SbRfIhmDn8d2lmvgF4+EFx/wDqX61LuuhnVAUi8LT+slC/y6pNgBVeoer
KmEY6hL3+4Nq861K03LRWLiKccvlh2JrOtMjVU6lgwn3Jb++6g5IJwpPN4OJFpEa
2pre/xu6PFpqvp2mioQlSGEeb8MzoGnLN13CCwHKkj2HF7hdu7I163Dw8H/THBbs
13wZcNu8paqajImXX4P76m8IC8rEwbZE8CEdtHTCmdCvASrLggWB43EVhw==
-----END CERTIFICATE-----
)";

}  // namespace iotemu::pki::testing
