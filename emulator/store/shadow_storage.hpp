// Device shadows on the state database: one row per thing and shadow name with its document,
// version and, for a deleted shadow, when it was deleted (docs/state.md §1). Knows nothing of
// merging or deltas.
#pragma once

#include <memory>

#include "shadow/shadows.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteShadowStorage final : public shadow::ShadowStorage {
public:
    explicit SqliteShadowStorage(std::shared_ptr<Database> database);
    std::vector<shadow::StoredShadow> load() override;
    void put(const shadow::StoredShadow& shadow) override;
    void erase_thing(std::string_view thing_name) override;
    void clear() override;

private:
    std::shared_ptr<Database> database_;
    Statement upsert_;
    Statement delete_thing_;
};

}  // namespace iotemu::store
