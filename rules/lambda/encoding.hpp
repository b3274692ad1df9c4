// Base64 (RFC 4648, with padding) and the CodeSha256 digest Lambda reports. std in the header;
// OpenSSL in the .cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::lambda {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (whitespace is skipped; padding optional).
std::optional<std::string> base64_decode(std::string_view text);
// Base64 of the SHA-256 of `bytes`: Lambda's CodeSha256.
std::string sha256_base64(std::string_view bytes);

}  // namespace iotemu::lambda
