// PrivateKey / PublicKey: generation, PEM round trips, and refusal of unusable key PEM.
#include "pki/key.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fixtures.hpp"

using namespace iotemu::pki;
using namespace iotemu::pki::testing;

TEST_CASE("A generated key has its type's size and round-trips through PKCS#8 PEM") {
    const auto [type, bits, algorithm] = GENERATE(table<KeyType, int, std::string>({
        {KeyType::rsa_2048, 2048, "RSA"},
        {KeyType::ec_p256, 256, "EC"},
        {KeyType::ec_p384, 384, "EC"},
    }));
    CAPTURE(name_of(type));
    const PrivateKey& key = shared_key(type);
    CHECK(EVP_PKEY_get_bits(key.native()) == bits);
    CHECK(EVP_PKEY_is_a(key.native(), algorithm.c_str()) == 1);

    const std::string pem = key.to_pem();
    CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
    const auto reread = PrivateKey::from_pem(pem);
    REQUIRE(reread);
    CHECK(EVP_PKEY_eq(reread->native(), key.native()) == 1);
}

TEST_CASE("A freshly generated key differs from the previous one") {
    const PrivateKey first = PrivateKey::generate(KeyType::ec_p256);
    const PrivateKey second = PrivateKey::generate(KeyType::ec_p256);
    CHECK(EVP_PKEY_eq(first.native(), second.native()) != 1);
}

TEST_CASE("The public key PEM carries the private key's public half and no private material") {
    const auto type = GENERATE(KeyType::rsa_2048, KeyType::ec_p384);
    CAPTURE(name_of(type));
    const PrivateKey& key = shared_key(type);

    const std::string pem = key.public_key_pem();
    CHECK(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
    const auto reread = PublicKey::from_pem(pem);
    REQUIRE(reread);
    CHECK(EVP_PKEY_eq(reread->native(), key.native()) == 1);
    CHECK(reread->to_pem() == pem);

    const PublicKey from_private = PublicKey::from_private(key);
    CHECK(from_private.to_pem() == pem);
    // A PublicKey cannot be written out as a private key.
    const BioPtr sink(BIO_new(BIO_s_mem()));
    CHECK(PEM_write_bio_PrivateKey(sink.get(), from_private.native(), nullptr, nullptr, 0, nullptr,
                                   nullptr) != 1);
    ERR_clear_error();
}

TEST_CASE("Traditional RSA and EC private key PEM is read too") {
    const auto type = GENERATE(KeyType::rsa_2048, KeyType::ec_p256);
    CAPTURE(name_of(type));
    const PrivateKey& key = shared_key(type);
    const BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), key.native(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) == 1);
    const std::string pem = to_string(bio.get());
    CHECK_THAT(pem, Catch::Contains(type == KeyType::rsa_2048 ? "BEGIN RSA PRIVATE KEY"
                                                              : "BEGIN EC PRIVATE KEY"));

    const auto reread = PrivateKey::from_pem(pem);
    REQUIRE(reread);
    CHECK(EVP_PKEY_eq(reread->native(), key.native()) == 1);
}

TEST_CASE("A private key is found after a certificate in the same PEM") {
    const PrivateKey& key = shared_key(KeyType::ec_p256);
    const auto reread = PrivateKey::from_pem(std::string(blog_root_ca_pem) + key.to_pem());
    REQUIRE(reread);
    CHECK(EVP_PKEY_eq(reread->native(), key.native()) == 1);
}

TEST_CASE("Unusable private key PEM is refused with a message and leaves no OpenSSL error") {
    const PrivateKey& key = shared_key(KeyType::ec_p256);
    const BioPtr encrypted(BIO_new(BIO_s_mem()));
    const char passphrase[] = "secret";
    REQUIRE(PEM_write_bio_PrivateKey(encrypted.get(), key.native(), EVP_aes_256_cbc(), nullptr, 0,
                                     nullptr, const_cast<char*>(passphrase)) == 1);
    const std::string encrypted_pem = to_string(encrypted.get());
    const std::string pem = key.to_pem();

    const auto [label, input] = GENERATE_COPY(table<std::string, std::string>({
        {"an empty string", ""},
        {"garbage", "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n"},
        {"a certificate", std::string(blog_root_ca_pem)},
        {"a public key", key.public_key_pem()},
        {"a truncated key", pem.substr(0, pem.size() / 2)},
        // Must fail rather than prompt for the passphrase on the terminal.
        {"an encrypted key", encrypted_pem},
    }));
    CAPTURE(label);
    ERR_clear_error();
    const auto refused = PrivateKey::from_pem(input);
    REQUIRE_FALSE(refused);
    CHECK_FALSE(refused.error().message.empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("Unusable public key PEM is refused with a message and leaves no OpenSSL error") {
    const std::string pem = shared_key(KeyType::ec_p256).public_key_pem();
    const auto [label, input] = GENERATE_COPY(table<std::string, std::string>({
        {"an empty string", ""},
        {"garbage", "garbage"},
        {"a certificate", std::string(blog_root_ca_pem)},
        {"a truncated key", pem.substr(0, pem.size() - 30)},
    }));
    CAPTURE(label);
    ERR_clear_error();
    const auto refused = PublicKey::from_pem(input);
    REQUIRE_FALSE(refused);
    CHECK_FALSE(refused.error().message.empty());
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("Only RSA of 2048 bits or more and ECDSA on NIST curves are keys AWS IoT takes") {
    // Keys made here directly with OpenSSL, as a device maker's tooling would.
    const auto public_of = [](EVP_PKEY* made) {
        REQUIRE(made != nullptr);
        const auto key = PublicKey::from_native(made);
        EVP_PKEY_free(made);
        return key;
    };
    const auto [label, key, refusal] = GENERATE_REF(table<std::string, PublicKey, std::string>({
        {"RSA-1024", public_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024})),
         "RSA-1024"},
        {"Ed25519", public_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")), "ED25519"},
        {"secp256k1", public_of(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1")),
         "EC secp256k1"},
        {"RSA-2048", PublicKey::from_private(shared_key(KeyType::rsa_2048)), ""},
        {"P-256", PublicKey::from_private(shared_key(KeyType::ec_p256)), ""},
        {"P-384", PublicKey::from_private(shared_key(KeyType::ec_p384)), ""},
    }));
    CAPTURE(label);
    CHECK(key.unsupported_by_aws_iot().value_or("") == refusal);
}
