// PUBLISH (§3.3) and its acknowledgements PUBACK, PUBREC, PUBREL, PUBCOMP (§3.4–3.7), MQTT 3.1.1
// and 5. Refusing QoS 2, and resolving topic aliases, is the protocol's job, not ours.
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {

BodyResult decode_publish(std::uint8_t flags, Reader body, ProtocolVersion version) {
    // The fixed header's flags were checked by the framing: QoS is 0..2, DUP only with QoS > 0.
    Publish publish;
    publish.dup = (flags & 0x08) != 0;
    publish.qos = static_cast<QoS>((flags >> 1) & 0x03);
    publish.retain = (flags & 0x01) != 0;

    auto topic = read_string(body, "PUBLISH topic name");
    if (!topic) return Unexpected{std::move(topic).error()};
    // MQTT 5 lets a topic alias stand for the name (§3.3.2.3.4): empty is checked below.
    const bool alias_only = version == ProtocolVersion::v5 && topic->empty();
    if (!alias_only && !is_valid_topic_name(*topic))  // [MQTT-3.3.2-2], [MQTT-4.7.3-1]
        return fail(ReasonCode::topic_name_invalid,
                    "PUBLISH topic name is empty or contains a wildcard ('+' or '#')");
    publish.topic = std::move(*topic);

    if (publish.qos != QoS::at_most_once) {  // [MQTT-2.3.1-5]: only QoS 1 and 2 carry an id
        auto id = read_packet_id(body, "PUBLISH");
        if (!id) return Unexpected{std::move(id).error()};
        publish.packet_id = *id;
    }
    if (version == ProtocolVersion::v5) {
        if (auto ok = read_properties_into(body, PropertyScope::publish, publish); !ok)
            return Unexpected{ok.error()};
        if (alias_only && !publish.topic_alias)  // §3.3.2.3.4
            return fail(ReasonCode::protocol_error,
                        "PUBLISH has an empty topic name and no topic alias");
    }
    publish.payload = to_bytes(body.rest());  // §3.3.3: the rest, possibly empty
    return Packet{std::move(publish)};
}

BodyResult decode_ack(PacketType type, Reader body, ProtocolVersion version) {
    const auto name = describe(type);
    if (version == ProtocolVersion::v311 && body.remaining() != 2)  // §3.4.1 … 3.7.1
        return fail(ReasonCode::malformed_packet, std::string(name) + " remaining length is not 2");
    auto id = read_packet_id(body, name);
    if (!id) return Unexpected{std::move(id).error()};
    ReasonCode code = ReasonCode::success;
    AckProperties properties;
    // MQTT 5 §3.4.2.1: the reason code may be left out when it is Success, and the properties
    // when there are none.
    if (body.remaining() > 0) {
        auto read = read_reason_code(body, type);
        if (!read) return Unexpected{read.error()};
        code = *read;
    }
    if (body.remaining() > 0) {
        if (auto ok = read_properties_into(body, PropertyScope::ack, properties); !ok)
            return Unexpected{ok.error()};
        if (auto end = expect_end(body, name); !end) return Unexpected{end.error()};
    }
    switch (type) {
        case PacketType::puback:
            return Packet{Puback{*id, code, std::move(properties)}};
        case PacketType::pubrec:
            return Packet{Pubrec{*id, code, std::move(properties)}};
        case PacketType::pubrel:
            return Packet{Pubrel{*id, code, std::move(properties)}};
        default:
            return Packet{Pubcomp{*id, code, std::move(properties)}};
    }
}

}  // namespace iotemu::mqtt::detail
