// libFuzzer harness for mqtt::Decoder: arbitrary bytes, cut into arbitrary chunks, must never
// crash, read out of bounds or leak, and every packet it accepts must survive encode → decode in
// the version it was read in (MQTT 3.1.1, or 5 after a level-5 CONNECT).
// Not part of the CMake build. Build and run from the repository root with:
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iemulator \
//       tests/fuzz/mqtt_decoder_fuzz.cpp emulator/mqtt/*.cpp -o build-mqtt/mqtt_decoder_fuzz
//   mkdir -p build-mqtt/fuzz-corpus
//   build-mqtt/mqtt_decoder_fuzz -max_total_time=60 build-mqtt/fuzz-corpus
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <variant>

#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"

namespace {

constexpr std::size_t max_packet_size = 4096;  // small, so the size limit is reached too

// `version`: the one the packet was read in (a CONNECT's own, which MQTT 5 then keeps).
void check_round_trip(const iotemu::mqtt::Packet& packet, iotemu::mqtt::ProtocolVersion version) {
    using namespace iotemu::mqtt;
    // Re-encoding may use fewer length bytes, never more.
    Decoder again{max_packet_size + 8, version};
    const auto wire = encode(packet, version);
    std::memcpy(again.prepare(wire.size()).data(), wire.data(), wire.size());
    again.commit(wire.size());
    const auto result = again.next();
    if (!std::holds_alternative<Packet>(result) || std::get<Packet>(result) != packet ||
        again.buffered() != 0)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace iotemu::mqtt;
    if (size == 0) return 0;
    // The first byte picks the chunk size, so partial packets and compaction are exercised.
    const std::size_t chunk = 1 + data[0] % 64;
    const auto input = std::as_bytes(std::span(data + 1, size - 1));

    Decoder decoder{max_packet_size};
    for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
        const auto piece = input.subspan(offset, std::min(chunk, input.size() - offset));
        std::memcpy(decoder.prepare(piece.size()).data(), piece.data(), piece.size());
        decoder.commit(piece.size());
        while (true) {
            auto result = decoder.next();
            if (std::holds_alternative<NeedMore>(result)) break;
            if (std::holds_alternative<DecodeError>(result)) return 0;
            check_round_trip(std::get<Packet>(result), decoder.version());
        }
    }
    return 0;
}
