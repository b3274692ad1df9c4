// Retained messages on the state database: one row per topic with the payload, QoS, publisher,
// time and MQTT 5 properties (docs/state.md §1). Knows nothing of subscriptions.
#pragma once

#include <memory>

#include "bus/bus.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteRetainedStorage final : public bus::RetainedStorage {
public:
    explicit SqliteRetainedStorage(std::shared_ptr<Database> database);
    std::vector<bus::Message> load() override;
    void put(const bus::Message& message) override;
    void erase(std::string_view topic) override;

private:
    std::shared_ptr<Database> database_;
    Statement upsert_;
    Statement delete_;
};

}  // namespace iotemu::store
