// MQTT 5 packets the decoder refuses, each with the reason code the server's CONNACK or
// DISCONNECT carries: malformed properties (unknown, in the wrong packet, cut off, of the wrong
// type), repeated ones and values their rules forbid (protocol errors), reason codes a packet may
// not carry, subscription options and AUTH.
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

constexpr auto malformed = ReasonCode::malformed_packet;
constexpr auto protocol = ReasonCode::protocol_error;

using Row = std::tuple<std::string, std::vector<std::byte>, ReasonCode>;

// A v5 CONNECT "MQTT" level 5, clean start, keep alive 0, client id "c", with these properties.
std::vector<std::byte> connect_with(std::initializer_list<int> properties) {
    auto body = bytes({0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 0});
    body.push_back(static_cast<std::byte>(properties.size()));
    for (const int value : properties) body.push_back(static_cast<std::byte>(value));
    for (const auto byte : bytes({0, 1, 'c'})) body.push_back(byte);
    auto wire = bytes({0x10, static_cast<int>(body.size())});
    wire.insert(wire.end(), body.begin(), body.end());
    return wire;
}

// A v5 QoS 0 PUBLISH to "t" with these properties and payload "p".
std::vector<std::byte> publish_with(std::initializer_list<int> properties) {
    auto body = bytes({0, 1, 't'});
    body.push_back(static_cast<std::byte>(properties.size()));
    for (const int value : properties) body.push_back(static_cast<std::byte>(value));
    body.push_back(std::byte{'p'});
    auto wire = bytes({0x30, static_cast<int>(body.size())});
    wire.insert(wire.end(), body.begin(), body.end());
    return wire;
}

void check_refused(const std::vector<std::byte>& wire, ReasonCode expected) {
    Decoder decoder{test_max_packet_size, ProtocolVersion::v5};
    feed(decoder, wire);
    const auto result = decoder.next();
    if (const auto* error = std::get_if<DecodeError>(&result)) INFO("message: " << error->message);
    CHECK(error_of(result) == expected);
}

}  // namespace

TEST_CASE(
    "An MQTT 5 property the packet may not carry, or that MQTT 5 does not define, is "
    "malformed") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"Topic Alias in CONNECT", connect_with({0x23, 0x00, 0x01}), malformed},
            Row{"Reason String in CONNECT", connect_with({0x1F, 0, 1, 'x'}), malformed},
            Row{"Will Delay Interval in CONNECT", connect_with({0x18, 0, 0, 0, 1}), malformed},
            Row{"Session Expiry Interval in PUBLISH", publish_with({0x11, 0, 0, 0, 1}), malformed},
            Row{"Maximum QoS in PUBLISH", publish_with({0x24, 0x01}), malformed},
            Row{"identifier 0x7F", connect_with({0x7F, 0x00}), malformed},
            Row{"identifier 0x00", publish_with({0x00}), malformed},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A property cut off or not of its type is malformed") {
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        Row{"four-byte integer with three bytes", connect_with({0x11, 0, 0, 1}), malformed},
        Row{"string running past the properties", publish_with({0x03, 0, 5, 'a', 'b'}), malformed},
        Row{"string that is not UTF-8", publish_with({0x03, 0, 2, 0xC3, 0x28}), malformed},
        Row{"user property without its value", publish_with({0x26, 0, 1, 'k'}), malformed},
        Row{"variable byte integer of five bytes",
            publish_with({0x0B, 0x80, 0x80, 0x80, 0x80, 0x01}), malformed},
        Row{"property length past the packet", bytes({0x30, 0x05, 0, 1, 't', 0x10, 0x01}),
            malformed},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A property given twice, or a value its rule forbids, is a protocol error") {
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        Row{"Session Expiry Interval twice", connect_with({0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2}),
            protocol},
        Row{"Content Type twice", publish_with({0x03, 0, 1, 'a', 0x03, 0, 1, 'b'}), protocol},
        Row{"Payload Format Indicator 2", publish_with({0x01, 0x02}), protocol},
        Row{"Request Problem Information 2", connect_with({0x17, 0x02}), protocol},
        Row{"Receive Maximum 0", connect_with({0x21, 0, 0}), protocol},
        Row{"Maximum Packet Size 0", connect_with({0x27, 0, 0, 0, 0}), protocol},
        Row{"Subscription Identifier 0", publish_with({0x0B, 0x00}), protocol},
        Row{"Authentication Data without a method", connect_with({0x16, 0, 1, 'x'}), protocol},
        Row{"Response Topic with a wildcard", publish_with({0x08, 0, 3, 'a', '/', '#'}),
            ReasonCode::topic_name_invalid},
        Row{"empty topic without a Topic Alias", bytes({0x30, 0x04, 0, 0, 0x00, 'p'}), protocol},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("User properties and subscription identifiers may repeat where MQTT 5 allows") {
    Decoder decoder{test_max_packet_size, ProtocolVersion::v5};
    feed(decoder,
         publish_with({0x26, 0, 1, 'k', 0, 1, '1', 0x26, 0, 1, 'k', 0, 1, '2', 0x0B, 1, 0x0B, 2}));
    const auto publish = packet_as<Publish>(decoder.next());
    CHECK(publish.properties.user_properties == UserProperties{{"k", "1"}, {"k", "2"}});
    CHECK(publish.subscription_identifiers == std::vector<std::uint32_t>{1, 2});
}

