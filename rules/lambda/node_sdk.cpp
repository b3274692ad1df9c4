// The Node.js SDK folder's search order (node_sdk.hpp). The install layout's relative path and the
// build tree's folder come from CMake (rules/lambda/CMakeLists.txt).
#include "rules/lambda/node_sdk.hpp"

#include <cstdlib>
#include <system_error>

#ifndef IOTEMU_LAMBDA_NODE_MODULES_DEFAULT
#define IOTEMU_LAMBDA_NODE_MODULES_DEFAULT ""
#endif
#ifndef IOTEMU_LAMBDA_NODE_MODULES_INSTALLED
#define IOTEMU_LAMBDA_NODE_MODULES_INSTALLED "../share/iot-emulator/node_modules"
#endif

namespace iotemu::lambda {

std::vector<std::filesystem::path> node_sdk_candidates(const NodeSdkPlaces& places) {
    std::vector<std::filesystem::path> candidates;
    if (!places.configured.empty()) candidates.push_back(places.configured);
    if (places.environment && !places.environment->empty())
        candidates.emplace_back(*places.environment);
    if (!places.executable.empty())
        candidates.push_back(
            (places.executable.parent_path() / IOTEMU_LAMBDA_NODE_MODULES_INSTALLED)
                .lexically_normal());
    if (std::string_view(IOTEMU_LAMBDA_NODE_MODULES_DEFAULT).size() > 0)
        candidates.emplace_back(IOTEMU_LAMBDA_NODE_MODULES_DEFAULT);
    return candidates;
}

std::filesystem::path find_node_sdk(const std::vector<std::filesystem::path>& candidates) {
    for (const auto& candidate : candidates) {
        std::error_code error;
        if (std::filesystem::is_directory(candidate, error)) return candidate;
    }
    return {};
}

NodeSdkPlaces this_process_node_sdk_places(const std::filesystem::path& configured) {
    NodeSdkPlaces places;
    places.configured = configured;
    if (const char* value = std::getenv("IOTEMU_LAMBDA_NODE_MODULES")) places.environment = value;
    std::error_code error;
    places.executable = std::filesystem::read_symlink("/proc/self/exe", error);
    return places;
}

}  // namespace iotemu::lambda
