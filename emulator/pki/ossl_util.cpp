// Internal glue shared by the pki sources: memory BIOs and the OpenSSL error queue. Holds no state.
#include "pki/ossl_util.hpp"

#include <climits>
#include <stdexcept>

#include <openssl/err.h>

namespace iotemu::pki::detail {

BioPtr read_only_bio(std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
        return nullptr;
    }
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

BioPtr writable_bio() {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) {
        throw_openssl_error("cannot allocate a memory BIO");
    }
    return bio;
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string lowercase_hex(const unsigned char* bytes, std::size_t size) {
    constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        hex += digits[bytes[i] >> 4];
        hex += digits[bytes[i] & 0x0f];
    }
    return hex;
}

namespace {

std::string with_openssl_reason(std::string_view what) {
    std::string message(what);
    if (const unsigned long code = ERR_peek_last_error(); code != 0) {
        if (const char* reason = ERR_reason_error_string(code)) {
            message += " (OpenSSL: ";
            message += reason;
            message += ')';
        }
    }
    ERR_clear_error();
    return message;
}

}  // namespace

PkiError input_error(std::string_view what) { return PkiError{with_openssl_reason(what)}; }

void throw_openssl_error(std::string_view what) {
    throw std::runtime_error(with_openssl_reason(what));
}

int no_passphrase(char*, int, int, void*) { return 0; }

const EVP_MD* message_digest(Digest digest) {
    switch (digest) {
        case Digest::sha384:
            return EVP_sha384();
        case Digest::sha512:
            return EVP_sha512();
        case Digest::sha256:
            break;
    }
    return EVP_sha256();
}

}  // namespace iotemu::pki::detail
