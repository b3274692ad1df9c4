// Framing (§2.2): the fixed header, the remaining length and the size limit, checked as soon as
// their bytes arrive; then one dispatch to the packet family's body decoder, in the stream's
// version.
#include "mqtt/decoder.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>

#include "mqtt/decode_body.hpp"

namespace iotemu::mqtt {
namespace {

using detail::BodyResult;
using detail::fail;
using detail::Reader;

// After a large packet, an empty buffer bigger than this is released, so an idle connection
// does not keep holding a maximum-sized packet's worth of memory.
constexpr std::size_t idle_capacity = 16 * 1024;

constexpr std::size_t max_length_bytes = 4;  // §2.2.3: at most 268,435,455

std::string type_name(std::uint8_t type) { return std::string(describe(PacketType{type})); }

// §2.2.2 Table 2.2: the flags each packet type must carry. Reserved types are refused too.
std::optional<DecodeError> check_fixed_header(std::uint8_t type, std::uint8_t flags,
                                              ProtocolVersion version) {
    // MQTT 5's AUTH (15) serves enhanced authentication, which AWS IoT does not support
    // (docs/aws/data-plane.md §1.1): no CONNECT can have asked for it, so it is a protocol error.
    if (type == 15 && version == ProtocolVersion::v5)
        return DecodeError{ReasonCode::protocol_error,
                           "AUTH without enhanced authentication, which is not supported"};
    if (type == 0 || type == 15)  // §2.2.1: reserved (15 is MQTT 5's AUTH)
        return DecodeError{ReasonCode::malformed_packet,
                           "packet type " + std::to_string(type) + " is reserved"};
    const auto kind = PacketType{type};
    if (kind == PacketType::publish) {
        const auto qos = (flags >> 1) & 0x03;
        if (qos == 3)  // [MQTT-3.3.1-4]
            return DecodeError{ReasonCode::malformed_packet, "PUBLISH QoS is 3"};
        if (qos == 0 && (flags & 0x08))  // [MQTT-3.3.1-2]
            return DecodeError{ReasonCode::malformed_packet,
                               "PUBLISH with QoS 0 has the DUP flag set"};
        return std::nullopt;
    }
    const bool needs_0010 = kind == PacketType::pubrel || kind == PacketType::subscribe ||
                            kind == PacketType::unsubscribe;  // [MQTT-3.6.1-1], -3.8.1-1, -3.10.1-1
    const std::uint8_t expected = needs_0010 ? 0x02 : 0x00;
    if (flags != expected)  // [MQTT-2.2.2-1], [MQTT-2.2.2-2]
        return DecodeError{ReasonCode::malformed_packet,
                           type_name(type) + " fixed header flags are " + std::to_string(flags) +
                               ", not " + std::to_string(expected)};
    return std::nullopt;
}

// The types whose remaining length is fixed, so a wrong one is refused before it is buffered.
// MQTT 5 gives most of them a reason code and properties.
std::optional<std::size_t> fixed_remaining_length(PacketType type, ProtocolVersion version) {
    if (version == ProtocolVersion::v5) {
        if (type == PacketType::pingreq || type == PacketType::pingresp) return 0;
        return std::nullopt;
    }
    switch (type) {
        case PacketType::connack:
        case PacketType::puback:
        case PacketType::pubrec:
        case PacketType::pubrel:
        case PacketType::pubcomp:
        case PacketType::unsuback:
            return 2;
        case PacketType::pingreq:
        case PacketType::pingresp:
        case PacketType::disconnect:
            return 0;
        default:
            return std::nullopt;
    }
}

BodyResult decode_body(PacketType type, std::uint8_t flags, Reader body, ProtocolVersion& version) {
    switch (type) {
        case PacketType::connect:
            return detail::decode_connect(body, version);
        case PacketType::connack:
            return detail::decode_connack(body, version);
        case PacketType::publish:
            return detail::decode_publish(flags, body, version);
        case PacketType::puback:
        case PacketType::pubrec:
        case PacketType::pubrel:
        case PacketType::pubcomp:
            return detail::decode_ack(type, body, version);
        case PacketType::subscribe:
            return detail::decode_subscribe(body, version);
        case PacketType::suback:
            return detail::decode_suback(body, version);
        case PacketType::unsubscribe:
            return detail::decode_unsubscribe(body, version);
        case PacketType::unsuback:
            return detail::decode_unsuback(body, version);
        case PacketType::pingreq:
            return Packet{Pingreq{}};
        case PacketType::pingresp:
            return Packet{Pingresp{}};
        case PacketType::disconnect:
            return detail::decode_disconnect(body, version);
    }
    return fail(ReasonCode::malformed_packet, "unknown packet type");  // unreachable: checked above
}

}  // namespace

Decoder::Decoder(std::size_t max_packet_size, ProtocolVersion version)
    : max_packet_size_(max_packet_size), version_(version) {}

std::span<std::byte> Decoder::prepare(std::size_t size) {
    assert(lent_.empty() && "prepare() while fed bytes are left");
    fed_ = false;
    if (begin_ == end_) {
        begin_ = end_ = 0;
        if (buffer_.size() > idle_capacity && size <= idle_capacity)
            std::vector<std::byte>().swap(buffer_);
    }
    if (buffer_.size() - end_ < size) {
        // Compact only when the tail is too short: the bytes moved are at most one partial
        // packet plus whatever the caller read past it, never the whole history.
        if (begin_ > 0) {
            std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        if (buffer_.size() - end_ < size) buffer_.resize(end_ + size);
    }
    prepared_ = size;
    return {buffer_.data() + end_, size};
}

void Decoder::commit(std::size_t size) {
    assert(size <= prepared_ && "commit() of more bytes than prepare() gave");
    end_ += std::min(size, prepared_);
    prepared_ = 0;
}

// The bytes the buffered, unfinished packet still lacks; nullopt while its remaining length is
// not complete; 0 when that length is malformed (next() refuses it).
std::optional<std::size_t> Decoder::unfinished_lacks() const {
    const auto held = std::span<const std::byte>(buffer_).subspan(begin_, end_ - begin_);
    std::size_t remaining = 0;
    for (std::size_t i = 0; i < max_length_bytes; ++i) {
        if (1 + i >= held.size()) return std::nullopt;
        const auto byte = std::to_integer<std::size_t>(held[1 + i]);
        remaining |= (byte & 0x7F) << (7 * i);
        if ((byte & 0x80) == 0) {
            const std::size_t total = 1 + (i + 1) + remaining;
            return total > held.size() ? total - held.size() : 0;
        }
    }
    return 0;
}

void Decoder::append(std::span<const std::byte> bytes) {
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    buffer_.resize(end_ + bytes.size());
    std::memcpy(buffer_.data() + end_, bytes.data(), bytes.size());
    end_ += bytes.size();
    fed_ = true;
}

void Decoder::feed(std::span<const std::byte> bytes) {
    assert(lent_.empty() && "feed() before next() said NeedMore");
    if (failure_) return;
    // An unfinished packet takes what completes it (its length bytes one at a time until they
    // say how much that is); the rest stays lent.
    while (begin_ != end_ && !bytes.empty()) {
        const auto lacks = unfinished_lacks();
        const auto take = std::min(lacks.value_or(1), bytes.size());
        append(bytes.first(take));
        bytes = bytes.subspan(take);
        if (lacks) break;
    }
    lent_ = bytes;
}

DecodeResult Decoder::next() {
    if (failure_) return *failure_;
    auto refuse = [this](DecodeError error) -> DecodeResult {
        failure_ = error;
        lent_ = {};
        return error;
    };
    // Lent bytes left over: keep a copy of them (one unfinished packet) and give them back.
    auto need_more = [this, lent = begin_ == end_]() -> DecodeResult {
        if (!lent) return NeedMore{};
        buffer_.assign(lent_.begin(), lent_.end());
        begin_ = 0;
        end_ = buffer_.size();
        lent_ = {};
        fed_ = true;
        return NeedMore{};
    };

    // An unfinished packet's copy comes first; it holds nothing beyond that packet.
    const bool lent = begin_ == end_;
    const auto available =
        lent ? lent_ : std::span<const std::byte>(buffer_).subspan(begin_, end_ - begin_);
    if (available.empty()) return NeedMore{};
    const auto first = std::to_integer<std::uint8_t>(available[0]);
    const auto type_number = static_cast<std::uint8_t>(first >> 4);
    const auto flags = static_cast<std::uint8_t>(first & 0x0F);
    if (auto bad = check_fixed_header(type_number, flags, version_)) return refuse(std::move(*bad));
    const auto type = PacketType{type_number};

    // §2.2.3: seven bits per byte, least significant first, at most four bytes.
    std::size_t remaining = 0;
    std::size_t length_bytes = 0;
    while (true) {
        if (length_bytes == max_length_bytes)
            return refuse(
                {ReasonCode::malformed_packet, "remaining length is longer than 4 bytes"});
        if (1 + length_bytes >= available.size()) return need_more();
        const auto byte = std::to_integer<std::size_t>(available[1 + length_bytes]);
        remaining |= (byte & 0x7F) << (7 * length_bytes);
        ++length_bytes;
        if ((byte & 0x80) == 0) break;
    }

    // Limits before buffering: a peer announcing 256 MB costs us nothing but these few bytes.
    if (const auto fixed = fixed_remaining_length(type, version_); fixed && remaining != *fixed)
        return refuse({ReasonCode::malformed_packet,
                       type_name(type_number) + " remaining length is " +
                           std::to_string(remaining) + ", not " + std::to_string(*fixed)});
    const std::size_t total = 1 + length_bytes + remaining;
    if (total > max_packet_size_)
        return refuse(
            {ReasonCode::packet_too_large, type_name(type_number) + " of " + std::to_string(total) +
                                               " bytes exceeds the maximum packet size of " +
                                               std::to_string(max_packet_size_)});
    if (available.size() < total) return need_more();

    auto decoded =
        decode_body(type, flags, Reader{available.subspan(1 + length_bytes, remaining)}, version_);
    if (lent) {
        lent_ = lent_.subspan(total);
    } else {
        begin_ += total;
        if (fed_ && begin_ == end_) {  // the unfinished packet is done: hold nothing
            std::vector<std::byte>().swap(buffer_);
            begin_ = end_ = 0;
            fed_ = false;
        }
    }
    if (!decoded) return refuse(std::move(decoded).error());
    return std::move(decoded).value();
}

}  // namespace iotemu::mqtt
