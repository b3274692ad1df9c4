// The shadow service (docs/aws/data-plane.md §4.3–4.9): tables of update sequences and the
// documents, deltas, metadata and versions they leave; every rejection with AWS's code and
// message; deletion and the remembered version; named shadows; clientToken on every reply.
#include "shadow/shadows.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using namespace iotemu::shadow;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

constexpr std::int64_t s0 = 1591057529;  // the docs' example timestamp
const Timestamp t0{seconds{s0}};
const ShadowId lamp{"lamp", ""};

json body_of(const Message& message) { return json::parse(message.payload); }

// The event an outcome publishes on `suffix`, or null when it publishes none there.
json event_of(const Outcome& outcome, std::string_view suffix) {
    for (const auto& event : outcome.events) {
        if (event.suffix == suffix) return body_of(event);
    }
    return nullptr;
}

// The rejection's code, 0 when the request was accepted.
int code_of(const Outcome& outcome) { return outcome.rejection ? outcome.rejection->code : 0; }

struct Service {
    Shadows shadows;

    Outcome send(Operation operation, std::string_view payload, Timestamp at = t0,
                 const ShadowId& id = lamp) {
        return shadows.handle({operation, id, payload}, at);
    }
    Outcome update(std::string_view payload, Timestamp at = t0, const ShadowId& id = lamp) {
        return send(Operation::update, payload, at, id);
    }
    // The accepted update's reply document; fails the test when it was rejected.
    json accept(std::string_view payload, Timestamp at = t0, const ShadowId& id = lamp) {
        const auto outcome = update(payload, at, id);
        INFO(payload << " -> " << outcome.reply.payload);
        REQUIRE_FALSE(outcome.rejection);
        REQUIRE(outcome.reply.suffix == "update/accepted");
        return body_of(outcome.reply);
    }
    json get(const ShadowId& id = lamp, Timestamp at = t0) {
        const auto outcome = send(Operation::get, "", at, id);
        INFO(outcome.reply.payload);
        REQUIRE(outcome.reply.suffix == "get/accepted");
        return body_of(outcome.reply);
    }
};

}  // namespace

TEST_CASE("a sequence of updates leaves AWS's merged state, delta and version", "[shadow]") {
    struct Case {
        const char* what;
        std::vector<std::string> updates;
        json state;  // as GET shows it, delta included
    };
    const auto [what, updates, state] = GENERATE(values<Case>({
        {"a first update creates the shadow; desired with no reported is all delta",
         {R"({"state":{"desired":{"color":"red"}}})"},
         {{"desired", {{"color", "red"}}}, {"delta", {{"color", "red"}}}}},
        {"objects merge recursively; only the fields listed change",
         {R"({"state":{"reported":{"a":{"b":1,"c":2},"d":3}}})",
          R"({"state":{"reported":{"a":{"c":4}}}})"},
         {{"reported", {{"a", {{"b", 1}, {"c", 4}}}, {"d", 3}}}}},
        {"null removes a field",
         {R"({"state":{"reported":{"a":{"b":1,"c":2}}}})",
          R"({"state":{"reported":{"a":{"b":null}}}})"},
         {{"reported", {{"a", {{"c", 2}}}}}}},
        {"removing the last field of an object removes the object, then the section",
         {R"({"state":{"reported":{"a":{"b":1}},"desired":{"x":1}}})",
          R"({"state":{"reported":{"a":{"b":null}}}})"},
         {{"desired", {{"x", 1}}}, {"delta", {{"x", 1}}}}},
        {"a null section removes the whole section",
         {R"({"state":{"desired":{"x":1,"y":2},"reported":{"x":1}}})",
          R"({"state":{"desired":null}})"},
         {{"reported", {{"x", 1}}}}},
        {"a null state clears both sections and keeps the shadow",
         {R"({"state":{"desired":{"x":1},"reported":{"y":2}}})", R"({"state":null})"},
         json::object()},
        {"arrays are replaced whole",
         {R"({"state":{"reported":{"l":[1,2,3]}}})", R"({"state":{"reported":{"l":[4]}}})"},
         {{"reported", {{"l", {4}}}}}},
        {"an object replaces a scalar, and a scalar an object",
         {R"({"state":{"reported":{"a":1,"b":{"c":1}}}})",
          R"({"state":{"reported":{"a":{"x":1},"b":2}}})"},
         {{"reported", {{"a", {{"x", 1}}}, {"b", 2}}}}},
        {"an empty object changes nothing and adds nothing",
         {R"({"state":{"reported":{"a":{"b":1}}}})",
          R"({"state":{"reported":{"a":{},"n":{}},"desired":{}}})"},
         {{"reported", {{"a", {{"b", 1}}}}}}},
        {"the delta keeps the path to each differing leaf; reported-only fields are not in it",
         {R"({"state":{"desired":{"color":"red","size":{"w":1,"h":2}}}})",
          R"({"state":{"reported":{"color":"red","size":{"w":1,"h":3},"extra":true}}})"},
         {{"desired", {{"color", "red"}, {"size", {{"w", 1}, {"h", 2}}}}},
          {"reported", {{"color", "red"}, {"size", {{"w", 1}, {"h", 3}}}, {"extra", true}}},
          {"delta", {{"size", {{"h", 2}}}}}}},
        {"numbers compare by value: 1 equals 1.0",
         {R"({"state":{"desired":{"t":1},"reported":{"t":1.0}}})"},
         {{"desired", {{"t", 1}}}, {"reported", {{"t", 1.0}}}}},
        {"arrays compare whole: the whole desired array when they differ",
         {R"({"state":{"desired":{"same":[1,2],"other":[1,2]},"reported":{"same":[1,2],"other":[1,3]}}})"},
         {{"desired", {{"same", {1, 2}}, {"other", {1, 2}}}},
          {"reported", {{"same", {1, 2}}, {"other", {1, 3}}}},
          {"delta", {{"other", {1, 2}}}}}},
        {"desired is not cleared when reported catches up",
         {R"({"state":{"desired":{"on":true}}})", R"({"state":{"reported":{"on":true}}})"},
         {{"desired", {{"on", true}}}, {"reported", {{"on", true}}}}},
        {"an object desired over a scalar reported is all delta",
         {R"({"state":{"desired":{"a":{"b":1}},"reported":{"a":5}}})"},
         {{"desired", {{"a", {{"b", 1}}}}},
          {"reported", {{"a", 5}}},
          {"delta", {{"a", {{"b", 1}}}}}}},
    }));
    INFO(what);
    Service service;
    for (const auto& update : updates) service.accept(update);
    const json document = service.get();
    CHECK(document["state"] == state);
    CHECK(document["version"] == updates.size());
}

