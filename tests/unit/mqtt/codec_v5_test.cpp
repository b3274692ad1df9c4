// The MQTT 5 codec: every packet with every property it may carry, written as wire bytes with a
// comment per field, encoded to exactly those bytes and decoded back to the same value; and the
// short forms MQTT 5 allows for acknowledgements and DISCONNECT.
#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"
#include "mqtt/encoder.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

constexpr auto v5 = ProtocolVersion::v5;

Packet decode_v5(const std::vector<std::byte>& wire) {
    Decoder decoder{test_max_packet_size, v5};
    feed(decoder, wire);
    auto result = decoder.next();
    if (const auto* error = std::get_if<DecodeError>(&result))
        FAIL("decode failed: " << error->message);
    REQUIRE(std::holds_alternative<Packet>(result));
    CHECK(decoder.buffered() == 0);
    return std::get<Packet>(std::move(result));
}

// The packet encodes to exactly `wire`, and `wire` decodes to exactly the packet.
void check_round_trip(const Packet& packet, const std::vector<std::byte>& wire) {
    CHECK(encode(packet, v5) == wire);
    CHECK(encoded_size(packet, v5) == wire.size());
    CHECK(decode_v5(wire) == packet);
}

std::string text_of(std::initializer_list<int> values) {
    std::string out;
    for (const int value : values) out.push_back(static_cast<char>(value));
    return out;
}

const UserProperties k_v{{"k", "v"}};

}  // namespace

TEST_CASE("An MQTT 5 CONNECT with every property, a will with every property, user and password") {
    const Connect connect{
        .protocol_level = 5,
        .clean_session = true,
        .keep_alive = 60,
        .client_id = "dev",
        .will = Will{.topic = "w/t",
                     .payload = bytes("bye"),
                     .qos = QoS::at_least_once,
                     .properties = {.payload_format_indicator = 1,
                                    .message_expiry_interval = 60,
                                    .content_type = "text",
                                    .response_topic = "r/t",
                                    .correlation_data = text_of({0x01, 0x02}),
                                    .user_properties = {{"a", "b"}}},
                     .delay_interval = 5},
        .username = "u1",
        .password = bytes("pw"),
        .properties = {.session_expiry_interval = 3600,
                       .receive_maximum = 10,
                       .maximum_packet_size = 65536,
                       .topic_alias_maximum = 5,
                       .request_response_information = true,
                       .request_problem_information = false,
                       .user_properties = k_v,
                       .authentication_method = "mth",
                       .authentication_data = bytes({0xDE, 0xAD})},
    };
    const auto wire = bytes({
        0x10, 0x6E,                         // CONNECT, remaining length 110
        0x00, 0x04, 'M',  'Q',  'T',  'T',  // protocol name
        0x05,                               // protocol level 5
        0xCE,                               // user name, password, will QoS 1, will, clean start
        0x00, 0x3C,                         // keep alive 60 s
        0x26,                               // properties: 38 bytes
        0x11, 0x00, 0x00, 0x0E, 0x10,       //   Session Expiry Interval 3600
        0x21, 0x00, 0x0A,                   //   Receive Maximum 10
        0x27, 0x00, 0x01, 0x00, 0x00,       //   Maximum Packet Size 65536
        0x22, 0x00, 0x05,                   //   Topic Alias Maximum 5
        0x19, 0x01,                         //   Request Response Information 1
        0x17, 0x00,                         //   Request Problem Information 0
        0x26, 0,    1,    'k',  0,    1,   'v',  //   User Property k=v
        0x15, 0,    3,    'm',  't',  'h',       //   Authentication Method "mth"
        0x16, 0,    2,    0xDE, 0xAD,            //   Authentication Data DE AD
        0x00, 0x03, 'd',  'e',  'v',             // client identifier "dev"
        0x25,                                    // will properties: 37 bytes
        0x18, 0x00, 0x00, 0x00, 0x05,            //   Will Delay Interval 5
        0x01, 0x01,                              //   Payload Format Indicator 1 (UTF-8)
        0x02, 0x00, 0x00, 0x00, 0x3C,            //   Message Expiry Interval 60
        0x03, 0,    4,    't',  'e',  'x', 't',  //   Content Type "text"
        0x08, 0,    3,    'r',  '/',  't',       //   Response Topic "r/t"
        0x09, 0,    2,    0x01, 0x02,            //   Correlation Data 01 02
        0x26, 0,    1,    'a',  0,    1,   'b',  //   User Property a=b
        0x00, 0x03, 'w',  '/',  't',             // will topic "w/t"
        0x00, 0x03, 'b',  'y',  'e',             // will payload "bye"
        0x00, 0x02, 'u',  '1',                   // user name "u1"
        0x00, 0x02, 'p',  'w',                   // password "pw"
    });
    check_round_trip(connect, wire);
}

