// One generator per thread, seeded from the OS, so identifiers never repeat across restarts.
#include "common/random.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace iotemu {
namespace {

std::mt19937_64& generator() {
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    return engine;
}

constexpr char hex_digits[] = "0123456789abcdef";

}  // namespace

std::string random_hex(std::size_t bytes) {
    std::string out;
    out.reserve(bytes * 2);
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto byte = static_cast<unsigned>(generator()() & 0xff);
        out.push_back(hex_digits[byte >> 4]);
        out.push_back(hex_digits[byte & 0xf]);
    }
    return out;
}

std::string random_text(std::size_t length, std::string_view alphabet) {
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) out.push_back(alphabet[pick(generator())]);
    return out;
}

std::string random_uuid() {
    std::array<std::uint8_t, 16> b{};
    for (auto& byte : b) byte = static_cast<std::uint8_t>(generator()() & 0xff);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(hex_digits[b[i] >> 4]);
        out.push_back(hex_digits[b[i] & 0xf]);
    }
    return out;
}

}  // namespace iotemu
