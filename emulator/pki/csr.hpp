// CertificateRequest: a parsed PKCS#10 CSR (CreateCertificateFromCsr, fleet provisioning). No I/O.
#pragma once

#include <memory>
#include <string_view>

#include "common/result.hpp"
#include "pki/error.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

typedef struct X509_req_st X509_REQ;

namespace iotemu::pki {

class CertificateRequest {
public:
    // Fails on unparsable text and on a CSR whose own signature does not verify.
    static Result<CertificateRequest, PkiError> from_pem(std::string_view pem);

    DistinguishedName subject() const;
    PublicKey public_key() const;

private:
    explicit CertificateRequest(std::shared_ptr<X509_REQ> req) : req_(std::move(req)) {}
    std::shared_ptr<X509_REQ> req_;
};

}  // namespace iotemu::pki
