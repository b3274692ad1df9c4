// Fuzzes the reader of Lambda deployment packages: any bytes as a .zip, extracted into a fresh
// folder under $TMPDIR (scripts/fuzz points it into build-fuzz/), which must be gone again when
// extraction is refused. Writes files: the only target that touches the file system.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "common/aws_error.hpp"
#include "rules/lambda/zip.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path& work_folder() {
    static const fs::path folder = [] {
        std::string path = (fs::temp_directory_path() / "iotemu-fuzz-zip-XXXXXX").string();
        if (::mkdtemp(path.data()) == nullptr) std::abort();
        return fs::path(path);
    }();
    return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view archive(reinterpret_cast<const char*>(data), size);
    const auto target = work_folder() / "code";
    try {
        iotemu::lambda::extract_zip(archive, target);
    } catch (const iotemu::AwsError&) {
        if (fs::exists(target)) std::abort();  // a refusal leaves nothing behind
    }
    // Nothing may land beside the target folder (zip slip).
    for (const auto& entry : fs::directory_iterator(work_folder()))
        if (entry.path() != target) std::abort();
    fs::remove_all(target);
    return 0;
}
