// Each packet's variable header and payload are written once, as a template over a sink: a
// Counter sink measures the remaining length, then a Writer sink appends the same fields.
#include "mqtt/encoder.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace iotemu::mqtt {
namespace {

constexpr std::size_t max_remaining_length = 268'435'455;  // §2.2.3, four length bytes
constexpr std::size_t max_field_length = 65'535;           // §1.5.3, a two-byte length prefix

void check_field_length(std::size_t size) {
    if (size > max_field_length)
        throw std::length_error("MQTT string or binary field of " + std::to_string(size) +
                                " bytes exceeds 65535");
}

class Counter {
public:
    void u8(std::uint8_t) { size_ += 1; }
    void u16(std::uint16_t) { size_ += 2; }
    void prefixed(std::size_t size) {
        check_field_length(size);
        size_ += 2 + size;
    }
    void text(std::string_view value) { prefixed(value.size()); }
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
    void text(std::string_view value) {
        u16(static_cast<std::uint16_t>(value.size()));
        const auto* bytes = reinterpret_cast<const std::byte*>(value.data());
        out_.insert(out_.end(), bytes, bytes + value.size());
    }
    void binary(const Bytes& value) {
        u16(static_cast<std::uint16_t>(value.size()));
        raw(value);
    }
    void raw(const Bytes& value) { out_.insert(out_.end(), value.begin(), value.end()); }
    void remaining_length(std::size_t value) {  // §2.2.3
        do {
            auto digit = static_cast<std::uint8_t>(value & 0x7F);
            value >>= 7;
            if (value > 0) digit |= 0x80;
            u8(digit);
        } while (value > 0);
    }

private:
    std::vector<std::byte>& out_;
};

std::uint8_t qos_bits(QoS qos) { return static_cast<std::uint8_t>(qos); }

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

template <class Sink>
void fields(const Connect& p, Sink& sink) {
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
    sink.text(p.client_id);
    if (p.will) {
        sink.text(p.will->topic);
        sink.binary(p.will->payload);
    }
    if (p.username) sink.text(*p.username);
    if (p.password) sink.binary(*p.password);
}

template <class Sink>
void fields(const Connack& p, Sink& sink) {
    sink.u8(p.session_present ? 0x01 : 0x00);
    sink.u8(static_cast<std::uint8_t>(p.return_code));
}

template <class Sink>
void fields(const Publish& p, Sink& sink) {
    sink.text(p.topic);
    if (p.qos != QoS::at_most_once) sink.u16(p.packet_id);
    sink.raw(p.payload);
}

template <class Sink, class Ack>
requires std::is_same_v<Ack, Puback> || std::is_same_v<Ack, Pubrec> ||
    std::is_same_v<Ack, Pubrel> || std::is_same_v<Ack, Pubcomp> || std::is_same_v<Ack, Unsuback>
void fields(const Ack& p, Sink& sink) { sink.u16(p.packet_id); }

template <class Sink>
void fields(const Subscribe& p, Sink& sink) {
    sink.u16(p.packet_id);
    for (const auto& subscription : p.subscriptions) {
        sink.text(subscription.filter);
        sink.u8(qos_bits(subscription.qos));
    }
}

template <class Sink>
void fields(const Suback& p, Sink& sink) {
    sink.u16(p.packet_id);
    for (const auto code : p.return_codes) sink.u8(static_cast<std::uint8_t>(code));
}

template <class Sink>
void fields(const Unsubscribe& p, Sink& sink) {
    sink.u16(p.packet_id);
    for (const auto& filter : p.filters) sink.text(filter);
}

template <class Sink, class Empty>
requires std::is_same_v<Empty, Pingreq> || std::is_same_v<Empty, Pingresp> ||
    std::is_same_v<Empty, Disconnect>
void fields(const Empty&, Sink&) {}

}  // namespace

void encode(const Packet& packet, std::vector<std::byte>& out) {
    // Measure first, so nothing is appended when a field is too long, and `out` grows once.
    Counter counter;
    std::visit([&](const auto& p) { fields(p, counter); }, packet);
    if (counter.size() > max_remaining_length)
        throw std::length_error("MQTT packet of " + std::to_string(counter.size()) +
                                " bytes exceeds the 268435455-byte maximum");

    out.reserve(out.size() + 1 + 4 + counter.size());
    Writer writer{out};
    writer.u8(first_byte(packet));
    writer.remaining_length(counter.size());
    std::visit([&](const auto& p) { fields(p, writer); }, packet);
}

std::vector<std::byte> encode(const Packet& packet) {
    std::vector<std::byte> out;
    encode(packet, out);
    return out;
}

}  // namespace iotemu::mqtt
