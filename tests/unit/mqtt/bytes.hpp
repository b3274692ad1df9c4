// Test helpers for the MQTT codec: byte literals, feeding a Decoder, and readable failures.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "mqtt/decoder.hpp"
#include "mqtt/packet.hpp"
#include "mqtt/reason_code.hpp"

namespace iotemu::mqtt::test {

// Limit used when a test is not about limits: AWS's payload quota plus generous header room.
inline constexpr std::size_t test_max_packet_size = aws_max_payload_bytes + 1024;

// bytes({0x10, 0x02, 'M', …}): every element is one byte of wire data.
inline std::vector<std::byte> bytes(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    out.reserve(values.size());
    for (int value : values) out.push_back(static_cast<std::byte>(value));
    return out;
}

inline std::vector<std::byte> bytes(std::string_view text) {
    const auto* data = reinterpret_cast<const std::byte*>(text.data());
    return {data, data + text.size()};
}

inline std::vector<std::byte> concat(std::initializer_list<std::vector<std::byte>> parts) {
    std::vector<std::byte> out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

// A whole packet from its first byte and body, for bodies under 128 bytes (one length byte).
inline std::vector<std::byte> frame(int first_byte, std::initializer_list<int> body) {
    REQUIRE(body.size() < 128);
    auto out = bytes({first_byte, static_cast<int>(body.size())});
    for (int value : body) out.push_back(static_cast<std::byte>(value));
    return out;
}

inline void feed(Decoder& decoder, std::span<const std::byte> data) {
    auto space = decoder.prepare(data.size());
    std::copy(data.begin(), data.end(), space.begin());  // not memcpy: data may be empty, null
    decoder.commit(data.size());
}

// The first result of decoding `data` given all at once.
inline DecodeResult decode_one(std::span<const std::byte> data,
                               std::size_t max_packet_size = test_max_packet_size) {
    Decoder decoder{max_packet_size};
    feed(decoder, data);
    return decoder.next();
}

template <class T>
T packet_as(const DecodeResult& result) {
    if (const auto* error = std::get_if<DecodeError>(&result))
        FAIL("decode failed: " << error->message);
    REQUIRE(std::holds_alternative<Packet>(result));
    const auto& packet = std::get<Packet>(result);
    REQUIRE(std::holds_alternative<T>(packet));
    return std::get<T>(packet);
}

inline ReasonCode error_of(const DecodeResult& result) {
    REQUIRE(std::holds_alternative<DecodeError>(result));
    return std::get<DecodeError>(result).code;
}

}  // namespace iotemu::mqtt::test

namespace Catch {
template <>
struct StringMaker<iotemu::mqtt::ReasonCode> {
    static std::string convert(iotemu::mqtt::ReasonCode code) {
        std::ostringstream text;
        text << "0x" << std::hex << static_cast<int>(code) << " (" << iotemu::mqtt::describe(code)
             << ")";
        return text.str();
    }
};
}  // namespace Catch