TEST_CASE("the first update answers with the request's state, metadata, version 1 and the token",
          "[shadow]") {
    Service service;
    const auto outcome = service.update(
        R"({"state":{"desired":{"color":"red","rgb":[1,2],"n":null}},"clientToken":"tok-1"})");
    REQUIRE_FALSE(outcome.rejection);
    const json leaf = {{"timestamp", s0}};
    CHECK(body_of(outcome.reply) ==
          json{{"state", {{"desired", {{"color", "red"}, {"rgb", {1, 2}}, {"n", nullptr}}}}},
               {"metadata", {{"desired", {{"color", leaf}, {"rgb", {leaf, leaf}}, {"n", leaf}}}}},
               {"version", 1},
               {"timestamp", s0},
               {"clientToken", "tok-1"}});
    // A new shadow has no previous document.
    CHECK(event_of(outcome, "update/documents") ==
          json{{"current",
                {{"state", {{"desired", {{"color", "red"}, {"rgb", {1, 2}}}}}},
                 {"metadata", {{"desired", {{"color", leaf}, {"rgb", {leaf, leaf}}}}}},
                 {"version", 1}}},
               {"timestamp", s0},
               {"clientToken", "tok-1"}});
}

TEST_CASE("metadata keeps the time each leaf was last written", "[shadow]") {
    Service service;
    service.accept(R"({"state":{"desired":{"a":1,"b":{"c":2,"d":3}}}})", t0);
    service.accept(R"({"state":{"desired":{"b":{"c":5}}}})", t0 + seconds{10});
    service.accept(R"({"state":{"desired":{"b":{"d":null}}}})", t0 + seconds{20});
    const json document = service.get({"lamp", ""}, t0 + seconds{30});
    CHECK(
        document["metadata"] ==
        json{{"desired", {{"a", {{"timestamp", s0}}}, {"b", {{"c", {{"timestamp", s0 + 10}}}}}}}});
    CHECK(document["timestamp"] == s0 + 30);
    CHECK(document["version"] == 3);
}

