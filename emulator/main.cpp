// iot-emulator's entry point: flags, logging, start, ready file, serve until signalled.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/emulator.hpp"
#include "app/options.hpp"
#include "app/ready_file.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
    using namespace iotemu;
    const auto options = app::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) {
        (options.error().help ? std::cout : std::cerr) << options.error().message << '\n';
        return options.error().help ? 0 : 2;
    }
    log::set_level(options->log_level);
    try {
        app::Emulator emulator(*options);
        const auto& endpoints = emulator.endpoints();
        if (options->ready_file) app::write_ready_file(*options->ready_file, endpoints);
        log::info("emulator", "ready: ", app::ready_json(endpoints));
        std::cout << app::banner(endpoints, emulator.io_threads()) << std::flush;
        emulator.run();
        log::info("emulator", "stopped");
        return 0;
    } catch (const std::exception& e) {
        log::error("emulator", e.what());
        return 1;
    }
}
