// The registry's Store on the state database: load() reads every record once at start-up;
// save() writes, in one transaction, only the records that differ from what the file already
// holds, before the registry's operation returns (docs/state.md §2). Knows the registry's State,
// never its rules.
#pragma once

#include <memory>

#include "registry/store.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteRegistryStore final : public registry::Store {
public:
    explicit SqliteRegistryStore(std::shared_ptr<Database> database);

    registry::State load() override;
    // Throws StoreError when the write fails: the registry's caller sees the operation fail.
    void save(const registry::State& state) override;

private:
    std::shared_ptr<Database> database_;
    Statement upsert_;
    Statement erase_;
    registry::State saved_;  // what the file holds: save() writes the difference
    bool saved_valid_ = true;
};

}  // namespace iotemu::store
