// CertificateRequest: parse a PKCS#10 PEM and prove it was signed by the key it carries. Bad input
// becomes a PkiError, never an exception; no I/O.
#include "pki/csr.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/native_name.hpp"
#include "pki/ossl.hpp"
#include "pki/ossl_util.hpp"

namespace iotemu::pki {

Result<CertificateRequest, PkiError> CertificateRequest::from_pem(std::string_view pem) {
    if (pem.empty()) {
        return Unexpected{PkiError{"certificate signing request PEM is empty"}};
    }
    const BioPtr bio = detail::read_only_bio(pem);
    if (!bio) {
        return Unexpected{detail::input_error("certificate signing request PEM is too large")};
    }
    X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, detail::no_passphrase, nullptr));
    if (!req) {
        return Unexpected{detail::input_error("no readable certificate signing request in PEM")};
    }
    // The self-signature proves the requester holds the private key of the key it asks to certify.
    EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
    if (key == nullptr) {
        return Unexpected{detail::input_error("certificate signing request has no usable key")};
    }
    if (X509_REQ_verify(req.get(), key) != 1) {
        return Unexpected{detail::input_error(
            "certificate signing request signature does not verify with its own key")};
    }
    return CertificateRequest(std::shared_ptr<X509_REQ>(std::move(req)));
}

DistinguishedName CertificateRequest::subject() const {
    return detail::to_distinguished_name(X509_REQ_get_subject_name(req_.get()));
}

PublicKey CertificateRequest::public_key() const {
    // Non-null: from_pem refused requests without a key.
    return PublicKey::from_native(X509_REQ_get0_pubkey(req_.get()));
}

}  // namespace iotemu::pki
