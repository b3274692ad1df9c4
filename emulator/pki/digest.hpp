// Message digests: the ones certificates and CSRs are signed with, and SHA-256 as AWS IoT uses it
// for names — certificate ids (docs/aws/iot-core.md §0.2) and the default name of a provisioning
// template's inline policy (§4.4). No I/O.
#pragma once

#include <string>
#include <string_view>

namespace iotemu::pki {

enum class Digest { sha256, sha384, sha512 };

// Lowercase hexadecimal SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

}  // namespace iotemu::pki
