// X509Certificate: one parsed X.509 certificate and the questions AWS IoT asks of it — its IoT id
// (lowercase hex SHA-256 of the DER, docs/aws/iot-core.md §0.2), names, validity, CA-ness, and who
// signed it. Copies share the underlying X509 (reference counted). No I/O.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/certificate.hpp"
#include "pki/error.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

typedef struct x509_st X509;

namespace iotemu::pki {

class X509Certificate {
public:
    // The first certificate in `pem`; fails on text with no parsable certificate.
    static Result<X509Certificate, PkiError> from_pem(std::string_view pem);
    // Every certificate in `pem`, in order (a device certificate followed by its CA,
    // docs/aws/iot-core.md §3.2).
    static Result<std::vector<X509Certificate>, PkiError> chain_from_pem(std::string_view pem);
    static Result<X509Certificate, PkiError> from_der(std::string_view der);
    // Takes one reference of an X509 the caller owns (e.g. the peer certificate of a TLS session).
    static X509Certificate from_native(X509* cert);

    const std::string& id() const { return id_; }  // computed once, at parse time
    std::string der() const;  // encoded again on each call: a connection's copy need not stay
    std::string to_pem() const;

    DistinguishedName subject() const;
    DistinguishedName issuer() const;
    model::Validity validity() const;
    std::string serial_number_hex() const;  // lowercase, no separators
    PublicKey public_key() const;

    bool is_ca() const;           // basicConstraints CA:TRUE
    bool is_self_signed() const;  // issuer name equals subject name and the own key verifies
    // True when this certificate's issuer name equals `issuer`'s subject and `issuer`'s public key
    // verifies this certificate's signature (AWS requires the direct signer,
    // docs/aws/iot-core.md §2.4, §3.2).
    bool is_signed_by(const X509Certificate& issuer) const;
    // True when now is within [notBefore, notAfter].
    bool is_valid_at(Timestamp when) const;

    X509* native() const { return cert_.get(); }

private:
    explicit X509Certificate(std::shared_ptr<X509> cert);

    std::shared_ptr<X509> cert_;
    std::string id_;
};

}  // namespace iotemu::pki
