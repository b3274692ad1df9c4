// The MQTT 5 property table (§2.2.2.2), read by find_property().
#include "mqtt/property.hpp"

#include <array>

namespace iotemu::mqtt::detail {
namespace {

using enum PropertyId;
using Type = PropertyType;
using Rule = PropertyRule;

constexpr std::uint16_t operator|(PropertyScope a, PropertyScope b) {
    return static_cast<std::uint16_t>(static_cast<std::uint16_t>(a) |
                                      static_cast<std::uint16_t>(b));
}
constexpr std::uint16_t operator|(std::uint16_t a, PropertyScope b) {
    return static_cast<std::uint16_t>(a | static_cast<std::uint16_t>(b));
}
constexpr std::uint16_t only(PropertyScope scope) { return static_cast<std::uint16_t>(scope); }

using S = PropertyScope;
constexpr std::uint16_t message = S::publish | S::will;
constexpr std::uint16_t everywhere = S::connect | S::will | S::connack | S::publish | S::ack |
                                     S::subscribe | S::suback | S::unsubscribe | S::unsuback |
                                     S::disconnect;

constexpr std::array<PropertyInfo, 27> table{{
    {payload_format_indicator, "Payload Format Indicator", Type::byte, message, Rule::boolean, 0},
    {message_expiry_interval, "Message Expiry Interval", Type::four_byte, message, Rule::none, 0},
    {content_type, "Content Type", Type::text, message, Rule::none, 0},
    {response_topic, "Response Topic", Type::text, message, Rule::topic_name, 0},
    {correlation_data, "Correlation Data", Type::binary, message, Rule::none, 0},
    {subscription_identifier, "Subscription Identifier", Type::variable_byte,
     S::publish | S::subscribe, Rule::nonzero, only(S::publish)},
    {session_expiry_interval, "Session Expiry Interval", Type::four_byte,
     S::connect | S::connack | S::disconnect, Rule::none, 0},
    {assigned_client_identifier, "Assigned Client Identifier", Type::text, only(S::connack),
     Rule::none, 0},
    {server_keep_alive, "Server Keep Alive", Type::two_byte, only(S::connack), Rule::none, 0},
    {authentication_method, "Authentication Method", Type::text, S::connect | S::connack,
     Rule::none, 0},
    {authentication_data, "Authentication Data", Type::binary, S::connect | S::connack, Rule::none,
     0},
    {request_problem_information, "Request Problem Information", Type::byte, only(S::connect),
     Rule::boolean, 0},
    {will_delay_interval, "Will Delay Interval", Type::four_byte, only(S::will), Rule::none, 0},
    {request_response_information, "Request Response Information", Type::byte, only(S::connect),
     Rule::boolean, 0},
    {response_information, "Response Information", Type::text, only(S::connack), Rule::none, 0},
    {server_reference, "Server Reference", Type::text, S::connack | S::disconnect, Rule::none, 0},
    {reason_string, "Reason String", Type::text,
     S::connack | S::ack | S::suback | S::unsuback | S::disconnect, Rule::none, 0},
    {receive_maximum, "Receive Maximum", Type::two_byte, S::connect | S::connack, Rule::nonzero, 0},
    {topic_alias_maximum, "Topic Alias Maximum", Type::two_byte, S::connect | S::connack,
     Rule::none, 0},
    {topic_alias, "Topic Alias", Type::two_byte, only(S::publish), Rule::none, 0},
    {maximum_qos, "Maximum QoS", Type::byte, only(S::connack), Rule::boolean, 0},
    {retain_available, "Retain Available", Type::byte, only(S::connack), Rule::boolean, 0},
    {user_property, "User Property", Type::text_pair, everywhere, Rule::none, everywhere},
    {maximum_packet_size, "Maximum Packet Size", Type::four_byte, S::connect | S::connack,
     Rule::nonzero, 0},
    {wildcard_subscription_available, "Wildcard Subscription Available", Type::byte,
     only(S::connack), Rule::boolean, 0},
    {subscription_identifier_available, "Subscription Identifier Available", Type::byte,
     only(S::connack), Rule::boolean, 0},
    {shared_subscription_available, "Shared Subscription Available", Type::byte, only(S::connack),
     Rule::boolean, 0},
}};

}  // namespace

const PropertyInfo* find_property(std::uint8_t id) {
    for (const auto& info : table)
        if (static_cast<std::uint8_t>(info.id) == id) return &info;
    return nullptr;
}

const PropertyInfo& property_info(PropertyId id) {
    return *find_property(static_cast<std::uint8_t>(id));
}

std::string_view scope_name(PropertyScope scope) {
    switch (scope) {
        case PropertyScope::connect:
            return "CONNECT";
        case PropertyScope::will:
            return "CONNECT will";
        case PropertyScope::connack:
            return "CONNACK";
        case PropertyScope::publish:
            return "PUBLISH";
        case PropertyScope::ack:
            return "acknowledgement";
        case PropertyScope::subscribe:
            return "SUBSCRIBE";
        case PropertyScope::suback:
            return "SUBACK";
        case PropertyScope::unsubscribe:
            return "UNSUBSCRIBE";
        case PropertyScope::unsuback:
            return "UNSUBACK";
        case PropertyScope::disconnect:
            return "DISCONNECT";
    }
    return "packet";
}

}  // namespace iotemu::mqtt::detail
