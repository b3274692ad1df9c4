// Decoder: bytes in, MQTT 3.1.1 packets out, one at a time. Sans-I/O: it owns a buffer the caller
// reads into and never touches a socket or timer (no Asio here). Bad input is a value, not a throw.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mqtt/error.hpp"
#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// AWS's payload quota (docs/aws/iot-core.md §6.3). The caller sizes the decoder's limit from it,
// adding room for the fixed header, topic and packet id.
inline constexpr std::size_t aws_max_payload_bytes = 128 * 1024;

struct NeedMore {  // the buffered bytes end inside a packet: read more, then call next() again
    bool operator==(const NeedMore&) const = default;
};

struct DecodeError {
    Errc code;            // the reason byte; connect_return_code_for() gives a CONNACK for it
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
class Decoder {
public:
    // `max_packet_size` bounds a whole packet (fixed header included). A packet announcing more
    // is refused with packet_too_large as soon as its length bytes arrive, before any of it is
    // buffered.
    explicit Decoder(std::size_t max_packet_size);

    // Writable space for `size` more bytes, valid until the next prepare(). May move (compact)
    // the unconsumed bytes; never drops them.
    std::span<std::byte> prepare(std::size_t size);
    // Makes the first `size` bytes written into the last prepare()'s span part of the input.
    void commit(std::size_t size);

    DecodeResult next();

    std::size_t buffered() const noexcept { return end_ - begin_; }  // committed, not consumed
    std::size_t max_packet_size() const noexcept { return max_packet_size_; }

private:
    std::vector<std::byte> buffer_;  // [begin_, end_) is committed input not yet consumed
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t prepared_ = 0;
    std::size_t max_packet_size_;
    std::optional<DecodeError> failure_;
};

}  // namespace iotemu::mqtt
