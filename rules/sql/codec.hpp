// Byte codecs behind encode()/decode() and the hashing functions: base64 and MD5/SHA-1/SHA-2
// digests as lowercase hex. Written here so the pure SQL layer needs no OpenSSL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::rules::sql::detail {

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

std::string md5_hex(std::string_view bytes);
std::string sha1_hex(std::string_view bytes);
std::string sha224_hex(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);

}  // namespace iotemu::rules::sql::detail
