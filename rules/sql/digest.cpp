// Digests through OpenSSL's EVP interface, the library the project already trusts for hashing.
#include "rules/sql/digest.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>

namespace iotemu::rules::sql::detail {
namespace {

std::string hex_digest(const EVP_MD* algorithm, std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, algorithm, nullptr) != 1)
        throw std::runtime_error("EVP_Digest failed");
    constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (unsigned i = 0; i < length; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

}  // namespace

std::string md5_hex(std::string_view bytes) { return hex_digest(EVP_md5(), bytes); }
std::string sha1_hex(std::string_view bytes) { return hex_digest(EVP_sha1(), bytes); }
std::string sha224_hex(std::string_view bytes) { return hex_digest(EVP_sha224(), bytes); }
std::string sha256_hex(std::string_view bytes) { return hex_digest(EVP_sha256(), bytes); }
std::string sha384_hex(std::string_view bytes) { return hex_digest(EVP_sha384(), bytes); }
std::string sha512_hex(std::string_view bytes) { return hex_digest(EVP_sha512(), bytes); }

}  // namespace iotemu::rules::sql::detail
