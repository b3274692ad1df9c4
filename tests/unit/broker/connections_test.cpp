// Connections and Session: takeover, sessions that outlive their connection until they expire
// (3.1.1 clean session 0, MQTT 5 Session Expiry Interval), not across MQTT versions, the
// lifecycle version numbers, deferred wills, and a session's offline queue.
#include "broker/connections.hpp"

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace iotemu;
using namespace iotemu::broker;
using Request = mqtt::ProtocolHost::SessionRequest;

namespace {

constexpr auto v311 = mqtt::ProtocolVersion::v311;
constexpr auto v5 = mqtt::ProtocolVersion::v5;
constexpr std::int64_t t0 = 1'000'000;

class FakeConnection final : public ConnectionHandle {
public:
    void kick(mqtt::DisconnectReason reason) override { kicks.push_back(reason); }
    const std::string& certificate_id() const override { return certificate; }
    std::vector<mqtt::DisconnectReason> kicks;
    std::string certificate = "cert";
};

class Sink final : public SessionSink {
public:
    void forward(const bus::Message& message, mqtt::QoS, bool) override {
        payloads.push_back(message.payload);
    }
    std::vector<std::string> payloads;
};

struct Rig {
    bus::Bus bus;
    Connections connections{bus, {.messages = 10, .session_bytes = 100, .total_bytes = 150}};
};

bus::Message message_on(std::string topic, std::string payload) {
    bus::Message message;
    message.topic = std::move(topic);
    message.payload = std::move(payload);
    message.qos = mqtt::QoS::at_least_once;
    return message;
}

}  // namespace

TEST_CASE("A newer connection with the same client id displaces the older one") {
    Rig rig;
    auto first = std::make_shared<FakeConnection>();
    auto second = std::make_shared<FakeConnection>();
    CHECK(rig.connections.claim("dev", first) == nullptr);
    CHECK(rig.connections.claim("dev", second) == first);
    rig.connections.release("dev", first.get());  // the displaced one leaves the newer's entry
    CHECK(rig.connections.claim("dev", first) == second);
}

