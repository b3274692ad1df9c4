// Base64 (RFC 4648 §4: the standard alphabet, with padding), the one codec every layer shares:
// IoT SQL's encode()/decode(), the rules' error payloads, Lambda's ZipFile and log tails. std only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu {

std::string base64_encode(std::string_view bytes);
// nullopt for anything but canonical base64: a length that is not a multiple of 4, a character
// outside the alphabet, or padding anywhere but at the end.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace iotemu
