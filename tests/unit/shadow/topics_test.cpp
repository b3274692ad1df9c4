// The shadow service's reserved topics (docs/aws/data-plane.md §4.2): request topics parse to
// their shadow and operation; replies and every other topic do not; reply topics are built back.
#include "shadow/topics.hpp"

#include <optional>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

using namespace iotemu::shadow;

TEST_CASE("a shadow request topic names its thing, shadow and operation", "[shadow]") {
    auto [topic, thing, name, operation] =
        GENERATE(table<std::string, std::string, std::string, Operation>({
            {"$aws/things/lamp/shadow/get", "lamp", "", Operation::get},
            {"$aws/things/lamp/shadow/update", "lamp", "", Operation::update},
            {"$aws/things/lamp/shadow/delete", "lamp", "", Operation::delete_shadow},
            {"$aws/things/lamp/shadow/name/config/update", "lamp", "config", Operation::update},
            {"$aws/things/lamp/shadow/name/$cfg:1_-x/get", "lamp", "$cfg:1_-x", Operation::get},
            // A shadow may be named like an operation.
            {"$aws/things/lamp/shadow/name/get/delete", "lamp", "get", Operation::delete_shadow},
        }));
    CAPTURE(topic);
    const auto parsed = parse_request_topic(topic);
    REQUIRE(parsed);
    CHECK(parsed->shadow == ShadowId{thing, name});
    CHECK(parsed->operation == operation);
}

TEST_CASE("replies and other topics are not shadow requests", "[shadow]") {
    const std::string topic = GENERATE(
        as<std::string>{},  //
        "$aws/things/lamp/shadow/update/accepted", "$aws/things/lamp/shadow/get/rejected",
        "$aws/things/lamp/shadow/update/delta",
        "$aws/things/lamp/shadow/name/config/update/documents", "$aws/things/lamp/shadow/name/get",
        "$aws/things/lamp/shadow/name//get", "$aws/things/lamp/shadow/list",
        "$aws/things/lamp/shadow", "$aws/things//shadow/get", "$aws/things/lamp",
        "$aws/things/lamp/jobs/get", "things/lamp/shadow/get", "$aws/certificates/create/json");
    CAPTURE(topic);
    CHECK_FALSE(parse_request_topic(topic));
}

TEST_CASE("reply topics sit under the classic or the named shadow's prefix", "[shadow]") {
    CHECK(shadow_topic({"lamp", ""}, "update/delta") == "$aws/things/lamp/shadow/update/delta");
    CHECK(shadow_topic({"lamp", "cfg"}, "get/accepted") ==
          "$aws/things/lamp/shadow/name/cfg/get/accepted");
}
