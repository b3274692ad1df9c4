// Issuing certificates: self-signed CAs, server certificates and device certificates signed by a
// CA key. Used for the emulator's own TLS identity, CreateKeysAndCertificate,
// CreateCertificateFromCsr, ACM Private CA's templates, and by tests to build fixtures. No I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "pki/certificate.hpp"
#include "pki/digest.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

namespace iotemu::pki {

struct KeyUsage {
    bool digital_signature = false;
    bool key_encipherment = false;
    bool key_cert_sign = false;
    bool crl_sign = false;
};

struct CertificateProfile {
    std::vector<NameEntry> subject;  // e.g. {{"CN", "device-1"}, {"O", "Acme"}}
    std::chrono::hours lifetime{24 * 365};
    std::chrono::hours backdate{1};         // notBefore = now - backdate (clock skew)
    bool is_ca = false;                     // basicConstraints CA:TRUE + keyCertSign/cRLSign
    std::optional<int> path_length;         // only for CAs
    std::vector<std::string> dns_names;     // subjectAltName DNS entries
    std::vector<std::string> ip_addresses;  // subjectAltName IP entries ("127.0.0.1", "::1")
    bool server_auth = false;               // extendedKeyUsage serverAuth
    bool client_auth = false;               // extendedKeyUsage clientAuth
    Digest digest = Digest::sha256;         // of the signature
    // notBefore / notAfter at these instants instead of now - backdate / now + lifetime.
    std::optional<Timestamp> not_before;
    std::optional<Timestamp> not_after;
    // keyUsage (always critical); by default CA: keyCertSign, cRLSign; otherwise digitalSignature
    // and, for RSA keys, keyEncipherment.
    std::optional<KeyUsage> key_usage;
    bool basic_constraints_critical = true;
    bool authority_key_identifier = true;  // keyid of the issuer's key
    // A subjectAltName extension value (DER) copied as it is, e.g. from a CSR; replaces
    // dns_names and ip_addresses when set.
    std::optional<std::string> subject_alt_name_der;
};

// The signer of an issued certificate: its certificate and private key.
struct Issuer {
    X509Certificate certificate;
    PrivateKey key;
};

// A certificate for `subject_key` signed by `issuer`; or self-signed by `self_key`.
// Random 128-bit positive serial. Throws std::runtime_error if OpenSSL fails.
X509Certificate issue_certificate(const CertificateProfile& profile, const PublicKey& subject_key,
                                  const Issuer& issuer);
X509Certificate issue_self_signed(const CertificateProfile& profile, const PrivateKey& self_key);

}  // namespace iotemu::pki