TEST_CASE("every update that leaves a delta publishes the whole delta with desired's metadata",
          "[shadow]") {
    Service service;
    auto outcome = service.update(R"({"state":{"desired":{"a":1,"b":2}},"clientToken":"c1"})");
    CHECK(event_of(outcome, "update/delta") ==
          json{{"version", 1},
               {"timestamp", s0},
               {"state", {{"a", 1}, {"b", 2}}},
               {"metadata", {{"a", {{"timestamp", s0}}}, {"b", {{"timestamp", s0}}}}},
               {"clientToken", "c1"}});

    // A reported-only update that still leaves a mismatch sends the remaining delta again.
    outcome = service.update(R"({"state":{"reported":{"a":1}}})", t0 + seconds{5});
    CHECK(event_of(outcome, "update/delta") == json{{"version", 2},
                                                    {"timestamp", s0 + 5},
                                                    {"state", {{"b", 2}}},
                                                    {"metadata", {{"b", {{"timestamp", s0}}}}}});

    // Once reported matches there is no delta message at all.
    outcome = service.update(R"({"state":{"reported":{"b":2}}})", t0 + seconds{6});
    CHECK(event_of(outcome, "update/delta").is_null());
    CHECK_FALSE(service.get().at("state").contains("delta"));
}

TEST_CASE("/update/documents shows the previous and the current document", "[shadow]") {
    Service service;
    service.accept(R"({"state":{"reported":{"t":20}}})", t0);
    const auto outcome = service.update(R"({"state":{"reported":{"t":21}}})", t0 + seconds{60});
    CHECK(event_of(outcome, "update/documents") ==
          json{{"previous",
                {{"state", {{"reported", {{"t", 20}}}}},
                 {"metadata", {{"reported", {{"t", {{"timestamp", s0}}}}}}},
                 {"version", 1}}},
               {"current",
                {{"state", {{"reported", {{"t", 21}}}}},
                 {"metadata", {{"reported", {{"t", {{"timestamp", s0 + 60}}}}}}},
                 {"version", 2}}},
               {"timestamp", s0 + 60}});
}

TEST_CASE("an update naming the current version is taken, a stale one is a 409", "[shadow]") {
    Service service;
    service.accept(R"({"state":{"reported":{"v":1}}})");
    service.accept(R"({"state":{"reported":{"v":2}},"version":1})");
    const auto stale =
        service.update(R"({"state":{"reported":{"v":3}},"version":1,"clientToken":"x"})");
    REQUIRE(stale.rejection);
    CHECK(stale.rejection->code == 409);
    CHECK(stale.reply.suffix == "update/rejected");
    CHECK(body_of(stale.reply) ==
          json{{"code", 409}, {"message", "Version conflict"}, {"clientToken", "x"}});
    CHECK(stale.events.empty());
    const json document = service.get();
    CHECK(document["state"]["reported"]["v"] == 2);
    CHECK(document["version"] == 2);
}

TEST_CASE("every malformed update is rejected with AWS's code and message", "[shadow]") {
    const std::string deep7 =
        R"({"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":1}}}}}}}}})";
    const std::string deep_array = R"({"state":{"reported":{"1":[[[[[[1]]]]]]}}})";
    const std::string very_deep =
        R"({"state":{"desired":)" + std::string(200, '[') + std::string(200, ']') + "}}";
    const std::string too_large =
        R"({"state":{"desired":{"s":")" + std::string(max_state_bytes, 'x') + R"("}}})";
    const std::string huge_request = R"({"state":{},"pad":")" + std::string(200000, ' ') + "\"}";
    auto [payload, code, message] = GENERATE_REF(table<std::string, int, std::string>({
        {"not json", 400, "Invalid JSON"},
        {"", 400, "Invalid JSON"},
        {"[1,2]", 400, "Invalid JSON"},
        {R"("state")", 400, "Invalid JSON"},
        {R"({"state":{"desired":{"a":1}})", 400, "Invalid JSON"},
        {"{}", 400, "Missing required node: state"},
        {R"({"desired":{"a":1}})", 400, "Missing required node: state"},
        {R"({"state":1})", 400, "State node must be an object"},
        {R"({"state":[{"desired":{}}]})", 400, "State node must be an object"},
        {R"({"state":{"desired":"on"}})", 400, "Desired node must be an object"},
        {R"({"state":{"reported":[1]}})", 400, "Reported node must be an object"},
        {R"({"state":{"delta":{"a":1}}})", 400, "State contains an invalid node: 'delta'"},
        {R"({"state":{"desired":{},"other":{}}})", 400, "State contains an invalid node: 'other'"},
        {R"({"state":{"desired":{}},"version":-1})", 400, "Invalid version"},
        {R"({"state":{"desired":{}},"version":1.5})", 400, "Invalid version"},
        {R"({"state":{"desired":{}},"version":"1"})", 400, "Invalid version"},
        {R"({"state":{"desired":{}},"clientToken":")" + std::string(65, 't') + "\"}", 400,
         "Invalid clientToken"},
        {R"({"state":{"desired":{}},"clientToken":7})", 400, "Invalid clientToken"},
        {deep7, 400, "JSON contains too many levels of nesting; maximum is 6"},
        {deep_array, 400, "JSON contains too many levels of nesting; maximum is 6"},
        {very_deep, 400, "JSON contains too many levels of nesting; maximum is 6"},
        {R"({"state":{"reported":{"l":[1,null]}}})", 400, "Invalid JSON"},
        {too_large, 413, "The payload exceeds the maximum size allowed"},
        {huge_request, 413, "The payload exceeds the maximum size allowed"},
        {"{\"state\":{\"desired\":{\"a\":\"\xff\"}}}", 415,
         "Unsupported documented encoding; supported encoding is UTF-8"},
    }));
    CAPTURE(payload.substr(0, 80));
    Service service;
    const auto outcome = service.update(payload);
    REQUIRE(outcome.rejection);
    CHECK(outcome.rejection->code == code);
    CHECK(outcome.rejection->message == message);
    CHECK(outcome.reply.suffix == "update/rejected");
    CHECK(body_of(outcome.reply) == json{{"code", code}, {"message", message}});
    CHECK(outcome.events.empty());
    // Nothing was created.
    CHECK(code_of(service.send(Operation::get, "")) == 404);
}

