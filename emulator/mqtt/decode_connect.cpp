// CONNECT and CONNACK bodies (§3.1, §3.2), checked in the spec's field order so the first
// problem a client would see in a packet dump is the one reported.
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

BodyResult decode_connect(Reader body) {
    Connect connect;
    auto name = read_string(body, "CONNECT protocol name");
    if (!name) return Unexpected{std::move(name).error()};
    // [MQTT-3.1.2-1]: another protocol's name means this is not MQTT; close without a CONNACK.
    if (*name != "MQTT" && *name != "MQIsdp")
        return fail(Errc::protocol_error, "CONNECT protocol name " + quoted(*name) +
                                              " is neither \"MQTT\" nor \"MQIsdp\"");
    connect.protocol_name = std::move(*name);

    const auto level = body.u8();
    if (!level) return fail(Errc::malformed_packet, "CONNECT protocol level is cut off");
    connect.protocol_level = *level;
    // [MQTT-3.1.2-2]: an unsupported level is answered with CONNACK 0x01. Checked before the
    // flags, because a newer protocol (MQTT 5) may lay out the rest differently.
    const bool v311 = connect.protocol_name == "MQTT" && *level == 4;
    const bool v31 = connect.protocol_name == "MQIsdp" && *level == 3;
    if (!v311 && !v31)
        return fail(Errc::unsupported_protocol_version,
                    "CONNECT protocol " + connect.protocol_name + " level " +
                        std::to_string(*level) + " is not supported (MQTT 3.1.1 and 3.1 are)");

    const auto flags = body.u8();
    if (!flags) return fail(Errc::malformed_packet, "CONNECT flags are cut off");
    if (*flags & reserved_flag)  // [MQTT-3.1.2-3]
        return fail(Errc::malformed_packet, "CONNECT reserved flag is set");
    connect.clean_session = (*flags & clean_session_flag) != 0;
    const bool has_will = (*flags & will_flag) != 0;
    const auto will_qos = static_cast<std::uint8_t>((*flags & will_qos_mask) >> will_qos_shift);
    const bool will_retain = (*flags & will_retain_flag) != 0;
    if (!has_will && (will_qos != 0 || will_retain))  // [MQTT-3.1.2-11], -13, -15
        return fail(Errc::malformed_packet, "CONNECT will QoS or retain set without a will");
    if (will_qos == 3)  // [MQTT-3.1.2-14]
        return fail(Errc::malformed_packet, "CONNECT will QoS is 3");
    const bool has_user_name = (*flags & user_name_flag) != 0;
    const bool has_password = (*flags & password_flag) != 0;
    if (has_password && !has_user_name)  // [MQTT-3.1.2-22]
        return fail(Errc::malformed_packet, "CONNECT password flag set without user name flag");

    const auto keep_alive = body.u16();
    if (!keep_alive) return fail(Errc::malformed_packet, "CONNECT keep alive is cut off");
    connect.keep_alive = *keep_alive;

    // Payload fields, in this order, present as the flags say [MQTT-3.1.3-1].
    auto client_id = read_string(body, "CONNECT client identifier");
    if (!client_id) return Unexpected{std::move(client_id).error()};
    connect.client_id = std::move(*client_id);

    if (has_will) {
        auto topic = read_string(body, "CONNECT will topic");
        if (!topic) return Unexpected{std::move(topic).error()};
        if (!is_valid_topic_name(*topic))  // [MQTT-3.1.3-10] and §4.7
            return fail(Errc::topic_name_invalid,
                        "CONNECT will topic " + quoted(*topic) + " is not a valid topic name");
        auto message = read_binary(body, "CONNECT will message");
        if (!message) return Unexpected{std::move(message).error()};
        connect.will =
            Will{std::move(*topic), std::move(*message), static_cast<QoS>(will_qos), will_retain};
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

BodyResult decode_connack(Reader body) {
    if (body.remaining() != 2)  // §3.2.1: remaining length is always 2
        return fail(Errc::malformed_packet, "CONNACK remaining length is not 2");
    const auto acknowledge_flags = *body.u8();
    const auto return_code = *body.u8();
    if (acknowledge_flags & 0xFE)  // [MQTT-3.2.2-1]
        return fail(Errc::malformed_packet, "CONNACK reserved acknowledge flags are set");
    if (return_code > static_cast<std::uint8_t>(ConnectReturnCode::not_authorized))
        return fail(Errc::malformed_packet,
                    "CONNACK return code " + std::to_string(return_code) + " is reserved");
    Connack connack{(acknowledge_flags & 0x01) != 0, static_cast<ConnectReturnCode>(return_code)};
    if (connack.session_present && connack.return_code != ConnectReturnCode::accepted)
        return fail(Errc::protocol_error,  // [MQTT-3.2.2-4]
                    "CONNACK refuses the connection but says a session is present");
    return Packet{connack};
}

}  // namespace iotemu::mqtt::detail
