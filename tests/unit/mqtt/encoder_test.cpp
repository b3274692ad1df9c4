// Encoding: the packets the broker sends, byte for byte, and a round trip (encode, then decode)
// for every packet type.
#include "mqtt/encoder.hpp"

#include <stdexcept>

#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"
#include "mqtt/decoder.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

TEST_CASE("A CONNACK encodes as four bytes") {
    CHECK(encode(Connack{true, ReasonCode::success}) == bytes({
                                                            0x20,  // CONNACK
                                                            0x02,  // remaining length
                                                            0x01,  // session present
                                                            0x00,  // accepted
                                                        }));
    CHECK(encode(Connack{false, ReasonCode::not_authorized}) == bytes({0x20, 0x02, 0x00, 0x05}));
}

TEST_CASE("A QoS 1 retained PUBLISH encodes its flags, topic, packet id and payload") {
    Publish publish{.dup = true,
                    .qos = QoS::at_least_once,
                    .retain = true,
                    .topic = "a/b",
                    .packet_id = 0x0102,
                    .payload = bytes("hi")};
    CHECK(encode(publish) == bytes({
                                 0x3B,                       // PUBLISH, DUP, QoS 1, retain
                                 0x09,                       // remaining length: 9
                                 0x00, 0x03, 'a', '/', 'b',  // topic name "a/b"
                                 0x01, 0x02,                 // packet identifier 0x0102
                                 'h', 'i',                   // payload
                             }));
}

TEST_CASE("A QoS 0 PUBLISH has no packet id on the wire") {
    Publish publish{.topic = "t", .packet_id = 99, .payload = bytes("p")};
    CHECK(encode(publish) == bytes({
                                 0x30,             // PUBLISH, QoS 0
                                 0x04,             // remaining length: 4
                                 0x00, 0x01, 't',  // topic name "t"
                                 'p',              // payload
                             }));
}

TEST_CASE("A remaining length of 128 or more takes several bytes") {
    Publish publish{.topic = "t"};
    publish.payload.assign(200, std::byte{0});
    const auto wire = encode(publish);
    CHECK(wire.size() == 1 + 2 + 203);
    CHECK(wire[1] == std::byte{0xCB});  // 203 = 0x4B | continuation
    CHECK(wire[2] == std::byte{0x01});  // + 1 × 128
}

TEST_CASE("PUBACK, SUBACK, UNSUBACK and PINGRESP encode as the broker sends them") {
    CHECK(encode(Puback{7}) == bytes({0x40, 0x02, 0x00, 0x07}));
    CHECK(encode(Suback{0x0A,
                        {ReasonCode::granted_qos_1, ReasonCode::unspecified_error,
                         ReasonCode::success}}) == bytes({
                                                       0x90,        // SUBACK
                                                       0x05,        // length 5
                                                       0x00, 0x0A,  // packet id 10
                                                       0x01,        // granted QoS 1
                                                       0x80,        // failure
                                                       0x00,        // granted QoS 0
                                                   }));
    CHECK(encode(Unsuback{0x1234}) == bytes({0xB0, 0x02, 0x12, 0x34}));
    CHECK(encode(Pingresp{}) == bytes({0xD0, 0x00}));
}

TEST_CASE("Client packets carry the fixed-header flags the spec requires") {
    CHECK(encode(Pubrel{1})[0] == std::byte{0x62});
    CHECK(encode(Subscribe{1, {{"a", QoS::at_most_once}}})[0] == std::byte{0x82});
    CHECK(encode(Unsubscribe{1, {"a"}})[0] == std::byte{0xA2});
    CHECK(encode(Pingreq{}) == bytes({0xC0, 0x00}));
    CHECK(encode(Disconnect{}) == bytes({0xE0, 0x00}));
}

TEST_CASE("encode appends to what the buffer already holds") {
    auto out = bytes({0xAA});
    encode(Pingresp{}, ProtocolVersion::v311, out);
    encode(Puback{1}, ProtocolVersion::v311, out);
    CHECK(out == bytes({0xAA, 0xD0, 0x00, 0x40, 0x02, 0x00, 0x01}));
}

TEST_CASE("A string over 65535 bytes cannot be encoded and leaves the buffer unchanged") {
    auto out = bytes({0x01});
    Publish publish{.topic = std::string(65'536, 'a')};
    CHECK_THROWS_AS(encode(publish, ProtocolVersion::v311, out), std::length_error);
    CHECK(out == bytes({0x01}));
}

TEST_CASE("Every packet type survives encode then decode unchanged") {
    Connect full_connect{.protocol_name = "MQTT",
                         .protocol_level = 4,
                         .clean_session = false,
                         .keep_alive = 1200,
                         .client_id = "thing-1",
                         .will = Will{"dev/status", bytes("gone"), QoS::at_least_once, true},
                         .username = "user",
                         .password = bytes({0x00, 0x01})};
    Publish big_publish{.qos = QoS::at_least_once, .topic = "big/€", .packet_id = 1};
    big_publish.payload.assign(aws_max_payload_bytes, std::byte{0x7E});

    const auto packet = GENERATE_COPY(values<Packet>({
        full_connect,
        Connect{.client_id = "c"},
        Connect{.client_id = "u", .username = "only-user"},
        Connect{.protocol_name = "MQIsdp", .protocol_level = 3, .client_id = "old"},
        Connack{false, ReasonCode::client_identifier_not_valid},
        Publish{.topic = "a", .payload = {}},
        Publish{.dup = true,
                .qos = QoS::exactly_once,
                .retain = true,
                .topic = "$aws/x",
                .packet_id = 65535,
                .payload = bytes("z")},
        big_publish,
        Puback{1},
        Pubrec{2},
        Pubrel{3},
        Pubcomp{4},
        Subscribe{5,
                  {{"a/+/c", QoS::at_least_once},
                   {"#", QoS::exactly_once},
                   {"$share/g/s/#", QoS::at_most_once}}},
        Suback{6, {ReasonCode::granted_qos_2, ReasonCode::unspecified_error}},
        Unsubscribe{7, {"a/+/c", "#"}},
        Unsuback{8},
        Pingreq{},
        Pingresp{},
        Disconnect{},
    }));
    INFO(describe(type_of(packet)));
    const auto wire = encode(packet);
    Decoder decoder{aws_max_payload_bytes + 1024};
    feed(decoder, wire);
    const auto result = decoder.next();
    if (const auto* error = std::get_if<DecodeError>(&result)) FAIL(error->message);
    REQUIRE(std::holds_alternative<Packet>(result));
    CHECK(std::get<Packet>(result) == packet);
    CHECK(decoder.buffered() == 0);
}

TEST_CASE("Packets appended one by one to a connection's outgoing bytes grow them geometrically") {
    // A burst for a slow subscriber appends thousands of PUBLISHes to one buffer: were each append
    // to reallocate, every packet would copy all the bytes before it again.
    std::vector<std::byte> out;
    const Publish publish{.qos = QoS::at_most_once,
                          .topic = "dt/device/telemetry",
                          .payload = Bytes(4096, std::byte{0x5a})};
    std::size_t reallocations = 0;
    for (int i = 0; i < 2000; ++i) {
        const auto capacity = out.capacity();
        encode(publish, ProtocolVersion::v311, out);
        if (out.capacity() != capacity) ++reallocations;
    }
    CHECK(out.size() == 2000 * encode(publish).size());
    CHECK(reallocations <= 16);
}
