// Malformed and forbidden input, table by table: each row is wire bytes and the reason code the
// decoder must give (MQTT 5 reason bytes; spec rule cited per row). Never a throw, never a packet.
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"
#include "mqtt/decoder.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

constexpr auto malformed = ReasonCode::malformed_packet;
constexpr auto protocol = ReasonCode::protocol_error;
constexpr auto bad_topic = ReasonCode::topic_name_invalid;
constexpr auto bad_filter = ReasonCode::topic_filter_invalid;
constexpr auto bad_version = ReasonCode::unsupported_protocol_version;

using Row = std::tuple<std::string, std::vector<std::byte>, ReasonCode>;

// The input fed whole and fed byte by byte must fail the same way, and never yield a packet.
void check_refused(const std::vector<std::byte>& wire, ReasonCode expected) {
    CHECK(error_of(decode_one(wire)) == expected);

    Decoder decoder{test_max_packet_size};
    DecodeResult result = NeedMore{};
    for (std::size_t i = 0; i < wire.size() && std::holds_alternative<NeedMore>(result); ++i) {
        feed(decoder, std::span(wire).subspan(i, 1));
        result = decoder.next();
    }
    CHECK(error_of(result) == expected);
}

}  // namespace

TEST_CASE("Reserved packet types and wrong fixed-header flags are refused from the first byte") {
    // [MQTT-2.2.2-1/2]: flags are 0 except PUBLISH, and 0b0010 for PUBREL, SUBSCRIBE, UNSUBSCRIBE.
    const auto [what, first_byte] = GENERATE(table<std::string, int>({
        {"reserved type 0", 0x00},
        {"reserved type 15 (MQTT 5 AUTH)", 0xF0},
        {"CONNECT with flags 0b0001", 0x11},
        {"CONNACK with flags 0b0010", 0x22},
        {"PUBLISH with QoS 3 [MQTT-3.3.1-4]", 0x36},
        {"PUBLISH with QoS 3 and retain", 0x37},
        {"PUBLISH with DUP at QoS 0 [MQTT-3.3.1-2]", 0x38},
        {"PUBACK with flags 0b0001", 0x41},
        {"PUBREC with flags 0b1000", 0x58},
        {"PUBREL with flags 0b0000 [MQTT-3.6.1-1]", 0x60},
        {"PUBCOMP with flags 0b0010", 0x72},
        {"SUBSCRIBE with flags 0b0000 [MQTT-3.8.1-1]", 0x80},
        {"SUBSCRIBE with flags 0b0011", 0x83},
        {"SUBACK with flags 0b0001", 0x91},
        {"UNSUBSCRIBE with flags 0b0000 [MQTT-3.10.1-1]", 0xA0},
        {"UNSUBACK with flags 0b0100", 0xB4},
        {"PINGREQ with flags 0b0010", 0xC2},
        {"PINGRESP with flags 0b0001", 0xD1},
        {"DISCONNECT with flags 0b1000", 0xE8},
    }));
    INFO(what);
    CHECK(error_of(decode_one(bytes({first_byte}))) == malformed);
}

TEST_CASE("A remaining length longer than four bytes is malformed") {
    // §2.2.3: the fourth length byte may not have its continuation bit set.
    const auto wire =
        GENERATE(bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF}), bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}),
                 bytes({0xC0, 0x80, 0x80, 0x80, 0x80, 0x00}));
    check_refused(wire, malformed);
}

TEST_CASE("Packets of a fixed size with another remaining length are malformed") {
    const auto [what, wire] = GENERATE(table<std::string, std::vector<std::byte>>({
        {"CONNACK of 3", bytes({0x20, 0x03, 0x00, 0x00, 0x00})},
        {"PUBACK of 3", bytes({0x40, 0x03, 0x00, 0x01, 0x00})},
        {"PUBREL of 1", bytes({0x62, 0x01, 0x01})},
        {"UNSUBACK of 0", bytes({0xB0, 0x00})},
        {"PINGREQ of 1", bytes({0xC0, 0x01, 0x00})},
        {"DISCONNECT of 2", bytes({0xE0, 0x02, 0x00, 0x00})},
        // Refused from the length alone: the announced body never needs to arrive.
        {"PINGREQ announcing 100 bytes", bytes({0xC0, 0x64})},
    }));
    INFO(what);
    check_refused(wire, malformed);
}

