// Protocol, client to broker: CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT and
// the packets AWS refuses, as transcripts of packets in and actions out against a FakeHost.
#include "mqtt/protocol.hpp"

#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "mqtt/protocol_script.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;
using namespace std::chrono_literals;
using Reason = DisconnectReason;

namespace {

const Will will{.topic = "dev/status", .payload = text("gone"), .qos = QoS::at_least_once};

Connect connect_of(std::string client_id = "dev", std::uint16_t keep_alive = 60) {
    return Connect{.keep_alive = keep_alive, .client_id = std::move(client_id), .will = will};
}

const Action connack_accepted = send(Connack{false, ReasonCode::success});

// A protocol whose CONNECT (keep-alive 60 s, with `will`) the host has accepted.
struct Connected {
    FakeHost host;
    Protocol protocol;
    explicit Connected(ProtocolLimits limits = {}) : protocol(host, limits) {
        REQUIRE(protocol.on_packet(connect_of()) == Actions{connack_accepted, keep_alive_of(90s)});
        host.calls.clear();
    }
    // The connection was closed for `reason`: the host heard once, with the will.
    void check_ended_with_will(Reason reason) const {
        CHECK_FALSE(protocol.connected());
        REQUIRE(host.ended_calls.size() == 1);
        CHECK(host.ended_calls[0].reason == reason);
        CHECK(host.ended_calls[0].will == will);
    }
};

}  // namespace

TEST_CASE("A CONNECT the host accepts gets a CONNACK and starts the keep-alive watchdog") {
    FakeHost host;
    host.connect_answer.session_present = GENERATE(false, true);
    Protocol protocol{host};
    CHECK(protocol.on_packet(connect_of("sensor-1")) ==
          Actions{send(Connack{host.connect_answer.session_present, ReasonCode::success}),
                  keep_alive_of(90s)});
    CHECK(protocol.connected());
    CHECK(protocol.client_id() == "sensor-1");
    REQUIRE(host.connects.size() == 1);
    CHECK(host.connects[0] == connect_of("sensor-1"));
    CHECK(host.ended_calls.empty());
}

TEST_CASE("A CONNECT the policy denies is closed without a CONNACK") {
    FakeHost host;
    host.connect_answer.code = ReasonCode::not_authorized;  // docs/aws/iot-core.md §5.3
    Protocol protocol{host};
    CHECK(protocol.on_packet(connect_of()) == Actions{closes(Reason::auth_error)});
    CHECK_FALSE(protocol.connected());
    CHECK(host.ended_calls.empty());  // no session was started, so none ends
    CHECK(protocol.on_packet(Pingreq{}).empty());
    CHECK(protocol.close(Reason::connection_lost).empty());
}

TEST_CASE("A CONNECT the host refuses with a code gets that CONNACK, then the connection closes") {
    const auto [code, reason] = GENERATE(table<ReasonCode, Reason>({
        {ReasonCode::bad_user_name_or_password, Reason::auth_error},
        {ReasonCode::server_unavailable, Reason::server_initiated_disconnect},
        {ReasonCode::client_identifier_not_valid, Reason::client_error},
    }));
    FakeHost host;
    host.connect_answer = {code, true};  // a session must never be reported with a refusal
    Protocol protocol{host};
    CHECK(protocol.on_packet(connect_of()) ==
          Actions{send(Connack{false, code}), closes(reason)});  // [MQTT-3.2.2-4], -5
    CHECK(host.ended_calls.empty());
}