TEST_CASE("An MQTT 5 CONNECT without properties has a property length of 0") {
    const auto wire = bytes({
        0x10, 0x10,                      // CONNECT, remaining length 16
        0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
        0x05,                            // protocol level 5
        0x00,                            // flags: none (Clean Start 0)
        0x00, 0x00,                      // keep alive 0
        0x00,                            // properties: none
        0x00, 0x03, 'd', 'e', 'v',       // client identifier "dev"
    });
    check_round_trip(Connect{.protocol_level = 5, .clean_session = false, .client_id = "dev"},
                     wire);
}

TEST_CASE("An MQTT 5 CONNACK with every property") {
    const Connack connack{
        .session_present = true,
        .properties = {.session_expiry_interval = 3600,
                       .receive_maximum = 100,
                       .maximum_qos = 1,
                       .retain_available = true,
                       .maximum_packet_size = 149504,
                       .assigned_client_identifier = "id",
                       .topic_alias_maximum = 8,
                       .reason_string = "ok",
                       .user_properties = k_v,
                       .wildcard_subscription_available = true,
                       .subscription_identifiers_available = false,
                       .shared_subscription_available = true,
                       .server_keep_alive = 1200,
                       .response_information = "r",
                       .server_reference = "s",
                       .authentication_method = "m",
                       .authentication_data = bytes({0x07})},
    };
    const auto wire = bytes({
        0x20, 0x41,                            // CONNACK, remaining length 65
        0x01,                                  // session present
        0x00,                                  // reason: success
        0x3E,                                  // properties: 62 bytes
        0x11, 0x00, 0x00, 0x0E, 0x10,          //   Session Expiry Interval 3600
        0x21, 0x00, 0x64,                      //   Receive Maximum 100
        0x24, 0x01,                            //   Maximum QoS 1
        0x25, 0x01,                            //   Retain Available 1
        0x27, 0x00, 0x02, 0x48, 0x00,          //   Maximum Packet Size 149504
        0x12, 0,    2,    'i',  'd',           //   Assigned Client Identifier "id"
        0x22, 0x00, 0x08,                      //   Topic Alias Maximum 8
        0x1F, 0,    2,    'o',  'k',           //   Reason String "ok"
        0x26, 0,    1,    'k',  0,    1, 'v',  //   User Property k=v
        0x28, 0x01,                            //   Wildcard Subscription Available 1
        0x29, 0x00,                            //   Subscription Identifier Available 0
        0x2A, 0x01,                            //   Shared Subscription Available 1
        0x13, 0x04, 0xB0,                      //   Server Keep Alive 1200
        0x1A, 0,    1,    'r',                 //   Response Information "r"
        0x1C, 0,    1,    's',                 //   Server Reference "s"
        0x15, 0,    1,    'm',                 //   Authentication Method "m"
        0x16, 0,    1,    0x07,                //   Authentication Data 07
    });
    check_round_trip(connack, wire);
}

TEST_CASE("An MQTT 5 CONNACK refusal carries its reason code") {
    check_round_trip(Connack{.reason_code = ReasonCode::not_authorized},
                     bytes({
                         0x20, 0x03,  // CONNACK, remaining length 3
                         0x00,        // no session
                         0x87,        // reason: not authorized
                         0x00,        // properties: none
                     }));
}

