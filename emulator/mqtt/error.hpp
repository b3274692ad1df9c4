// Why an MQTT packet was refused: Errc's values are the MQTT 5 reason bytes (so an error *is* the
// byte a v5 DISCONNECT would carry), described in one table. Plus MQTT 3.1.1's CONNACK codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace iotemu::mqtt {

// MQTT 5.0 §2.4 reason codes (the failure half, >= 0x80) a broker of AWS's flavour can need.
enum class Errc : std::uint8_t {
    unspecified_error = 0x80,
    malformed_packet = 0x81,  ///< cannot be parsed per the spec (§4.13 of MQTT 5)
    protocol_error = 0x82,    ///< parsed, but not allowed by the protocol
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,  ///< CONNECT level we do not speak (3.1.1: CONNACK 0x01)
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,  ///< AWS: DUPLICATE_CLIENTID (docs/aws/iot-core.md §6.2)
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    wildcard_subscriptions_not_supported = 0xA2,
};

// A short English phrase for logs ("malformed packet"); never empty.
std::string_view describe(Errc code);

// MQTT 3.1.1 §3.2.2.3, the CONNACK return code (a v3 client sees nothing richer).
enum class ConnectReturnCode : std::uint8_t {
    accepted = 0x00,
    unacceptable_protocol_version = 0x01,
    identifier_rejected = 0x02,
    server_unavailable = 0x03,
    bad_user_name_or_password = 0x04,
    not_authorized = 0x05,
};

std::string_view describe(ConnectReturnCode code);

// The CONNACK a 3.1.1 server sends before closing for `code`, or nullopt when the spec wants the
// connection closed without one (malformed or protocol errors, [MQTT-3.1.4-1], §4.8).
std::optional<ConnectReturnCode> connect_return_code_for(Errc code);

}  // namespace iotemu::mqtt