TEST_CASE("A clean session ends with its connection, a persistent one waits until it expires") {
    Rig rig;
    const auto [expiry, offline_ms, resumed] = GENERATE(table<std::uint32_t, std::int64_t, bool>({
        {0, 1, false},
        {60, 59'999, true},
        {60, 60'000, false},  // expired exactly then
        {3600, 3'599'000, true},
    }));
    INFO("expiry " << expiry << " s, back after " << offline_ms << " ms");
    auto opened = rig.connections.open_session("dev", Request{v5, true, expiry}, t0);
    CHECK_FALSE(opened.present);
    rig.connections.end_session(opened.session, expiry, t0);
    auto again = rig.connections.open_session("dev", Request{v5, false, expiry}, t0 + offline_ms);
    CHECK(again.present == resumed);
    CHECK((again.session == opened.session) == resumed);
}

TEST_CASE("A clean start, or another MQTT version, does not resume a session") {
    Rig rig;
    auto opened = rig.connections.open_session("dev", Request{v311, false, 3600}, t0);
    rig.connections.end_session(opened.session, 3600, t0);
    CHECK_FALSE(rig.connections.open_session("dev", Request{v5, false, 3600}, t0 + 1).present);
    auto v5_session = rig.connections.open_session("dev", Request{v5, false, 3600}, t0 + 2);
    rig.connections.end_session(v5_session.session, 3600, t0 + 2);
    CHECK_FALSE(rig.connections.open_session("dev", Request{v5, true, 3600}, t0 + 3).present);
}

TEST_CASE("A session's expiry is the one its last connection asked for when it ended") {
    Rig rig;
    auto opened = rig.connections.open_session("dev", Request{v5, false, 3600}, t0);
    // An MQTT 5 DISCONNECT lowered it to 0: the session goes now.
    rig.connections.end_session(opened.session, 0, t0);
    CHECK(rig.connections.persistent_sessions() == 0);
    CHECK_FALSE(rig.connections.open_session("dev", Request{v5, false, 3600}, t0 + 1).present);
}

TEST_CASE("Each connection of a client id gets the next lifecycle version number") {
    Rig rig;
    std::vector<std::int64_t> numbers;
    for (int i = 0; i < 3; ++i) {
        auto opened = rig.connections.open_session("dev", Request{v311, true, 0}, t0 + i);
        numbers.push_back(opened.version_number);
        rig.connections.end_session(opened.session, 0, t0 + i);
    }
    CHECK(numbers == std::vector<std::int64_t>{1, 2, 3});
    CHECK(rig.connections.open_session("other", Request{v311, true, 0}, t0).version_number == 1);
    // About an hour offline, and the count starts again.
    CHECK(rig.connections.open_session("dev", Request{v311, true, 0}, t0 + 3'700'000)
              .version_number == 1);
}

TEST_CASE("A persistent session offline keeps QoS 1 messages for its next connection") {
    Rig rig;
    auto opened = rig.connections.open_session("dev", Request{v5, false, 600}, t0);
    auto sink = std::make_shared<Sink>();
    opened.session->attach(sink);
    rig.bus.subscribe(opened.session->bus_id, "a/#", mqtt::QoS::at_least_once);
    rig.bus.publish(message_on("a/1", "online"));
    CHECK(sink->payloads == std::vector<std::string>{"online"});
    CHECK(opened.session->detach(sink.get(), {}));
    rig.connections.end_session(opened.session, 600, t0);

    rig.bus.publish(message_on("a/2", "offline"));
    auto qos0 = message_on("a/3", "dropped");
    qos0.qos = mqtt::QoS::at_most_once;
    rig.bus.publish(qos0);
    auto again = rig.connections.open_session("dev", Request{v5, false, 600}, t0 + 1000);
    REQUIRE(again.present);
    const auto waiting = again.session->attach(std::make_shared<Sink>());
    REQUIRE(waiting.size() == 1);
    CHECK(waiting[0].payload == "offline");
}

TEST_CASE("An offline queue keeps its newest messages within its count and bytes") {
    // Rig: 10 messages, 100 bytes per session, 150 bytes for the whole broker.
    Rig rig;
    const auto offline_session = [&](const std::string& client_id) {
        auto opened = rig.connections.open_session(client_id, Request{v5, false, 600}, t0);
        rig.bus.subscribe(opened.session->bus_id, client_id + "/#", mqtt::QoS::at_least_once);
        rig.connections.end_session(opened.session, 600, t0);
        return opened.session;
    };
    const auto payloads = [](const std::vector<bus::Message>& messages) {
        std::vector<std::string> out;
        for (const auto& message : messages) out.push_back(message.payload);
        return out;
    };
    auto a = offline_session("a");
    for (int i = 0; i < 12; ++i) rig.bus.publish(message_on("a/t", std::to_string(i)));
    // 10 by count: the two oldest gave way.
    CHECK(payloads(a->attach(std::make_shared<Sink>())).front() == "2");

    auto b = offline_session("b");
    for (int i = 0; i < 5; ++i) rig.bus.publish(message_on("b/t", std::string(27, 'a' + i)));
    // 30 bytes each (topic "b/t" and 27): three fit in 100 bytes, the newest three.
    CHECK(
        payloads(b->attach(std::make_shared<Sink>())) ==
        std::vector<std::string>{std::string(27, 'c'), std::string(27, 'd'), std::string(27, 'e')});

    auto c = offline_session("c");
    auto d = offline_session("d");
    for (int i = 0; i < 3; ++i) rig.bus.publish(message_on("c/t", std::string(27, 'x')));
    for (int i = 0; i < 3; ++i) rig.bus.publish(message_on("d/t", std::string(27, 'y')));
    // 150 bytes for the broker: c holds 90, d gets 60 and is refused its third.
    CHECK(d->attach(std::make_shared<Sink>()).size() == 2);
    CHECK(c->attach(std::make_shared<Sink>()).size() == 3);  // and gives its bytes back
    auto e = offline_session("e");
    for (int i = 0; i < 3; ++i) rig.bus.publish(message_on("e/t", std::string(27, 'z')));
    CHECK(e->attach(std::make_shared<Sink>()).size() == 3);
}

TEST_CASE("A connection that lost its session to a newer one does not detach it") {
    Rig rig;
    auto opened = rig.connections.open_session("dev", Request{v5, false, 600}, t0);
    auto old_sink = std::make_shared<Sink>();
    auto new_sink = std::make_shared<Sink>();
    opened.session->attach(old_sink);
    opened.session->attach(new_sink);  // the newer connection resumed it
    CHECK_FALSE(opened.session->detach(old_sink.get(), {}));
    rig.bus.subscribe(opened.session->bus_id, "a", mqtt::QoS::at_least_once);
    rig.bus.publish(message_on("a", "still here"));
    CHECK(new_sink->payloads == std::vector<std::string>{"still here"});
}

TEST_CASE("A deferred will is called off when the client id connects again") {
    Rig rig;
    const auto token = rig.connections.defer_will("dev");
    const auto other = rig.connections.defer_will("other");
    rig.connections.claim("dev", std::make_shared<FakeConnection>());
    CHECK_FALSE(rig.connections.take_deferred_will("dev", token));
    CHECK(rig.connections.take_deferred_will("other", other));
    CHECK_FALSE(rig.connections.take_deferred_will("other", other));  // only once
}