TEST_CASE("A client id over 128 bytes, or empty without a clean session, gets CONNACK 0x02") {
    const auto [client_id, clean_session, accepted] = GENERATE(table<std::string, bool, bool>({
        {std::string(128, 'c'), true, true},
        {std::string(129, 'c'), true, false},  // docs/aws/iot-core.md §6.3
        {"", false, false},                    // [MQTT-3.1.3-8]
        {"", true, true},                      // [MQTT-3.1.3-6]: the host names the client
    }));
    FakeHost host;
    Protocol protocol{host};
    auto connect = connect_of(client_id);
    connect.clean_session = clean_session;
    const auto actions = protocol.on_packet(connect);
    if (accepted) {
        CHECK(actions == Actions{connack_accepted, keep_alive_of(90s)});
        REQUIRE(host.connects.size() == 1);
        CHECK(host.connects[0].client_id == client_id);
    } else {
        CHECK(actions == Actions{send(Connack{false, ReasonCode::client_identifier_not_valid}),
                                 closes(Reason::client_error)});
        CHECK(host.calls.empty());  // the host is not even asked
    }
}

TEST_CASE("Keep-alive requests are clamped to 30..1200 s and time out after 1.5 times that") {
    const auto [requested, timeout] = GENERATE(table<std::uint16_t, std::chrono::milliseconds>({
        {0, 1800s},  // "no keep-alive" still gets AWS's maximum
        {1, 45s},
        {10, 45s},
        {29, 45s},
        {30, 45s},
        {60, 90s},
        {1200, 1800s},
        {1201, 1800s},
        {5000, 1800s},
        {65535, 1800s},
    }));
    FakeHost host;
    Protocol protocol{host};
    CHECK(protocol.on_packet(connect_of("dev", requested)) ==
          Actions{connack_accepted, keep_alive_of(timeout)});
}

TEST_CASE("A will AWS could never publish closes the CONNECT without a CONNACK") {
    const auto [topic, qos, retain, reason] = GENERATE(table<std::string, QoS, bool, Reason>({
        {"dev/status", QoS::exactly_once, false, Reason::client_error},         // no QoS 2 (§6.2)
        {"a/b/c/d/e/f/g/h/i", QoS::at_most_once, false, Reason::client_error},  // 8 slashes
        {"$aws/events/presence/connected/x", QoS::at_most_once, false, Reason::client_error},
        {"$aws/things/t/shadow/update", QoS::at_most_once, true, Reason::client_error},
    }));
    FakeHost host;
    Protocol protocol{host};
    auto connect = connect_of();
    connect.will = Will{.topic = topic, .payload = text("x"), .qos = qos, .retain = retain};
    CHECK(protocol.on_packet(connect) == Actions{closes(reason)});
    CHECK(host.calls.empty());
}

TEST_CASE("The first packet must be a CONNECT") {
    const Packet first =
        GENERATE(Packet{Pingreq{}}, Packet{publish_of("a/b", "x")},
                 Packet{Subscribe{1, {{"a/b", QoS::at_most_once}}}}, Packet{Disconnect{}});
    FakeHost host;
    Protocol protocol{host};
    INFO(describe_packet(first));
    CHECK(protocol.on_packet(first) == Actions{closes(Reason::client_error)});  // [MQTT-3.1.0-1]
    CHECK(host.calls.empty());
    CHECK(protocol.on_packet(connect_of()).empty());
}

TEST_CASE("A second CONNECT closes the connection with CLIENT_ERROR and the will") {
    Connected c;
    CHECK(c.protocol.on_packet(connect_of()) == Actions{closes(Reason::client_error)});
    c.check_ended_with_will(Reason::client_error);  // [MQTT-3.1.0-2]
    CHECK(c.host.connects.size() == 1);
}

TEST_CASE("A QoS 0 PUBLISH is routed without an answer and a QoS 1 PUBLISH gets a PUBACK") {
    Connected c;
    CHECK(c.protocol.on_packet(publish_of("a/b", "zero")).empty());
    auto resent = publish_of("a/b", "one", QoS::at_least_once, 7);
    resent.dup = true;
    CHECK(c.protocol.on_packet(resent) == Actions{send(Puback{7})});
    CHECK(c.host.calls == std::vector<std::string>{"authorize_publish a/b", "publish a/b",
                                                   "authorize_publish a/b", "publish a/b"});
    REQUIRE(c.host.published.size() == 2);
    CHECK(c.host.published[0] == publish_of("a/b", "zero"));
    CHECK(c.host.published[1] == publish_of("a/b", "one", QoS::at_least_once, 7));  // DUP dropped
}

