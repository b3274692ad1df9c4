// Persistent MQTT sessions on the state database: one row per session (its MQTT version and
// expiry), one per subscription, one per queued QoS 1 message in queue order
// (docs/state.md §1). Knows nothing of connections or delivery.
#pragma once

#include <memory>

#include "broker/session_storage.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteSessionStorage final : public broker::SessionStorage {
public:
    explicit SqliteSessionStorage(std::shared_ptr<Database> database);
    std::vector<broker::StoredSession> load() override;
    void put_session(const std::string& client_id, mqtt::ProtocolVersion version,
                     std::uint32_t expiry_seconds, std::int64_t expires_at_ms) override;
    void erase_session(const std::string& client_id) override;
    void put_subscription(const std::string& client_id, std::string_view filter,
                          mqtt::SubscriptionOptions options) override;
    void erase_subscription(const std::string& client_id, std::string_view filter) override;
    void push_message(const std::string& client_id, const bus::Message& message,
                      std::size_t dropped) override;
    void drop_oldest(const std::string& client_id, std::size_t count) override;
    void replace_messages(const std::string& client_id,
                          const std::vector<bus::Message>& messages) override;

private:
    void insert_message(const std::string& client_id, const bus::Message& message);

    std::shared_ptr<Database> database_;
    Statement upsert_session_;
    Statement delete_session_;
    Statement delete_subscriptions_;
    Statement delete_messages_;
    Statement upsert_subscription_;
    Statement delete_subscription_;
    Statement insert_message_;
    Statement drop_oldest_;
};

}  // namespace iotemu::store
