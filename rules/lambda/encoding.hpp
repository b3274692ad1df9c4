// The CodeSha256 digest Lambda reports (base64 itself is common/base64.hpp). std in the header;
// OpenSSL in the .cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::lambda {

// Base64 of the SHA-256 of `bytes`: Lambda's CodeSha256.
std::string sha256_base64(std::string_view bytes);

}  // namespace iotemu::lambda
