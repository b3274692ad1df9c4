// Store: where the registry's State lives between runs. The registry loads it once and hands it
// every committed change; a persistent store slots in here without touching the registry's callers.
#pragma once

#include <memory>

#include "registry/state.hpp"

namespace iotemu::registry {

class Store {
public:
    virtual ~Store() = default;
    virtual State load() = 0;
    // Called under the registry's write lock after each successful mutation.
    virtual void save(const State& state) = 0;
};

// Keeps nothing: state lives only in the registry's memory.
class MemoryStore final : public Store {
public:
    State load() override { return {}; }
    void save(const State&) override {}
};

}  // namespace iotemu::registry
