// Protocol, broker to client: deliveries at QoS 0 and 1, the in-flight window and its queue,
// packet ids, and closing: once, from anywhere, with a close injected after every step of a
// whole session.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mqtt/protocol.hpp"
#include "mqtt/protocol_script.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;
using namespace std::chrono_literals;
using Reason = DisconnectReason;

namespace {

const Will will{.topic = "dev/status", .payload = text("gone"), .qos = QoS::at_least_once};
const Connect connect{.keep_alive = 60, .client_id = "dev", .will = will};
constexpr auto q0 = QoS::at_most_once;
constexpr auto q1 = QoS::at_least_once;

struct Connected {
    FakeHost host;
    Protocol protocol;
    explicit Connected(ProtocolLimits limits = {}) : protocol(host, limits) {
        REQUIRE(protocol.on_packet(connect).size() == 2);
    }
    Actions deliver(const std::string& topic, const std::string& payload, QoS qos) {
        return protocol.deliver(publish_of(topic, payload, qos));
    }
};

ProtocolLimits window_of(std::size_t max_inflight) {
    ProtocolLimits limits;
    limits.max_inflight = max_inflight;
    return limits;
}

}  // namespace

TEST_CASE("A QoS 0 delivery goes out at once, without a packet id or RETAIN") {
    Connected c;
    CHECK(c.deliver("a/b", "hi", q0) == Actions{send(publish_of("a/b", "hi"))});
}

TEST_CASE("The retain argument of a delivery is what goes on the wire") {
    Connected c;
    CHECK(c.protocol.deliver(publish_of("a/b", "r", q0, 0, true)) ==
          Actions{send(publish_of("a/b", "r", q0, 0, true))});
}

TEST_CASE("QoS 1 deliveries get packet ids counting from 1 and QoS 2 is delivered at QoS 1") {
    Connected c;
    CHECK(c.deliver("a/b", "one", q1) == Actions{send(publish_of("a/b", "one", q1, 1))});
    CHECK(c.deliver("a/b", "two", QoS::exactly_once) ==
          Actions{send(publish_of("a/b", "two", q1, 2))});
}

TEST_CASE("A PUBACK releases its message and an unknown packet id is ignored") {
    Connected c;
    c.deliver("a/b", "one", q1);
    c.deliver("a/b", "two", q1);
    CHECK(c.protocol.on_packet(Puback{1}).empty());
    CHECK(c.protocol.on_packet(Puback{1}).empty());   // a duplicate
    CHECK(c.protocol.on_packet(Puback{77}).empty());  // never sent
    CHECK(c.protocol.connected());
    c.protocol.close(Reason::connection_lost);
    REQUIRE(c.host.ended_calls.size() == 1);
    CHECK(payloads_of(c.host.ended_calls[0].unacknowledged) == std::vector<std::string>{"two"});
}

TEST_CASE("Beyond the in-flight window QoS 1 deliveries wait and go out in order on PUBACKs") {
    Connected c{window_of(2)};
    CHECK(c.deliver("t", "m1", q1) == Actions{send(publish_of("t", "m1", q1, 1))});
    CHECK(c.deliver("t", "m2", q1) == Actions{send(publish_of("t", "m2", q1, 2))});
    CHECK(c.deliver("t", "m3", q1).empty());
    CHECK(c.deliver("t", "m4", q1).empty());
    CHECK(c.deliver("t", "zero", q0) == Actions{send(publish_of("t", "zero"))});  // not held
    // Acknowledged out of order: each PUBACK lets the oldest waiting message in.
    CHECK(c.protocol.on_packet(Puback{2}) == Actions{send(publish_of("t", "m3", q1, 3))});
    CHECK(c.deliver("t", "m5", q1).empty());  // behind m4, though m3 took the free slot
    CHECK(c.protocol.on_packet(Puback{1}) == Actions{send(publish_of("t", "m4", q1, 4))});
    CHECK(c.protocol.close(Reason::connection_lost) == Actions{closes(Reason::connection_lost)});
    REQUIRE(c.host.ended_calls.size() == 1);
    // In flight in send order, then waiting: what a persistent session redelivers.
    CHECK(payloads_of(c.host.ended_calls[0].unacknowledged) ==
          std::vector<std::string>{"m3", "m4", "m5"});
    CHECK(c.host.ended_calls[0].unacknowledged[0].packet_id == 3);
}

