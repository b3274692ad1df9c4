// CodeSha256: SHA-256 from OpenSSL, in base64.
#include "rules/lambda/encoding.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>

#include "common/base64.hpp"

namespace iotemu::lambda {

std::string sha256_base64(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

}  // namespace iotemu::lambda
