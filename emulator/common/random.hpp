// Random identifiers: UUIDv4 strings (thingId, generationId), lowercase hex tokens
// (registration codes) and text over an alphabet (IAM ids, access keys). Thread-safe. std only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace iotemu {

std::string random_uuid();
std::string random_hex(std::size_t bytes);
// `length` characters drawn uniformly from `alphabet` (which must not be empty).
std::string random_text(std::size_t length, std::string_view alphabet);

// IAM's unique-id alphabet: "AROA" + 17 of these is a role id, "ASIA" + 16 an access key id.
inline constexpr std::string_view upper_alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

}  // namespace iotemu
