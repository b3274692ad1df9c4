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
    const auto seconds = [](std::chrono::hours span) {
        return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(span).count());
    };
    const std::time_t not_before = profile.not_before
                                       ? std::chrono::system_clock::to_time_t(*profile.not_before)
                                       : now - seconds(profile.backdate);
    const std::time_t not_after = profile.not_after
                                      ? std::chrono::system_clock::to_time_t(*profile.not_after)
                                      : now + seconds(profile.lifetime);
    if (not_after <= not_before) {
        throw std::runtime_error("cannot issue certificate: notAfter is not after notBefore");
    }
    if (!ASN1_TIME_set(X509_getm_notBefore(cert), not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert), not_after)) {
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

// A non-critical extension whose value is given as DER.
void add_der_extension(X509* cert, int nid, const std::string& der) {
    const Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!value ||
        ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(der.data()),
                              static_cast<int>(der.size())) != 1) {
        detail::throw_openssl_error("cannot copy extension value");
    }
    X509ExtensionPtr extension(X509_EXTENSION_create_by_NID(nullptr, nid, 0, value.get()));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
        detail::throw_openssl_error(std::string("cannot add extension ") + OBJ_nid2sn(nid));
    }
}

KeyUsage default_key_usage(const CertificateProfile& profile, EVP_PKEY* subject_key) {
    if (profile.is_ca) return {.key_cert_sign = true, .crl_sign = true};
    // keyEncipherment only means something for RSA (RSA key transport); RFC 5480 §3 does not
    // allow it on an EC key, and strict verifiers reject it there.
    return {.digital_signature = true, .key_encipherment = EVP_PKEY_is_a(subject_key, "RSA") == 1};
}

std::string key_usage_value(const KeyUsage& usage) {
    std::vector<std::string> bits{"critical"};
    if (usage.digital_signature) bits.emplace_back("digitalSignature");
    if (usage.key_encipherment) bits.emplace_back("keyEncipherment");
    if (usage.key_cert_sign) bits.emplace_back("keyCertSign");
    if (usage.crl_sign) bits.emplace_back("cRLSign");
    return join(bits);
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

    std::string constraints = profile.basic_constraints_critical ? "critical," : "";
    constraints += profile.is_ca ? "CA:TRUE" : "CA:FALSE";
    if (profile.is_ca && profile.path_length) {
        constraints += ",pathlen:" + std::to_string(*profile.path_length);
    }
    add_extension(cert, context, NID_basic_constraints, constraints);
    add_extension(
        cert, context, NID_key_usage,
        key_usage_value(profile.key_usage.value_or(default_key_usage(profile, subject_key))));
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
    if (profile.subject_alt_name_der) {
        add_der_extension(cert, NID_subject_alt_name, *profile.subject_alt_name_der);
    } else if (const std::string names = subject_alt_names(profile); !names.empty()) {
        add_extension(cert, context, NID_subject_alt_name, names);
    }
    // SKID first: for a self-signed certificate the AKID is copied from the issuer's (own) SKID.
    add_extension(cert, context, NID_subject_key_identifier, "hash");
    if (profile.authority_key_identifier) {
        add_extension(cert, context, NID_authority_key_identifier, "keyid:always");
    }
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
    if (X509_sign(cert.get(), signing_key, detail::message_digest(profile.digest)) <= 0) {
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
