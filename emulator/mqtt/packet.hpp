// MQTT 3.1.1 control packets as plain values, one struct per packet type, and Packet, their
// variant. Owns no bytes on the wire and no behaviour: the codec turns these into bytes and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/error.hpp"

namespace iotemu::mqtt {

// Every member has a default, so designated initialisers may name only what matters
// (`Publish{.topic = "a", .payload = …}`) without -Wmissing-field-initializers.

using Bytes = std::vector<std::byte>;  // binary data: payloads, passwords
using PacketId = std::uint16_t;        // never 0 on the wire [MQTT-2.3.1-1]

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
    bool operator==(const Will&) const = default;
};

// §3.1. "MQIsdp"/3 is MQTT 3.1, accepted alongside "MQTT"/4 because old clients still send it.
struct Connect {
    std::string protocol_name = "MQTT";
    std::uint8_t protocol_level = 4;
    bool clean_session = true;
    std::uint16_t keep_alive = 0;  // seconds; AWS clamps it to 30..1200 (docs/aws/iot-core.md §6.3)
    std::string client_id{};
    std::optional<Will> will{};
    std::optional<std::string> username{};
    std::optional<Bytes> password{};  // only with a username in 3.1.1 [MQTT-3.1.2-22]
    bool operator==(const Connect&) const = default;
};

// §3.2.
struct Connack {
    bool session_present = false;
    ConnectReturnCode return_code = ConnectReturnCode::accepted;
    bool operator==(const Connack&) const = default;
};

// §3.3. packet_id is meaningful (and non-zero) only when qos > 0.
struct Publish {
    bool dup = false;
    QoS qos = QoS::at_most_once;
    bool retain = false;
    std::string topic{};
    PacketId packet_id = 0;
    Bytes payload{};
    bool operator==(const Publish&) const = default;
};

struct Puback {  // §3.4
    PacketId packet_id = 0;
    bool operator==(const Puback&) const = default;
};

// §3.5–3.7, the QoS 2 flow. AWS does not support it (docs/aws/iot-core.md §6.2): decoded only to be
// refused.
struct Pubrec {
    PacketId packet_id = 0;
    bool operator==(const Pubrec&) const = default;
};
struct Pubrel {
    PacketId packet_id = 0;
    bool operator==(const Pubrel&) const = default;
};
struct Pubcomp {
    PacketId packet_id = 0;
    bool operator==(const Pubcomp&) const = default;
};

struct Subscription {
    std::string filter{};
    QoS qos = QoS::at_most_once;  // the maximum QoS requested
    bool operator==(const Subscription&) const = default;
};

struct Subscribe {  // §3.8; never empty on the wire [MQTT-3.8.3-3]
    PacketId packet_id = 0;
    std::vector<Subscription> subscriptions{};
    bool operator==(const Subscribe&) const = default;
};

// §3.9.3: one per requested filter, in order.
enum class SubackReturnCode : std::uint8_t {
    granted_qos_0 = 0x00,
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    failure = 0x80,
};

struct Suback {
    PacketId packet_id = 0;
    std::vector<SubackReturnCode> return_codes{};
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {  // §3.10; never empty on the wire [MQTT-3.10.3-2]
    PacketId packet_id = 0;
    std::vector<std::string> filters{};
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {  // §3.11
    PacketId packet_id = 0;
    bool operator==(const Unsuback&) const = default;
};

struct Pingreq {  // §3.12
    bool operator==(const Pingreq&) const = default;
};
struct Pingresp {  // §3.13
    bool operator==(const Pingresp&) const = default;
};
struct Disconnect {  // §3.14
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
