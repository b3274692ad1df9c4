// The console's live view: the bus tap exists only while someone watches, each viewer gets the
// journal after its cursor and the traffic its filters select as SSE text, the viewer bound,
// dropping past the queue, waking once per batch, and ending on reset and shutdown.
#include "console/live.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using console::Live;
using console::LiveFilter;
using console::LiveLimits;

namespace {

bus::Message message(std::string topic, std::string payload,
                     std::optional<std::string> client_id = std::nullopt) {
    bus::Message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.client_id = std::move(client_id);
    m.timestamp_ms = 1'700'000'000'000;
    return m;
}

// The data of every SSE event named `name` in `text`, parsed.
std::vector<nlohmann::json> events(const std::string& text, std::string_view name) {
    std::vector<nlohmann::json> out;
    const std::string marker = "event: " + std::string(name) + "\ndata: ";
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
        const auto start = at + marker.size();
        out.push_back(nlohmann::json::parse(text.substr(start, text.find('\n', start) - start)));
    }
    return out;
}

std::vector<std::string> topics(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& item : events(text, "message")) out.push_back(item["topic"]);
    return out;
}

struct Fixture {
    journal::Journal journal;
    bus::Bus bus;
    Live live;
    explicit Fixture(LiveLimits limits = {}) : live(bus, journal, limits) {}
};

}  // namespace

TEST_CASE("live view attaches its bus tap only while a viewer watches") {
    Fixture f;
    CHECK_FALSE(f.live.tapped());
    CHECK(f.bus.subscriber_count() == 0);
    {
        auto first = f.live.watch({});
        auto second = f.live.watch({});
        CHECK(f.live.tapped());
        CHECK(f.bus.subscriber_count() == 1);
        first.reset();
        CHECK(f.live.tapped());
    }
    CHECK_FALSE(f.live.tapped());
    CHECK(f.bus.subscriber_count() == 0);
    CHECK(f.live.viewers() == 0);
}

TEST_CASE("live view shows every message, $aws topics included, when no filter is given") {
    Fixture f;
    auto viewer = f.live.watch({});
    f.bus.publish(message("sensors/1", "{\"t\":21}", "dev-1"));
    f.bus.publish(message("$aws/events/certificates/registered/abc", "{}"));
    const auto text = viewer->take().value();
    CHECK(topics(text) ==
          std::vector<std::string>{"sensors/1", "$aws/events/certificates/registered/abc"});
    const auto first = events(text, "message").at(0);
    CHECK(first["payload"] == "{\"t\":21}");
    CHECK(first["clientId"] == "dev-1");
    CHECK(first["qos"] == 0);
    CHECK(first["time"] == 1'700'000'000'000);
    CHECK(viewer->take().value().empty());  // nothing new
}

TEST_CASE("live view filters messages by topic filter and by client id") {
    Fixture f;
    auto by_topic = f.live.watch({.topic_filter = "sensors/+", .client_id = "", .after = 0});
    auto by_client = f.live.watch({.topic_filter = "", .client_id = "dev-2", .after = 0});
    auto by_both = f.live.watch({.topic_filter = "sensors/#", .client_id = "dev-1", .after = 0});
    f.bus.publish(message("sensors/1", "a", "dev-1"));
    f.bus.publish(message("sensors/2", "b", "dev-2"));
    f.bus.publish(message("other", "c", "dev-2"));
    f.bus.publish(message("$aws/things/x/shadow/update", "d"));
    CHECK(topics(*by_topic->take()) == std::vector<std::string>{"sensors/1", "sensors/2"});
    CHECK(topics(*by_client->take()) == std::vector<std::string>{"sensors/2", "other"});
    CHECK(topics(*by_both->take()) == std::vector<std::string>{"sensors/1"});
}

TEST_CASE("live view refuses an invalid topic filter") {
    Fixture f;
    CHECK_THROWS_AS(f.live.watch({.topic_filter = "a/#/b", .client_id = "", .after = 0}),
                    std::invalid_argument);
    CHECK(f.live.viewers() == 0);
}

