// Protocol over MQTT 5 (docs/aws/data-plane.md §1): the CONNACK AWS sends, session expiry,
// assigned client ids, refusals told by reason codes (PUBACK, SUBACK, CONNACK, DISCONNECT)
// instead of 3.1.1's closed connection, topic aliases both ways, the client's limits, and the
// reasons the server gives when it ends a connection.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "mqtt/protocol.hpp"
#include "mqtt/protocol_script.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;
using namespace std::chrono_literals;
using Reason = DisconnectReason;

namespace {

constexpr auto q0 = QoS::at_most_once;
constexpr auto q1 = QoS::at_least_once;
const Will will{.topic = "dev/status", .payload = text("gone"), .qos = q1};

Connect connect_v5(std::string client_id = "dev", ConnectProperties properties = {}) {
    return Connect{.protocol_level = 5,
                   .keep_alive = 60,
                   .client_id = std::move(client_id),
                   .will = will,
                   .properties = std::move(properties)};
}

// What AWS's CONNACK always carries (docs/aws/data-plane.md §1.2), for a keep-alive of 60 s.
ConnackProperties aws_connack(std::uint16_t keep_alive = 60) {
    return {.receive_maximum = 100,
            .maximum_qos = 1,
            .retain_available = true,
            .maximum_packet_size = 149504,
            .topic_alias_maximum = 8,
            .wildcard_subscription_available = true,
            .subscription_identifiers_available = false,
            .shared_subscription_available = true,
            .server_keep_alive = keep_alive};
}

Action disconnect_with(ReasonCode code) { return send(Disconnect{.reason_code = code}); }
Action puback_with(PacketId id, ReasonCode code) {
    return send(Puback{.packet_id = id, .reason_code = code});
}

// An MQTT 5 connection the host accepted.
struct Connected {
    FakeHost host;
    Protocol protocol;
    explicit Connected(ConnectProperties properties = {}) : protocol(host) {
        const auto actions = protocol.on_packet(connect_v5("dev", std::move(properties)));
        REQUIRE(actions.size() == 2);
        REQUIRE(protocol.version() == ProtocolVersion::v5);
        host.calls.clear();
    }
    void check_ended(Reason reason, bool with_will = true) const {
        CHECK_FALSE(protocol.connected());
        REQUIRE(host.ended_calls.size() == 1);
        CHECK(host.ended_calls[0].reason == reason);
        CHECK(host.ended_calls[0].will.has_value() == with_will);
    }
};

}  // namespace

TEST_CASE("An MQTT 5 CONNECT gets AWS's CONNACK properties and the clamped Server Keep Alive") {
    const auto [requested, granted] = GENERATE(table<std::uint16_t, std::uint16_t>(
        {{0, 1200}, {10, 30}, {60, 60}, {1200, 1200}, {5000, 1200}}));
    FakeHost host;
    Protocol protocol{host};
    auto connect = connect_v5();
    connect.keep_alive = requested;
    CHECK(protocol.on_packet(connect) ==
          Actions{send(Connack{.properties = aws_connack(granted)}),
                  keep_alive_of(std::chrono::milliseconds{granted * 1500})});
    CHECK(protocol.connected());
}

TEST_CASE("Session expiry is capped at the account's maximum and echoed only when cut down") {
    const auto [requested, effective, echoed] =
        GENERATE(table<std::optional<std::uint32_t>, std::uint32_t, std::optional<std::uint32_t>>({
            {std::nullopt, 0, std::nullopt},
            {0, 0, std::nullopt},
            {600, 600, std::nullopt},
            {3600, 3600, std::nullopt},
            {86400, 3600, 3600},       // AWS's default maximum is an hour
            {0xFFFFFFFF, 3600, 3600},  // "never expires" is capped too
        }));
    FakeHost host;
    Protocol protocol{host};
    auto connect = connect_v5("dev", {.session_expiry_interval = requested});
    connect.clean_session = false;
    const auto actions = protocol.on_packet(connect);
    auto expected = aws_connack();
    expected.session_expiry_interval = echoed;
    CHECK(actions.front() == send(Connack{.properties = expected}));
    REQUIRE(host.sessions.size() == 1);
    CHECK(host.sessions[0] == ProtocolHost::SessionRequest{ProtocolVersion::v5, false, effective});
    protocol.close(Reason::connection_lost);
    CHECK(host.ended_calls[0].session_expiry_seconds == effective);
}

