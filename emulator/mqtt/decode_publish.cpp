// PUBLISH (§3.3) and the acknowledgements that carry only a packet identifier: PUBACK, PUBREC,
// PUBREL, PUBCOMP (§3.4–3.7) and UNSUBACK (§3.11). Refusing QoS 2 is the broker's job, not ours.
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {

BodyResult decode_publish(std::uint8_t flags, Reader body) {
    // The fixed header's flags were checked by the framing: QoS is 0..2, DUP only with QoS > 0.
    Publish publish;
    publish.dup = (flags & 0x08) != 0;
    publish.qos = static_cast<QoS>((flags >> 1) & 0x03);
    publish.retain = (flags & 0x01) != 0;

    auto topic = read_string(body, "PUBLISH topic name");
    if (!topic) return Unexpected{std::move(topic).error()};
    if (!is_valid_topic_name(*topic))  // [MQTT-3.3.2-2], [MQTT-4.7.3-1]
        return fail(Errc::topic_name_invalid,
                    "PUBLISH topic name is empty or contains a wildcard ('+' or '#')");
    publish.topic = std::move(*topic);

    if (publish.qos != QoS::at_most_once) {  // [MQTT-2.3.1-5]: only QoS 1 and 2 carry an id
        auto id = read_packet_id(body, "PUBLISH");
        if (!id) return Unexpected{std::move(id).error()};
        publish.packet_id = *id;
    }
    publish.payload = to_bytes(body.rest());  // §3.3.3: the rest, possibly empty
    return Packet{std::move(publish)};
}

BodyResult decode_ack(PacketType type, Reader body) {
    const auto name = describe(type);
    if (body.remaining() != 2)  // §3.4.1, 3.5.1, 3.6.1, 3.7.1, 3.11.1
        return fail(Errc::malformed_packet, std::string(name) + " remaining length is not 2");
    auto id = read_packet_id(body, name);
    if (!id) return Unexpected{std::move(id).error()};
    switch (type) {
        case PacketType::puback:
            return Packet{Puback{*id}};
        case PacketType::pubrec:
            return Packet{Pubrec{*id}};
        case PacketType::pubrel:
            return Packet{Pubrel{*id}};
        case PacketType::pubcomp:
            return Packet{Pubcomp{*id}};
        default:
            return Packet{Unsuback{*id}};
    }
}

}  // namespace iotemu::mqtt::detail
