// The connection's first and last packets: CONNECT, CONNACK and DISCONNECT (§3.1, §3.2, §3.14),
// MQTT 3.1.1 and 5, checked in the spec's field order so the first problem a client would see in
// a packet dump is the one reported.
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {
namespace {

// Connect flags, §3.1.2.3.
constexpr std::uint8_t user_name_flag = 0x80;
constexpr std::uint8_t password_flag = 0x40;
constexpr std::uint8_t will_retain_flag = 0x20;
constexpr std::uint8_t will_qos_mask = 0x18;
constexpr int will_qos_shift = 3;
constexpr std::uint8_t will_flag = 0x04;
constexpr std::uint8_t clean_session_flag = 0x02;
constexpr std::uint8_t reserved_flag = 0x01;

// Echoing a client's bytes into a log: bounded, and only once they are known to be valid UTF-8.
std::string quoted(std::string_view text) {
    constexpr std::size_t shown = 32;
    return '"' + std::string(text.substr(0, shown)) + (text.size() > shown ? "...\"" : "\"");
}

}  // namespace

BodyResult decode_connect(Reader body, ProtocolVersion& version) {
    Connect connect;
    auto name = read_string(body, "CONNECT protocol name");
    if (!name) return Unexpected{std::move(name).error()};
    // [MQTT-3.1.2-1]: another protocol's name means this is not MQTT; close without a CONNACK.
    if (*name != "MQTT" && *name != "MQIsdp")
        return fail(ReasonCode::protocol_error, "CONNECT protocol name " + quoted(*name) +
                                                    " is neither \"MQTT\" nor \"MQIsdp\"");
    connect.protocol_name = std::move(*name);

    const auto level = body.u8();
    if (!level) return fail(ReasonCode::malformed_packet, "CONNECT protocol level is cut off");
    connect.protocol_level = *level;
    // [MQTT-3.1.2-2]: an unsupported level is answered with CONNACK 0x01 (3.1.1's shape, which
    // every client can read). Checked before the flags, because another protocol may lay out
    // the rest differently.
    const bool v5 = connect.protocol_name == "MQTT" && *level == 5;
    const bool v311 = connect.protocol_name == "MQTT" && *level == 4;
    const bool v31 = connect.protocol_name == "MQIsdp" && *level == 3;
    if (!v5 && !v311 && !v31)
        return fail(ReasonCode::unsupported_protocol_version,
                    "CONNECT protocol " + connect.protocol_name + " level " +
                        std::to_string(*level) + " is not supported (MQTT 5, 3.1.1 and 3.1 are)");
    version = connect.version();

    const auto flags = body.u8();
    if (!flags) return fail(ReasonCode::malformed_packet, "CONNECT flags are cut off");
    if (*flags & reserved_flag)  // [MQTT-3.1.2-3]
        return fail(ReasonCode::malformed_packet, "CONNECT reserved flag is set");
    connect.clean_session = (*flags & clean_session_flag) != 0;
    const bool has_will = (*flags & will_flag) != 0;
    const auto will_qos = static_cast<std::uint8_t>((*flags & will_qos_mask) >> will_qos_shift);
    const bool will_retain = (*flags & will_retain_flag) != 0;
    if (!has_will && (will_qos != 0 || will_retain))  // [MQTT-3.1.2-11], -13, -15
        return fail(ReasonCode::malformed_packet, "CONNECT will QoS or retain set without a will");
    if (will_qos == 3)  // [MQTT-3.1.2-14]
        return fail(ReasonCode::malformed_packet, "CONNECT will QoS is 3");
    const bool has_user_name = (*flags & user_name_flag) != 0;
    const bool has_password = (*flags & password_flag) != 0;
    if (has_password && !has_user_name && !v5)  // [MQTT-3.1.2-22]; MQTT 5 allows it
        return fail(ReasonCode::malformed_packet,
                    "CONNECT password flag set without user name flag");

    const auto keep_alive = body.u16();
    if (!keep_alive) return fail(ReasonCode::malformed_packet, "CONNECT keep alive is cut off");
    connect.keep_alive = *keep_alive;
    if (v5) {
        if (auto ok = read_properties_into(body, PropertyScope::connect, connect.properties); !ok)
            return Unexpected{ok.error()};
        const auto& properties = connect.properties;
        if (properties.authentication_data && !properties.authentication_method)  // §3.1.2.11.10
            return fail(ReasonCode::protocol_error,
                        "CONNECT has Authentication Data without an Authentication Method");
    }

    // Payload fields, in this order, present as the flags say [MQTT-3.1.3-1].
    auto client_id = read_string(body, "CONNECT client identifier");
    if (!client_id) return Unexpected{std::move(client_id).error()};
    connect.client_id = std::move(*client_id);

    if (has_will) {
        Will will{.qos = static_cast<QoS>(will_qos), .retain = will_retain};
        if (v5) {
            if (auto ok = read_properties_into(body, PropertyScope::will, will); !ok)
                return Unexpected{ok.error()};
        }
        auto topic = read_string(body, "CONNECT will topic");
        if (!topic) return Unexpected{std::move(topic).error()};
        if (!is_valid_topic_name(*topic))  // [MQTT-3.1.3-10] and §4.7
            return fail(ReasonCode::topic_name_invalid,
                        "CONNECT will topic " + quoted(*topic) + " is not a valid topic name");
        auto message = read_binary(body, "CONNECT will message");
        if (!message) return Unexpected{std::move(message).error()};
        will.topic = std::move(*topic);
        will.payload = std::move(*message);
        connect.will = std::move(will);
    }
    if (has_user_name) {
        auto user_name = read_string(body, "CONNECT user name");
        if (!user_name) return Unexpected{std::move(user_name).error()};
        connect.username = std::move(*user_name);
    }
    if (has_password) {
        auto password = read_binary(body, "CONNECT password");
        if (!password) return Unexpected{std::move(password).error()};
        connect.password = std::move(*password);
    }
    if (auto end = expect_end(body, "CONNECT"); !end) return Unexpected{end.error()};
    return Packet{std::move(connect)};
}

BodyResult decode_connack(Reader body, ProtocolVersion version) {
    Connack connack;
    const auto acknowledge_flags = body.u8();
    if (!acknowledge_flags)
        return fail(ReasonCode::malformed_packet, "CONNACK acknowledge flags are cut off");
    if (*acknowledge_flags & 0xFE)  // [MQTT-3.2.2-1]
        return fail(ReasonCode::malformed_packet, "CONNACK reserved acknowledge flags are set");
    connack.session_present = (*acknowledge_flags & 0x01) != 0;
    if (version == ProtocolVersion::v311) {
        const auto return_code = body.u8();
        if (!return_code || body.remaining() != 0)  // §3.2.1: remaining length is always 2
            return fail(ReasonCode::malformed_packet, "CONNACK remaining length is not 2");
        if (*return_code > static_cast<std::uint8_t>(ConnectReturnCode::not_authorized))
            return fail(ReasonCode::malformed_packet,
                        "CONNACK return code " + std::to_string(*return_code) + " is reserved");
        connack.reason_code = reason_code_for(static_cast<ConnectReturnCode>(*return_code));
    } else {
        auto code = read_reason_code(body, PacketType::connack);
        if (!code) return Unexpected{code.error()};
        connack.reason_code = *code;
        if (auto ok = read_properties_into(body, PropertyScope::connack, connack.properties); !ok)
            return Unexpected{ok.error()};
        if (auto end = expect_end(body, "CONNACK"); !end) return Unexpected{end.error()};
    }
    if (connack.session_present && connack.reason_code != ReasonCode::success)
        return fail(ReasonCode::protocol_error,  // [MQTT-3.2.2-4], [MQTT-3.2.2-6]
                    "CONNACK refuses the connection but says a session is present");
    return Packet{std::move(connack)};
}

BodyResult decode_disconnect(Reader body, ProtocolVersion version) {
    Disconnect disconnect;
    if (version == ProtocolVersion::v311) {
        if (body.remaining() != 0)  // §3.14.1
            return fail(ReasonCode::malformed_packet, "DISCONNECT remaining length is not 0");
        return Packet{disconnect};
    }
    // MQTT 5 §3.14.2.1: an empty DISCONNECT is a normal disconnection; the properties may be
    // left out too.
    if (body.remaining() > 0) {
        auto code = read_reason_code(body, PacketType::disconnect);
        if (!code) return Unexpected{code.error()};
        disconnect.reason_code = *code;
    }
    if (body.remaining() > 0) {
        if (auto ok = read_properties_into(body, PropertyScope::disconnect, disconnect.properties);
            !ok)
            return Unexpected{ok.error()};
        if (auto end = expect_end(body, "DISCONNECT"); !end) return Unexpected{end.error()};
    }
    return Packet{std::move(disconnect)};
}

}  // namespace iotemu::mqtt::detail
