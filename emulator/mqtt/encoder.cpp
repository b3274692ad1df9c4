// Each packet's variable header and payload are written once, as a template over a sink: a
// Counter sink measures the remaining length (and each property block's length), then a Writer
// sink appends the same fields.
#include "mqtt/encoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "mqtt/property.hpp"

namespace iotemu::mqtt {
namespace {

using detail::PropertyId;

constexpr std::size_t max_remaining_length = 268'435'455;  // §2.2.3, four length bytes
constexpr std::size_t max_field_length = 65'535;           // §1.5.3, a two-byte length prefix

void check_field_length(std::size_t size) {
    if (size > max_field_length)
        throw std::length_error("MQTT string or binary field of " + std::to_string(size) +
                                " bytes exceeds 65535");
}

std::size_t varint_size(std::size_t value) {
    std::size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

class Counter {
public:
    void u8(std::uint8_t) { size_ += 1; }
    void u16(std::uint16_t) { size_ += 2; }
    void u32(std::uint32_t) { size_ += 4; }
    void varint(std::size_t value) { size_ += varint_size(value); }
    void prefixed(std::size_t size) {
        check_field_length(size);
        size_ += 2 + size;
    }
    void text(std::string_view value) { prefixed(value.size()); }
    void binary(std::string_view value) { prefixed(value.size()); }
    void binary(const Bytes& value) { prefixed(value.size()); }
    void raw(const Bytes& value) { size_ += value.size(); }
    std::size_t size() const { return size_; }

private:
    std::size_t size_ = 0;
};

class Writer {
public:
    explicit Writer(std::vector<std::byte>& out) : out_(out) {}
    void u8(std::uint8_t value) { out_.push_back(std::byte{value}); }
    void u16(std::uint16_t value) {  // big-endian, §1.5.2
        u8(static_cast<std::uint8_t>(value >> 8));
        u8(static_cast<std::uint8_t>(value & 0xFF));
    }
    void u32(std::uint32_t value) {
        u16(static_cast<std::uint16_t>(value >> 16));
        u16(static_cast<std::uint16_t>(value & 0xFFFF));
    }
    void varint(std::size_t value) {  // §2.2.3 (3.1.1), §1.5.5 (5)
        do {
            auto digit = static_cast<std::uint8_t>(value & 0x7F);
            value >>= 7;
            if (value > 0) digit |= 0x80;
            u8(digit);
        } while (value > 0);
    }
    void text(std::string_view value) {
        u16(static_cast<std::uint16_t>(value.size()));
        const auto* bytes = reinterpret_cast<const std::byte*>(value.data());
        out_.insert(out_.end(), bytes, bytes + value.size());
    }
    void binary(std::string_view value) { text(value); }
    void binary(const Bytes& value) {
        u16(static_cast<std::uint16_t>(value.size()));
        raw(value);
    }
    void raw(const Bytes& value) { out_.insert(out_.end(), value.begin(), value.end()); }

private:
    std::vector<std::byte>& out_;
};

std::uint8_t qos_bits(QoS qos) { return static_cast<std::uint8_t>(qos); }
std::uint8_t code_byte(ReasonCode code) { return static_cast<std::uint8_t>(code); }

// ---- MQTT 5 properties (§2.2.2): an identifier, then the value in its type -----------------

template <class Sink>
void id(Sink& sink, PropertyId property) {
    sink.u8(static_cast<std::uint8_t>(property));
}
template <class Sink>
void put_byte(Sink& sink, PropertyId property, std::optional<std::uint8_t> value) {
    if (!value) return;
    id(sink, property);
    sink.u8(*value);
}
template <class Sink>
void put_flag(Sink& sink, PropertyId property, std::optional<bool> value) {
    if (value) put_byte(sink, property, static_cast<std::uint8_t>(*value));
}
template <class Sink>
void put_u16(Sink& sink, PropertyId property, std::optional<std::uint16_t> value) {
    if (!value) return;
    id(sink, property);
    sink.u16(*value);
}
template <class Sink>
void put_u32(Sink& sink, PropertyId property, std::optional<std::uint32_t> value) {
    if (!value) return;
    id(sink, property);
    sink.u32(*value);
}
template <class Sink>
void put_text(Sink& sink, PropertyId property, const std::optional<std::string>& value) {
    if (!value) return;
    id(sink, property);
    sink.text(*value);
}
template <class Sink, class Data>
void put_binary(Sink& sink, PropertyId property, const std::optional<Data>& value) {
    if (!value) return;
    id(sink, property);
    sink.binary(*value);
}
template <class Sink>
void put_user_properties(Sink& sink, const UserProperties& properties) {
    for (const auto& [name, value] : properties) {
        id(sink, PropertyId::user_property);
        sink.text(name);
        sink.text(value);
    }
}

template <class Sink>
void properties(const MessageProperties& p, Sink& sink) {
    put_byte(sink, PropertyId::payload_format_indicator, p.payload_format_indicator);
    put_u32(sink, PropertyId::message_expiry_interval, p.message_expiry_interval);
    put_text(sink, PropertyId::content_type, p.content_type);
    put_text(sink, PropertyId::response_topic, p.response_topic);
    put_binary(sink, PropertyId::correlation_data, p.correlation_data);
    put_user_properties(sink, p.user_properties);
}

template <class Sink>
void properties(const ConnectProperties& p, Sink& sink) {
    put_u32(sink, PropertyId::session_expiry_interval, p.session_expiry_interval);
    put_u16(sink, PropertyId::receive_maximum, p.receive_maximum);
    put_u32(sink, PropertyId::maximum_packet_size, p.maximum_packet_size);
    put_u16(sink, PropertyId::topic_alias_maximum, p.topic_alias_maximum);
    put_flag(sink, PropertyId::request_response_information, p.request_response_information);
    put_flag(sink, PropertyId::request_problem_information, p.request_problem_information);
    put_user_properties(sink, p.user_properties);
    put_text(sink, PropertyId::authentication_method, p.authentication_method);
    put_binary(sink, PropertyId::authentication_data, p.authentication_data);
}

template <class Sink>
void properties(const Will& p, Sink& sink) {
    put_u32(sink, PropertyId::will_delay_interval, p.delay_interval);
    properties(p.properties, sink);
}

template <class Sink>
void properties(const ConnackProperties& p, Sink& sink) {
    put_u32(sink, PropertyId::session_expiry_interval, p.session_expiry_interval);
    put_u16(sink, PropertyId::receive_maximum, p.receive_maximum);
    put_byte(sink, PropertyId::maximum_qos, p.maximum_qos);
    put_flag(sink, PropertyId::retain_available, p.retain_available);
    put_u32(sink, PropertyId::maximum_packet_size, p.maximum_packet_size);
    put_text(sink, PropertyId::assigned_client_identifier, p.assigned_client_identifier);
    put_u16(sink, PropertyId::topic_alias_maximum, p.topic_alias_maximum);
    put_text(sink, PropertyId::reason_string, p.reason_string);
    put_user_properties(sink, p.user_properties);
    put_flag(sink, PropertyId::wildcard_subscription_available, p.wildcard_subscription_available);
    put_flag(sink, PropertyId::subscription_identifier_available,
             p.subscription_identifiers_available);
    put_flag(sink, PropertyId::shared_subscription_available, p.shared_subscription_available);
    put_u16(sink, PropertyId::server_keep_alive, p.server_keep_alive);
    put_text(sink, PropertyId::response_information, p.response_information);
    put_text(sink, PropertyId::server_reference, p.server_reference);
    put_text(sink, PropertyId::authentication_method, p.authentication_method);
    put_binary(sink, PropertyId::authentication_data, p.authentication_data);
}

template <class Sink>
void properties(const Publish& p, Sink& sink) {
    properties(p.properties, sink);
    put_u16(sink, PropertyId::topic_alias, p.topic_alias);
    for (const auto identifier : p.subscription_identifiers) {
        id(sink, PropertyId::subscription_identifier);
        sink.varint(identifier);
    }
}

template <class Sink>
void properties(const AckProperties& p, Sink& sink) {
    put_text(sink, PropertyId::reason_string, p.reason_string);
    put_user_properties(sink, p.user_properties);
}

template <class Sink>
void properties(const Subscribe& p, Sink& sink) {
    if (p.subscription_identifier) {
        id(sink, PropertyId::subscription_identifier);
        sink.varint(*p.subscription_identifier);
    }
    put_user_properties(sink, p.user_properties);
}

template <class Sink>
void properties(const Unsubscribe& p, Sink& sink) {
    put_user_properties(sink, p.user_properties);
}

template <class Sink>
void properties(const DisconnectProperties& p, Sink& sink) {
    put_u32(sink, PropertyId::session_expiry_interval, p.session_expiry_interval);
    put_text(sink, PropertyId::reason_string, p.reason_string);
    put_user_properties(sink, p.user_properties);
    put_text(sink, PropertyId::server_reference, p.server_reference);
}

// A property block: its length, then the properties.
template <class Sink, class Properties>
void property_block(const Properties& p, Sink& sink) {
    Counter counter;
    properties(p, counter);
    sink.varint(counter.size());
    properties(p, sink);
}

template <class Properties>
bool has_properties(const Properties& p) {
    Counter counter;
    properties(p, counter);
    return counter.size() > 0;
}

// ---- packets ---------------------------------------------------------------------------------

// The fixed header's first byte: type in the high nibble, flags in the low (§2.2).
std::uint8_t first_byte(const Packet& packet) {
    const auto type = static_cast<std::uint8_t>(static_cast<std::uint8_t>(type_of(packet)) << 4);
    if (const auto* publish = std::get_if<Publish>(&packet)) {
        return type | (publish->dup ? 0x08 : 0) | qos_bits(publish->qos) << 1 |
               (publish->retain ? 0x01 : 0);
    }
    const bool needs_0010 = std::holds_alternative<Pubrel>(packet) ||
                            std::holds_alternative<Subscribe>(packet) ||
                            std::holds_alternative<Unsubscribe>(packet);
    return type | (needs_0010 ? 0x02 : 0x00);
}

constexpr bool is_v5(ProtocolVersion version) { return version == ProtocolVersion::v5; }

// A CONNECT is laid out by its own protocol level.
template <class Sink>
void fields(const Connect& p, Sink& sink, ProtocolVersion) {
    const bool v5 = is_v5(p.version());
    sink.text(p.protocol_name);
    sink.u8(p.protocol_level);
    std::uint8_t flags = p.clean_session ? 0x02 : 0x00;  // §3.1.2.3
    if (p.will) {
        flags |= 0x04 | qos_bits(p.will->qos) << 3 | (p.will->retain ? 0x20 : 0);
    }
    if (p.password) flags |= 0x40;
    if (p.username) flags |= 0x80;
    sink.u8(flags);
    sink.u16(p.keep_alive);
    if (v5) property_block(p.properties, sink);
    sink.text(p.client_id);
    if (p.will) {
        if (v5) property_block(*p.will, sink);
        sink.text(p.will->topic);
        sink.binary(p.will->payload);
    }
    if (p.username) sink.text(*p.username);
    if (p.password) sink.binary(*p.password);
}

template <class Sink>
void fields(const Connack& p, Sink& sink, ProtocolVersion version) {
    sink.u8(p.session_present ? 0x01 : 0x00);
    if (!is_v5(version)) {
        sink.u8(static_cast<std::uint8_t>(connect_return_code_for(p.reason_code)
                                              .value_or(ConnectReturnCode::server_unavailable)));
        return;
    }
    sink.u8(code_byte(p.reason_code));
    property_block(p.properties, sink);
}

template <class Sink>
void fields(const Publish& p, Sink& sink, ProtocolVersion version) {
    sink.text(p.topic);
    if (p.qos != QoS::at_most_once) sink.u16(p.packet_id);
    if (is_v5(version)) property_block(p, sink);
    sink.raw(p.payload);
}

// PUBACK … PUBCOMP: MQTT 5 leaves out a Success code and empty properties (§3.4.2.1).
template <class Sink, class Ack>
requires std::is_same_v<Ack, Puback> || std::is_same_v<Ack, Pubrec> ||
    std::is_same_v<Ack, Pubrel> || std::is_same_v<Ack, Pubcomp>
void fields(const Ack& p, Sink& sink, ProtocolVersion version) {
    sink.u16(p.packet_id);
    if (!is_v5(version)) return;
    const bool with_properties = has_properties(p.properties);
    if (p.reason_code == ReasonCode::success && !with_properties) return;
    sink.u8(code_byte(p.reason_code));
    if (with_properties) property_block(p.properties, sink);
}

template <class Sink>
void fields(const Subscribe& p, Sink& sink, ProtocolVersion version) {
    sink.u16(p.packet_id);
    const bool v5 = is_v5(version);
    if (v5) property_block(p, sink);
    for (const auto& s : p.subscriptions) {
        sink.text(s.filter);
        std::uint8_t options = qos_bits(s.qos);  // MQTT 5 §3.8.3.1
        if (v5) {
            options |= (s.no_local ? 0x04 : 0) | (s.retain_as_published ? 0x08 : 0) |
                       static_cast<std::uint8_t>(static_cast<std::uint8_t>(s.retain_handling) << 4);
        }
        sink.u8(options);
    }
}

template <class Sink>
void fields(const Suback& p, Sink& sink, ProtocolVersion version) {
    sink.u16(p.packet_id);
    if (is_v5(version)) property_block(p.properties, sink);
    for (const auto code : p.reason_codes)  // 3.1.1 knows one failure code: 0x80 (§3.9.3)
        sink.u8(is_v5(version) || !is_failure(code) ? code_byte(code) : std::uint8_t{0x80});
}

template <class Sink>
void fields(const Unsubscribe& p, Sink& sink, ProtocolVersion version) {
    sink.u16(p.packet_id);
    if (is_v5(version)) property_block(p, sink);
    for (const auto& filter : p.filters) sink.text(filter);
}

template <class Sink>
void fields(const Unsuback& p, Sink& sink, ProtocolVersion version) {
    sink.u16(p.packet_id);
    if (!is_v5(version)) return;
    property_block(p.properties, sink);
    for (const auto code : p.reason_codes) sink.u8(code_byte(code));
}

template <class Sink>
void fields(const Disconnect& p, Sink& sink, ProtocolVersion version) {
    if (!is_v5(version)) return;
    const bool with_properties = has_properties(p.properties);
    if (p.reason_code == ReasonCode::success && !with_properties) return;  // §3.14.2.1
    sink.u8(code_byte(p.reason_code));
    if (with_properties) property_block(p.properties, sink);
}

template <class Sink, class Empty>
requires std::is_same_v<Empty, Pingreq> || std::is_same_v<Empty, Pingresp>
void fields(const Empty&, Sink&, ProtocolVersion) {}

std::size_t remaining_length(const Packet& packet, ProtocolVersion version) {
    Counter counter;
    std::visit([&](const auto& p) { fields(p, counter, version); }, packet);
    if (counter.size() > max_remaining_length)
        throw std::length_error("MQTT packet of " + std::to_string(counter.size()) +
                                " bytes exceeds the 268435455-byte maximum");
    return counter.size();
}

}  // namespace

void encode(const Packet& packet, ProtocolVersion version, std::vector<std::byte>& out) {
    // Measure first, so nothing is appended when a field is too long, and `out` grows once. It
    // grows geometrically: `out` is a connection's outgoing bytes, which a burst appends to packet
    // by packet, and an exact reserve would copy all of them again for each.
    const auto remaining = remaining_length(packet, version);
    const auto needed = out.size() + 1 + varint_size(remaining) + remaining;
    if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
    Writer writer{out};
    writer.u8(first_byte(packet));
    writer.varint(remaining);
    std::visit([&](const auto& p) { fields(p, writer, version); }, packet);
}

std::vector<std::byte> encode(const Packet& packet, ProtocolVersion version) {
    std::vector<std::byte> out;
    encode(packet, version, out);
    return out;
}

std::size_t encoded_size(const Packet& packet, ProtocolVersion version) {
    const auto remaining = remaining_length(packet, version);
    return 1 + varint_size(remaining) + remaining;
}

}  // namespace iotemu::mqtt
