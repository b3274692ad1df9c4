// Connections and Session: takeover, sessions that outlive their connection until they expire
// (3.1.1 clean session 0, MQTT 5 Session Expiry Interval), not across MQTT versions, the
// lifecycle version numbers, deferred wills, and a session's offline queue; connections of one
// client id racing from several threads.
#include "broker/connections.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
        std::lock_guard lock(mutex);
        payloads.push_back(message.payload);
    }
    std::mutex mutex;
    std::vector<std::string> payloads;
};

// One connection as the broker makes it: a handle for the index and a sink for its session.
struct Client {
    std::shared_ptr<FakeConnection> connection = std::make_shared<FakeConnection>();
    std::shared_ptr<Sink> sink = std::make_shared<Sink>();
    Connections::Connected connected;
};

struct Rig {
    bus::Bus bus;
    Connections connections{bus, {.messages = 10, .session_bytes = 100, .total_bytes = 150}};

    Client connect(const std::string& client_id, Request request, std::int64_t now_ms) {
        Client client;
        client.connected =
            connections.connect(client_id, client.connection, client.sink, request, now_ms);
        return client;
    }
    void disconnect(const std::string& client_id, const Client& client,
                    std::uint32_t expiry_seconds, std::int64_t now_ms,
                    std::vector<bus::Message> unacknowledged = {}) {
        connections.disconnect(client_id, client.connection.get(), client.connected.session,
                               client.sink.get(), std::move(unacknowledged), expiry_seconds,
                               now_ms);
    }
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
    const Request clean{v311, true, 0};
    auto first = rig.connect("dev", clean, t0);
    CHECK(first.connected.displaced == nullptr);
    auto second = rig.connect("dev", clean, t0 + 1);
    CHECK(second.connected.displaced == first.connection);
    rig.disconnect("dev", first, 0, t0 + 2);  // the displaced one leaves the newer's entry
    auto third = rig.connect("dev", clean, t0 + 3);
    CHECK(third.connected.displaced == second.connection);
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
    auto first = rig.connect("dev", Request{v5, true, expiry}, t0);
    CHECK_FALSE(first.connected.present);
    rig.disconnect("dev", first, expiry, t0);
    auto again = rig.connect("dev", Request{v5, false, expiry}, t0 + offline_ms);
    CHECK(again.connected.present == resumed);
    CHECK((again.connected.session == first.connected.session) == resumed);
}

TEST_CASE("A clean start, or another MQTT version, does not resume a session") {
    Rig rig;
    auto first = rig.connect("dev", Request{v311, false, 3600}, t0);
    rig.disconnect("dev", first, 3600, t0);
    auto v5_client = rig.connect("dev", Request{v5, false, 3600}, t0 + 1);
    CHECK_FALSE(v5_client.connected.present);
    rig.disconnect("dev", v5_client, 3600, t0 + 2);
    CHECK(rig.connect("dev", Request{v5, false, 3600}, t0 + 3).connected.present);
    CHECK_FALSE(rig.connect("dev", Request{v5, true, 3600}, t0 + 4).connected.present);
}

TEST_CASE("A session's expiry is the one its last connection asked for when it ended") {
    Rig rig;
    auto client = rig.connect("dev", Request{v5, false, 3600}, t0);
    // An MQTT 5 DISCONNECT lowered it to 0: the session goes now.
    rig.disconnect("dev", client, 0, t0);
    CHECK(rig.connections.persistent_sessions() == 0);
    CHECK_FALSE(rig.connect("dev", Request{v5, false, 3600}, t0 + 1).connected.present);
}

TEST_CASE("Each connection of a client id gets the next lifecycle version number") {
    Rig rig;
    const Request clean{v311, true, 0};
    std::vector<std::int64_t> numbers;
    for (int i = 0; i < 3; ++i) {
        auto client = rig.connect("dev", clean, t0 + i);
        numbers.push_back(client.connected.version_number);
        rig.disconnect("dev", client, 0, t0 + i);
    }
    CHECK(numbers == std::vector<std::int64_t>{1, 2, 3});
    CHECK(rig.connect("other", clean, t0).connected.version_number == 1);
    // About an hour offline, and the count starts again.
    CHECK(rig.connect("dev", clean, t0 + 3'700'000).connected.version_number == 1);
}

