// The hashing functions of IoT SQL (md5(), sha1(), sha224(), sha256(), sha384(), sha512()): the
// digest of the bytes as lowercase hex. std in the header; OpenSSL in the .cpp.
#pragma once

#include <string>
#include <string_view>

namespace iotemu::rules::sql::detail {

std::string md5_hex(std::string_view bytes);
std::string sha1_hex(std::string_view bytes);
std::string sha224_hex(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);
std::string sha384_hex(std::string_view bytes);
std::string sha512_hex(std::string_view bytes);

}  // namespace iotemu::rules::sql::detail
