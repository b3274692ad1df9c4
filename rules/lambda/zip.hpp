// Extracts a deployment package (.zip held in memory) into a new directory: stored and deflated
// entries, read through the central directory, executable bits kept. Refuses, leaving nothing
// behind, any entry that would land outside the directory (absolute paths, `..`), symbolic
// links, encrypted or ZIP64 entries and corrupt or truncated archives: AwsError
// InvalidParameterValueException, as Lambda answers an unusable package. zlib in the .cpp only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "rules/lambda/limits.hpp"

namespace iotemu::lambda {

struct ExtractedZip {
    std::size_t files = 0;
    std::uint64_t unzipped_bytes = 0;
};

// `directory` must not exist yet; it is created, and removed again if extraction fails.
ExtractedZip extract_zip(std::string_view archive, const std::filesystem::path& directory);

}  // namespace iotemu::lambda
