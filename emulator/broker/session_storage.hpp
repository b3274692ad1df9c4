// SessionStorage: where persistent MQTT sessions live between runs (docs/state.md §1) — each
// session's expiry, its subscriptions and the QoS 1 messages queued for it while offline. Owned
// by the broker, implemented on the state database (emulator/store/); without one, sessions live
// in memory only. Only persistent sessions use it, and never for a delivery to a connected
// client: the hot path stays in memory. Sans-I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bus/bus.hpp"

namespace iotemu::broker {

struct StoredSubscription {
    std::string filter;
    mqtt::SubscriptionOptions options;
};

struct StoredSession {
    std::string client_id;
    mqtt::ProtocolVersion version = mqtt::ProtocolVersion::v311;
    std::uint32_t expiry_seconds = 0;
    std::int64_t expires_at_ms = 0;  // 0: a connection was using it when the emulator stopped
    std::vector<StoredSubscription> subscriptions;
    std::vector<bus::Message> queued;  // oldest first; qos and retain are the delivery's
};

// Each call is durable when it returns (one transaction); a failure throws.
class SessionStorage {
public:
    virtual ~SessionStorage() = default;
    virtual std::vector<StoredSession> load() = 0;
    // Adds or updates a session; `expires_at_ms` is 0 while a connection uses it.
    virtual void put_session(const std::string& client_id, mqtt::ProtocolVersion version,
                             std::uint32_t expiry_seconds, std::int64_t expires_at_ms) = 0;
    // Forgets a session with its subscriptions and queued messages.
    virtual void erase_session(const std::string& client_id) = 0;
    virtual void put_subscription(const std::string& client_id, std::string_view filter,
                                  mqtt::SubscriptionOptions options) = 0;
    virtual void erase_subscription(const std::string& client_id, std::string_view filter) = 0;
    // Queues `message` after the others, having removed the `dropped` oldest first (the queue's
    // limits made room for it).
    virtual void push_message(const std::string& client_id, const bus::Message& message,
                              std::size_t dropped) = 0;
    // Removes the `count` oldest queued messages (the queue's limits made room).
    virtual void drop_oldest(const std::string& client_id, std::size_t count) = 0;
    // Replaces the session's queue with `messages`, oldest first.
    virtual void replace_messages(const std::string& client_id,
                                  const std::vector<bus::Message>& messages) = 0;
};

}  // namespace iotemu::broker