TEST_CASE("A CONNECT for another protocol or version is refused") {
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        // [MQTT-3.1.2-1]: not MQTT at all, so no CONNACK: protocol error.
        Row{"name MQTX", frame(0x10, {0, 4, 'M', 'Q', 'T', 'X', 4, 0x02, 0, 0, 0, 0}), protocol},
        Row{"name mqtt", frame(0x10, {0, 4, 'm', 'q', 't', 't', 4, 0x02, 0, 0, 0, 0}), protocol},
        Row{"empty name", frame(0x10, {0, 0, 4, 0x02, 0, 0, 0, 0}), protocol},
        // [MQTT-3.1.2-2]: MQTT, but a level we do not speak: CONNACK 0x01.
        Row{"MQTT level 3", frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 3, 0x02, 0, 0, 0, 0}),
            bad_version},
        Row{"MQTT level 6", frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 0, 0, 0, 0}),
            bad_version},
        Row{"MQTT level 2", frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 2, 0x02, 0, 0, 0, 0}),
            bad_version},
        Row{"MQIsdp level 4",
            frame(0x10, {0, 6, 'M', 'Q', 'I', 's', 'd', 'p', 4, 0x02, 0, 0, 0, 0}), bad_version},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A CONNECT with inconsistent flags or fields is refused") {
    // Header "MQTT" level 4, then flags, keep alive 0, and the payload.
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        Row{"reserved flag set [MQTT-3.1.2-3]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 0, 0, 1, 'c'}), malformed},
        Row{"will QoS without will [MQTT-3.1.2-13]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x0A, 0, 0, 0, 1, 'c'}), malformed},
        Row{"will retain without will [MQTT-3.1.2-15]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x22, 0, 0, 0, 1, 'c'}), malformed},
        Row{"will QoS 3 [MQTT-3.1.2-14]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x1E, 0, 0, 0, 1, 'c', 0, 1, 't', 0, 0}),
            malformed},
        Row{"password without user name [MQTT-3.1.2-22]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x42, 0, 0, 0, 1, 'c', 0, 1, 'p'}),
            malformed},
        Row{"client id longer than the packet",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 9, 'c'}), malformed},
        Row{"keep alive cut off", frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0}), malformed},
        Row{"protocol name cut off", frame(0x10, {0, 4, 'M', 'Q'}), malformed},
        Row{"will flag but no will topic",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x06, 0, 0, 0, 1, 'c'}), malformed},
        Row{"user name flag but no user name",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x82, 0, 0, 0, 1, 'c'}), malformed},
        Row{"a byte after the last field",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 1, 'c', 0}), malformed},
        Row{"client id containing U+0000 [MQTT-1.5.3-2]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 2, 'c', 0x00}), malformed},
        Row{"client id with an overlong NUL (C0 80)",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 2, 0xC0, 0x80}), malformed},
        Row{"client id with a surrogate (ED A0 80) [MQTT-1.5.3-1]",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 3, 0xED, 0xA0, 0x80}),
            malformed},
        Row{"will topic with a wildcard",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x06, 0, 0, 0, 1, 'c', 0, 2, 'a', '#', 0, 0}),
            bad_topic},
        Row{"empty will topic",
            frame(0x10, {0, 4, 'M', 'Q', 'T', 'T', 4, 0x06, 0, 0, 0, 1, 'c', 0, 0, 0, 0}),
            bad_topic},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A CONNACK with reserved bits or codes is refused") {
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        Row{"reserved acknowledge flag [MQTT-3.2.2-1]", bytes({0x20, 0x02, 0x02, 0x00}), malformed},
        Row{"return code 6", bytes({0x20, 0x02, 0x00, 0x06}), malformed},
        Row{"session present on a refusal [MQTT-3.2.2-4]", bytes({0x20, 0x02, 0x01, 0x05}),
            protocol},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A PUBLISH with a bad topic or packet id is refused") {
    const auto [what, wire,
                expected] = GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
        Row{"'+' in the topic [MQTT-3.3.2-2]", frame(0x30, {0, 3, 'a', '/', '+'}), bad_topic},
        Row{"'#' in the topic [MQTT-3.3.2-2]", frame(0x30, {0, 3, 'a', '/', '#'}), bad_topic},
        Row{"'+' inside a level", frame(0x30, {0, 2, 'a', '+'}), bad_topic},
        Row{"empty topic [MQTT-4.7.3-1]", frame(0x30, {0, 0, 'x'}), bad_topic},
        Row{"U+0000 in the topic", frame(0x30, {0, 3, 'a', 0x00, 'b'}), malformed},
        Row{"a lone continuation byte in the topic", frame(0x30, {0, 1, 0x80}), malformed},
        Row{"a truncated 3-byte sequence", frame(0x30, {0, 2, 0xE2, 0x82}), malformed},
        Row{"a code point above U+10FFFF", frame(0x30, {0, 4, 0xF4, 0x90, 0x80, 0x80}), malformed},
        Row{"topic longer than the packet", frame(0x30, {0, 5, 'a'}), malformed},
        Row{"remaining length too short for a topic length", frame(0x30, {0}), malformed},
        Row{"QoS 1 with packet id 0 [MQTT-2.3.1-1]", frame(0x32, {0, 1, 't', 0, 0}), protocol},
        Row{"QoS 2 with packet id 0 [MQTT-2.3.1-1]", frame(0x34, {0, 1, 't', 0, 0, 'p'}), protocol},
        Row{"QoS 1 with the packet id cut off", frame(0x32, {0, 1, 't', 0}), malformed},
    }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("Acknowledgements with packet id 0 are refused") {
    const auto wire = GENERATE(bytes({0x40, 0x02, 0x00, 0x00}), bytes({0x50, 0x02, 0x00, 0x00}),
                               bytes({0x62, 0x02, 0x00, 0x00}), bytes({0x70, 0x02, 0x00, 0x00}),
                               bytes({0xB0, 0x02, 0x00, 0x00}));
    check_refused(wire, protocol);
}