TEST_CASE("A 3.1.1 persistent session asks for the account's session expiry") {
    const bool clean = GENERATE(true, false);
    FakeHost host;
    Protocol protocol{host};
    protocol.on_packet(Connect{.clean_session = clean, .client_id = "dev"});
    REQUIRE(host.sessions.size() == 1);
    CHECK(host.sessions[0] ==
          ProtocolHost::SessionRequest{ProtocolVersion::v311, clean, clean ? 0u : 3600u});
}

TEST_CASE("An MQTT 5 client without a client id is told the one the host gave it") {
    FakeHost host;
    host.connect_answer.assigned_client_id = "iotemu-1234";
    Protocol protocol{host};
    auto connect = connect_v5("");
    connect.clean_session = false;  // allowed in MQTT 5 [MQTT-3.1.3-6]
    const auto actions = protocol.on_packet(connect);
    auto expected = aws_connack();
    expected.assigned_client_identifier = "iotemu-1234";
    CHECK(actions.front() == send(Connack{.properties = expected}));
}

TEST_CASE("MQTT 5 CONNECT refusals are CONNACKs with AWS's reason codes") {
    const auto [what, connect, host_answer, code] =
        GENERATE(table<std::string, Connect, ReasonCode, ReasonCode>({
            {"policy denies iot:Connect", connect_v5(), ReasonCode::not_authorized,
             ReasonCode::not_authorized},
            {"client id over 128 bytes", connect_v5(std::string(129, 'c')), ReasonCode::success,
             ReasonCode::client_identifier_not_valid},
            {"enhanced authentication", connect_v5("dev", {.authentication_method = "SCRAM"}),
             ReasonCode::success, ReasonCode::bad_authentication_method},
        }));
    INFO(what);
    FakeHost host;
    host.connect_answer.code = host_answer;
    Protocol protocol{host};
    const auto actions = protocol.on_packet(connect);
    REQUIRE(actions.size() == 2);
    CHECK(actions[0] == send(Connack{.reason_code = code}));
    CHECK(std::holds_alternative<CloseConnection>(actions[1]));
    CHECK(host.ended_calls.empty());
}

TEST_CASE("An MQTT 5 will AWS could never publish gets a CONNACK saying why") {
    const auto [topic, qos, payload_bytes, code] =
        GENERATE(table<std::string, QoS, std::size_t, ReasonCode>({
            {"dev/status", QoS::exactly_once, 1, ReasonCode::qos_not_supported},
            {"a/b/c/d/e/f/g/h/i", q0, 1, ReasonCode::topic_name_invalid},
            {"$aws/events/presence/connected/x", q0, 1, ReasonCode::topic_name_invalid},
            {"dev/status", q0, 128 * 1024 + 1, ReasonCode::packet_too_large},
        }));
    FakeHost host;
    Protocol protocol{host};
    auto connect = connect_v5();
    connect.will = Will{.topic = topic, .payload = Bytes(payload_bytes), .qos = qos};
    CHECK(protocol.on_packet(connect) ==
          Actions{send(Connack{.reason_code = code}), closes(Reason::client_error)});
    CHECK(host.calls.empty());
}

