// Decoder::feed: bytes lent from a read buffer the caller reuses, decoded where they are, with
// only an unfinished packet copied and that copy freed once the packet completes.
#include <array>
#include <cstring>

#include "mqtt/bytes.hpp"

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

const auto three_packets = concat({
    bytes({0xC0, 0x00}),                        // PINGREQ
    bytes({0x40, 0x02, 0x00, 0x09}),            // PUBACK 9
    bytes({0x30, 0x04, 0x00, 0x01, 'x', 'y'}),  // PUBLISH "x", payload "y"
});

// Copies `part` into `reused` (the caller's shared read buffer) and lends that copy.
void lend(Decoder& decoder, std::vector<std::byte>& reused, std::span<const std::byte> part) {
    reused.assign(part.begin(), part.end());
    decoder.feed(reused);
}

}  // namespace

TEST_CASE("Whole packets lent with feed() decode in place and leave no buffer behind") {
    Decoder decoder{test_max_packet_size};
    decoder.feed(three_packets);
    CHECK(decoder.buffered() == three_packets.size());
    CHECK(std::holds_alternative<Pingreq>(std::get<Packet>(decoder.next())));
    CHECK(packet_as<Puback>(decoder.next()).packet_id == 9);
    CHECK(packet_as<Publish>(decoder.next()).payload == bytes("y"));
    CHECK(std::holds_alternative<NeedMore>(decoder.next()));
    CHECK(decoder.buffered() == 0);
    CHECK(decoder.capacity() == 0);
}

TEST_CASE("An unfinished packet outlives the lent buffer being reused, and its copy is freed") {
    Decoder decoder{test_max_packet_size};
    std::vector<std::byte> reused;
    const auto wire = concat({three_packets, bytes({0xC0, 0x00})});  // and a second PINGREQ
    const auto cut = GENERATE(range<std::size_t>(1, 14));
    INFO("cut after " << cut << " bytes");
    std::vector<Packet> decoded;
    auto drain = [&] {
        for (;;) {
            auto result = decoder.next();
            if (std::holds_alternative<NeedMore>(result)) return;
            REQUIRE(std::holds_alternative<Packet>(result));
            decoded.push_back(std::get<Packet>(std::move(result)));
        }
    };
    lend(decoder, reused, std::span(wire).first(cut));
    drain();
    std::fill(reused.begin(), reused.end(), std::byte{0xFF});  // the next read overwrites it
    lend(decoder, reused, std::span(wire).subspan(cut));
    drain();
    REQUIRE(decoded.size() == 4);
    CHECK(std::holds_alternative<Pingreq>(decoded[0]));
    CHECK(std::get<Puback>(decoded[1]).packet_id == 9);
    CHECK(std::get<Publish>(decoded[2]).payload == bytes("y"));
    CHECK(std::holds_alternative<Pingreq>(decoded[3]));
    CHECK(decoder.buffered() == 0);
    CHECK(decoder.capacity() == 0);
}

TEST_CASE("A large packet lent in pieces is held only while it is unfinished") {
    Publish sent;
    sent.topic = "big";
    sent.payload.assign(100'000, std::byte{0x5A});
    const auto wire = concat({
        bytes({0x30,                         // fixed header: PUBLISH, QoS 0
               0xA5, 0x8D, 0x06,             // remaining length: 100,005 in three bytes
               0x00, 0x03, 'b', 'i', 'g'}),  // topic name "big"
        sent.payload, bytes({0xC0}),         // the first byte of a PINGREQ
    });
    Decoder decoder{test_max_packet_size};
    std::vector<std::byte> reused;
    std::size_t offset = 0;
    std::optional<Publish> received;
    while (offset < wire.size()) {
        const auto chunk = std::min<std::size_t>(16 * 1024, wire.size() - offset);
        lend(decoder, reused, std::span(wire).subspan(offset, chunk));
        offset += chunk;
        auto result = decoder.next();
        if (std::holds_alternative<Packet>(result)) {
            received = packet_as<Publish>(result);
            result = decoder.next();
        }
        REQUIRE(std::holds_alternative<NeedMore>(result));
    }
    REQUIRE(received);
    CHECK(*received == sent);
    // What is left is the PINGREQ's first byte, not the 100 kB packet before it.
    CHECK(decoder.buffered() == 1);
    CHECK(decoder.capacity() < 1024);
    lend(decoder, reused, bytes({0x00}));
    CHECK(std::holds_alternative<Pingreq>(std::get<Packet>(decoder.next())));
    CHECK(decoder.capacity() == 0);
}

TEST_CASE("A decode error in lent bytes is final and lets go of them") {
    Decoder decoder{test_max_packet_size};
    const auto wire = bytes({0xC0, 0x00, 0xC1, 0x00, 0xC0, 0x00});  // PINGREQ, bad flags, PINGREQ
    decoder.feed(wire);
    CHECK(std::holds_alternative<Pingreq>(std::get<Packet>(decoder.next())));
    CHECK(error_of(decoder.next()) == ReasonCode::malformed_packet);
    CHECK(decoder.buffered() == 0);
    CHECK(error_of(decoder.next()) == ReasonCode::malformed_packet);
}