TEST_CASE("A SUBSCRIBE that is empty or has a bad filter or QoS is refused") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"no filters [MQTT-3.8.3-3]", frame(0x82, {0, 1}), protocol},
            Row{"packet id 0 [MQTT-2.3.1-1]", frame(0x82, {0, 0, 0, 1, 'a', 0}), protocol},
            Row{"packet id cut off", frame(0x82, {0}), malformed},
            Row{"requested QoS 3 [MQTT-3-8.3-4]", frame(0x82, {0, 1, 0, 1, 'a', 3}), malformed},
            Row{"reserved bits in the QoS byte", frame(0x82, {0, 1, 0, 1, 'a', 0x04}), malformed},
            Row{"QoS byte missing", frame(0x82, {0, 1, 0, 1, 'a'}), malformed},
            Row{"second QoS byte missing", frame(0x82, {0, 1, 0, 1, 'a', 1, 0, 1, 'b'}), malformed},
            Row{"'#' not last [MQTT-4.7.1-2]",
                frame(0x82, {0, 1, 0, 5, 'a', '/', '#', '/', 'b', 0}), bad_filter},
            Row{"'#' inside a level", frame(0x82, {0, 1, 0, 2, 'a', '#', 0}), bad_filter},
            Row{"'+' inside a level [MQTT-4.7.1-3]", frame(0x82, {0, 1, 0, 3, 'a', '+', 'b', 0}),
                bad_filter},
            Row{"empty filter [MQTT-4.7.3-1]", frame(0x82, {0, 1, 0, 0, 0}), bad_filter},
            Row{"$share without a filter",
                frame(0x82, {0, 1, 0, 8, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', 0}), bad_filter},
            Row{"U+0000 in a filter", frame(0x82, {0, 1, 0, 2, 'a', 0x00, 0}), malformed},
            Row{"filter longer than the packet", frame(0x82, {0, 1, 0, 9, 'a', 0}), malformed},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("An UNSUBSCRIBE that is empty or has a bad filter is refused") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"no filters [MQTT-3.10.3-2]", frame(0xA2, {0, 1}), protocol},
            Row{"packet id 0", frame(0xA2, {0, 0, 0, 1, 'a'}), protocol},
            Row{"'#' not last", frame(0xA2, {0, 1, 0, 3, '#', '/', 'a'}), bad_filter},
            Row{"filter cut off", frame(0xA2, {0, 1, 0, 3, 'a'}), malformed},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("A SUBACK with no or reserved return codes is refused") {
    const auto [what, wire, expected] =
        GENERATE(table<std::string, std::vector<std::byte>, ReasonCode>({
            Row{"no return codes", frame(0x90, {0, 1}), protocol},
            Row{"return code 3 [MQTT-3.9.3-2]", frame(0x90, {0, 1, 0, 3}), malformed},
            Row{"return code 0x81", frame(0x90, {0, 1, 0x81}), malformed},
            Row{"packet id 0", frame(0x90, {0, 0, 0}), protocol},
        }));
    INFO(what);
    check_refused(wire, expected);
}

TEST_CASE("Every decode error carries a message for the log") {
    const auto result = decode_one(frame(0x30, {0, 3, 'a', '/', '+'}));
    REQUIRE(std::holds_alternative<DecodeError>(result));
    CHECK_THAT(std::get<DecodeError>(result).message, Catch::Contains("wildcard"));
}
