// Emulator: the whole process wired together — data dir and TLS identity, registry, API router,
// listeners, worker pool, signals. Construction binds every port (throws with a clear message
// when one is taken); run() serves until stop() or SIGINT/SIGTERM. No Asio in this header.
#pragma once

#include <cstddef>
#include <memory>

#include "app/options.hpp"
#include "app/ready_file.hpp"

namespace iotemu::app {

class Emulator {
public:
    explicit Emulator(const Options& options);
    ~Emulator();
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    const Endpoints& endpoints() const;
    std::size_t io_threads() const;  // how many threads run() serves the sockets with
    // Blocks, serving on the calling thread and io_threads() - 1 others; returns after stop() or
    // a signal, once every one of them has.
    void run();
    void stop();  // thread-safe

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu::app