TEST_CASE("A persistent session offline keeps QoS 1 messages for its next connection") {
    Rig rig;
    auto first = rig.connect("dev", Request{v5, false, 600}, t0);
    rig.bus.subscribe(first.connected.session->bus_id, "a/#", mqtt::QoS::at_least_once);
    rig.bus.publish(message_on("a/1", "online"));
    CHECK(first.sink->payloads == std::vector<std::string>{"online"});
    rig.disconnect("dev", first, 600, t0, {message_on("a/0", "unacknowledged")});

    rig.bus.publish(message_on("a/2", "offline"));
    auto qos0 = message_on("a/3", "dropped");
    qos0.qos = mqtt::QoS::at_most_once;
    rig.bus.publish(qos0);
    auto again = rig.connect("dev", Request{v5, false, 600}, t0 + 1000);
    REQUIRE(again.connected.present);
    const auto& waiting = again.connected.waiting;
    REQUIRE(waiting.size() == 2);
    CHECK(waiting[0].payload == "unacknowledged");
    CHECK(waiting[1].payload == "offline");
}

TEST_CASE("An offline queue keeps its newest messages within its count and bytes") {
    // Rig: 10 messages, 100 bytes per session, 150 bytes for the whole broker.
    Rig rig;
    const auto offline_session = [&](const std::string& client_id) {
        auto client = rig.connect(client_id, Request{v5, false, 600}, t0);
        const auto session = client.connected.session;
        rig.bus.subscribe(session->bus_id, client_id + "/#", mqtt::QoS::at_least_once);
        rig.disconnect(client_id, client, 600, t0);
        return session;
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
    const Request resume{v5, false, 600};
    auto old_client = rig.connect("dev", resume, t0);
    auto new_client = rig.connect("dev", resume, t0 + 1);  // resumed it
    REQUIRE(new_client.connected.session == old_client.connected.session);
    rig.disconnect("dev", old_client, 0, t0 + 2);  // ended after the takeover
    rig.bus.subscribe(new_client.connected.session->bus_id, "a", mqtt::QoS::at_least_once);
    rig.bus.publish(message_on("a", "still here"));
    CHECK(new_client.sink->payloads == std::vector<std::string>{"still here"});
    CHECK(old_client.sink->payloads.empty());
}

TEST_CASE("Connections racing for client ids on several threads leave each to the last one") {
    // Four threads connect clients under three client ids, taking each other's sessions over
    // (resumed or clean), and end half of them, all at once. Whatever the interleaving, a
    // connection is displaced at most once and only by one of its own client id, and each
    // client id's session is left whole: its next connection resumes it, subscription and all.
    Rig rig;
    const std::vector<std::string> ids{"a", "b", "c"};
    constexpr int rounds = 200;
    std::mutex mutex;
    std::vector<std::shared_ptr<Client>> clients;  // all kept, so no address is reused
    std::map<const ConnectionHandle*, std::string> id_of;
    std::map<const ConnectionHandle*, int> times_displaced;
    std::vector<std::string> wrong;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                const auto& id = ids[(t + i) % ids.size()];
                auto client = std::make_shared<Client>();
                {
                    std::lock_guard lock(mutex);
                    clients.push_back(client);
                    id_of[client->connection.get()] = id;
                }
                const Request request{v5, (i + t) % 3 == 0, 600};
                client->connected =
                    rig.connections.connect(id, client->connection, client->sink, request, t0 + i);
                rig.bus.subscribe(client->connected.session->bus_id, id + "/#",
                                  mqtt::QoS::at_least_once);
                if (const auto& displaced = client->connected.displaced) {
                    std::lock_guard lock(mutex);
                    ++times_displaced[displaced.get()];
                    if (id_of[displaced.get()] != id) wrong.push_back(id);
                }
                if (i % 2 == 0)
                    rig.connections.disconnect(id, client->connection.get(),
                                               client->connected.session, client->sink.get(), {},
                                               600, t0 + i);
            }
        });
    for (auto& thread : threads) thread.join();

    CHECK(wrong.empty());
    for (const auto& [connection, times] : times_displaced) CHECK(times == 1);
    for (const auto& id : ids) {
        INFO("client id " << id);
        auto next = rig.connect(id, Request{v5, false, 600}, t0 + rounds + 1);
        REQUIRE(next.connected.present);
        rig.bus.publish(message_on(id + "/x", "to " + id));
        CHECK(next.sink->payloads == std::vector<std::string>{"to " + id});
    }
}

TEST_CASE("A deferred will is called off when the client id connects again") {
    Rig rig;
    const auto token = rig.connections.defer_will("dev");
    const auto other = rig.connections.defer_will("other");
    rig.connect("dev", Request{v311, true, 0}, t0);
    CHECK_FALSE(rig.connections.take_deferred_will("dev", token));
    CHECK(rig.connections.take_deferred_will("other", other));
    CHECK_FALSE(rig.connections.take_deferred_will("other", other));  // only once
}