TEST_CASE("A client that stops acknowledging loses new QoS 1 messages beyond the waiting bytes") {
    auto limits = window_of(1);
    limits.max_waiting_bytes = 10;  // topic + payload bytes waiting behind the window
    Connected c{limits};
    CHECK(c.deliver("t", "m1", q1) == Actions{send(publish_of("t", "m1", q1, 1))});
    CHECK(c.deliver("t", "wait", q1).empty());  // 5 bytes wait
    CHECK(c.deliver("t", "full", q1).empty());  // 10 bytes wait: the limit
    CHECK(c.deliver("t", "x", q1).empty());     // dropped
    CHECK(c.deliver("t", "zero", q0) == Actions{send(publish_of("t", "zero"))});  // QoS 0 goes
    CHECK(c.protocol.dropped_messages() == 1);
    CHECK(c.protocol.on_packet(Puback{1}) == Actions{send(publish_of("t", "wait", q1, 2))});
    CHECK(c.deliver("t", "next", q1).empty());  // room again
    c.protocol.close(Reason::connection_lost);
    REQUIRE(c.host.ended_calls.size() == 1);
    CHECK(payloads_of(c.host.ended_calls[0].unacknowledged) ==
          std::vector<std::string>{"wait", "full", "next"});
}

TEST_CASE("Packet ids wrap from 65535 to 1 and skip ids still in flight") {
    Connected c;
    c.deliver("t", "held-1", q1);  // id 1, never acknowledged
    c.deliver("t", "held-2", q1);  // id 2, never acknowledged
    for (int id = 3; id <= 65534; ++id) {
        const auto actions = c.deliver("t", "x", q1);
        REQUIRE(actions == Actions{send(publish_of("t", "x", q1, static_cast<PacketId>(id)))});
        REQUIRE(c.protocol.on_packet(Puback{static_cast<PacketId>(id)}).empty());
    }
    CHECK(c.deliver("t", "last", q1) == Actions{send(publish_of("t", "last", q1, 65535))});
    CHECK(c.deliver("t", "wrapped", q1) == Actions{send(publish_of("t", "wrapped", q1, 3))});
    c.protocol.on_packet(Puback{1});
    CHECK(c.deliver("t", "reused", q1) == Actions{send(publish_of("t", "reused", q1, 4))});
}

TEST_CASE("Deliveries before the CONNECT or after the close are dropped") {
    FakeHost host;
    Protocol protocol{host};
    CHECK(protocol.deliver(publish_of("a/b", "early", q1)).empty());
    protocol.on_packet(connect);
    protocol.close(Reason::server_initiated_disconnect);
    CHECK(protocol.deliver(publish_of("a/b", "late", q1)).empty());
    REQUIRE(host.ended_calls.size() == 1);
    CHECK(host.ended_calls[0].unacknowledged.empty());
}

TEST_CASE("close() tells the host once, with the will, and later calls do nothing") {
    Connected c;
    const auto reason = GENERATE(Reason::connection_lost, Reason::duplicate_clientid,
                                 Reason::server_initiated_disconnect, Reason::client_error);
    CHECK(c.protocol.close(reason) == Actions{closes(reason)});
    CHECK(c.protocol.close(reason).empty());
    CHECK(c.protocol.close(Reason::connection_lost).empty());
    CHECK(c.protocol.on_keep_alive_expired().empty());
    CHECK(c.protocol.on_packet(Disconnect{}).empty());
    REQUIRE(c.host.ended_calls.size() == 1);
    CHECK(c.host.ended_calls[0].reason == reason);
    CHECK(c.host.ended_calls[0].will == will);
    CHECK(c.host.calls.size() == 2);  // connect, ended
}

TEST_CASE("A close before the CONNECT ends the connection without telling the host") {
    FakeHost host;
    Protocol protocol{host};
    CHECK(protocol.close(Reason::connection_lost) == Actions{closes(Reason::connection_lost)});
    CHECK(protocol.close(Reason::connection_lost).empty());
    CHECK(protocol.on_packet(connect).empty());
    CHECK(host.calls.empty());
}