TEST_CASE("A reason code the packet may not carry is malformed") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"PUBACK 0x8E", bytes({0x40, 0x03, 0, 1, 0x8E}), malformed},
            Row{"PUBACK 0x01", bytes({0x40, 0x03, 0, 1, 0x01}), malformed},
            Row{"PUBREL 0x87", bytes({0x62, 0x03, 0, 1, 0x87}), malformed},
            Row{"DISCONNECT 0x01", bytes({0xE0, 0x01, 0x01}), malformed},
            Row{"DISCONNECT 0xFF", bytes({0xE0, 0x01, 0xFF}), malformed},
            Row{"SUBACK 0x8E", bytes({0x90, 0x04, 0, 1, 0x00, 0x8E}), malformed},
            Row{"CONNACK 0x8E", bytes({0x20, 0x03, 0x00, 0x8E, 0x00}), malformed},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("MQTT 5 subscription options with reserved bits or retain handling 3 are refused") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"reserved bit 6", bytes({0x82, 0x07, 0, 1, 0x00, 0, 1, 'a', 0x40}), malformed},
            Row{"QoS 3", bytes({0x82, 0x07, 0, 1, 0x00, 0, 1, 'a', 0x03}), malformed},
            Row{"retain handling 3", bytes({0x82, 0x07, 0, 1, 0x00, 0, 1, 'a', 0x30}), protocol},
            Row{"No Local on a shared subscription",
                bytes({0x82, 0x10, 0, 1, 0x00, 0, 10, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/',
                       'a', 0x04}),
                protocol},
            Row{"no filters", bytes({0x82, 0x03, 0, 1, 0x00}), protocol},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("An AUTH packet is a protocol error: there is no enhanced authentication") {
    check_refused(bytes({0xF0, 0x00}), protocol);
}

TEST_CASE("A CONNECT's protocol level sets the version the rest of the stream is read in") {
    Decoder decoder{test_max_packet_size};
    CHECK(decoder.version() == ProtocolVersion::v311);
    feed(decoder, connect_with({}));
    feed(decoder, bytes({0x40, 0x03, 0, 1, 0x10}));  // a PUBACK with a reason code: 5 only
    CHECK(packet_as<Connect>(decoder.next()).protocol_level == 5);
    CHECK(decoder.version() == ProtocolVersion::v5);
    CHECK(packet_as<Puback>(decoder.next()).reason_code == ReasonCode::no_matching_subscribers);
}

TEST_CASE("A refused MQTT 5 CONNECT leaves the decoder in version 5, so the CONNACK can be too") {
    Decoder decoder{test_max_packet_size};
    feed(decoder, connect_with({0x21, 0, 0}));  // Receive Maximum 0
    CHECK(error_of(decoder.next()) == protocol);
    CHECK(decoder.version() == ProtocolVersion::v5);
}
