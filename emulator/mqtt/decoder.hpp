// Decoder: bytes in, MQTT 3.1.1 or 5 packets out, one at a time. Sans-I/O: it owns a buffer the
// caller reads into and never touches a socket or timer (no Asio here). Bad input is a value, not
// a throw.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/packet.hpp"
#include "mqtt/reason_code.hpp"

namespace iotemu::mqtt {

// AWS's payload quota (docs/aws/iot-core.md §6.3), and the Maximum Packet Size its MQTT 5 CONNACK
// announces (docs/aws/data-plane.md §1.2): room for a full payload, its topic and properties.
inline constexpr std::size_t aws_max_payload_bytes = 128 * 1024;
inline constexpr std::size_t aws_max_packet_bytes = 149'504;

struct NeedMore {  // the buffered bytes end inside a packet: read more, then call next() again
    bool operator==(const NeedMore&) const = default;
};

struct DecodeError {
    ReasonCode code;      // the reason byte; connect_return_code_for() gives a 3.1.1 CONNACK
    std::string message;  // for the log: what was wrong, and where
};

using DecodeResult = std::variant<NeedMore, Packet, DecodeError>;

// Usage, per read from the network:
//     auto buffer = decoder.prepare(4096);
//     std::size_t n = read_some(buffer);
//     decoder.commit(n);
//     while (true) { auto r = decoder.next(); if NeedMore: break; if DecodeError: close; … }
// Each next() consumes exactly one packet. A DecodeError is final: the stream cannot be
// resynchronised, so every later next() repeats it and the connection must close (§4.8).
// Packets are read in the version the stream speaks: 3.1.1 until a CONNECT says otherwise (a
// server's decoder learns it from the client's CONNECT; a client's is told with set_version).
class Decoder {
public:
    // `max_packet_size` bounds a whole packet (fixed header included). A packet announcing more
    // is refused with packet_too_large as soon as its length bytes arrive, before any of it is
    // buffered.
    explicit Decoder(std::size_t max_packet_size, ProtocolVersion version = ProtocolVersion::v311);

    // Writable space for `size` more bytes, valid until the next prepare(). May move (compact)
    // the unconsumed bytes; never drops them.
    std::span<std::byte> prepare(std::size_t size);
    // Makes the first `size` bytes written into the last prepare()'s span part of the input.
    void commit(std::size_t size);

    DecodeResult next();

    std::size_t buffered() const noexcept { return end_ - begin_; }  // committed, not consumed
    std::size_t max_packet_size() const noexcept { return max_packet_size_; }
    // The version packets are read in; set by a CONNECT's protocol level as soon as it is read,
    // so a CONNECT refused later in its bytes is still answered in its own version.
    ProtocolVersion version() const noexcept { return version_; }
    void set_version(ProtocolVersion version) noexcept { version_ = version; }

private:
    std::vector<std::byte> buffer_;  // [begin_, end_) is committed input not yet consumed
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t prepared_ = 0;
    std::size_t max_packet_size_;
    ProtocolVersion version_;
    std::optional<DecodeError> failure_;
};

}  // namespace iotemu::mqtt