TEST_CASE("A PUBLISH the policy denies closes the connection, never PUBACKed, with the will") {
    Connected c;
    c.host.denied_publish.insert("a/secret");
    const auto qos = GENERATE(QoS::at_most_once, QoS::at_least_once);
    CHECK(c.protocol.on_packet(publish_of("a/secret", "x", qos, 3)) ==
          Actions{closes(Reason::auth_error)});  // docs/aws/iot-core.md §5.3
    CHECK(c.host.published.empty());
    c.check_ended_with_will(Reason::auth_error);
    CHECK(c.protocol.on_packet(publish_of("a/b", "y", QoS::at_least_once, 4)).empty());
    CHECK(c.protocol.close(Reason::connection_lost).empty());
    CHECK(c.host.ended_calls.size() == 1);
}

TEST_CASE("Clients may publish only to AWS's request topics among the reserved ones") {
    const auto [topic, allowed] = GENERATE(table<std::string, bool>({
        {"$aws/things/t/shadow/update", true},
        {"$aws/rules/my_rule/a/b", true},
        {"$aws/things/t/shadow/update/accepted", false},
        {"$aws/events/presence/connected/dev", false},
        {"$SYS/broker/load", false},
    }));
    Connected c;
    const auto actions = c.protocol.on_packet(publish_of(topic, "{}", QoS::at_least_once, 5));
    if (allowed) {
        CHECK(actions == Actions{send(Puback{5})});
        CHECK(c.host.published.size() == 1);
    } else {
        CHECK(actions == Actions{closes(Reason::client_error)});  // docs/aws/iot-core.md §6.2
        CHECK(c.host.calls == std::vector<std::string>{"ended CLIENT_ERROR"});
    }
}

TEST_CASE("A retained PUBLISH to a reserved topic closes the connection") {
    Connected c;
    CHECK(c.protocol.on_packet(
              publish_of("$aws/things/t/shadow/update", "{}", QoS::at_most_once, 0, true)) ==
          Actions{closes(Reason::client_error)});  // docs/aws/iot-core.md §6.2
    CHECK(c.host.published.empty());
}

TEST_CASE("A payload over 128 KB closes the connection with CLIENT_ERROR") {
    Connected c;
    auto largest = publish_of("a/b", "", QoS::at_least_once, 1);
    largest.payload.resize(128 * 1024);
    CHECK(c.protocol.on_packet(largest) == Actions{send(Puback{1})});
    auto too_large = largest;
    too_large.payload.push_back(std::byte{0});
    CHECK(c.protocol.on_packet(too_large) == Actions{closes(Reason::client_error)});  // §6.3
    CHECK(c.host.published.size() == 1);
    c.check_ended_with_will(Reason::client_error);
}

TEST_CASE("A topic over AWS's limits closes the connection with CLIENT_ERROR") {
    const auto topic = GENERATE(std::string("a/b/c/d/e/f/g/h/i"), std::string(257, 't'));
    Connected c;
    CHECK(c.protocol.on_packet(publish_of(topic, "x")) == Actions{closes(Reason::client_error)});
    CHECK(c.host.published.empty());
}

TEST_CASE("A QoS 2 PUBLISH closes the connection without an acknowledgement") {
    Connected c;
    CHECK(c.protocol.on_packet(publish_of("a/b", "x", QoS::exactly_once, 9)) ==
          Actions{closes(Reason::client_error)});  // docs/aws/iot-core.md §6.2
    CHECK(c.host.published.empty());
    c.check_ended_with_will(Reason::client_error);
}

