// EmbeddedEmulator: app::Emulator on ephemeral ports, its run() on a thread of its own (with the
// I/O threads it starts), its data dir a temporary folder unless given. Leaves the process's
// signals alone.
#include "iotemu/embedded.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "app/emulator.hpp"
#include "common/log.hpp"

namespace iotemu {
namespace {

std::filesystem::path make_temporary_folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "iot-emulator.XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("iot-emulator: cannot create a temporary data dir: " +
                                 std::error_code(errno, std::generic_category()).message());
    return pattern;
}

}  // namespace

struct EmbeddedEmulator::Impl {
    std::filesystem::path temporary;  // removed by stop(); empty when the data dir was given
    app::Endpoints endpoints;
    std::filesystem::path data_dir;
    std::unique_ptr<app::Emulator> emulator;
    std::thread serving;
};

EmbeddedEmulator::EmbeddedEmulator(EmbeddedOptions options) : impl_(std::make_unique<Impl>()) {
    log::Level level;
    if (!log::parse_level(options.log_level, level))
        throw std::invalid_argument("iot-emulator: unknown log level '" + options.log_level +
                                    "' (debug, info, warn or error)");
    log::set_level(level);
    if (options.data_dir.empty()) impl_->temporary = options.data_dir = make_temporary_folder();
    app::Options flags;
    flags.api_port = flags.mqtt_port = flags.https_port = 0;
    flags.data_dir = options.data_dir.string();
    flags.region = options.region;
    flags.account_id = options.account_id;
    flags.handle_signals = false;
    if (options.io_threads) flags.io_threads = options.io_threads;
    flags.node_modules_dir = options.node_modules_dir.string();
    try {
        impl_->emulator = std::make_unique<app::Emulator>(flags);
    } catch (...) {
        stop();
        throw;
    }
    impl_->endpoints = impl_->emulator->endpoints();
    impl_->data_dir = options.data_dir;
    impl_->serving = std::thread([emulator = impl_->emulator.get()] { emulator->run(); });
}

EmbeddedEmulator::~EmbeddedEmulator() { stop(); }

void EmbeddedEmulator::stop() {
    if (impl_->emulator) impl_->emulator->stop();
    if (impl_->serving.joinable()) impl_->serving.join();
    impl_->emulator.reset();
    if (!impl_->temporary.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(impl_->temporary, ignored);
        impl_->temporary.clear();
    }
}

std::string EmbeddedEmulator::api_url() const { return impl_->endpoints.api_endpoint(); }
std::string EmbeddedEmulator::mqtt_host() const { return impl_->endpoints.host; }
std::uint16_t EmbeddedEmulator::mqtt_port() const { return impl_->endpoints.mqtt_port; }
std::uint16_t EmbeddedEmulator::https_port() const { return impl_->endpoints.https_port; }
std::string EmbeddedEmulator::https_url() const { return impl_->endpoints.https_endpoint(); }
std::filesystem::path EmbeddedEmulator::server_ca_file() const {
    return impl_->endpoints.server_ca_file;
}
std::filesystem::path EmbeddedEmulator::data_dir() const { return impl_->data_dir; }
std::string EmbeddedEmulator::region() const { return impl_->endpoints.region; }
std::string EmbeddedEmulator::account_id() const { return impl_->endpoints.account_id; }

}  // namespace iotemu
