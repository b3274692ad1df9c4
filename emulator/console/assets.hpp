// The console's static files, embedded in the binary at build time from console/ (CMake reads
// them into a generated source); served under /_emulator/console/ (docs/console.md).
#pragma once

#include <optional>
#include <string_view>

namespace iotemu::console {

struct Asset {
    std::string_view content_type;
    std::string_view body;
};

// The file at `name` ("index.html", "console.js", "console.css"), or nothing.
std::optional<Asset> asset(std::string_view name);

}  // namespace iotemu::console
