// Decoder: bytes in, MQTT 3.1.1 or 5 packets out, one at a time. Sans-I/O: it owns a buffer the
// caller reads into, or decodes bytes the caller lends it, and never touches a socket or timer (no
// Asio here). Bad input is a value, not a throw.
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
// Or, for bytes read into storage the caller reuses (one read buffer shared by many connections):
//     decoder.feed(bytes);
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

    // Lends `bytes` as the next input. They are decoded where they are; only what is left when
    // next() returns NeedMore (at most one unfinished packet) is copied, and that copy is freed as
    // soon as its packet is complete, so a decoder between packets holds no buffer. `bytes` must
    // stay valid until next() returns NeedMore or a DecodeError. Not to be mixed with
    // prepare()/commit() while lent bytes are left.
    void feed(std::span<const std::byte> bytes);

    DecodeResult next();

    // Committed or lent, not consumed.
    std::size_t buffered() const noexcept { return end_ - begin_ + lent_.size(); }
    // Bytes of memory held for input (an unfinished packet's copy, or prepare()'s space).
    std::size_t capacity() const noexcept { return buffer_.capacity(); }
    std::size_t max_packet_size() const noexcept { return max_packet_size_; }
    // The version packets are read in; set by a CONNECT's protocol level as soon as it is read,
    // so a CONNECT refused later in its bytes is still answered in its own version.
    ProtocolVersion version() const noexcept { return version_; }
    void set_version(ProtocolVersion version) noexcept { version_ = version; }

private:
    std::optional<std::size_t> unfinished_lacks() const;
    void append(std::span<const std::byte> bytes);

    std::vector<std::byte> buffer_;  // [begin_, end_) is committed input not yet consumed
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t prepared_ = 0;
    std::span<const std::byte> lent_;  // feed()'s bytes not yet consumed; then buffer_ is empty
    bool fed_ = false;                 // buffer_ holds a copy made for feed(): free it when done
    std::size_t max_packet_size_;
    ProtocolVersion version_;
    std::optional<DecodeError> failure_;
};

}  // namespace iotemu::mqtt