TEST_CASE(
    "Decoding errors: an unsupported level gets 3.1.1's CONNACK 0x01, a broken MQTT 5 "
    "CONNECT a v5 CONNACK, a broken packet later a DISCONNECT") {
    SECTION("unsupported protocol level") {
        FakeHost host;
        Protocol protocol{host};
        CHECK(protocol.on_decode_error({ReasonCode::unsupported_protocol_version, "level 6"},
                                       ProtocolVersion::v311) ==
              Actions{send(Connack{.reason_code = ReasonCode::unsupported_protocol_version}),
                      closes(Reason::client_error)});
        CHECK(protocol.version() == ProtocolVersion::v311);  // encoded as 20 02 00 01
    }
    SECTION("a malformed MQTT 5 CONNECT") {
        FakeHost host;
        Protocol protocol{host};
        const auto actions =
            protocol.on_decode_error({ReasonCode::protocol_error, "twice"}, ProtocolVersion::v5);
        CHECK(actions == Actions{send(Connack{.reason_code = ReasonCode::protocol_error,
                                              .properties = {.reason_string = "twice"}}),
                                 closes(Reason::client_error)});
        CHECK(protocol.version() == ProtocolVersion::v5);
    }
    SECTION("a malformed 3.1.1 CONNECT is closed without a CONNACK") {
        FakeHost host;
        Protocol protocol{host};
        CHECK(
            protocol.on_decode_error({ReasonCode::malformed_packet, "x"}, ProtocolVersion::v311) ==
            Actions{closes(Reason::client_error)});
    }
    SECTION("nothing after the close") {
        FakeHost host;
        Protocol protocol{host};
        protocol.close(Reason::client_error);
        CHECK(protocol
                  .on_decode_error({ReasonCode::unsupported_protocol_version, "late"},
                                   ProtocolVersion::v311)
                  .empty());
    }
    SECTION("a malformed packet after CONNACK") {
        Connected c;
        CHECK(c.protocol.on_decode_error({ReasonCode::malformed_packet, "bad"},
                                         ProtocolVersion::v5) ==
              Actions{send(Disconnect{.reason_code = ReasonCode::malformed_packet,
                                      .properties = {.reason_string = "bad"}}),
                      closes(Reason::client_error)});
        c.check_ended(Reason::client_error);
    }
}

TEST_CASE("An MQTT 5 PUBLISH the policy denies gets PUBACK 0x87 and the client stays connected") {
    Connected c;
    c.host.denied_publish.insert("a/secret");
    CHECK(c.protocol.on_packet(publish_of("a/secret", "x", q1, 3)) ==
          Actions{puback_with(3, ReasonCode::not_authorized)});
    CHECK(c.protocol.on_packet(publish_of("a/secret", "x", q0)).empty());  // QoS 0: dropped
    CHECK(c.protocol.connected());
    CHECK(c.host.published.empty());
    CHECK(c.protocol.on_packet(publish_of("a/ok", "y", q1, 4)) == Actions{send(Puback{4})});
    CHECK(c.host.published.size() == 1);
}

TEST_CASE("An MQTT 5 PUBLISH AWS refuses whatever the policy is answered or disconnected") {
    const auto [what, publish, actions_expected] = GENERATE(table<std::string, Publish, Actions>({
        {"reserved topic", publish_of("$aws/events/presence/connected/x", "x", q1, 5),
         Actions{puback_with(5, ReasonCode::topic_name_invalid)}},
        {"topic over AWS's depth", publish_of("a/b/c/d/e/f/g/h/i", "x", q1, 5),
         Actions{puback_with(5, ReasonCode::topic_name_invalid)}},
        {"QoS 2", publish_of("a/b", "x", QoS::exactly_once, 5),
         Actions{disconnect_with(ReasonCode::qos_not_supported), closes(Reason::client_error)}},
        {"a subscription identifier from the client",
         Publish{.topic = "a/b", .subscription_identifiers = {1}},
         Actions{disconnect_with(ReasonCode::protocol_error), closes(Reason::client_error)}},
    }));
    INFO(what);
    Connected c;
    CHECK(c.protocol.on_packet(publish) == actions_expected);
    CHECK(c.host.published.empty());
}

TEST_CASE("An MQTT 5 payload over 128 KB is disconnected with 0x95") {
    Connected c;
    auto too_large = publish_of("a/b", "", q1, 1);
    too_large.payload.resize(128 * 1024 + 1);
    CHECK(c.protocol.on_packet(too_large) ==
          Actions{disconnect_with(ReasonCode::packet_too_large), closes(Reason::client_error)});
    c.check_ended(Reason::client_error);
}

TEST_CASE("Client topic aliases: defined with a topic, used alone, 0 or over 8 is invalid") {
    Connected c;
    auto define = publish_of("a/b", "1");
    define.topic_alias = 8;
    auto use = publish_of("", "2");
    use.topic_alias = 8;
    CHECK(c.protocol.on_packet(define).empty());
    CHECK(c.protocol.on_packet(use).empty());
    REQUIRE(c.host.published.size() == 2);
    CHECK(c.host.published[1].topic == "a/b");
    CHECK_FALSE(c.host.published[1].topic_alias);  // the alias stays on this hop

    const auto [alias, code] = GENERATE(table<std::uint16_t, ReasonCode>({
        {0, ReasonCode::topic_alias_invalid},
        {9, ReasonCode::topic_alias_invalid},
        {7, ReasonCode::protocol_error},  // never defined
    }));
    auto bad = publish_of("", "3");
    bad.topic_alias = alias;
    CHECK(c.protocol.on_packet(bad) ==
          Actions{disconnect_with(code), closes(Reason::client_error)});
}

