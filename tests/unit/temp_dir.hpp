// A fresh folder under $TMPDIR for one test, removed with everything in it when the test ends.
// Shared by every unit test that needs files; test-only.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/random.hpp"

namespace iotemu::testing {

class TempDir {
public:
    explicit TempDir(std::string_view prefix = "iotemu-test-")
        : path_(std::filesystem::temp_directory_path() / (std::string(prefix) + random_hex(6))) {
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace iotemu::testing
