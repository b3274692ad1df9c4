// MQTT 5 properties on the wire (§2.2.2): each identifier's name, data type, the packets it may
// appear in and whether it may repeat, in one table the decoder and the encoder both read.
// Internal to the codec. Sans-I/O.
#pragma once

#include <cstdint>
#include <string_view>

namespace iotemu::mqtt::detail {

// §2.2.2.2.
enum class PropertyId : std::uint8_t {
    payload_format_indicator = 0x01,
    message_expiry_interval = 0x02,
    content_type = 0x03,
    response_topic = 0x08,
    correlation_data = 0x09,
    subscription_identifier = 0x0B,
    session_expiry_interval = 0x11,
    assigned_client_identifier = 0x12,
    server_keep_alive = 0x13,
    authentication_method = 0x15,
    authentication_data = 0x16,
    request_problem_information = 0x17,
    will_delay_interval = 0x18,
    request_response_information = 0x19,
    response_information = 0x1A,
    server_reference = 0x1C,
    reason_string = 0x1F,
    receive_maximum = 0x21,
    topic_alias_maximum = 0x22,
    topic_alias = 0x23,
    maximum_qos = 0x24,
    retain_available = 0x25,
    user_property = 0x26,
    maximum_packet_size = 0x27,
    wildcard_subscription_available = 0x28,
    subscription_identifier_available = 0x29,
    shared_subscription_available = 0x2A,
};

// §1.5's data representations, as properties use them.
enum class PropertyType : std::uint8_t {
    byte,
    two_byte,
    four_byte,
    variable_byte,
    text,
    binary,
    text_pair
};

// Where a property block sits: a packet type, or the will inside a CONNECT. The four publish
// acknowledgements share one set.
enum class PropertyScope : std::uint16_t {
    connect = 1 << 0,
    will = 1 << 1,
    connack = 1 << 2,
    publish = 1 << 3,
    ack = 1 << 4,  // PUBACK, PUBREC, PUBREL, PUBCOMP
    subscribe = 1 << 5,
    suback = 1 << 6,
    unsubscribe = 1 << 7,
    unsuback = 1 << 8,
    disconnect = 1 << 9,
};

// Extra rules on a property's value, beyond its type; breaking one is a protocol error.
enum class PropertyRule : std::uint8_t {
    none,
    boolean,     // 0 or 1
    nonzero,     // never 0
    topic_name,  // a valid topic name (no wildcards)
};

struct PropertyInfo {
    PropertyId id;
    std::string_view name;  // for error messages: "Session Expiry Interval"
    PropertyType type;
    std::uint16_t scopes;  // PropertyScope bits
    PropertyRule rule;
    std::uint16_t repeatable_in;  // PropertyScope bits where it may appear more than once
};

// nullptr for an identifier MQTT 5 does not define.
const PropertyInfo* find_property(std::uint8_t id);
const PropertyInfo& property_info(PropertyId id);

constexpr bool in_scope(std::uint16_t scopes, PropertyScope scope) {
    return (scopes & static_cast<std::uint16_t>(scope)) != 0;
}

// "CONNECT", "will", "PUBACK" … for error messages.
std::string_view scope_name(PropertyScope scope);

}  // namespace iotemu::mqtt::detail
