// The harness endpoints under the reserved prefix /_emulator/ on the API port (docs/harness.md):
// health, the event journal (read, long-poll, cursor) and reset. AWS paths never start with '_',
// so none of these can shadow an AWS operation. What reset clears is the caller's business.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "api/router.hpp"
#include "journal/journal.hpp"

namespace iotemu::app {

struct Harness {
    journal::Journal& journal;
    std::string version;
    std::string ready_json;       // the ready file's object: the endpoints
    std::function<void()> reset;  // forgets all state but the TLS identity; may throw
};

// Journal long-polls waiting at once; each holds an API worker, so the pool has these on top of
// its usual workers. A long-poll beyond them answers at once, as if `wait` were 0.
inline constexpr std::size_t max_journal_waiters = 2;
inline constexpr int max_journal_wait_seconds = 30;

void add_harness_routes(api::Router& router, Harness harness);

}  // namespace iotemu::app
