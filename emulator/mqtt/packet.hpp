// MQTT 3.1.1 and 5.0 control packets as plain values, one struct per packet type, and Packet,
// their variant. MQTT 5's properties and reason codes are members that a 3.1.1 packet leaves
// empty. Owns no bytes on the wire and no behaviour: the codec turns these into bytes and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/message_properties.hpp"
#include "mqtt/reason_code.hpp"

namespace iotemu::mqtt {

// Every member has a default, so designated initialisers may name only what matters
// (`Publish{.topic = "a", .payload = …}`) without -Wmissing-field-initializers. An MQTT 5
// property is an optional (or an empty list) when absent, so the codec writes exactly what it is
// given; the protocol applies the spec's defaults.

using Bytes = std::vector<std::byte>;  // binary data: payloads, passwords
using PacketId = std::uint16_t;        // never 0 on the wire [MQTT-2.3.1-1]
using UserProperties = std::vector<UserProperty>;

// The CONNECT's protocol level (§3.1.2.2). MQTT 3.1 ("MQIsdp", level 3) is spoken as 3.1.1.
enum class ProtocolVersion : std::uint8_t { v311 = 4, v5 = 5 };

// The control packet type, i.e. the high nibble of the fixed header (§2.2.1).
enum class PacketType : std::uint8_t {
    connect = 1,
    connack = 2,
    publish = 3,
    puback = 4,
    pubrec = 5,
    pubrel = 6,
    pubcomp = 7,
    subscribe = 8,
    suback = 9,
    unsubscribe = 10,
    unsuback = 11,
    pingreq = 12,
    pingresp = 13,
    disconnect = 14,
};

// AWS supports QoS 0 and 1 only (docs/aws/iot-core.md §6.2); 2 exists so it can be decoded and
// refused.
enum class QoS : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

struct Will {
    std::string topic{};
    Bytes payload{};
    QoS qos = QoS::at_most_once;
    bool retain = false;
    MessageProperties properties{};                 // MQTT 5 will properties (§3.1.3.2)
    std::optional<std::uint32_t> delay_interval{};  // seconds, MQTT 5
    bool operator==(const Will&) const = default;
};

struct ConnectProperties {                                   // MQTT 5 §3.1.2.11
    std::optional<std::uint32_t> session_expiry_interval{};  // seconds; absent means 0
    std::optional<std::uint16_t> receive_maximum{};          // never 0
    std::optional<std::uint32_t> maximum_packet_size{};      // never 0
    std::optional<std::uint16_t> topic_alias_maximum{};      // absent means 0: none to the client
    std::optional<bool> request_response_information{};
    std::optional<bool> request_problem_information{};  // absent means 1
    UserProperties user_properties{};
    std::optional<std::string> authentication_method{};
    std::optional<Bytes> authentication_data{};
    bool operator==(const ConnectProperties&) const = default;
};

// §3.1. "MQIsdp"/3 is MQTT 3.1, accepted alongside "MQTT"/4 and "MQTT"/5 because old clients
// still send it.
struct Connect {
    std::string protocol_name = "MQTT";
    std::uint8_t protocol_level = 4;
    bool clean_session = true;     // MQTT 5 calls it Clean Start
    std::uint16_t keep_alive = 0;  // seconds; AWS clamps it to 30..1200 (docs/aws/iot-core.md §6.3)
    std::string client_id{};
    std::optional<Will> will{};
    std::optional<std::string> username{};
    std::optional<Bytes> password{};  // only with a username in 3.1.1 [MQTT-3.1.2-22]
    ConnectProperties properties{};
    bool operator==(const Connect&) const = default;

