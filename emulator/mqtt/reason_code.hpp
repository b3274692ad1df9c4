// Reason codes: ReasonCode's values are MQTT 5's reason bytes (§2.4), success and failure alike,
// so a decoding error *is* the byte a v5 DISCONNECT carries. One table says what each is called
// and which packets may carry it; MQTT 3.1.1's CONNACK return codes map to and from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace iotemu::mqtt {

enum class PacketType : std::uint8_t;  // packet.hpp

// MQTT 5.0 §2.4. 0x00 is "Success", "Normal disconnection" or "Granted QoS 0" by packet.
enum class ReasonCode : std::uint8_t {
    success = 0x00,
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    disconnect_with_will_message = 0x04,
    no_matching_subscribers = 0x10,
    no_subscription_existed = 0x11,
    continue_authentication = 0x18,
    re_authenticate = 0x19,
    unspecified_error = 0x80,
    malformed_packet = 0x81,  ///< cannot be parsed per the spec (§4.13)
    protocol_error = 0x82,    ///< parsed, but not allowed by the protocol
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,  ///< a CONNECT level we do not speak
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    bad_authentication_method = 0x8C,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,  ///< AWS: DUPLICATE_CLIENTID (docs/aws/iot-core.md §6.2)
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    topic_alias_invalid = 0x94,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    use_another_server = 0x9C,
    server_moved = 0x9D,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    maximum_connect_time = 0xA0,
    subscription_identifiers_not_supported = 0xA1,
    wildcard_subscriptions_not_supported = 0xA2,
};

// 0x80 and above are failures (§2.4).
constexpr bool is_failure(ReasonCode code) { return static_cast<std::uint8_t>(code) >= 0x80; }

// A short English phrase for logs ("malformed packet"); "unknown reason code" for a byte that
// is none of the above.
std::string_view describe(ReasonCode code);

// Whether a packet of `type` may carry `code` (§2.4's table). Only the packets with a reason
// code are answered: CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT.
bool allowed_in(ReasonCode code, PacketType type);

// MQTT 3.1.1 §3.2.2.3, the CONNACK return code (a v3 client sees nothing richer).
enum class ConnectReturnCode : std::uint8_t {
    accepted = 0x00,
    unacceptable_protocol_version = 0x01,
    identifier_rejected = 0x02,
    server_unavailable = 0x03,
    bad_user_name_or_password = 0x04,
    not_authorized = 0x05,
};

// The CONNACK a 3.1.1 server sends for `code`, or nullopt when there is none and the spec wants
// the connection closed without a CONNACK (malformed or protocol errors, [MQTT-3.1.4-1], §4.8).
std::optional<ConnectReturnCode> connect_return_code_for(ReasonCode code);
// A 3.1.1 CONNACK's return code as the reason code it stands for.
ReasonCode reason_code_for(ConnectReturnCode code);

}  // namespace iotemu::mqtt
