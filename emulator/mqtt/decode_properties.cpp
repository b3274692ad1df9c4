// MQTT 5 property blocks (§2.2.2) checked against the property table, and moved into packets.
// A property not allowed where it stands, or cut off, is a malformed packet; a repeated one, or
// a value its rule forbids, is a protocol error (§2.2.2.2).
#include <algorithm>
#include <array>
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {
namespace {

std::string hex(std::uint8_t byte) {
    static constexpr char digits[] = "0123456789ABCDEF";
    return {'0', 'x', digits[byte >> 4], digits[byte & 15]};
}

std::string where(const PropertyInfo& info, PropertyScope scope) {
    return std::string(scope_name(scope)) + " property " + std::string(info.name);
}

Result<Property, DecodeError> read_value(Reader& block, const PropertyInfo& info,
                                         PropertyScope scope) {
    const auto what = where(info, scope);
    const auto cut_off = [&] { return fail(ReasonCode::malformed_packet, what + " is cut off"); };
    Property property{info.id, std::uint32_t{0}};
    switch (info.type) {
        case PropertyType::byte: {
            const auto value = block.u8();
            if (!value) return cut_off();
            property.value = std::uint32_t{*value};
            break;
        }
        case PropertyType::two_byte: {
            const auto value = block.u16();
            if (!value) return cut_off();
            property.value = std::uint32_t{*value};
            break;
        }
        case PropertyType::four_byte: {
            const auto value = block.u32();
            if (!value) return cut_off();
            property.value = *value;
            break;
        }
        case PropertyType::variable_byte: {
            const auto value = block.varint();
            if (!value)
                return fail(ReasonCode::malformed_packet, what + " is not a variable byte integer");
            property.value = *value;
            break;
        }
        case PropertyType::text: {
            auto value = read_string(block, what);
            if (!value) return Unexpected{std::move(value).error()};
            property.value = std::move(*value);
            break;
        }
        case PropertyType::binary: {
            auto value = read_binary(block, what);
            if (!value) return Unexpected{std::move(value).error()};
            property.value = std::move(*value);
            break;
        }
        case PropertyType::text_pair: {
            auto name = read_string(block, what + " name");
            if (!name) return Unexpected{std::move(name).error()};
            auto value = read_string(block, what + " value");
            if (!value) return Unexpected{std::move(value).error()};
            property.value = UserProperty{std::move(*name), std::move(*value)};
            break;
        }
    }
    switch (info.rule) {
        case PropertyRule::none:
            break;
        case PropertyRule::boolean:
            if (property.number() > 1)
                return fail(ReasonCode::protocol_error,
                            what + " is " + std::to_string(property.number()) + ", not 0 or 1");
            break;
        case PropertyRule::nonzero:
            if (property.number() == 0) return fail(ReasonCode::protocol_error, what + " is 0");
            break;
        case PropertyRule::topic_name:
            if (!is_valid_topic_name(property.text()))
                return fail(ReasonCode::topic_name_invalid, what + " is not a valid topic name");
            break;
    }
    return property;
}

}  // namespace

Result<Properties, DecodeError> read_properties(Reader& body, PropertyScope scope) {
    const auto length = body.varint();
    if (!length)
        return fail(ReasonCode::malformed_packet,
                    std::string(scope_name(scope)) + " property length is cut off or too long");
    const auto bytes = body.take(*length);
    if (!bytes)
        return fail(ReasonCode::malformed_packet,
                    std::string(scope_name(scope)) + " properties run past the packet");
    Properties properties;
    if (bytes->empty()) return properties;
    Reader block{*bytes};
    std::array<bool, 256> seen{};
    while (block.remaining() > 0) {
        const auto id = *block.u8();
        const auto* info = find_property(id);
        if (info == nullptr || !in_scope(info->scopes, scope))
            return fail(ReasonCode::malformed_packet,
                        std::string(scope_name(scope)) + " has property " + hex(id) +
                            (info ? " (" + std::string(info->name) + "), which it may not carry"
                                  : ", which MQTT 5 does not define"));
        if (seen[id] && !in_scope(info->repeatable_in, scope))
            return fail(ReasonCode::protocol_error, where(*info, scope) + " appears twice");
        seen[id] = true;
        auto property = read_value(block, *info, scope);
        if (!property) return Unexpected{std::move(property).error()};
        properties.push_back(std::move(*property));
    }
    return properties;
}

Result<ReasonCode, DecodeError> read_reason_code(Reader& body, PacketType type) {
    const auto byte = body.u8();
    if (!byte)
        return fail(ReasonCode::malformed_packet,
                    std::string(describe(type)) + " reason code is cut off");
    const auto code = static_cast<ReasonCode>(*byte);
    if (!allowed_in(code, type))
        return fail(ReasonCode::malformed_packet, std::string(describe(type)) + " reason code " +
                                                      std::to_string(*byte) +
                                                      " is not one it may carry");
    return code;
}

void assign(MessageProperties& out, Property& property) {
    switch (property.id) {
        case PropertyId::payload_format_indicator:
            out.payload_format_indicator = static_cast<std::uint8_t>(property.number());
            break;
        case PropertyId::message_expiry_interval:
            out.message_expiry_interval = property.number();
            break;
        case PropertyId::content_type:
            out.content_type = std::move(property.text());
            break;
        case PropertyId::response_topic:
            out.response_topic = std::move(property.text());
            break;
        case PropertyId::correlation_data: {
            const auto& data = property.binary();
            out.correlation_data = std::string(as_chars(data));
            break;
        }
        case PropertyId::user_property:
            out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
            break;
        default:
            break;  // not a message property: the table kept it out of this scope
    }
}

void assign(ConnectProperties& out, Property& property) {
    switch (property.id) {
        case PropertyId::session_expiry_interval:
            out.session_expiry_interval = property.number();
            break;
        case PropertyId::receive_maximum:
            out.receive_maximum = static_cast<std::uint16_t>(property.number());
            break;
        case PropertyId::maximum_packet_size:
            out.maximum_packet_size = property.number();
            break;
        case PropertyId::topic_alias_maximum:
            out.topic_alias_maximum = static_cast<std::uint16_t>(property.number());
            break;
        case PropertyId::request_response_information:
            out.request_response_information = property.number() != 0;
            break;
        case PropertyId::request_problem_information:
            out.request_problem_information = property.number() != 0;
            break;
        case PropertyId::user_property:
            out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
            break;
        case PropertyId::authentication_method:
            out.authentication_method = std::move(property.text());
            break;
        case PropertyId::authentication_data:
            out.authentication_data = std::move(property.binary());
            break;
        default:
            break;
    }
}

void assign(Will& out, Property& property) {
    if (property.id == PropertyId::will_delay_interval)
        out.delay_interval = property.number();
    else
        assign(out.properties, property);
}

void assign(ConnackProperties& out, Property& property) {
    const auto flag = [&] { return property.number() != 0; };
    switch (property.id) {
        case PropertyId::session_expiry_interval:
            out.session_expiry_interval = property.number();
            break;
        case PropertyId::receive_maximum:
            out.receive_maximum = static_cast<std::uint16_t>(property.number());
            break;
        case PropertyId::maximum_qos:
            out.maximum_qos = static_cast<std::uint8_t>(property.number());
            break;
        case PropertyId::retain_available:
            out.retain_available = flag();
            break;
        case PropertyId::maximum_packet_size:
            out.maximum_packet_size = property.number();
            break;
        case PropertyId::assigned_client_identifier:
            out.assigned_client_identifier = std::move(property.text());
            break;
        case PropertyId::topic_alias_maximum:
            out.topic_alias_maximum = static_cast<std::uint16_t>(property.number());
            break;
        case PropertyId::reason_string:
            out.reason_string = std::move(property.text());
            break;
        case PropertyId::user_property:
            out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
            break;
        case PropertyId::wildcard_subscription_available:
            out.wildcard_subscription_available = flag();
            break;
        case PropertyId::subscription_identifier_available:
            out.subscription_identifiers_available = flag();
            break;
        case PropertyId::shared_subscription_available:
            out.shared_subscription_available = flag();
            break;
        case PropertyId::server_keep_alive:
            out.server_keep_alive = static_cast<std::uint16_t>(property.number());
            break;
        case PropertyId::response_information:
            out.response_information = std::move(property.text());
            break;
        case PropertyId::server_reference:
            out.server_reference = std::move(property.text());
            break;
        case PropertyId::authentication_method:
            out.authentication_method = std::move(property.text());
            break;
        case PropertyId::authentication_data:
            out.authentication_data = std::move(property.binary());
            break;
        default:
            break;
    }
}

void assign(Publish& out, Property& property) {
    if (property.id == PropertyId::topic_alias)
        out.topic_alias = static_cast<std::uint16_t>(property.number());
    else if (property.id == PropertyId::subscription_identifier)
        out.subscription_identifiers.push_back(property.number());
    else
        assign(out.properties, property);
}

void assign(AckProperties& out, Property& property) {
    if (property.id == PropertyId::reason_string)
        out.reason_string = std::move(property.text());
    else if (property.id == PropertyId::user_property)
        out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
}

void assign(Subscribe& out, Property& property) {
    if (property.id == PropertyId::subscription_identifier)
        out.subscription_identifier = property.number();
    else if (property.id == PropertyId::user_property)
        out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
}

void assign(Unsubscribe& out, Property& property) {
    if (property.id == PropertyId::user_property)
        out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
}

void assign(DisconnectProperties& out, Property& property) {
    switch (property.id) {
        case PropertyId::session_expiry_interval:
            out.session_expiry_interval = property.number();
            break;
        case PropertyId::reason_string:
            out.reason_string = std::move(property.text());
            break;
        case PropertyId::user_property:
            out.user_properties.push_back(std::get<UserProperty>(std::move(property.value)));
            break;
        case PropertyId::server_reference:
            out.server_reference = std::move(property.text());
            break;
        default:
            break;
    }
}

}  // namespace iotemu::mqtt::detail
