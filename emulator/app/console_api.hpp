// The web console's routes under the reserved prefix (docs/console.md): its static files at
// /_emulator/console/ and its live stream at /_emulator/console/live. The page reads everything
// else from the emulator's own APIs (the IoT, Lambda and iot-data routes, the journal).
#pragma once

#include "api/router.hpp"
#include "console/live.hpp"

namespace iotemu::app {

inline constexpr std::string_view console_path = "/_emulator/console/";

void add_console_routes(api::Router& router, console::Live& live);

}  // namespace iotemu::app