namespace {

// A whole session with a window of 2: connect, subscribe with a retained message, publish,
// deliveries that fill the window and wait, acknowledgements, ping, unsubscribe, disconnect.
std::vector<Step> whole_session(FakeHost& host) {
    host.retained["a/b"] = {publish_of("a/b", "retained", q1)};
    return {
        {connect, {send(Connack{}), keep_alive_of(90s)}},
        {Subscribe{1, {{"a/b", q1}, {"c/#", q0}}},
         {send(Suback{1, {ReasonCode::granted_qos_1, ReasonCode::success}}),
          send(publish_of("a/b", "retained", q1, 1, true))},
         {"retained"}},
        {publish_of("a/b", "up", q1, 7), {send(Puback{7})}, {"retained"}},
        {Deliver{"a/b", "m1", q1}, {send(publish_of("a/b", "m1", q1, 2))}, {"retained", "m1"}},
        {Deliver{"c/d", "m2", q1}, {}, {"retained", "m1", "m2"}},  // the window is full
        {Puback{1}, {send(publish_of("c/d", "m2", q1, 3))}, {"m1", "m2"}},
        {Deliver{"c/e", "m3", q0}, {send(publish_of("c/e", "m3"))}, {"m1", "m2"}},
        {Pingreq{}, {send(Pingresp{})}, {"m1", "m2"}},
        {Unsubscribe{2, {"c/#"}}, {send(Unsuback{2})}, {"m1", "m2"}},
        {Puback{2}, {}, {"m2"}},
        {publish_of("a/b", "bye"), {}, {"m2"}},
        {Disconnect{}, {closes(Reason::client_initiated_disconnect)}},
    };
}

}  // namespace

TEST_CASE("A whole session runs as its transcript says") {
    FakeHost host;
    Protocol protocol{host, window_of(2)};
    const auto steps = whole_session(host);
    run(protocol, steps);
    REQUIRE(host.ended_calls.size() == 1);
    CHECK(host.ended_calls[0].reason == Reason::client_initiated_disconnect);
    CHECK_FALSE(host.ended_calls[0].will.has_value());
    CHECK(payloads_of(host.ended_calls[0].unacknowledged) == std::vector<std::string>{"m2"});
}

TEST_CASE("A connection lost after any step of a session ends it exactly once") {
    FakeHost host;
    Protocol protocol{host, window_of(2)};
    const auto steps = whole_session(host);
    const auto done = GENERATE_COPY(range(std::size_t{0}, steps.size() + 1));
    INFO("connection lost after " << done << " steps");
    run(protocol, steps, done);

    const bool connected = done > 0;
    const bool disconnected = done == steps.size();  // the client's DISCONNECT came first
    const auto ended_before = host.ended_calls.size();
    const auto actions = protocol.close(Reason::connection_lost);
    if (disconnected || !connected)
        CHECK(actions == (disconnected ? Actions{} : Actions{closes(Reason::connection_lost)}));
    else
        CHECK(actions == Actions{closes(Reason::connection_lost)});
    CHECK(ended_before == (disconnected ? 1u : 0u));
    if (connected) {
        REQUIRE(host.ended_calls.size() == 1);
        const auto& ended = host.ended_calls[0];
        if (!disconnected) {
            CHECK(ended.reason == Reason::connection_lost);
            CHECK(ended.will == will);
            CHECK(payloads_of(ended.unacknowledged) == steps[done - 1].unacknowledged);
        }
    } else {
        CHECK(host.ended_calls.empty());
    }

    // Nothing happens after the close: no actions, no questions to the host.
    const auto calls_at_close = host.calls.size();
    for (std::size_t i = done; i < steps.size(); ++i) {
        INFO("step " << i << " after the close: " << describe_input(steps[i].input));
        CHECK(apply(protocol, steps[i].input).empty());
    }
    CHECK(protocol.on_keep_alive_expired().empty());
    CHECK(protocol.close(Reason::connection_lost).empty());
    CHECK(host.calls.size() == calls_at_close);
    CHECK(host.ended_calls.size() == (connected ? 1u : 0u));
}
