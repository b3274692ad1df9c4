// Persistent MQTT sessions on the state database, seen through the broker's Connections as a
// restart sees them: a client that comes back after the emulator was stopped finds its session
// (session present), its subscriptions live and its queued QoS 1 messages in order; an expired
// or discarded session, and what a finished connection received, stay gone, as does what a
// connection whose session was discarded left behind.
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

class Sink final : public broker::SessionSink {
public:
    void forward(const bus::Message& message, mqtt::QoS, bool) override {
        payloads.push_back(message.payload);
    }
    std::vector<std::string> payloads;
};

class Connection final : public broker::ConnectionHandle {
public:
    void kick(mqtt::DisconnectReason) override {}
    const std::string& certificate_id() const override { return certificate; }
    std::string certificate = "cert";
};

// One connection as the broker makes it, and what the index gave it.
struct Client {
    std::shared_ptr<Connection> connection = std::make_shared<Connection>();
    std::shared_ptr<Sink> sink = std::make_shared<Sink>();
    broker::Connections::Connected connected;
    broker::Session& session() const { return *connected.session; }
};

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

    Client connect(const std::string& client_id, Request request, std::int64_t now_ms = t0) {
        Client client;
        client.connected =
            connections.connect(client_id, client.connection, client.sink, request, now_ms);
        return client;
    }
    void leave(const std::string& client_id, const Client& client, std::uint32_t expiry,
               std::vector<bus::Message> unacknowledged = {}) {
        connections.disconnect(client_id, client.connection.get(), client.connected.session,
                               client.sink.get(), std::move(unacknowledged), expiry, t0);
    }
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
    auto client = run.connect(client_id, Request{version, false, expiry});
    run.bus.subscribe(client.session().bus_id, filter, {qos1});
    client.session().subscribed(filter, {qos1});
    run.leave(client_id, client, expiry);
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
    auto client = run.connect("dev", Request{version, false, 3600}, t0 + 60'000);
    REQUIRE(client.connected.present);
    const auto& waiting = client.connected.waiting;
    CHECK(payloads_of(waiting) == std::vector<std::string>{"one", std::string("two\0\xff", 5)});
    CHECK(waiting[1].properties.content_type == "application/octet-stream");
    CHECK(waiting[1].properties.user_properties.size() == 1);
    CHECK(waiting[1].qos == qos1);
    run.bus.publish(message_on("cmd/d", "live"));  // the restored subscription is live
    CHECK(client.sink->payloads == std::vector<std::string>{"live"});
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
    CHECK(payloads_of(run.connect("dev", Request{v311, false, 3600}).connected.waiting) ==
          std::vector<std::string>{"3", "4", "5"});
}

TEST_CASE("messages a finished connection took are gone, the unacknowledged ones are kept") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "t");
        run.bus.publish(message_on("t", "a"));
        run.bus.publish(message_on("t", "b"));
        auto client = run.connect("dev", Request{v311, false, 3600});
        CHECK(client.connected.waiting.size() == 2);
        // "a" was acknowledged, "b" was not when the connection ended.
        run.leave("dev", client, 3600, {message_on("t", "b")});
    }
    Run run(dir);
    CHECK(payloads_of(run.connect("dev", Request{v311, false, 3600}).connected.waiting) ==
          std::vector<std::string>{"b"});
}

TEST_CASE("a restart while the client is connected delivers its queue again, at least once") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "t");
        run.bus.publish(message_on("t", "a"));
        CHECK(run.connect("dev", Request{v311, false, 3600}).connected.waiting.size() == 1);
    }  // killed while connected
    Run run(dir, t0 + 1000);
    auto client = run.connect("dev", Request{v311, false, 3600}, t0 + 1000);
    CHECK(client.connected.present);
    CHECK(payloads_of(client.connected.waiting) == std::vector<std::string>{"a"});
}

TEST_CASE("an expired, clean-started or clean session is not brought back") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "expired", "t", 60);
        subscribe_and_leave(run, "restarted", "t");
        run.connect("restarted", Request{v311, true, 0});  // clean start
        auto clean = run.connect("clean", Request{v311, true, 0});
        run.bus.subscribe(clean.session().bus_id, "t", {qos1});
        clean.session().subscribed("t", {qos1});
        subscribe_and_leave(run, "kept", "t");
        run.bus.publish(message_on("t", "x"));
    }
    Run run(dir, t0 + 61'000);
    CHECK(run.restored == 1);
    for (const auto* client : {"expired", "restarted", "clean"}) {
        INFO(client);
        CHECK_FALSE(run.connect(client, Request{v311, false, 3600}, t0 + 61'000).connected.present);
    }
    CHECK(run.connect("kept", Request{v311, false, 3600}, t0 + 61'000).connected.present);
}

TEST_CASE("an unsubscribed filter stays unsubscribed after a restart") {
    TempDir dir;
    {
        Run run(dir);
        subscribe_and_leave(run, "dev", "a");
        auto client = run.connect("dev", Request{v311, false, 3600});
        run.bus.unsubscribe(client.session().bus_id, "a");
        client.session().unsubscribed("a");
        run.leave("dev", client, 3600);
    }
    Run run(dir);
    run.bus.publish(message_on("a", "x"));
    auto client = run.connect("dev", Request{v311, false, 3600});
    CHECK(client.connected.present);
    CHECK(client.connected.waiting.empty());
}

TEST_CASE("a connection whose session a clean start discarded stores nothing when it ends") {
    TempDir dir;
    {
        Run run(dir);
        auto old_client = run.connect("dev", Request{v5, false, 3600});
        auto new_client = run.connect("dev", Request{v5, true, 3600});  // takes over, clean
        // The displaced connection ends afterwards, with a message it had not acknowledged: the
        // client id's stored session is the new one's, and stays as that left it.
        run.leave("dev", old_client, 3600, {message_on("t", "stale")});
        run.leave("dev", new_client, 3600);
    }
    Run run(dir);
    auto client = run.connect("dev", Request{v5, false, 3600});
    CHECK(client.connected.present);
    CHECK(client.connected.waiting.empty());
}

}  // namespace iotemu::store