TEST_CASE("QoS 2 acknowledgements and server-only packets close the connection") {
    const Packet packet =
        GENERATE(Packet{Pubrec{1}}, Packet{Pubrel{1}}, Packet{Pubcomp{1}}, Packet{Connack{}},
                 Packet{Suback{1, {}}}, Packet{Unsuback{1}}, Packet{Pingresp{}});
    Connected c;
    INFO(describe_packet(packet));
    CHECK(c.protocol.on_packet(packet) == Actions{closes(Reason::client_error)});
    c.check_ended_with_will(Reason::client_error);
}

TEST_CASE("A SUBSCRIBE is granted at most QoS 1 for each filter, in order") {
    Connected c;
    CHECK(c.protocol.on_packet(Subscribe{4,
                                         {{"a/+", QoS::exactly_once},
                                          {"b/#", QoS::at_most_once},
                                          {"$share/g/c", QoS::at_least_once}}}) ==
          Actions{send(Suback{
              4, {ReasonCode::granted_qos_1, ReasonCode::success, ReasonCode::granted_qos_1}})});
    CHECK(c.host.calls ==
          std::vector<std::string>{"authorize_subscribe a/+", "authorize_subscribe b/#",
                                   "authorize_subscribe $share/g/c", "subscribe a/+ 1",
                                   "subscribe b/# 0", "subscribe $share/g/c 1",
                                   "subscribed a/+,b/#,$share/g/c"});
}

TEST_CASE("A SUBSCRIBE beyond 50 subscriptions gets 0x80 for the new filter and stays open") {
    Connected c;
    c.host.held_subscriptions = 50;
    CHECK(c.protocol.on_packet(Subscribe{5, {{"one/more", QoS::at_least_once}}}) ==
          Actions{send(Suback{5, {ReasonCode::unspecified_error}})});
    CHECK(c.protocol.connected());
    CHECK(c.host.calls == std::vector<std::string>{"authorize_subscribe one/more",
                                                   "subscribe one/more 1", "unsubscribe one/more"});
}

TEST_CASE("A SUBSCRIBE with a denied filter closes the connection without a SUBACK") {
    Connected c;
    c.host.denied_subscribe.insert("b/secret");
    CHECK(c.protocol.on_packet(Subscribe{4,
                                         {{"a/b", QoS::at_least_once},
                                          {"b/secret", QoS::at_least_once},
                                          {"c/d", QoS::at_least_once}}}) ==
          Actions{closes(Reason::auth_error)});  // docs/aws/iot-core.md §5.3
    // Nothing was recorded for the filter before the denied one.
    CHECK(c.host.calls == std::vector<std::string>{"authorize_subscribe a/b",
                                                   "authorize_subscribe b/secret",
                                                   "ended AUTH_ERROR"});
    c.check_ended_with_will(Reason::auth_error);
}

TEST_CASE("Retained messages follow the SUBACK with RETAIN set and at most the granted QoS") {
    Connected c;
    c.host.retained["a/b"] = {publish_of("a/b", "one", QoS::at_least_once)};
    c.host.retained["c/d"] = {publish_of("c/d", "two", QoS::at_least_once)};
    CHECK(c.protocol.on_packet(
              Subscribe{9, {{"a/b", QoS::at_least_once}, {"c/d", QoS::at_most_once}}}) ==
          Actions{send(Suback{9, {ReasonCode::granted_qos_1, ReasonCode::success}}),
                  send(publish_of("a/b", "one", QoS::at_least_once, 1, true)),  // [MQTT-3.3.1-8]
                  send(publish_of("c/d", "two", QoS::at_most_once, 0, true))});
    CHECK(c.protocol.on_packet(Puback{1}).empty());
}

