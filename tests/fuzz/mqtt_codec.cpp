// Fuzzes the MQTT 3.1.1 and 5 decoder with bytes arriving in arbitrary chunks, and checks that
// every packet it accepts survives encode() and a second decode unchanged. No sockets, no broker.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <variant>

#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"

using namespace iotemu::mqtt;

namespace {

// Small enough that the fuzzer reaches the "too large" refusal, large enough for real packets.
constexpr std::size_t max_packet = 4096;

void check_round_trip(const Packet& packet, ProtocolVersion version) {
    const auto bytes = encode(packet, version);
    Decoder again(max_packet * 2, version);
    auto room = again.prepare(bytes.size());
    std::memcpy(room.data(), bytes.data(), bytes.size());
    again.commit(bytes.size());
    const auto result = again.next();
    const auto* decoded = std::get_if<Packet>(&result);
    // encode() lost or added something, or used more bytes than it needed.
    if (decoded == nullptr || !(*decoded == packet) || again.buffered() != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte: the version a client's decoder is told, and the read size.
    const auto version = (data[0] & 1) ? ProtocolVersion::v5 : ProtocolVersion::v311;
    const std::size_t chunk = 1 + (data[0] >> 1);
    ++data;
    --size;

    Decoder decoder(max_packet, version);
    while (true) {
        const std::size_t n = std::min(chunk, size);
        auto room = decoder.prepare(n);
        if (n > 0) std::memcpy(room.data(), data, n);
        decoder.commit(n);
        data += n;
        size -= n;
        while (true) {
            auto result = decoder.next();
            if (std::holds_alternative<NeedMore>(result)) break;
            if (std::holds_alternative<DecodeError>(result)) {
                // Final: asking again gives the same refusal.
                if (!std::holds_alternative<DecodeError>(decoder.next())) std::abort();
                return 0;
            }
            check_round_trip(std::get<Packet>(result), decoder.version());
        }
        if (size == 0) return 0;
    }
}
