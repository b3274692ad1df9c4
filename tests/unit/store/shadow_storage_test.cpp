// Device shadows on the state database: after a restart every shadow answers as before — its
// document, metadata and version — a deleted one stays deleted with its version remembered, and a
// forgotten thing's shadows stay gone.
#include "store/shadow_storage.hpp"

#include <chrono>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace iotemu::store {
namespace {

using nlohmann::json;
using shadow::Operation;
using testing::TempDir;

const Timestamp t0{std::chrono::seconds{1591057529}};

shadow::Shadows shadows_on(const TempDir& dir) {
    return shadow::Shadows(std::make_unique<SqliteShadowStorage>(open_state_database(dir.path())));
}

shadow::Outcome send(shadow::Shadows& shadows, Operation operation, const shadow::ShadowId& id,
                     std::string_view payload = "") {
    return shadows.handle({operation, id, payload}, t0);
}

TEST_CASE("shadows come back after a restart as they were answered") {
    TempDir dir;
    json classic;
    {
        auto shadows = shadows_on(dir);
        send(shadows, Operation::update, {"lamp", ""}, R"({"state":{"desired":{"on":true}}})");
        send(shadows, Operation::update, {"lamp", ""},
             R"({"state":{"reported":{"on":false,"l":[1,2]}}})");
        send(shadows, Operation::update, {"lamp", "config"}, R"({"state":{"reported":{"a":1}}})");
        send(shadows, Operation::update, {"lamp", "gone"}, R"({"state":{"reported":{"a":1}}})");
        send(shadows, Operation::update, {"lamp", "gone"}, R"({"state":{"reported":{"a":2}}})");
        REQUIRE_FALSE(send(shadows, Operation::delete_shadow, {"lamp", "gone"}).rejection);
        send(shadows, Operation::update, {"fan", ""}, R"({"state":{"reported":{"a":1}}})");
        classic = json::parse(send(shadows, Operation::get, {"lamp", ""}).reply.payload);
        shadows.forget_thing("fan");
    }
    auto shadows = shadows_on(dir);
    CHECK(json::parse(send(shadows, Operation::get, {"lamp", ""}).reply.payload) == classic);
    CHECK(classic["version"] == 2);
    CHECK(classic["state"]["delta"] == json{{"on", true}});
    CHECK(shadows.named_shadows("lamp") == std::vector<std::string>{"config"});
    CHECK(send(shadows, Operation::get, {"lamp", "gone"}).rejection->code == 404);
    // The deleted shadow's version was kept: made again, it goes on from it.
    const auto again =
        send(shadows, Operation::update, {"lamp", "gone"}, R"({"state":{"reported":{"b":1}}})");
    CHECK(json::parse(again.reply.payload)["version"] == 3);
    CHECK(send(shadows, Operation::get, {"fan", ""}).rejection->code == 404);
}

}  // namespace
}  // namespace iotemu::store
