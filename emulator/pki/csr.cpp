// CertificateRequest: parse a PKCS#10 PEM and prove it was signed by the key it carries. Bad input
// becomes a PkiError, never an exception; no I/O.
#include "pki/csr.hpp"

#include <stdexcept>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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

CertificateRequest CertificateRequest::create(const std::vector<NameEntry>& subject,
                                              const PrivateKey& key, Digest digest) {
    X509ReqPtr req(X509_REQ_new());
    if (!req) detail::throw_openssl_error("cannot allocate certificate signing request");
    auto name = detail::to_x509_name(subject);
    if (!name) throw std::runtime_error("cannot create CSR: " + name.error().message);
    if (X509_REQ_set_version(req.get(), 0) != 1 ||
        X509_REQ_set_subject_name(req.get(), name->get()) != 1 ||
        X509_REQ_set_pubkey(req.get(), key.native()) != 1 ||
        X509_REQ_sign(req.get(), key.native(), detail::message_digest(digest)) <= 0) {
        detail::throw_openssl_error("cannot create certificate signing request");
    }
    return CertificateRequest(std::shared_ptr<X509_REQ>(std::move(req)));
}

std::string CertificateRequest::to_pem() const {
    const BioPtr bio = detail::writable_bio();
    if (PEM_write_bio_X509_REQ(bio.get(), req_.get()) != 1) {
        detail::throw_openssl_error("cannot write certificate signing request PEM");
    }
    return detail::bio_contents(bio.get());
}

std::optional<std::string> CertificateRequest::subject_alt_name_der() const {
    const X509ExtensionStackPtr extensions(X509_REQ_get_extensions(req_.get()));
    if (!extensions) return std::nullopt;
    for (int i = 0; i < sk_X509_EXTENSION_num(extensions.get()); ++i) {
        X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions.get(), i);
        if (OBJ_obj2nid(X509_EXTENSION_get_object(extension)) != NID_subject_alt_name) continue;
        const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(extension);
        return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                           static_cast<std::size_t>(ASN1_STRING_length(value)));
    }
    return std::nullopt;
}

DistinguishedName CertificateRequest::subject() const {
    return detail::to_distinguished_name(X509_REQ_get_subject_name(req_.get()));
}

PublicKey CertificateRequest::public_key() const {
    // Non-null: from_pem refused requests without a key.
    return PublicKey::from_native(X509_REQ_get0_pubkey(req_.get()));
}

}  // namespace iotemu::pki
