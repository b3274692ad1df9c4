// CertificateRequest: a parsed PKCS#10 CSR (CreateCertificateFromCsr, fleet provisioning, ACM
// Private CA), or one made for a key the emulator holds (a private CA's own CSR). No I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "pki/digest.hpp"
#include "pki/error.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

typedef struct X509_req_st X509_REQ;

namespace iotemu::pki {

class CertificateRequest {
public:
    // Fails on unparsable text and on a CSR whose own signature does not verify.
    static Result<CertificateRequest, PkiError> from_pem(std::string_view pem);
    // A CSR for `key`'s public half, signed by it. Throws std::runtime_error if OpenSSL fails or
    // the subject has an attribute OpenSSL does not know.
    static CertificateRequest create(const std::vector<NameEntry>& subject, const PrivateKey& key,
                                     Digest digest);

    std::string to_pem() const;
    DistinguishedName subject() const;
    PublicKey public_key() const;
    // The requested subjectAltName extension's value (DER), when the CSR asks for one.
    std::optional<std::string> subject_alt_name_der() const;

private:
    explicit CertificateRequest(std::shared_ptr<X509_REQ> req) : req_(std::move(req)) {}
    std::shared_ptr<X509_REQ> req_;
};

}  // namespace iotemu::pki
