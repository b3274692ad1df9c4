// Building and signing X.509 v3 certificates (SHA-256) from a CertificateProfile. OpenSSL failures
// and unusable profiles throw std::runtime_error; no I/O.
#include "pki/issue.hpp"

#include <array>
#include <ctime>
#include <stdexcept>

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki/native_name.hpp"
#include "pki/ossl.hpp"
#include "pki/ossl_util.hpp"

namespace iotemu::pki {

namespace {

std::string join(const std::vector<std::string>& parts) {
    std::string joined;
    for (const auto& part : parts) {
        joined += joined.empty() ? "" : ",";
        joined += part;
    }
    return joined;
}

void set_random_serial(X509* cert) {
    // 128 random bits with the top one forced: always 16 magnitude bytes, and positive because
    // the ASN1_INTEGER stays V_ASN1_INTEGER (DER adds the 0x00 sign byte), as RFC 5280 §4.1.2.2
    // asks.
    std::array<unsigned char, 16> serial{};
    if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
        detail::throw_openssl_error("cannot draw a random serial number");
    }
    serial[0] |= 0x80;
    if (ASN1_STRING_set(X509_get_serialNumber(cert), serial.data(),
                        static_cast<int>(serial.size())) != 1) {
        detail::throw_openssl_error("cannot set serial number");
    }
}

void set_validity(X509* cert, const CertificateProfile& profile) {
    // One `now` for both ends; notBefore is backdated so clients with a slightly slow clock accept
    // a certificate issued a moment ago.
    const std::time_t now = std::time(nullptr);
    const auto split = [](std::chrono::hours span) {
        return std::pair{static_cast<int>(span.count() / 24), (span.count() % 24) * 3600L};
    };
    const auto [back_days, back_seconds] = split(profile.backdate);
    const auto [life_days, life_seconds] = split(profile.lifetime);
    if (!ASN1_TIME_adj(X509_getm_notBefore(cert), now, -back_days, -back_seconds) ||
        !ASN1_TIME_adj(X509_getm_notAfter(cert), now, life_days, life_seconds)) {
        detail::throw_openssl_error("cannot set validity period");
    }
}

// An extension in openssl.cnf syntax ("critical,CA:TRUE"), so each reads like the config AWS's
// guides use.
void add_extension(X509* cert, X509V3_CTX& context, int nid, const std::string& value) {
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
        detail::throw_openssl_error(std::string("cannot add extension ") + OBJ_nid2sn(nid) + "=" +
                                    value);
    }
}

std::string subject_alt_names(const CertificateProfile& profile) {
    std::vector<std::string> names;
    for (const auto& dns : profile.dns_names) {
        // A comma or colon would be read as the next entry of the config string, not as data.
        if (dns.empty() || dns.find_first_of(",: \t\r\n") != std::string::npos) {
            throw std::runtime_error("cannot issue certificate: invalid DNS name \"" + dns + "\"");
        }
        names.push_back("DNS:" + dns);
    }
    for (const auto& ip : profile.ip_addresses) {
        if (ip.empty() || ip.find(',') != std::string::npos) {
            throw std::runtime_error("cannot issue certificate: invalid IP address \"" + ip + "\"");
        }
        names.push_back("IP:" + ip);
    }
    return join(names);
}

void add_extensions(X509* cert, X509* issuer_cert, EVP_PKEY* subject_key,
                    const CertificateProfile& profile) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer_cert, cert, nullptr, nullptr, 0);

    if (profile.is_ca) {
        std::string constraints = "critical,CA:TRUE";
        if (profile.path_length) {
            constraints += ",pathlen:" + std::to_string(*profile.path_length);
        }
        add_extension(cert, context, NID_basic_constraints, constraints);
        add_extension(cert, context, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert, context, NID_basic_constraints, "critical,CA:FALSE");
        // keyEncipherment only means something for RSA (RSA key transport); RFC 5480 §3 does not
        // allow it on an EC key, and strict verifiers reject it there.
        add_extension(cert, context, NID_key_usage,
                      EVP_PKEY_is_a(subject_key, "RSA")
                          ? "critical,digitalSignature,keyEncipherment"
                          : "critical,digitalSignature");
    }
    std::vector<std::string> usages;
    if (profile.server_auth) {
        usages.emplace_back("serverAuth");
    }
    if (profile.client_auth) {
        usages.emplace_back("clientAuth");
    }
    if (!usages.empty()) {
        add_extension(cert, context, NID_ext_key_usage, join(usages));
    }
    if (const std::string names = subject_alt_names(profile); !names.empty()) {
        add_extension(cert, context, NID_subject_alt_name, names);
    }
    // SKID first: for a self-signed certificate the AKID is copied from the issuer's (own) SKID.
    add_extension(cert, context, NID_subject_key_identifier, "hash");
    add_extension(cert, context, NID_authority_key_identifier, "keyid:always");
}

// `issuer_cert` null means self-signed: the certificate is its own issuer.
X509Certificate issue(const CertificateProfile& profile, EVP_PKEY* subject_key, X509* issuer_cert,
                      EVP_PKEY* signing_key) {
    X509Ptr cert(X509_new());
    if (!cert) {
        detail::throw_openssl_error("cannot allocate certificate");
    }
    auto subject = detail::to_x509_name(profile.subject);
    if (!subject) {
        throw std::runtime_error("cannot issue certificate: " + subject.error().message);
    }
    X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_subject_name(cert.get(), subject->get()) != 1 ||
        X509_set_pubkey(cert.get(), subject_key) != 1) {
        detail::throw_openssl_error("cannot fill in certificate");
    }
    // After the subject is set: a self-signed certificate's issuer is its own subject.
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1) {
        detail::throw_openssl_error("cannot set issuer name");
    }
    set_random_serial(cert.get());
    set_validity(cert.get(), profile);
    add_extensions(cert.get(), issuer, subject_key, profile);
    if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
        detail::throw_openssl_error("cannot sign certificate");
    }
    // Re-parse the signed encoding so the result is exactly what any reader of its PEM gets,
    // with no state cached while the certificate was still being built.
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert.get(), &der);
    const OpensslBytesPtr owned(der);
    if (size <= 0) {
        detail::throw_openssl_error("cannot DER-encode issued certificate");
    }
    auto issued = X509Certificate::from_der(
        std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size)));
    if (!issued) {
        throw std::runtime_error("issued certificate does not parse: " + issued.error().message);
    }
    return std::move(issued).value();
}

}  // namespace

X509Certificate issue_certificate(const CertificateProfile& profile, const PublicKey& subject_key,
                                  const Issuer& issuer) {
    // A mismatched pair would sign certificates nobody can verify against the issuer; say so here.
    if (X509_check_private_key(issuer.certificate.native(), issuer.key.native()) != 1) {
        detail::throw_openssl_error(
            "cannot issue certificate: issuer key does not match issuer "
            "certificate");
    }
    return issue(profile, subject_key.native(), issuer.certificate.native(), issuer.key.native());
}

X509Certificate issue_self_signed(const CertificateProfile& profile, const PrivateKey& self_key) {
    return issue(profile, self_key.native(), nullptr, self_key.native());
}

}  // namespace iotemu::pki
