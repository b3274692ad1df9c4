// Helpers for lambda unit tests: a temporary folder per test, zip archives written by python3's
// own zipfile module (an independent writer), and handler folders written from source text.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "temp_dir.hpp"

namespace iotemu::lambda::test {

using iotemu::testing::TempDir;

inline void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Runs `body` in python3 with `z` an open zipfile.ZipFile (deflated by default) and returns the
// archive's bytes. E.g. python_zip("z.writestr('index.js', 'x')").
inline std::string python_zip(const std::string& body) {
    TempDir work;
    const auto script = work / "make.py";
    const auto archive = work / "out.zip";
    write_file(script,
               "import sys, zipfile, stat\n"
               "z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n" +
                   body + "\nz.close()\n");
    const std::string command = "python3 '" + script.string() + "' '" + archive.string() + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("python3 failed: " + body);
    return read_file(archive);
}

// A folder holding the given files (name → content).
inline void write_files(const std::filesystem::path& directory,
                        const std::map<std::string, std::string>& files) {
    for (const auto& [name, content] : files) write_file(directory / name, content);
}

}  // namespace iotemu::lambda::test
