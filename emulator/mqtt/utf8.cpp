// A byte-at-a-time UTF-8 checker, following the well-formed byte sequences table of Unicode §3.9
// (Table 3-7); the narrowed second-byte ranges are what exclude overlongs and surrogates.
#include "mqtt/utf8.hpp"

#include <cstdint>

namespace iotemu::mqtt {

bool is_valid_mqtt_utf8(std::string_view text) {
    const auto size = text.size();
    std::size_t i = 0;
    auto byte_at = [&](std::size_t at) { return static_cast<std::uint8_t>(text[at]); };
    auto in = [](std::uint8_t b, std::uint8_t low, std::uint8_t high) {
        return b >= low && b <= high;
    };
    while (i < size) {
        const std::uint8_t lead = byte_at(i);
        if (lead < 0x80) {
            if (lead == 0x00) return false;  // [MQTT-1.5.3-2]
            ++i;
            continue;
        }
        // Bounds of the second byte, and how many continuation bytes follow it.
        std::uint8_t low = 0x80, high = 0xBF;
        std::size_t trailing = 0;
        if (in(lead, 0xC2, 0xDF)) {
            trailing = 0;
        } else if (lead == 0xE0) {
            low = 0xA0;  // below is an overlong 3-byte form
            trailing = 1;
        } else if (in(lead, 0xE1, 0xEC) || in(lead, 0xEE, 0xEF)) {
            trailing = 1;
        } else if (lead == 0xED) {
            high = 0x9F;  // above are the surrogates U+D800..U+DFFF [MQTT-1.5.3-1]
            trailing = 1;
        } else if (lead == 0xF0) {
            low = 0x90;  // below is an overlong 4-byte form
            trailing = 2;
        } else if (in(lead, 0xF1, 0xF3)) {
            trailing = 2;
        } else if (lead == 0xF4) {
            high = 0x8F;  // above is beyond U+10FFFF
            trailing = 2;
        } else {
            return false;  // a stray continuation byte, C0/C1 (overlong) or F5..FF
        }
        if (size - i < 2 + trailing) return false;
        if (!in(byte_at(i + 1), low, high)) return false;
        for (std::size_t k = 0; k < trailing; ++k)
            if (!in(byte_at(i + 2 + k), 0x80, 0xBF)) return false;
        i += 2 + trailing;
    }
    return true;
}

}  // namespace iotemu::mqtt