TEST_CASE("An MQTT 5 PUBLISH with every property") {
    const Publish publish{
        .qos = QoS::at_least_once,
        .topic = "a/b",
        .packet_id = 7,
        .payload = bytes("hi"),
        .properties = {.payload_format_indicator = 1,
                       .message_expiry_interval = 60,
                       .content_type = "json",
                       .response_topic = "r/t",
                       .correlation_data = text_of({0xCA, 0xFE}),
                       .user_properties = {{"k", "v1"}, {"k", "v2"}}},
        .topic_alias = 3,
        .subscription_identifiers = {5, 128},
    };
    const auto wire = bytes({
        0x32, 0x3B,                                   // PUBLISH QoS 1, remaining length 59
        0x00, 0x03, 'a',  '/',  'b',                  // topic name "a/b"
        0x00, 0x07,                                   // packet identifier 7
        0x31,                                         // properties: 49 bytes
        0x01, 0x01,                                   //   Payload Format Indicator 1
        0x02, 0x00, 0x00, 0x00, 0x3C,                 //   Message Expiry Interval 60
        0x03, 0,    4,    'j',  's',  'o', 'n',       //   Content Type "json"
        0x08, 0,    3,    'r',  '/',  't',            //   Response Topic "r/t"
        0x09, 0,    2,    0xCA, 0xFE,                 //   Correlation Data CA FE
        0x26, 0,    1,    'k',  0,    2,   'v', '1',  //   User Property k=v1
        0x26, 0,    1,    'k',  0,    2,   'v', '2',  //   User Property k=v2 (repeats, in order)
        0x23, 0x00, 0x03,                             //   Topic Alias 3
        0x0B, 0x05,                                   //   Subscription Identifier 5
        0x0B, 0x80, 0x01,  //   Subscription Identifier 128 (2-byte varint)
        'h',  'i',         // payload
    });
    check_round_trip(publish, wire);
}

TEST_CASE("An MQTT 5 PUBLISH may name its topic by an alias alone") {
    check_round_trip(Publish{.topic = "", .payload = bytes("x"), .topic_alias = 1},
                     bytes({
                         0x30, 0x07,        // PUBLISH QoS 0, remaining length 7
                         0x00, 0x00,        // topic name: empty
                         0x03,              // properties: 3 bytes
                         0x23, 0x00, 0x01,  //   Topic Alias 1
                         'x',               // payload
                     }));
}

TEST_CASE("MQTT 5 publish acknowledgements carry a reason code and properties") {
    check_round_trip(Puback{.packet_id = 7,
                            .reason_code = ReasonCode::not_authorized,
                            .properties = {.reason_string = "denied", .user_properties = k_v}},
                     bytes({
                         0x40, 0x14,  // PUBACK, remaining length 20
                         0x00, 0x07,  // packet identifier 7
                         0x87,        // reason: not authorized
                         0x10,        // properties: 16 bytes
                         0x1F, 0,    6, 'd', 'e', 'n', 'i', 'e', 'd',  //   Reason String "denied"
                         0x26, 0,    1, 'k', 0,   1,   'v',            //   User Property k=v
                     }));
    check_round_trip(Pubrec{.packet_id = 1, .reason_code = ReasonCode::unspecified_error},
                     bytes({
                         0x50, 0x03,  // PUBREC, remaining length 3
                         0x00, 0x01,  // packet identifier 1
                         0x80,        // reason: unspecified error; no properties
                     }));
    check_round_trip(Pubrel{.packet_id = 1, .reason_code = ReasonCode::packet_identifier_not_found},
                     bytes({
                         0x62, 0x03,  // PUBREL, remaining length 3
                         0x00, 0x01,  // packet identifier 1
                         0x92,        // reason: packet identifier not found
                     }));
    check_round_trip(Pubcomp{.packet_id = 1, .properties = {.reason_string = "x"}},
                     bytes({
                         0x70, 0x08,       // PUBCOMP, remaining length 8
                         0x00, 0x01,       // packet identifier 1
                         0x00,             // reason: success
                         0x04,             // properties: 4 bytes
                         0x1F, 0, 1, 'x',  //   Reason String "x"
                     }));
}