TEST_CASE("Server topic aliases: up to the client's maximum, reused oldest first") {
    Connected c{{.topic_alias_maximum = 2}};
    const auto sent = [&](const std::string& topic) {
        const auto actions = c.protocol.deliver(publish_of(topic, "x"));
        REQUIRE(actions.size() == 1);
        return std::get<Publish>(std::get<SendPacket>(actions[0]).packet);
    };
    const auto first = sent("a");
    CHECK((first.topic == "a" && first.topic_alias == 1));
    const auto again = sent("a");
    CHECK((again.topic.empty() && again.topic_alias == 1));
    CHECK(sent("b").topic_alias == 2);
    const auto third = sent("c");  // both taken: alias 1 is redefined
    CHECK((third.topic == "c" && third.topic_alias == 1));
    const auto back = sent("a");  // "a" lost its alias, and takes the next one in turn
    CHECK((back.topic == "a" && back.topic_alias == 2));
}

TEST_CASE("A client that announces no Topic Alias Maximum gets topics, never aliases") {
    Connected c;
    for (int i = 0; i < 3; ++i)
        CHECK(c.protocol.deliver(publish_of("a/b", "x")) == Actions{send(publish_of("a/b", "x"))});
}

TEST_CASE("The client's Receive Maximum narrows the window of unacknowledged deliveries") {
    Connected c{{.receive_maximum = 2}};
    CHECK(c.protocol.deliver(publish_of("t", "1", q1)).size() == 1);
    CHECK(c.protocol.deliver(publish_of("t", "2", q1)).size() == 1);
    CHECK(c.protocol.deliver(publish_of("t", "3", q1)).empty());  // waits for a PUBACK
    CHECK(c.protocol.on_packet(Puback{1}) == Actions{send(publish_of("t", "3", q1, 3))});
}

TEST_CASE("A message over the client's Maximum Packet Size is not delivered") {
    Connected c{{.maximum_packet_size = 32}};
    CHECK(c.protocol.deliver(publish_of("t", std::string(20, 'x'), q1)).size() == 1);
    CHECK(c.protocol.deliver(publish_of("t", std::string(40, 'x'), q1)).empty());
    CHECK(c.protocol.deliver(publish_of("t", "small", q1)).size() == 1);  // ids stay in order
}

TEST_CASE("Deliveries keep their MQTT 5 properties and lose the publisher's per-hop ones") {
    Connected c;
    auto message = publish_of("a/b", "x", q1);
    message.properties = {.content_type = "json", .user_properties = {{"k", "v"}}};
    message.topic_alias = 3;
    message.subscription_identifiers = {4};
    auto expected = publish_of("a/b", "x", q1, 1);
    expected.properties = message.properties;
    CHECK(c.protocol.deliver(message) == Actions{send(expected)});
}

TEST_CASE("Message expiry from a publisher is kept within AWS's 1 s .. 7 days") {
    const auto [requested, stored] = GENERATE(table<std::uint32_t, std::uint32_t>(
        {{0, 1}, {1, 1}, {3600, 3600}, {604800, 604800}, {604801, 604800}}));
    Connected c;
    auto publish = publish_of("a/b", "x");
    publish.properties.message_expiry_interval = requested;
    c.protocol.on_packet(publish);
    REQUIRE(c.host.published.size() == 1);
    CHECK(c.host.published[0].properties.message_expiry_interval == stored);
}

