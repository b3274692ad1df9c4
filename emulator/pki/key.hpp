// PrivateKey: generate, read and write private keys (RSA 2048/3072/4096, ECDSA P-256/P-384/P-521).
// Generation is CPU-heavy (tens of ms for RSA-2048, seconds for RSA-4096): never call it on an
// I/O thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "pki/error.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace iotemu::pki {

enum class KeyType { rsa_2048, rsa_3072, rsa_4096, ec_p256, ec_p384, ec_p521 };

// What a signature over the key is made with: RSA (PKCS#1 v1.5) or ECDSA.
enum class KeyFamily { rsa, ec, other };

class PrivateKey {
public:
    static PrivateKey generate(KeyType type);  // throws std::runtime_error if OpenSSL fails
    static Result<PrivateKey, PkiError> from_pem(std::string_view pem);

    std::string to_pem() const;          // PKCS#8 "-----BEGIN PRIVATE KEY-----"
    std::string public_key_pem() const;  // SubjectPublicKeyInfo "-----BEGIN PUBLIC KEY-----"
    KeyFamily family() const;

    EVP_PKEY* native() const { return key_.get(); }

private:
    explicit PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> key_;
};

// The public half of a key, as found in a CSR or certificate.
class PublicKey {
public:
    static Result<PublicKey, PkiError> from_pem(std::string_view pem);
    static PublicKey from_private(const PrivateKey& key);
    static PublicKey from_native(EVP_PKEY* key);  // takes one reference

    std::string to_pem() const;
    KeyFamily family() const;
    // Why AWS IoT would refuse this key in a device certificate or CSR, or nothing: it takes RSA
    // of 2048 bits or more and ECDSA on NIST P-256, P-384 and P-521 only (docs/limits.md §7);
    // e.g. "RSA-1024", "ED25519", "EC secp256k1".
    std::optional<std::string> unsupported_by_aws_iot() const;
    // The same key (algorithm, parameters and value), e.g. a CSR's and a certificate's.
    bool operator==(const PublicKey& other) const;
    EVP_PKEY* native() const { return key_.get(); }

private:
    explicit PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace iotemu::pki