TEST_CASE("An MQTT 5 acknowledgement leaves out a Success code and empty properties") {
    check_round_trip(Puback{.packet_id = 7}, bytes({0x40, 0x02, 0x00, 0x07}));
    check_round_trip(Puback{.packet_id = 7, .reason_code = ReasonCode::no_matching_subscribers},
                     bytes({0x40, 0x03, 0x00, 0x07, 0x10}));
    // A reason code followed by a property length of 0 is the same PUBACK.
    CHECK(decode_v5(bytes({0x40, 0x04, 0x00, 0x07, 0x00, 0x00})) == Packet{Puback{.packet_id = 7}});
}

TEST_CASE("An MQTT 5 SUBSCRIBE with a subscription identifier, a user property and options") {
    const Subscribe subscribe{
        .packet_id = 10,
        .subscriptions = {{.filter = "a/#",
                           .qos = QoS::at_least_once,
                           .no_local = true,
                           .retain_as_published = true,
                           .retain_handling = RetainHandling::do_not_send},
                          {.filter = "$share/g/b", .retain_handling = RetainHandling::send_if_new}},
        .subscription_identifier = 42,
        .user_properties = k_v,
    };
    const auto wire = bytes({
        0x82, 0x1F,                           // SUBSCRIBE, remaining length 31
        0x00, 0x0A,                           // packet identifier 10
        0x09,                                 // properties: 9 bytes
        0x0B, 0x2A,                           //   Subscription Identifier 42
        0x26, 0,    1,   'k', 0,   1,   'v',  //   User Property k=v
        0x00, 0x03, 'a', '/', '#',            // filter "a/#"
        0x2D,                                 // QoS 1, No Local, Retain As Published, handling 2
        0x00, 0x0A, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'b',  // "$share/g/b"
        0x10,                                                          // QoS 0, retain handling 1
    });
    check_round_trip(subscribe, wire);
}

TEST_CASE("An MQTT 5 SUBACK carries a reason code per filter and properties") {
    const Suback suback{
        .packet_id = 10,
        .reason_codes = {ReasonCode::granted_qos_1, ReasonCode::success, ReasonCode::not_authorized,
                         ReasonCode::topic_filter_invalid, ReasonCode::quota_exceeded,
                         ReasonCode::subscription_identifiers_not_supported},
        .properties = {.reason_string = "no", .user_properties = k_v},
    };
    const auto wire = bytes({
        0x90, 0x15,                               // SUBACK, remaining length 21
        0x00, 0x0A,                               // packet identifier 10
        0x0C,                                     // properties: 12 bytes
        0x1F, 0,    2,    'n',  'o',              //   Reason String "no"
        0x26, 0,    1,    'k',  0,    1,    'v',  //   User Property k=v
        0x01, 0x00, 0x87, 0x8F, 0x97, 0xA1,       // granted QoS 1, QoS 0, then four refusals
    });
    check_round_trip(suback, wire);
}

