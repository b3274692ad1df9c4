// Persistent MQTT sessions on the state database, seen through the broker's Connections as a
// restart sees them: a client that comes back after the emulator was stopped finds its session
// (session present), its subscriptions live and its queued QoS 1 messages in order; an expired
// or discarded session, and what a finished connection received, stay gone.
#include "store/session_storage.hpp"

#include <catch2/catch.hpp>

#include "broker/connections.hpp"
#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace iotemu::store {
namespace {

using Request = mqtt::ProtocolHost::SessionRequest;
using testing::TempDir;
constexpr auto v311 = mqtt::ProtocolVersion::v311;
constexpr auto v5 = mqtt::ProtocolVersion::v5;
constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr auto qos1 = mqtt::QoS::at_least_once;

// One run of the emulator's broker state on the data dir.
struct Run {
    explicit Run(const TempDir& dir, std::int64_t now_ms = t0)
        : connections(bus, {.messages = 3},
                      std::make_shared<SqliteSessionStorage>(open_state_database(dir.path()))) {
        restored = connections.restore(now_ms);
    }
    bus::Bus bus;
    broker::Connections connections;
    std::size_t restored = 0;
};

class Sink final : public broker::SessionSink {
public:
    void forward(const bus::Message& message, mqtt::QoS, bool) override {
        payloads.push_back(message.payload);
    }
    std::vector<std::string> payloads;
};

bus::Message message_on(std::string topic, std::string payload) {
    bus::Message message;
    message.topic = std::move(topic);
    message.payload = std::move(payload);
    message.qos = qos1;
    message.timestamp_ms = t0;
    return message;
}

std::vector<std::string> payloads_of(const std::vector<bus::Message>& messages) {
    std::vector<std::string> out;
    for (const auto& message : messages) out.push_back(message.payload);
    return out;
}

// A client connects with a persistent session, subscribes to `filter` and goes away.
void subscribe_and_leave(Run& run, const std::string& client_id, const std::string& filter,
                         std::uint32_t expiry = 3600, mqtt::ProtocolVersion version = v311) {
    auto opened = run.connections.open_session(client_id, Request{version, false, expiry}, t0);
    auto sink = std::make_shared<Sink>();
    opened.session->attach(sink);
    run.bus.subscribe(opened.session->bus_id, filter, {qos1});
    opened.session->subscribed(filter, {qos1});
    opened.session->detach(sink.get(), {});
    run.connections.end_session(opened.session, expiry, t0);
}

}  // namespace

TEST_CASE("a persistent session's queued QoS 1 messages and subscriptions survive a restart") {
    const auto version = GENERATE(v311, v5);
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "cmd/#", 3600, version);
        run.bus.publish(message_on("cmd/a", "one"));
        auto retained = message_on("cmd/b", std::string("two\0\xff", 5));
        retained.properties.content_type = "application/octet-stream";
        retained.properties.user_properties = {{"k", "v"}};
        run.bus.publish(retained);
        auto qos0 = message_on("cmd/c", "not kept");
        qos0.qos = mqtt::QoS::at_most_once;
        run.bus.publish(qos0);
    }  // stopped without a word, as kill -9 would
    Run run(dir, t0 + 60'000);
    CHECK(run.restored == 1);
    auto opened = run.connections.open_session("dev", Request{version, false, 3600}, t0 + 60'000);
    REQUIRE(opened.present);
    auto sink = std::make_shared<Sink>();
    const auto waiting = opened.session->attach(sink);
    CHECK(payloads_of(waiting) == std::vector<std::string>{"one", std::string("two\0\xff", 5)});
    CHECK(waiting[1].properties.content_type == "application/octet-stream");
    CHECK(waiting[1].properties.user_properties.size() == 1);
    CHECK(waiting[1].qos == qos1);
    run.bus.publish(message_on("cmd/d", "live"));  // the restored subscription is live
    CHECK(sink->payloads == std::vector<std::string>{"live"});
}

TEST_CASE("the oldest queued message gives way in the file as it does in memory") {
    TempDir dir;
    {
        Run run(dir);  // three messages per session
        subscribe_and_leave(run, "dev", "t");
        for (const auto* payload : {"1", "2", "3", "4", "5"})
            run.bus.publish(message_on("t", payload));
    }
    Run run(dir);
    auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
    CHECK(payloads_of(opened.session->attach(std::make_shared<Sink>())) ==
          std::vector<std::string>{"3", "4", "5"});
}

TEST_CASE("messages a finished connection took are gone, the unacknowledged ones are kept") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "t");
        run.bus.publish(message_on("t", "a"));
        run.bus.publish(message_on("t", "b"));
        auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
        auto sink = std::make_shared<Sink>();
        CHECK(opened.session->attach(sink).size() == 2);
        // "a" was acknowledged, "b" was not when the connection ended.
        opened.session->detach(sink.get(), {message_on("t", "b")});
        run.connections.end_session(opened.session, 3600, t0);
    }
    Run run(dir);
    auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
    CHECK(payloads_of(opened.session->attach(std::make_shared<Sink>())) ==
          std::vector<std::string>{"b"});
}

TEST_CASE("a restart while the client is connected delivers its queue again, at least once") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "t");
        run.bus.publish(message_on("t", "a"));
        auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
        CHECK(opened.session->attach(std::make_shared<Sink>()).size() == 1);
    }  // killed while connected
    Run run(dir, t0 + 1000);
    auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0 + 1000);
    CHECK(opened.present);
    CHECK(payloads_of(opened.session->attach(std::make_shared<Sink>())) ==
          std::vector<std::string>{"a"});
}

TEST_CASE("an expired, clean-started or clean session is not brought back") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "expired", "t", 60);
        subscribe_and_leave(run, "restarted", "t");
        run.connections.open_session("restarted", Request{v311, true, 0}, t0);  // clean start
        auto clean = run.connections.open_session("clean", Request{v311, true, 0}, t0);
        run.bus.subscribe(clean.session->bus_id, "t", {qos1});
        clean.session->subscribed("t", {qos1});
        subscribe_and_leave(run, "kept", "t");
        run.bus.publish(message_on("t", "x"));
    }
    Run run(dir, t0 + 61'000);
    CHECK(run.restored == 1);
    for (const auto* client : {"expired", "restarted", "clean"}) {
        INFO(client);
        CHECK_FALSE(
            run.connections.open_session(client, Request{v311, false, 3600}, t0 + 61'000).present);
    }
    CHECK(run.connections.open_session("kept", Request{v311, false, 3600}, t0 + 61'000).present);
}

TEST_CASE("an unsubscribed filter stays unsubscribed after a restart") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "a");
        auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
        auto sink = std::make_shared<Sink>();
        opened.session->attach(sink);
        run.bus.unsubscribe(opened.session->bus_id, "a");
        opened.session->unsubscribed("a");
        opened.session->detach(sink.get(), {});
        run.connections.end_session(opened.session, 3600, t0);
    }
    Run run(dir);
    run.bus.publish(message_on("a", "x"));
    auto opened = run.connections.open_session("dev", Request{v311, false, 3600}, t0);
    CHECK(opened.present);
    CHECK(opened.session->attach(std::make_shared<Sink>()).empty());
}

}  // namespace iotemu::store
