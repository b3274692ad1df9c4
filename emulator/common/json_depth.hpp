// How deeply a JSON text nests, read before it is parsed: nlohmann::json parses iteratively but
// copies, compares and prints recursively, so every JSON text from outside (device payloads, API
// bodies, handler answers, documents) is checked against one bound first. std only; never throws.
#pragma once

#include <cstddef>
#include <string_view>

namespace iotemu {

// Arrays and objects inside one another, counting the outermost as 1 (docs/limits.md).
inline constexpr std::size_t max_json_depth = 1000;

// False when `text` opens more than `limit` arrays/objects inside one another. Brackets inside
// strings do not count; the text need not be valid JSON (the parser judges that afterwards).
bool json_depth_within(std::string_view text, std::size_t limit = max_json_depth);

}  // namespace iotemu