TEST_CASE("six levels below a section are taken, and so is a state of exactly the limit",
          "[shadow]") {
    Service service;
    service.accept(R"({"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":1}}}}}}}})");
    // {"desired":{"s":"…"}} serialises to max_state_bytes exactly.
    const std::string fits(max_state_bytes - std::string(R"({"desired":{"s":""}})").size(), 'x');
    service.accept(R"({"state":{"desired":{"1":null,"s":")" + fits + R"("}}})");
    CHECK(service.get()["version"] == 2);
}

TEST_CASE("the size limit counts the whole merged state, not only the request", "[shadow]") {
    Service service;
    const std::string half(max_state_bytes / 2, 'x');
    service.accept(R"({"state":{"desired":{"a":")" + half + R"("}}})");
    const auto outcome = service.update(R"({"state":{"reported":{"b":")" + half + R"("}}})");
    REQUIRE(outcome.rejection);
    CHECK(outcome.rejection->code == 413);
    CHECK(service.get()["version"] == 1);
}

TEST_CASE("bad thing and shadow names are rejected", "[shadow]") {
    auto [thing, name, message] = GENERATE(table<std::string, std::string, std::string>({
        {"bad thing", "", "Invalid thing name"},
        {"", "", "Invalid thing name"},
        {std::string(129, 't'), "", "Invalid thing name"},
        {"lamp", "a.b", "Invalid shadow name"},
        {"lamp", std::string(65, 's'), "Invalid shadow name"},
    }));
    Service service;
    const auto operation = GENERATE(Operation::get, Operation::update, Operation::delete_shadow);
    const auto outcome =
        service.send(operation, R"({"state":{"desired":{"a":1}}})", t0, {thing, name});
    REQUIRE(outcome.rejection);
    CHECK(outcome.rejection->code == 400);
    CHECK(outcome.rejection->message == message);
    CHECK(outcome.reply.suffix.ends_with("/rejected"));
}

TEST_CASE("get and delete of a missing shadow are 404s naming the shadow", "[shadow]") {
    Service service;
    const auto operation = GENERATE(Operation::get, Operation::delete_shadow);
    const std::string suffix = operation == Operation::get ? "get/rejected" : "delete/rejected";

    auto outcome = service.send(operation, R"({"clientToken":"abc"})");
    CHECK(outcome.reply.suffix == suffix);
    CHECK(body_of(outcome.reply) == json{{"code", 404},
                                         {"message", "No shadow exists with name: 'lamp'"},
                                         {"clientToken", "abc"}});
    outcome = service.send(operation, "", t0, {"lamp", "config"});
    CHECK(body_of(outcome.reply) ==
          json{{"code", 404}, {"message", "No shadow exists with name: 'config'"}});
}

TEST_CASE("get answers the document with its delta, metadata and the token", "[shadow]") {
    Service service;
    service.accept(R"({"state":{"desired":{"on":true},"reported":{"on":false}}})");
    const auto outcome = service.send(Operation::get, R"({"clientToken":"g-1"})", t0 + seconds{3});
    REQUIRE_FALSE(outcome.rejection);
    const json leaf = {{"timestamp", s0}};
    CHECK(body_of(outcome.reply) ==
          json{{"state",
                {{"desired", {{"on", true}}},
                 {"reported", {{"on", false}}},
                 {"delta", {{"on", true}}}}},
               {"metadata", {{"desired", {{"on", leaf}}}, {"reported", {{"on", leaf}}}}},
               {"version", 1},
               {"timestamp", s0 + 3},
               {"clientToken", "g-1"}});
    CHECK(outcome.events.empty());
    // A payload that is not JSON carries no token, and is otherwise ignored.
    CHECK_FALSE(service.send(Operation::get, "garbage").rejection);
}