    ProtocolVersion version() const {
        return protocol_level == 5 ? ProtocolVersion::v5 : ProtocolVersion::v311;
    }
};

struct ConnackProperties {  // MQTT 5 §3.2.2.3
    std::optional<std::uint32_t> session_expiry_interval{};
    std::optional<std::uint16_t> receive_maximum{};
    std::optional<std::uint8_t> maximum_qos{};
    std::optional<bool> retain_available{};
    std::optional<std::uint32_t> maximum_packet_size{};
    std::optional<std::string> assigned_client_identifier{};
    std::optional<std::uint16_t> topic_alias_maximum{};
    std::optional<std::string> reason_string{};
    UserProperties user_properties{};
    std::optional<bool> wildcard_subscription_available{};
    std::optional<bool> subscription_identifiers_available{};
    std::optional<bool> shared_subscription_available{};
    std::optional<std::uint16_t> server_keep_alive{};
    std::optional<std::string> response_information{};
    std::optional<std::string> server_reference{};
    std::optional<std::string> authentication_method{};
    std::optional<Bytes> authentication_data{};
    bool operator==(const ConnackProperties&) const = default;
};

// §3.2. MQTT 3.1.1 carries the reason code as its return code (connect_return_code_for).
struct Connack {
    bool session_present = false;
    ReasonCode reason_code = ReasonCode::success;
    ConnackProperties properties{};
    bool operator==(const Connack&) const = default;
};

// §3.3. packet_id is meaningful (and non-zero) only when qos > 0. An MQTT 5 PUBLISH may name its
// topic by an alias only (topic empty).
struct Publish {
    bool dup = false;
    QoS qos = QoS::at_most_once;
    bool retain = false;
    std::string topic{};
    PacketId packet_id = 0;
    Bytes payload{};
    MessageProperties properties{};              // MQTT 5: what travels with the message end to end
    std::optional<std::uint16_t> topic_alias{};  // MQTT 5, per hop
    std::vector<std::uint32_t> subscription_identifiers{};  // MQTT 5, server to client only
    bool operator==(const Publish&) const = default;
};

// The properties of the acknowledgements (PUBACK … PUBCOMP, SUBACK, UNSUBACK), MQTT 5.
struct AckProperties {
    std::optional<std::string> reason_string{};
    UserProperties user_properties{};
    bool operator==(const AckProperties&) const = default;
};

struct Puback {  // §3.4
    PacketId packet_id = 0;
    ReasonCode reason_code = ReasonCode::success;  // MQTT 5
    AckProperties properties{};
    bool operator==(const Puback&) const = default;
};

// §3.5–3.7, the QoS 2 flow. AWS does not support it (docs/aws/iot-core.md §6.2): decoded only to
// be refused.
struct Pubrec {
    PacketId packet_id = 0;
    ReasonCode reason_code = ReasonCode::success;
    AckProperties properties{};
    bool operator==(const Pubrec&) const = default;
};
struct Pubrel {
    PacketId packet_id = 0;
    ReasonCode reason_code = ReasonCode::success;
    AckProperties properties{};
    bool operator==(const Pubrel&) const = default;
};
struct Pubcomp {
    PacketId packet_id = 0;
    ReasonCode reason_code = ReasonCode::success;
    AckProperties properties{};
    bool operator==(const Pubcomp&) const = default;
};

// MQTT 5 §3.8.3.1: when retained messages are sent for a new subscription.
enum class RetainHandling : std::uint8_t { send = 0, send_if_new = 1, do_not_send = 2 };

struct Subscription {
    std::string filter{};
    QoS qos = QoS::at_most_once;  // the maximum QoS requested
    // MQTT 5 subscription options (§3.8.3.1); 3.1.1 has only the QoS.
    bool no_local = false;
    bool retain_as_published = false;
    RetainHandling retain_handling = RetainHandling::send;
    bool operator==(const Subscription&) const = default;
};

struct Subscribe {  // §3.8; never empty on the wire [MQTT-3.8.3-3]
    PacketId packet_id = 0;
    std::vector<Subscription> subscriptions{};
    std::optional<std::uint32_t> subscription_identifier{};  // MQTT 5 (AWS refuses it)
    UserProperties user_properties{};                        // MQTT 5
    bool operator==(const Subscribe&) const = default;
};

// §3.9.3: one per requested filter, in order: success (granted QoS 0), granted_qos_1,
// granted_qos_2, or a failure (3.1.1 has only 0x80 for every failure).
struct Suback {
    PacketId packet_id = 0;
    std::vector<ReasonCode> reason_codes{};
    AckProperties properties{};
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {  // §3.10; never empty on the wire [MQTT-3.10.3-2]
    PacketId packet_id = 0;
    std::vector<std::string> filters{};
    UserProperties user_properties{};  // MQTT 5
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {  // §3.11
    PacketId packet_id = 0;
    std::vector<ReasonCode> reason_codes{};  // MQTT 5 only: one per filter
    AckProperties properties{};
    bool operator==(const Unsuback&) const = default;
};

struct Pingreq {  // §3.12
    bool operator==(const Pingreq&) const = default;
};
struct Pingresp {  // §3.13
    bool operator==(const Pingresp&) const = default;
};

struct DisconnectProperties {  // MQTT 5 §3.14.2.2
    std::optional<std::uint32_t> session_expiry_interval{};
    std::optional<std::string> reason_string{};
    UserProperties user_properties{};
    std::optional<std::string> server_reference{};
    bool operator==(const DisconnectProperties&) const = default;
};

struct Disconnect {  // §3.14; MQTT 5 adds the reason and properties, in either direction
    ReasonCode reason_code = ReasonCode::success;
    DisconnectProperties properties{};
    bool operator==(const Disconnect&) const = default;
};

// Alternatives are in packet-type order, so index() + 1 is the PacketType.
using Packet = std::variant<Connect, Connack, Publish, Puback, Pubrec, Pubrel, Pubcomp, Subscribe,
                            Suback, Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect>;

inline PacketType type_of(const Packet& packet) {
    return static_cast<PacketType>(packet.index() + 1);
}

// "CONNECT", "PUBLISH", … for logs.
std::string_view describe(PacketType type);

}  // namespace iotemu::mqtt
