// The two bootstrap programs that run a handler in a local process (bootstrap/*.py, *.js),
// embedded at build time, and writing them where the runtime starts them from. std only.
#pragma once

#include <filesystem>
#include <string_view>

namespace iotemu::lambda {

std::string_view python_bootstrap_source();
std::string_view node_bootstrap_source();

struct BootstrapFiles {
    std::filesystem::path python;
    std::filesystem::path node;
};

// Writes both programs into `directory` (created if needed), replacing older copies atomically.
BootstrapFiles write_bootstrap_files(const std::filesystem::path& directory);

}  // namespace iotemu::lambda
