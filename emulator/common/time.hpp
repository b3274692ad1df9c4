// Wall-clock instants as AWS renders them: epoch seconds with a fraction in control-plane JSON
// (docs/aws/iot-core.md §0.1), epoch milliseconds in MQTT events. std only.
#pragma once

#include <chrono>
#include <cstdint>

namespace iotemu {

using Timestamp = std::chrono::system_clock::time_point;

inline Timestamp now() { return std::chrono::system_clock::now(); }

inline double epoch_seconds(Timestamp t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Millisecond precision: AWS's control plane shows three decimals (e.g. 1569365372.053).
inline double epoch_seconds_ms(Timestamp t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    return static_cast<double>(ms.count()) / 1000.0;
}

inline std::int64_t epoch_millis(Timestamp t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace iotemu