TEST_CASE("An MQTT 5 UNSUBSCRIBE and UNSUBACK with properties") {
    check_round_trip(
        Unsubscribe{.packet_id = 11, .filters = {"a/b", "c/#"}, .user_properties = k_v},
        bytes({
            0xA2, 0x14,                         // UNSUBSCRIBE, remaining length 20
            0x00, 0x0B,                         // packet identifier 11
            0x07,                               // properties: 7 bytes
            0x26, 0,    1,   'k', 0,   1, 'v',  //   User Property k=v
            0x00, 0x03, 'a', '/', 'b',          // filter "a/b"
            0x00, 0x03, 'c', '/', '#',          // filter "c/#"
        }));
    check_round_trip(
        Unsuback{.packet_id = 11,
                 .reason_codes = {ReasonCode::success, ReasonCode::no_subscription_existed,
                                  ReasonCode::topic_filter_invalid},
                 .properties = {.reason_string = "x", .user_properties = k_v}},
        bytes({
            0xB0, 0x11,                        // UNSUBACK, remaining length 17
            0x00, 0x0B,                        // packet identifier 11
            0x0B,                              // properties: 11 bytes
            0x1F, 0,    1,    'x',             //   Reason String "x"
            0x26, 0,    1,    'k', 0, 1, 'v',  //   User Property k=v
            0x00, 0x11, 0x8F,                  // success, none existed, invalid
        }));
}

TEST_CASE("An MQTT 5 DISCONNECT with every property, and its short forms") {
    check_round_trip(Disconnect{.reason_code = ReasonCode::session_taken_over,
                                .properties = {.session_expiry_interval = 10,
                                               .reason_string = "bye",
                                               .user_properties = k_v,
                                               .server_reference = "s"}},
                     bytes({
                         0xE0, 0x18,                              // DISCONNECT, remaining length 24
                         0x8E,                                    // reason: session taken over
                         0x16,                                    // properties: 22 bytes
                         0x11, 0x00, 0x00, 0x00, 0x0A,            //   Session Expiry Interval 10
                         0x1F, 0,    3,    'b',  'y',  'e',       //   Reason String "bye"
                         0x26, 0,    1,    'k',  0,    1,   'v',  //   User Property k=v
                         0x1C, 0,    1,    's',                   //   Server Reference "s"
                     }));
    check_round_trip(Disconnect{}, bytes({0xE0, 0x00}));  // normal disconnection
    check_round_trip(Disconnect{.reason_code = ReasonCode::disconnect_with_will_message},
                     bytes({0xE0, 0x01, 0x04}));
}

TEST_CASE("PINGREQ and PINGRESP are the same in MQTT 5") {
    check_round_trip(Pingreq{}, bytes({0xC0, 0x00}));
    check_round_trip(Pingresp{}, bytes({0xD0, 0x00}));
}

TEST_CASE("MQTT 3.1.1 encoding leaves out what only MQTT 5 can carry") {
    Publish publish{.topic = "t", .payload = bytes("p"), .properties = {.content_type = "x"}};
    CHECK(encode(publish) == bytes({0x30, 0x04, 0x00, 0x01, 't', 'p'}));
    CHECK(encode(Puback{.packet_id = 1, .reason_code = ReasonCode::not_authorized}) ==
          bytes({0x40, 0x02, 0x00, 0x01}));
    CHECK(encode(Suback{.packet_id = 1,
                        .reason_codes = {ReasonCode::granted_qos_1, ReasonCode::not_authorized}}) ==
          bytes({0x90, 0x04, 0x00, 0x01, 0x01, 0x80}));  // every failure is 0x80
    CHECK(encode(Unsuback{.packet_id = 1, .reason_codes = {ReasonCode::success}}) ==
          bytes({0xB0, 0x02, 0x00, 0x01}));
    CHECK(encode(Disconnect{.reason_code = ReasonCode::session_taken_over}) == bytes({0xE0, 0x00}));
}

TEST_CASE("A 3.1.1 CONNACK carries the return code its reason code maps to") {
    const auto [code, byte] = GENERATE(table<ReasonCode, int>({
        {ReasonCode::success, 0x00},
        {ReasonCode::unsupported_protocol_version, 0x01},
        {ReasonCode::client_identifier_not_valid, 0x02},
        {ReasonCode::server_unavailable, 0x03},
        {ReasonCode::server_busy, 0x03},
        {ReasonCode::bad_user_name_or_password, 0x04},
        {ReasonCode::not_authorized, 0x05},
        {ReasonCode::banned, 0x05},
    }));
    CHECK(encode(Connack{.reason_code = code}) == bytes({0x20, 0x02, 0x00, byte}));
}