TEST_CASE("More than 8 filters in a SUBSCRIBE or an UNSUBSCRIBE close the connection") {
    const auto count = GENERATE(std::size_t{8}, std::size_t{9});
    const bool unsubscribe = GENERATE(false, true);
    Connected c;
    Subscribe subscribe{1, {}};
    Unsubscribe unsubscribe_packet{1, {}};
    for (std::size_t i = 0; i < count; ++i) {
        subscribe.subscriptions.push_back({"f/" + std::to_string(i), QoS::at_most_once});
        unsubscribe_packet.filters.push_back("f/" + std::to_string(i));
    }
    const auto actions =
        unsubscribe ? c.protocol.on_packet(unsubscribe_packet) : c.protocol.on_packet(subscribe);
    INFO(count << (unsubscribe ? " filters unsubscribed" : " filters subscribed"));
    if (count <= 8) {
        CHECK(actions.size() == 1);
        CHECK(c.protocol.connected());
    } else {
        CHECK(actions == Actions{closes(Reason::client_error)});  // docs/aws/iot-core.md §6.3
        CHECK(c.host.calls == std::vector<std::string>{"ended CLIENT_ERROR"});
    }
}

TEST_CASE("A filter over AWS's limits in a SUBSCRIBE closes the connection") {
    Connected c;
    CHECK(c.protocol.on_packet(Subscribe{
              1, {{"a/b", QoS::at_most_once}, {"a/b/c/d/e/f/g/h/#", QoS::at_most_once}}}) ==
          Actions{closes(Reason::client_error)});
    CHECK(c.host.calls == std::vector<std::string>{"ended CLIENT_ERROR"});
}

TEST_CASE("An UNSUBSCRIBE removes each filter and is acknowledged") {
    Connected c;
    CHECK(c.protocol.on_packet(Unsubscribe{6, {"a/b", "c/#"}}) == Actions{send(Unsuback{6})});
    CHECK(c.host.calls ==
          std::vector<std::string>{"unsubscribe a/b", "unsubscribe c/#", "unsubscribed a/b,c/#"});
}

TEST_CASE("A PINGREQ is answered with a PINGRESP") {
    Connected c;
    CHECK(c.protocol.on_packet(Pingreq{}) == Actions{send(Pingresp{})});
    CHECK(c.host.calls.empty());
}

TEST_CASE("A DISCONNECT ends the connection without the will") {
    Connected c;
    CHECK(c.protocol.on_packet(Disconnect{}) ==
          Actions{closes(Reason::client_initiated_disconnect)});
    REQUIRE(c.host.ended_calls.size() == 1);
    CHECK(c.host.ended_calls[0].reason == Reason::client_initiated_disconnect);
    CHECK_FALSE(c.host.ended_calls[0].will.has_value());  // [MQTT-3.14.4-3]
}

TEST_CASE("Keep-alive expiry ends the connection with MQTT_KEEP_ALIVE_TIMEOUT and the will") {
    Connected c;
    CHECK(c.protocol.on_keep_alive_expired() == Actions{closes(Reason::mqtt_keep_alive_timeout)});
    c.check_ended_with_will(Reason::mqtt_keep_alive_timeout);
    CHECK(c.protocol.on_keep_alive_expired().empty());
}

TEST_CASE("Disconnect reasons are spelled as in AWS's lifecycle events") {
    const auto [reason, spelling] = GENERATE(table<Reason, std::string>({
        {Reason::client_initiated_disconnect, "CLIENT_INITIATED_DISCONNECT"},
        {Reason::client_error, "CLIENT_ERROR"},
        {Reason::connection_lost, "CONNECTION_LOST"},
        {Reason::duplicate_clientid, "DUPLICATE_CLIENTID"},
        {Reason::auth_error, "AUTH_ERROR"},
        {Reason::mqtt_keep_alive_timeout, "MQTT_KEEP_ALIVE_TIMEOUT"},
        {Reason::server_initiated_disconnect, "SERVER_INITIATED_DISCONNECT"},
    }));
    CHECK(to_string(reason) == spelling);
}
