// Where nodejs handlers find aws-sdk and @aws-sdk/client-iot (their NODE_PATH): the folder the
// configuration names, else $IOTEMU_LAMBDA_NODE_MODULES, else the one installed next to the
// binary (<prefix>/share/iot-emulator/node_modules), else the build tree's. Never runs Node.js.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace iotemu::lambda {

struct NodeSdkPlaces {
    std::filesystem::path configured;        // ServiceConfig::node_modules_dir; empty: unset
    std::optional<std::string> environment;  // $IOTEMU_LAMBDA_NODE_MODULES
    std::filesystem::path executable;        // the running binary (/proc/self/exe)
};

// The folders looked in, in order (pure: no file system access).
std::vector<std::filesystem::path> node_sdk_candidates(const NodeSdkPlaces& places);
// The first candidate that is a folder; empty when there is none.
std::filesystem::path find_node_sdk(const std::vector<std::filesystem::path>& candidates);
// The places of this process: its environment and /proc/self/exe.
NodeSdkPlaces this_process_node_sdk_places(const std::filesystem::path& configured);

}  // namespace iotemu::lambda