TEST_CASE("An MQTT 5 SUBSCRIBE answers each filter with its own reason code") {
    Connected c;
    c.host.denied_subscribe.insert("b/secret");
    CHECK(c.protocol.on_packet(Subscribe{4,
                                         {{"a/+", QoS::exactly_once},
                                          {"b/secret", q1},
                                          {"a/b/c/d/e/f/g/h/#", q0},
                                          {"c/d", q0}}}) ==
          Actions{send(Suback{4,
                              {ReasonCode::granted_qos_1, ReasonCode::not_authorized,
                               ReasonCode::topic_filter_invalid, ReasonCode::success}})});
    CHECK(c.protocol.connected());
    CHECK(c.host.calls == std::vector<std::string>{"authorize_subscribe a/+",
                                                   "authorize_subscribe b/secret",
                                                   "authorize_subscribe c/d", "subscribe a/+ 1",
                                                   "subscribe c/d 0", "subscribed a/+,c/d"});
}

TEST_CASE("More than 8 filters in an MQTT 5 SUBSCRIBE get 0x97 each and subscribe none") {
    Connected c;
    Subscribe subscribe{1, {}};
    for (int i = 0; i < 9; ++i) subscribe.subscriptions.push_back({"f/" + std::to_string(i), q0});
    CHECK(c.protocol.on_packet(subscribe) ==
          Actions{send(Suback{1, std::vector<ReasonCode>(9, ReasonCode::quota_exceeded)})});
    CHECK(c.host.calls.empty());
}

TEST_CASE("At 50 subscriptions a new filter gets 0x97, one already held is granted again") {
    Connected c;
    c.host.held_subscriptions = 49;
    c.host.existing.insert("held");
    CHECK(c.protocol.on_packet(Subscribe{2, {{"new/1", q1}, {"held", q0}, {"new/2", q1}}}) ==
          Actions{send(Suback{
              2, {ReasonCode::granted_qos_1, ReasonCode::success, ReasonCode::quota_exceeded}})});
    CHECK(c.protocol.connected());
    CHECK(c.host.calls.back() == "subscribed new/1,held");
    CHECK(std::find(c.host.calls.begin(), c.host.calls.end(), "unsubscribe new/2") !=
          c.host.calls.end());
}

TEST_CASE("A SUBSCRIBE with a subscription identifier is disconnected with 0xA1") {
    Connected c;
    CHECK(c.protocol.on_packet(Subscribe{1, {{"a/b", q0}}, 7}) ==
          Actions{disconnect_with(ReasonCode::subscription_identifiers_not_supported),
                  closes(Reason::client_error)});
}

TEST_CASE("Subscription options reach the host, and retained messages follow Retain Handling") {
    const auto [handling, existed, sent] = GENERATE(table<RetainHandling, bool, bool>({
        {RetainHandling::send, false, true},
        {RetainHandling::send, true, true},
        {RetainHandling::send_if_new, false, true},
        {RetainHandling::send_if_new, true, false},
        {RetainHandling::do_not_send, false, false},
    }));
    Connected c;
    c.host.retained["a/b"] = {publish_of("a/b", "kept", q1)};
    if (existed) c.host.existing.insert("a/b");
    const Subscription subscription{.filter = "a/b",
                                    .qos = q1,
                                    .no_local = true,
                                    .retain_as_published = true,
                                    .retain_handling = handling};
    Actions expected{send(Suback{2, {ReasonCode::granted_qos_1}})};
    if (sent) expected.push_back(send(publish_of("a/b", "kept", q1, 1, true)));
    CHECK(c.protocol.on_packet(Subscribe{2, {subscription}}) == expected);
    REQUIRE(c.host.subscriptions.size() == 1);
    CHECK(c.host.subscriptions[0] == subscription);
}

TEST_CASE("An MQTT 5 UNSUBSCRIBE answers each filter, an invalid one with 0x8F") {
    Connected c;
    CHECK(c.protocol.on_packet(Unsubscribe{6, {"a/b", "a/b/c/d/e/f/g/h/#"}}) ==
          Actions{send(Unsuback{6, {ReasonCode::success, ReasonCode::topic_filter_invalid}})});
    CHECK(c.host.calls == std::vector<std::string>{"unsubscribe a/b", "unsubscribed a/b"});
}

TEST_CASE("When the server ends an MQTT 5 connection, DISCONNECT says why first") {
    const auto [reason, code] = GENERATE(table<Reason, ReasonCode>({
        {Reason::duplicate_clientid, ReasonCode::session_taken_over},
        {Reason::mqtt_keep_alive_timeout, ReasonCode::keep_alive_timeout},
        {Reason::auth_error, ReasonCode::not_authorized},  // the certificate left ACTIVE
        {Reason::server_initiated_disconnect, ReasonCode::server_shutting_down},
    }));
    Connected c;
    const auto actions = reason == Reason::mqtt_keep_alive_timeout
                             ? c.protocol.on_keep_alive_expired()
                             : c.protocol.close(reason);
    CHECK(actions == Actions{disconnect_with(code), closes(reason)});
    c.check_ended(reason);
}

