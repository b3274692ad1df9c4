// Decoding one packet's body (internal to the decoder): Reader, bounds-checked reads of MQTT's
// data representations (§1.5), MQTT 5 property blocks, shared failure helpers and one decode
// function per packet family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/property.hpp"
#include "mqtt/utf8.hpp"

namespace iotemu::mqtt::detail {

using BodyResult = Result<Packet, DecodeError>;

inline Unexpected<DecodeError> fail(ReasonCode code, std::string message) {
    return Unexpected{DecodeError{code, std::move(message)}};
}

class Reader {
public:
    explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}

    std::size_t remaining() const noexcept { return bytes_.size(); }

    std::optional<std::uint8_t> u8() {
        if (bytes_.empty()) return std::nullopt;
        const auto value = std::to_integer<std::uint8_t>(bytes_[0]);
        bytes_ = bytes_.subspan(1);
        return value;
    }

    // Two- and four-byte integers, big-endian (§1.5.2, §1.5.3 of MQTT 5).
    std::optional<std::uint16_t> u16() {
        if (bytes_.size() < 2) return std::nullopt;
        const auto value = static_cast<std::uint16_t>(std::to_integer<unsigned>(bytes_[0]) << 8 |
                                                      std::to_integer<unsigned>(bytes_[1]));
        bytes_ = bytes_.subspan(2);
        return value;
    }
    std::optional<std::uint32_t> u32() {
        if (bytes_.size() < 4) return std::nullopt;
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) value = value << 8 | std::to_integer<std::uint32_t>(bytes_[i]);
        bytes_ = bytes_.subspan(4);
        return value;
    }

    // A Variable Byte Integer (MQTT 5 §1.5.5): seven bits per byte, at most four bytes.
    std::optional<std::uint32_t> varint() {
        std::uint32_t value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            const auto byte = u8();
            if (!byte) return std::nullopt;
            value |= static_cast<std::uint32_t>(*byte & 0x7F) << shift;
            if ((*byte & 0x80) == 0) return value;
        }
        return std::nullopt;
    }

    // A two-byte length then that many bytes (§1.5.3 strings, and binary data such as the will
    // message and password). nullopt when the length runs past the packet.
    std::optional<std::span<const std::byte>> prefixed() {
        const auto length = u16();
        if (!length) return std::nullopt;
        return take(*length);
    }

    // The next `size` bytes, as a Reader of their own; nullopt when fewer remain.
    std::optional<std::span<const std::byte>> take(std::size_t size) {
        if (size > bytes_.size()) return std::nullopt;
        const auto field = bytes_.first(size);
        bytes_ = bytes_.subspan(size);
        return field;
    }

    std::span<const std::byte> rest() {
        const auto all = bytes_;
        bytes_ = {};
        return all;
    }

private:
    std::span<const std::byte> bytes_;
};

inline std::string_view as_chars(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline Bytes to_bytes(std::span<const std::byte> bytes) { return {bytes.begin(), bytes.end()}; }

// A UTF-8 encoded string (§1.5.3); `what` names the field in the error message.
inline Result<std::string, DecodeError> read_string(Reader& body, std::string_view what) {
    const auto field = body.prefixed();
    if (!field)
        return fail(ReasonCode::malformed_packet, std::string(what) + " runs past the packet");
    const auto text = as_chars(*field);
    if (!is_valid_mqtt_utf8(text))
        return fail(ReasonCode::malformed_packet, std::string(what) + " is not valid MQTT UTF-8");
    return std::string(text);
}

inline Result<Bytes, DecodeError> read_binary(Reader& body, std::string_view what) {
    const auto field = body.prefixed();
    if (!field)
        return fail(ReasonCode::malformed_packet, std::string(what) + " runs past the packet");
    return to_bytes(*field);
}

// A packet identifier, which is never 0 [MQTT-2.3.1-1].
inline Result<PacketId, DecodeError> read_packet_id(Reader& body, std::string_view packet) {
    const auto id = body.u16();
    if (!id)
        return fail(ReasonCode::malformed_packet,
                    std::string(packet) + " packet identifier is cut off");
    if (*id == 0)
        return fail(ReasonCode::protocol_error, std::string(packet) + " packet identifier is 0");
    return *id;
}

// Bytes left over after the last field mean the lengths disagree: a malformed packet.
inline Result<void, DecodeError> expect_end(const Reader& body, std::string_view packet) {
    if (body.remaining() != 0)
        return fail(ReasonCode::malformed_packet, std::to_string(body.remaining()) +
                                                      " unexpected trailing bytes in " +
                                                      std::string(packet));
    return {};
}

// ---- MQTT 5 properties -------------------------------------------------------------------

// One decoded property: integers of every width arrive as uint32_t.
struct Property {
    PropertyId id;
    std::variant<std::uint32_t, std::string, Bytes, UserProperty> value;

    std::uint32_t number() const { return std::get<std::uint32_t>(value); }
    std::string& text() { return std::get<std::string>(value); }
    Bytes& binary() { return std::get<Bytes>(value); }
};
using Properties = std::vector<Property>;

// A property block (§2.2.2): its length, then properties, each checked against the table: known
// and allowed in `scope` (else malformed), of its type, not repeated unless it may be, and within
// its rule (else a protocol error).
Result<Properties, DecodeError> read_properties(Reader& body, PropertyScope scope);

// The properties of one block, moved into the packet's members.
void assign(MessageProperties& out, Property& property);
void assign(ConnectProperties& out, Property& property);
void assign(Will& out, Property& property);
void assign(ConnackProperties& out, Property& property);
void assign(Publish& out, Property& property);
void assign(AckProperties& out, Property& property);
void assign(Subscribe& out, Property& property);
void assign(Unsubscribe& out, Property& property);
void assign(DisconnectProperties& out, Property& property);

// read_properties, then assign each to `out`.
template <class Target>
Result<void, DecodeError> read_properties_into(Reader& body, PropertyScope scope, Target& out) {
    auto properties = read_properties(body, scope);
    if (!properties) return Unexpected{std::move(properties).error()};
    for (auto& property : *properties) assign(out, property);
    return {};
}

// A reason code that `type` may carry (§2.4), else malformed.
Result<ReasonCode, DecodeError> read_reason_code(Reader& body, PacketType type);

// One function per packet family; each gets the body (after the fixed header) of one whole
// packet, the fixed header's flags (already checked against §2.2.2) and the version the
// connection speaks. decode_connect learns the version: it sets `version` as soon as it has read
// the protocol level, so a CONNECT refused later is answered in its own version.
BodyResult decode_connect(Reader body, ProtocolVersion& version);
BodyResult decode_connack(Reader body, ProtocolVersion version);
BodyResult decode_publish(std::uint8_t flags, Reader body, ProtocolVersion version);
// PUBACK, PUBREC, PUBREL, PUBCOMP
BodyResult decode_ack(PacketType type, Reader body, ProtocolVersion version);
BodyResult decode_subscribe(Reader body, ProtocolVersion version);
BodyResult decode_suback(Reader body, ProtocolVersion version);
BodyResult decode_unsubscribe(Reader body, ProtocolVersion version);
BodyResult decode_unsuback(Reader body, ProtocolVersion version);
BodyResult decode_disconnect(Reader body, ProtocolVersion version);

}  // namespace iotemu::mqtt::detail
