// The one table of reason codes (MQTT 5 §2.4): each code's words and the packets that may carry
// it; and the two-way map to MQTT 3.1.1's CONNACK return codes.
#include "mqtt/reason_code.hpp"

#include <array>
#include <utility>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {
namespace {

// Bits over the packets that carry reason codes.
enum Carrier : std::uint16_t {
    connack = 1 << 0,
    puback = 1 << 1,  // and PUBREC
    pubrel = 1 << 2,  // and PUBCOMP
    suback = 1 << 3,
    unsuback = 1 << 4,
    disconnect = 1 << 5,
};

struct Entry {
    ReasonCode code;
    std::string_view words;
    std::uint16_t carriers;
};

using enum ReasonCode;
constexpr std::uint16_t acks = puback | suback | unsuback;

constexpr std::array<Entry, 43> table{{
    {success, "success", connack | puback | pubrel | suback | unsuback | disconnect},
    {granted_qos_1, "granted QoS 1", suback},
    {granted_qos_2, "granted QoS 2", suback},
    {disconnect_with_will_message, "disconnect with will message", disconnect},
    {no_matching_subscribers, "no matching subscribers", puback},
    {no_subscription_existed, "no subscription existed", unsuback},
    {continue_authentication, "continue authentication", 0},
    {re_authenticate, "re-authenticate", 0},
    {unspecified_error, "unspecified error", connack | acks | disconnect},
    {malformed_packet, "malformed packet", connack | disconnect},
    {protocol_error, "protocol error", connack | disconnect},
    {implementation_specific_error, "implementation specific error", connack | acks | disconnect},
    {unsupported_protocol_version, "unsupported protocol version", connack},
    {client_identifier_not_valid, "client identifier not valid", connack},
    {bad_user_name_or_password, "bad user name or password", connack},
    {not_authorized, "not authorized", connack | acks | disconnect},
    {server_unavailable, "server unavailable", connack},
    {server_busy, "server busy", connack | disconnect},
    {banned, "banned", connack},
    {server_shutting_down, "server shutting down", disconnect},
    {bad_authentication_method, "bad authentication method", connack | disconnect},
    {keep_alive_timeout, "keep alive timeout", disconnect},
    {session_taken_over, "session taken over", disconnect},
    {topic_filter_invalid, "topic filter invalid", suback | unsuback | disconnect},
    {topic_name_invalid, "topic name invalid", connack | puback | disconnect},
    {packet_identifier_in_use, "packet identifier in use", acks},
    {packet_identifier_not_found, "packet identifier not found", pubrel},
    {receive_maximum_exceeded, "receive maximum exceeded", disconnect},
    {topic_alias_invalid, "topic alias invalid", disconnect},
    {packet_too_large, "packet too large", connack | disconnect},
    {message_rate_too_high, "message rate too high", disconnect},
    {quota_exceeded, "quota exceeded", connack | puback | suback | disconnect},
    {administrative_action, "administrative action", disconnect},
    {payload_format_invalid, "payload format invalid", connack | puback | disconnect},
    {retain_not_supported, "retain not supported", connack | disconnect},
    {qos_not_supported, "QoS not supported", connack | disconnect},
    {use_another_server, "use another server", connack | disconnect},
    {server_moved, "server moved", connack | disconnect},
    {shared_subscriptions_not_supported, "shared subscriptions not supported", suback | disconnect},
    {connection_rate_exceeded, "connection rate exceeded", connack | disconnect},
    {maximum_connect_time, "maximum connect time", disconnect},
    {subscription_identifiers_not_supported, "subscription identifiers not supported",
     suback | disconnect},
    {wildcard_subscriptions_not_supported, "wildcard subscriptions not supported",
     suback | disconnect},
}};

const Entry* find(ReasonCode code) {
    for (const auto& entry : table)
        if (entry.code == code) return &entry;
    return nullptr;
}

std::uint16_t carrier_of(PacketType type) {
    switch (type) {
        case PacketType::connack:
            return connack;
        case PacketType::puback:
        case PacketType::pubrec:
            return puback;
        case PacketType::pubrel:
        case PacketType::pubcomp:
            return pubrel;
        case PacketType::suback:
            return suback;
        case PacketType::unsuback:
            return unsuback;
        case PacketType::disconnect:
            return disconnect;
        default:
            return 0;
    }
}

// 3.1.1 return codes and the reason codes they stand for, both ways (first match wins when
// several reason codes share a return code).
constexpr std::array<std::pair<ConnectReturnCode, ReasonCode>, 9> v311_codes{{
    {ConnectReturnCode::accepted, success},
    {ConnectReturnCode::unacceptable_protocol_version,
     unsupported_protocol_version},                                         // [MQTT-3.1.2-2]
    {ConnectReturnCode::identifier_rejected, client_identifier_not_valid},  // [MQTT-3.1.3-9]
    {ConnectReturnCode::server_unavailable, server_unavailable},
    {ConnectReturnCode::bad_user_name_or_password, bad_user_name_or_password},
    {ConnectReturnCode::not_authorized, not_authorized},
    {ConnectReturnCode::server_unavailable, server_busy},
    {ConnectReturnCode::server_unavailable, server_shutting_down},
    {ConnectReturnCode::not_authorized, banned},
}};

}  // namespace

std::string_view describe(ReasonCode code) {
    const auto* entry = find(code);
    return entry ? entry->words : "unknown reason code";
}

bool allowed_in(ReasonCode code, PacketType type) {
    const auto* entry = find(code);
    return entry && (entry->carriers & carrier_of(type)) != 0;
}

std::optional<ConnectReturnCode> connect_return_code_for(ReasonCode code) {
    for (const auto& [v311, reason] : v311_codes)
        if (reason == code) return v311;
    return std::nullopt;
}

ReasonCode reason_code_for(ConnectReturnCode code) {
    for (const auto& [v311, reason] : v311_codes)
        if (v311 == code) return reason;
    return unspecified_error;
}

}  // namespace iotemu::mqtt
