// Decoding one packet's body (internal to the decoder): Reader, bounds-checked reads of MQTT's
// data representations (§1.5), shared failure helpers and one decode function per packet family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/utf8.hpp"

namespace iotemu::mqtt::detail {

using BodyResult = Result<Packet, DecodeError>;

inline Unexpected<DecodeError> fail(Errc code, std::string message) {
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

    // Two-byte integer, big-endian (§1.5.2).
    std::optional<std::uint16_t> u16() {
        if (bytes_.size() < 2) return std::nullopt;
        const auto value = static_cast<std::uint16_t>(std::to_integer<unsigned>(bytes_[0]) << 8 |
                                                      std::to_integer<unsigned>(bytes_[1]));
        bytes_ = bytes_.subspan(2);
        return value;
    }

    // A two-byte length then that many bytes (§1.5.3 strings, and binary data such as the will
    // message and password). nullopt when the length runs past the packet.
    std::optional<std::span<const std::byte>> prefixed() {
        const auto length = u16();
        if (!length || *length > bytes_.size()) return std::nullopt;
        const auto field = bytes_.first(*length);
        bytes_ = bytes_.subspan(*length);
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
    if (!field) return fail(Errc::malformed_packet, std::string(what) + " runs past the packet");
    const auto text = as_chars(*field);
    if (!is_valid_mqtt_utf8(text))
        return fail(Errc::malformed_packet, std::string(what) + " is not valid MQTT UTF-8");
    return std::string(text);
}

inline Result<Bytes, DecodeError> read_binary(Reader& body, std::string_view what) {
    const auto field = body.prefixed();
    if (!field) return fail(Errc::malformed_packet, std::string(what) + " runs past the packet");
    return to_bytes(*field);
}

// A packet identifier, which is never 0 [MQTT-2.3.1-1].
inline Result<PacketId, DecodeError> read_packet_id(Reader& body, std::string_view packet) {
    const auto id = body.u16();
    if (!id)
        return fail(Errc::malformed_packet, std::string(packet) + " packet identifier is cut off");
    if (*id == 0)
        return fail(Errc::protocol_error, std::string(packet) + " packet identifier is 0");
    return *id;
}

// Bytes left over after the last field mean the lengths disagree: a malformed packet.
inline Result<void, DecodeError> expect_end(const Reader& body, std::string_view packet) {
    if (body.remaining() != 0)
        return fail(Errc::malformed_packet, std::to_string(body.remaining()) +
                                                " unexpected trailing bytes in " +
                                                std::string(packet));
    return {};
}

// One function per packet family; each gets the body (after the fixed header) of one whole
// packet and the fixed header's flags, already checked against §2.2.2.
BodyResult decode_connect(Reader body);
BodyResult decode_connack(Reader body);
BodyResult decode_publish(std::uint8_t flags, Reader body);
BodyResult decode_ack(PacketType type, Reader body);  // PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK
BodyResult decode_subscribe(Reader body);
BodyResult decode_suback(Reader body);
BodyResult decode_unsubscribe(Reader body);

}  // namespace iotemu::mqtt::detail