TEST_CASE("A lost MQTT 5 connection sends nothing more") {
    Connected c;
    CHECK(c.protocol.close(Reason::connection_lost) == Actions{closes(Reason::connection_lost)});
    c.check_ended(Reason::connection_lost);
}

TEST_CASE("An MQTT 5 DISCONNECT: a normal one drops the will, 0x04 and errors keep it") {
    const auto [code, with_will] = GENERATE(table<ReasonCode, bool>({
        {ReasonCode::success, false},
        {ReasonCode::disconnect_with_will_message, true},
        {ReasonCode::unspecified_error, true},
    }));
    Connected c;
    CHECK(c.protocol.on_packet(Disconnect{.reason_code = code}) ==
          Actions{closes(Reason::client_initiated_disconnect)});
    c.check_ended(Reason::client_initiated_disconnect, with_will);
}

TEST_CASE("An MQTT 5 DISCONNECT may change the session expiry, but not from 0") {
    SECTION("lowered, and capped") {
        Connected c{{.session_expiry_interval = 600}};
        const auto [requested, kept] =
            GENERATE(table<std::uint32_t, std::uint32_t>({{0, 0}, {60, 60}, {90000, 3600}}));
        c.protocol.on_packet(Disconnect{.properties = {.session_expiry_interval = requested}});
        REQUIRE(c.host.ended_calls.size() == 1);
        CHECK(c.host.ended_calls[0].session_expiry_seconds == kept);
    }
    SECTION("from 0 is a protocol error") {
        Connected c;
        CHECK(c.protocol.on_packet(Disconnect{.properties = {.session_expiry_interval = 60}}) ==
              Actions{disconnect_with(ReasonCode::protocol_error), closes(Reason::client_error)});
        c.check_ended(Reason::client_error);
        CHECK(c.host.ended_calls[0].session_expiry_seconds == 0);
    }
}

TEST_CASE("An MQTT 5 session transcript: properties in, aliases out, a denial, then takeover") {
    FakeHost host;
    host.denied_publish.insert("locked");
    Protocol protocol{host};
    auto tagged = publish_of("in/t", "x", q1, 9);
    tagged.properties.user_properties = {{"trace", "1"}};
    tagged.properties.response_topic = "reply/here";
    const auto out = [](PacketId id, std::string topic, std::uint16_t alias) {
        auto p = publish_of(std::move(topic), "m", q1, id);
        p.topic_alias = alias;
        return p;
    };
    const std::vector<Step> steps{
        {connect_v5("dev", {.topic_alias_maximum = 1}),
         {send(Connack{.properties = aws_connack()}), keep_alive_of(90s)}},
        {Subscribe{1, {{"out/#", q1}}}, {send(Suback{1, {ReasonCode::granted_qos_1}})}},
        {tagged, {send(Puback{9})}},
        {publish_of("locked", "x", q1, 10), {puback_with(10, ReasonCode::not_authorized)}},
        {Deliver{"out/a", "m", q1}, {send(out(1, "out/a", 1))}, {"m"}},
        {Deliver{"out/a", "m", q1}, {send(out(2, "", 1))}, {"m", "m"}},
        {Puback{1}, {}, {"m"}},
    };
    run(protocol, steps);
    REQUIRE(host.published.size() == 1);
    CHECK(host.published[0].properties == tagged.properties);
    CHECK(protocol.close(Reason::duplicate_clientid) ==
          Actions{disconnect_with(ReasonCode::session_taken_over),
                  closes(Reason::duplicate_clientid)});
    REQUIRE(host.ended_calls.size() == 1);
    // The unacknowledged message goes back to the session with its topic, not its alias.
    REQUIRE(host.ended_calls[0].unacknowledged.size() == 1);
    CHECK(host.ended_calls[0].unacknowledged[0].topic == "out/a");
    CHECK(host.ended_calls[0].will == will);
}
