// A small leveled logger to stderr, safe to call from any thread. No I/O library beyond <iostream>.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace iotemu::log {

enum class Level { debug, info, warn, error };

void set_level(Level level);
bool enabled(Level level);
bool parse_level(std::string_view text, Level& out);
void write(Level level, std::string_view component, std::string_view message);

template <class... Parts>
void emit(Level level, std::string_view component, const Parts&... parts) {
    if (!enabled(level)) return;
    std::ostringstream line;
    (line << ... << parts);
    write(level, component, line.str());
}

template <class... Parts>
void debug(std::string_view component, const Parts&... parts) {
    emit(Level::debug, component, parts...);
}
template <class... Parts>
void info(std::string_view component, const Parts&... parts) {
    emit(Level::info, component, parts...);
}
template <class... Parts>
void warn(std::string_view component, const Parts&... parts) {
    emit(Level::warn, component, parts...);
}
template <class... Parts>
void error(std::string_view component, const Parts&... parts) {
    emit(Level::error, component, parts...);
}

}  // namespace iotemu::log
