// The logger's one sink: whole lines to stderr under a mutex, so threads never interleave.
#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>

namespace iotemu::log {
namespace {

std::atomic<Level> current_level{Level::info};
std::mutex sink_mutex;

std::string_view name_of(Level level) {
    switch (level) {
        case Level::debug:
            return "DEBUG";
        case Level::info:
            return "INFO";
        case Level::warn:
            return "WARN";
        case Level::error:
            return "ERROR";
    }
    return "?";
}

}  // namespace

void set_level(Level level) { current_level.store(level); }

bool enabled(Level level) { return level >= current_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view text, Level& out) {
    if (text == "debug")
        out = Level::debug;
    else if (text == "info")
        out = Level::info;
    else if (text == "warn" || text == "warning")
        out = Level::warn;
    else if (text == "error")
        out = Level::error;
    else
        return false;
    return true;
}

void write(Level level, std::string_view component, std::string_view message) {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    const auto length = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::lock_guard lock(sink_mutex);
    std::cerr << std::string_view(stamp, length) << '.' << (millis < 100 ? "0" : "")
              << (millis < 10 ? "0" : "") << millis << "Z " << name_of(level) << ' ' << component
              << ": " << message << '\n';
}

}  // namespace iotemu::log
