// The one table from reason codes to words, and from reason codes to MQTT 3.1.1 CONNACK codes.
#include "mqtt/error.hpp"

namespace iotemu::mqtt {

std::string_view describe(Errc code) {
    switch (code) {
        case Errc::unspecified_error:
            return "unspecified error";
        case Errc::malformed_packet:
            return "malformed packet";
        case Errc::protocol_error:
            return "protocol error";
        case Errc::implementation_specific_error:
            return "implementation specific error";
        case Errc::unsupported_protocol_version:
            return "unsupported protocol version";
        case Errc::client_identifier_not_valid:
            return "client identifier not valid";
        case Errc::bad_user_name_or_password:
            return "bad user name or password";
        case Errc::not_authorized:
            return "not authorized";
        case Errc::server_unavailable:
            return "server unavailable";
        case Errc::server_busy:
            return "server busy";
        case Errc::banned:
            return "banned";
        case Errc::server_shutting_down:
            return "server shutting down";
        case Errc::keep_alive_timeout:
            return "keep alive timeout";
        case Errc::session_taken_over:
            return "session taken over";
        case Errc::topic_filter_invalid:
            return "topic filter invalid";
        case Errc::topic_name_invalid:
            return "topic name invalid";
        case Errc::packet_identifier_in_use:
            return "packet identifier in use";
        case Errc::packet_identifier_not_found:
            return "packet identifier not found";
        case Errc::receive_maximum_exceeded:
            return "receive maximum exceeded";
        case Errc::packet_too_large:
            return "packet too large";
        case Errc::message_rate_too_high:
            return "message rate too high";
        case Errc::quota_exceeded:
            return "quota exceeded";
        case Errc::administrative_action:
            return "administrative action";
        case Errc::payload_format_invalid:
            return "payload format invalid";
        case Errc::retain_not_supported:
            return "retain not supported";
        case Errc::qos_not_supported:
            return "QoS not supported";
        case Errc::shared_subscriptions_not_supported:
            return "shared subscriptions not supported";
        case Errc::connection_rate_exceeded:
            return "connection rate exceeded";
        case Errc::wildcard_subscriptions_not_supported:
            return "wildcard subscriptions not supported";
    }
    return "unknown reason code";
}

std::string_view describe(ConnectReturnCode code) {
    switch (code) {
        case ConnectReturnCode::accepted:
            return "connection accepted";
        case ConnectReturnCode::unacceptable_protocol_version:
            return "unacceptable protocol version";
        case ConnectReturnCode::identifier_rejected:
            return "identifier rejected";
        case ConnectReturnCode::server_unavailable:
            return "server unavailable";
        case ConnectReturnCode::bad_user_name_or_password:
            return "bad user name or password";
        case ConnectReturnCode::not_authorized:
            return "not authorized";
    }
    return "unknown connect return code";
}

std::optional<ConnectReturnCode> connect_return_code_for(Errc code) {
    switch (code) {
        case Errc::unsupported_protocol_version:  // [MQTT-3.1.2-2]
            return ConnectReturnCode::unacceptable_protocol_version;
        case Errc::client_identifier_not_valid:  // [MQTT-3.1.3-9]
            return ConnectReturnCode::identifier_rejected;
        case Errc::server_unavailable:
        case Errc::server_busy:
        case Errc::server_shutting_down:
            return ConnectReturnCode::server_unavailable;
        case Errc::bad_user_name_or_password:
            return ConnectReturnCode::bad_user_name_or_password;
        case Errc::not_authorized:
        case Errc::banned:
            return ConnectReturnCode::not_authorized;
        default:
            return std::nullopt;
    }
}

}  // namespace iotemu::mqtt
