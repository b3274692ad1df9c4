// Where nodejs handlers find the AWS SDKs: the configured folder, $IOTEMU_LAMBDA_NODE_MODULES,
// the folder installed next to the binary, the build tree's; the first that exists wins.
#include "rules/lambda/node_sdk.hpp"

#include "lambda/support.hpp"

using namespace iotemu::lambda;
using iotemu::lambda::test::TempDir;

namespace {
const std::filesystem::path installed = "/opt/iotemu/share/iot-emulator/node_modules";
const std::filesystem::path build_tree =
    std::filesystem::path(IOTEMU_SOURCE_DIR) / "lambda-runtime/node/node_modules";
}  // namespace

TEST_CASE(
    "the Node.js SDK folders are searched in order: configured, environment, installed, "
    "build tree") {
    struct Case {
        NodeSdkPlaces places;
        std::vector<std::filesystem::path> expected;
    };
    const std::vector<Case> cases = {
        {{"/c", "/e", "/opt/iotemu/bin/iot-emulator"}, {"/c", "/e", installed, build_tree}},
        {{"", "/e", "/opt/iotemu/bin/iot-emulator"}, {"/e", installed, build_tree}},
        // An empty variable counts as unset.
        {{"", "", "/opt/iotemu/bin/iot-emulator"}, {installed, build_tree}},
        {{"", std::nullopt, "/opt/iotemu/bin/../bin/iot-emulator"}, {installed, build_tree}},
        {{"", std::nullopt, ""}, {build_tree}},
    };
    for (const auto& c : cases) {
        INFO(c.places.executable);
        CHECK(node_sdk_candidates(c.places) == c.expected);
    }
}

TEST_CASE("the first Node.js SDK folder that exists is taken, none gives an empty path") {
    TempDir work;
    std::filesystem::create_directories(work / "second");
    iotemu::lambda::test::write_file(work / "a-file", "not a folder");
    CHECK(find_node_sdk({work / "first", work / "a-file", work / "second", work.path()}) ==
          work / "second");
    CHECK(find_node_sdk({work / "first", work / "a-file"}).empty());
    CHECK(find_node_sdk({}).empty());
}

TEST_CASE("this process's places: its own executable and the environment") {
    const auto places = this_process_node_sdk_places("/configured");
    CHECK(places.configured == "/configured");
    CHECK(places.executable.filename() == "unit_lambda");
}