TEST_CASE("delete answers the last version, and a shadow made again soon goes on from it",
          "[shadow]") {
    Service service;
    service.accept(R"({"state":{"reported":{"a":1}}})");
    service.accept(R"({"state":{"reported":{"a":2}}})");
    const auto deleted =
        service.send(Operation::delete_shadow, R"({"clientToken":"d"})", t0 + seconds{1});
    REQUIRE_FALSE(deleted.rejection);
    CHECK(deleted.reply.suffix == "delete/accepted");
    CHECK(body_of(deleted.reply) ==
          json{{"version", 2}, {"timestamp", s0 + 1}, {"clientToken", "d"}});
    CHECK(code_of(service.send(Operation::get, "")) == 404);
    CHECK(code_of(service.send(Operation::delete_shadow, "")) == 404);

    SECTION("within 48 hours the version continues, and the old state is gone") {
        const json reply = service.accept(R"({"state":{"reported":{"b":1}}})", t0 + hours{47});
        CHECK(reply["version"] == 3);
        CHECK(service.get()["state"] == json{{"reported", {{"b", 1}}}});
        const auto again =
            service.update(R"({"state":{"reported":{"b":2}},"version":3})", t0 + hours{47});
        CHECK_FALSE(again.rejection);
    }
    SECTION("after 48 hours it starts again from version 1") {
        CHECK(service.accept(R"({"state":{"reported":{"b":1}}})", t0 + hours{49})["version"] == 1);
    }
    SECTION("a stale version is checked against the remembered one") {
        CHECK(code_of(service.update(R"({"state":{"reported":{"b":1}},"version":0})",
                                     t0 + hours{1})) == 409);
        CHECK_FALSE(service.update(R"({"state":{"reported":{"b":1}},"version":2})", t0 + hours{1})
                        .rejection);
    }
}

TEST_CASE("classic and named shadows are separate, and the list names the named ones", "[shadow]") {
    Service service;
    service.accept(R"({"state":{"reported":{"where":"classic"}}})");
    service.accept(R"({"state":{"reported":{"where":"zeta"}}})", t0, {"lamp", "zeta"});
    service.accept(R"({"state":{"reported":{"where":"alpha"}}})", t0, {"lamp", "alpha"});
    service.accept(R"({"state":{"reported":{"where":"gone"}}})", t0, {"lamp", "gone"});
    service.accept(R"({"state":{"reported":{"where":"other"}}})", t0, {"fan", "alpha"});
    REQUIRE_FALSE(service.send(Operation::delete_shadow, "", t0, {"lamp", "gone"}).rejection);

    CHECK(service.get()["state"]["reported"]["where"] == "classic");
    CHECK(service.get({"lamp", "alpha"})["state"]["reported"]["where"] == "alpha");
    CHECK(service.get({"fan", "alpha"})["state"]["reported"]["where"] == "other");
    CHECK(service.shadows.named_shadows("lamp") == std::vector<std::string>{"alpha", "zeta"});
    CHECK(service.shadows.named_shadows("nobody").empty());

    service.shadows.forget_thing("lamp");
    CHECK(code_of(service.send(Operation::get, "")) == 404);
    CHECK(service.shadows.named_shadows("lamp").empty());
    CHECK(service.shadows.named_shadows("fan") == std::vector<std::string>{"alpha"});
    // A forgotten thing's shadow starts from version 1 again.
    CHECK(service.accept(R"({"state":{"reported":{}}})")["version"] == 1);
}

TEST_CASE("updates from several threads at once each get their own version", "[shadow]") {
    Service service;
    constexpr int threads = 4;
    constexpr int per_thread = 50;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&service, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string payload = R"({"state":{"reported":{"w)" + std::to_string(t) +
                                            R"(":)" + std::to_string(i) + "}}}";
                service.shadows.handle({Operation::update, lamp, payload}, t0);
            }
        });
    }
    for (auto& writer : writers) writer.join();
    const json document = service.get();
    CHECK(document["version"] == threads * per_thread);
    for (int t = 0; t < threads; ++t) {
        CHECK(document["state"]["reported"]["w" + std::to_string(t)] == per_thread - 1);
    }
}
