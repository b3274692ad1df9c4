// SHA-256 through OpenSSL's one-shot EVP_Digest; an OpenSSL failure throws (it never happens for
// in-memory input).
#include "pki/digest.hpp"

#include <openssl/evp.h>

#include "pki/ossl_util.hpp"

namespace iotemu::pki {

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        detail::throw_openssl_error("cannot compute SHA-256");
    return detail::lowercase_hex(digest, size);
}

}  // namespace iotemu::pki
