// The maximum packet size: refused from the length bytes alone, before buffering and without any
// allocation proportional to the claimed length. Global operator new is replaced in this file to
// watch the largest allocation (it affects the whole test binary, harmlessly: it only counts).
#include <atomic>
#include <cstdlib>
#include <new>

#include <catch2/catch.hpp>

#include "mqtt/bytes.hpp"
#include "mqtt/decoder.hpp"

namespace {
std::atomic<bool> watching{false};
std::atomic<std::size_t> largest_allocation{0};
}  // namespace

namespace {
void* allocate(std::size_t size) noexcept {
    if (watching.load(std::memory_order_relaxed)) {
        auto seen = largest_allocation.load(std::memory_order_relaxed);
        while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {
        }
    }
    return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// The nothrow forms too: their memory is freed by operator delete, and AddressSanitizer's own
// nothrow new (Catch2 uses it) paired with this delete is a mismatch it reports.
void* operator new(std::size_t size) {
    if (void* memory = allocate(size)) return memory;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, const std::nothrow_t&) noexcept { std::free(memory); }

using namespace iotemu::mqtt;
using namespace iotemu::mqtt::test;

namespace {

std::size_t length_bytes_for(std::size_t remaining) {
    std::size_t count = 1;
    while (remaining >= 128) {
        remaining >>= 7;
        ++count;
    }
    return count;
}

// A QoS 0 PUBLISH to "t" whose whole encoding is exactly `total` bytes.
std::vector<std::byte> publish_of_total_size(std::size_t total) {
    std::size_t length_bytes = 1;
    while (length_bytes_for(total - 1 - length_bytes) != length_bytes) ++length_bytes;
    auto remaining = total - 1 - length_bytes;
    std::vector<std::byte> wire = bytes({0x30});  // fixed header: PUBLISH, QoS 0
    do {                                          // remaining length, §2.2.3
        const auto digit = static_cast<int>(remaining & 0x7F);
        remaining >>= 7;
        wire.push_back(static_cast<std::byte>(remaining > 0 ? digit | 0x80 : digit));
    } while (remaining > 0);
    wire.insert(wire.end(), {std::byte{0x00}, std::byte{0x01}, std::byte{'t'}});  // topic "t"
    wire.resize(total, std::byte{'x'});                                           // payload
    return wire;
}

}  // namespace

TEST_CASE("A PUBLISH claiming 256 MB is refused after its length bytes, without allocating") {
    Decoder decoder{aws_max_payload_bytes + 512};
    feed(decoder, bytes({
                      0x30,                    // fixed header: PUBLISH, QoS 0
                      0xFF, 0xFF, 0xFF, 0x7F,  // remaining length: 268,435,455 (the maximum)
                  }));
    largest_allocation = 0;
    watching = true;
    const auto result = decoder.next();
    watching = false;
    CHECK(error_of(result) == ReasonCode::packet_too_large);
    CHECK(largest_allocation.load() < 1024);  // the error message, nothing more
    CHECK(decoder.buffered() == 5);
}

TEST_CASE("A CONNECT claiming more than the limit is refused before its body arrives") {
    Decoder decoder{1024};
    feed(decoder, bytes({
                      0x10,        // fixed header: CONNECT
                      0x80, 0x08,  // remaining length: 1024, so 1027 bytes in all
                  }));
    CHECK(error_of(decoder.next()) == ReasonCode::packet_too_large);
}

TEST_CASE("A packet of exactly the maximum size decodes, one byte more is too large") {
    const std::size_t limit = aws_max_payload_bytes + 64;
    CHECK(std::holds_alternative<Packet>(decode_one(publish_of_total_size(limit), limit)));
    CHECK(error_of(decode_one(publish_of_total_size(limit + 1), limit)) ==
          ReasonCode::packet_too_large);
    CHECK(std::holds_alternative<Packet>(decode_one(publish_of_total_size(200), 200)));
    CHECK(error_of(decode_one(publish_of_total_size(201), 200)) == ReasonCode::packet_too_large);
}

TEST_CASE("Decoding a packet allocates no more than the packet itself needs") {
    const auto wire = publish_of_total_size(64 * 1024);
    Decoder decoder{aws_max_payload_bytes};
    feed(decoder, wire);
    largest_allocation = 0;
    watching = true;
    const auto result = decoder.next();
    watching = false;
    REQUIRE(std::holds_alternative<Packet>(result));
    CHECK(largest_allocation.load() <= wire.size());
}
