// Writes the embedded bootstrap programs to disk (temp file + rename, so a runtime starting at the
// same moment never reads half a file). The sources themselves are generated into the build tree.
#include "rules/lambda/bootstrap.hpp"

#include <fstream>
#include <stdexcept>

#include "common/random.hpp"

namespace iotemu::lambda {
namespace {

void write_atomically(const std::filesystem::path& path, std::string_view content) {
    const auto temporary = path.string() + ".tmp-" + random_hex(4);
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!file) throw std::runtime_error("cannot write " + temporary);
    }
    std::filesystem::rename(temporary, path);
}

}  // namespace

BootstrapFiles write_bootstrap_files(const std::filesystem::path& directory) {
    std::filesystem::create_directories(directory);
    BootstrapFiles files{directory / "python_bootstrap.py", directory / "node_bootstrap.js"};
    write_atomically(files.python, python_bootstrap_source());
    write_atomically(files.node, node_bootstrap_source());
    return files;
}

}  // namespace iotemu::lambda
