// Random identifiers: UUIDv4 strings (thingId, generationId) and lowercase hex tokens
// (registration codes). Thread-safe. std only.
#pragma once

#include <cstddef>
#include <string>

namespace iotemu {

std::string random_uuid();
std::string random_hex(std::size_t bytes);

}  // namespace iotemu
