// PrivateKey and PublicKey: generation (OpenSSL 3 EVP_PKEY_Q_keygen), PEM in and out. Bad PEM
// becomes a PkiError; never prompts for a passphrase, never does I/O.
#include "pki/key.hpp"

#include <stdexcept>
#include <string>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/ossl.hpp"
#include "pki/ossl_util.hpp"

namespace iotemu::pki {
namespace {

KeyFamily family_of(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) return KeyFamily::rsa;
    if (EVP_PKEY_is_a(key, "EC")) return KeyFamily::ec;
    return KeyFamily::other;
}

}  // namespace

PrivateKey PrivateKey::generate(KeyType type) {
    EvpPkeyPtr key;
    switch (type) {
        case KeyType::rsa_2048:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
            break;
        case KeyType::rsa_3072:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072}));
            break;
        case KeyType::rsa_4096:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096}));
            break;
        case KeyType::ec_p256:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
            break;
        case KeyType::ec_p384:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
            break;
        case KeyType::ec_p521:
            key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"));
            break;
    }
    if (!key) {
        detail::throw_openssl_error("cannot generate private key");
    }
    return PrivateKey(std::shared_ptr<EVP_PKEY>(std::move(key)));
}

Result<PrivateKey, PkiError> PrivateKey::from_pem(std::string_view pem) {
    if (pem.empty()) {
        return Unexpected{PkiError{"private key PEM is empty"}};
    }
    const BioPtr bio = detail::read_only_bio(pem);
    if (!bio) {
        return Unexpected{detail::input_error("private key PEM is too large")};
    }
    // Accepts PKCS#8 and the traditional "RSA/EC PRIVATE KEY" forms; an encrypted key fails
    // because no passphrase is supplied.
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, detail::no_passphrase, nullptr));
    if (!key) {
        return Unexpected{detail::input_error("no readable unencrypted private key in PEM")};
    }
    return PrivateKey(std::shared_ptr<EVP_PKEY>(std::move(key)));
}

std::string PrivateKey::to_pem() const {
    const BioPtr bio = detail::writable_bio();
    if (PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        detail::throw_openssl_error("cannot write private key PEM");
    }
    return detail::bio_contents(bio.get());
}

std::string PrivateKey::public_key_pem() const { return PublicKey::from_private(*this).to_pem(); }

KeyFamily PrivateKey::family() const { return family_of(key_.get()); }

KeyFamily PublicKey::family() const { return family_of(key_.get()); }

std::optional<std::string> PublicKey::unsupported_by_aws_iot() const {
    EVP_PKEY* key = key_.get();
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
        const int bits = EVP_PKEY_get_bits(key);
        if (bits >= 2048) return std::nullopt;
        return "RSA-" + std::to_string(bits);
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char curve[64] = {};
        std::size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &length) != 1)
            return "EC on an unnamed curve";
        const std::string_view name(curve, length);
        if (name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384" ||
            name == "secp521r1" || name == "P-521")
            return std::nullopt;
        return "EC " + std::string(name);
    }
    const char* type = EVP_PKEY_get0_type_name(key);
    return type ? std::string(type) : std::string("an unknown key type");
}

bool PublicKey::operator==(const PublicKey& other) const {
    return EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

Result<PublicKey, PkiError> PublicKey::from_pem(std::string_view pem) {
    if (pem.empty()) {
        return Unexpected{PkiError{"public key PEM is empty"}};
    }
    const BioPtr bio = detail::read_only_bio(pem);
    if (!bio) {
        return Unexpected{detail::input_error("public key PEM is too large")};
    }
    EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, detail::no_passphrase, nullptr));
    if (!key) {
        return Unexpected{detail::input_error("no readable public key in PEM")};
    }
    return PublicKey(std::shared_ptr<EVP_PKEY>(std::move(key)));
}

PublicKey PublicKey::from_private(const PrivateKey& key) {
    // Round-trip through SubjectPublicKeyInfo so a PublicKey never carries private material.
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key.native(), &der);
    const OpensslBytesPtr owned(der);
    const unsigned char* next = der;
    EvpPkeyPtr pub(size > 0 ? d2i_PUBKEY(nullptr, &next, size) : nullptr);
    if (!pub) {
        detail::throw_openssl_error("cannot extract public key");
    }
    return PublicKey(std::shared_ptr<EVP_PKEY>(std::move(pub)));
}

PublicKey PublicKey::from_native(EVP_PKEY* key) {
    if (key == nullptr || EVP_PKEY_up_ref(key) != 1) {
        throw std::invalid_argument("PublicKey::from_native: no key");
    }
    return PublicKey(std::shared_ptr<EVP_PKEY>(EvpPkeyPtr(key)));
}

std::string PublicKey::to_pem() const {
    const BioPtr bio = detail::writable_bio();
    if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
        detail::throw_openssl_error("cannot write public key PEM");
    }
    return detail::bio_contents(bio.get());
}

}  // namespace iotemu::pki