TEST_CASE("live view writes the journal after the viewer's cursor, each event with its seq") {
    Fixture f;
    f.journal.record("connect.refused", {{"reason", std::string("CA x is INACTIVE")}});
    f.journal.record("certificate.registered", {{"certificateId", std::string("c1")}});
    auto from_start = f.live.watch({});
    auto after_first = f.live.watch({.topic_filter = "", .client_id = "", .after = 1});
    const auto text = from_start->take().value();
    const auto all = events(text, "journal");
    REQUIRE(all.size() == 2);
    CHECK(all[0]["kind"] == "connect.refused");
    CHECK(all[0]["reason"] == "CA x is INACTIVE");
    CHECK(text.find("id: 1\nevent: journal\n") != std::string::npos);
    CHECK(text.find("id: 2\nevent: journal\n") != std::string::npos);
    const auto later = events(after_first->take().value(), "journal");
    REQUIRE(later.size() == 1);
    CHECK(later[0]["kind"] == "certificate.registered");
    f.journal.record("connect.accepted", {});
    CHECK(events(from_start->take().value(), "journal").at(0)["seq"] == 3);
}

TEST_CASE("live view sends a long journal in slices and asks to be called again") {
    Fixture f({.viewers = 4, .queued_messages = 10, .payload_bytes = 100, .events_per_take = 2});
    for (int i = 0; i < 5; ++i) f.journal.record("disconnect", {});
    auto viewer = f.live.watch({});
    int ready = 0;
    viewer->on_ready([&] { ++ready; });
    CHECK(events(*viewer->take(), "journal").size() == 2);
    CHECK(ready == 1);
    CHECK(events(*viewer->take(), "journal").size() == 2);
    CHECK(events(*viewer->take(), "journal").size() == 1);
    CHECK(ready == 2);
}

TEST_CASE("live view calls ready once per batch, and again after take") {
    Fixture f;
    auto viewer = f.live.watch({});
    int ready = 0;
    viewer->on_ready([&] { ++ready; });
    CHECK(viewer->take().value().empty());
    f.bus.publish(message("a", "1"));
    f.bus.publish(message("b", "2"));
    f.journal.record("connect.accepted", {});
    CHECK(ready == 1);
    const auto text = viewer->take().value();
    CHECK(topics(text).size() == 2);
    CHECK(events(text, "journal").size() == 1);
    f.journal.record("disconnect", {});
    CHECK(ready == 2);
}

TEST_CASE("live view drops the oldest messages past its queue and says how many") {
    Fixture f({.viewers = 4, .queued_messages = 3, .payload_bytes = 4, .events_per_take = 500});
    auto viewer = f.live.watch({});
    for (const auto* topic : {"t/1", "t/2", "t/3", "t/4", "t/5"})
        f.bus.publish(message(topic, "123456"));
    const auto text = viewer->take().value();
    CHECK(topics(text) == std::vector<std::string>{"t/3", "t/4", "t/5"});
    CHECK(events(text, "dropped").at(0)["messages"] == 2);
    const auto first = events(text, "message").at(0);
    CHECK(first["payload"] == "1234");
    CHECK(first["bytes"] == 6);
    CHECK(first["truncated"] == true);
}

TEST_CASE("live view refuses a viewer beyond its bound until one goes") {
    Fixture f({.viewers = 2, .queued_messages = 10, .payload_bytes = 100, .events_per_take = 10});
    auto first = f.live.watch({});
    auto second = f.live.watch({});
    CHECK(first);
    CHECK(second);
    CHECK_FALSE(f.live.watch({}));
    second.reset();
    CHECK(f.live.watch({}));
}

TEST_CASE("live view ends every stream at reset and welcomes new viewers after it") {
    Fixture f;
    auto viewer = f.live.watch({});
    bool woken = false;
    viewer->on_ready([&] { woken = true; });
    f.live.end_all();
    CHECK(woken);
    CHECK_FALSE(viewer->take());
    f.bus.publish(message("a", "1"));  // an ended viewer queues nothing
    CHECK_FALSE(viewer->take());
    auto again = f.live.watch({});
    REQUIRE(again);
    f.bus.publish(message("a", "1"));
    CHECK(topics(*again->take()) == std::vector<std::string>{"a"});
}

TEST_CASE("live view closed ends every stream, detaches from the bus and refuses viewers") {
    Fixture f;
    auto viewer = f.live.watch({});
    f.live.close();
    CHECK_FALSE(viewer->take());
    CHECK_FALSE(f.live.tapped());
    CHECK(f.bus.subscriber_count() == 0);
    CHECK_FALSE(f.live.watch({}));
}
