// Session: a client id's MQTT session as the bus sees it. Its subscriptions live in the bus under
// its bus id, so they outlive a connection; while no connection is attached a persistent session
// keeps the QoS 1 messages the client must get later (3.1.1 clean session 0, MQTT 5 Session
// Expiry Interval over 0: docs/aws/iot-core.md §6.2, docs/aws/data-plane.md §1.3).
// The bus delivers to the session; the session forwards to the attached connection or queues.
// A persistent session writes what it queues offline, and its subscriptions, to its
// SessionStorage when it has one (docs/state.md §2); forwarding never touches it. Thread-safe
// (deliveries come from any publisher's thread). Sans-I/O.
#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/session_storage.hpp"
#include "bus/bus.hpp"

namespace iotemu::broker {

// Where a session's messages go while a connection is attached. Must not block: a connection
// posts to its own executor.
class SessionSink {
public:
    virtual ~SessionSink() = default;
    virtual void forward(const bus::Message& message, mqtt::QoS qos, bool retain) = 0;
};

// What persistent sessions may hold offline (docs/limits.md §5). Per session the oldest message
// gives way to a new one; once the whole broker holds `total_bytes`, new messages are refused
// (dropped, with a warning) until sessions take theirs, so one busy session cannot push out
// another's.
struct OfflineQueueLimits {
    std::size_t messages = 1000;                  // per session
    std::size_t session_bytes = 8 * 1024 * 1024;  // per session: topics and payloads
    std::size_t total_bytes = 128 * 1024 * 1024;  // every session's queue together
};

// The broker-wide byte count of offline queues, shared by every session.
class OfflineQueueBudget {
public:
    explicit OfflineQueueBudget(std::size_t limit) : limit_(limit) {}
    // Takes `bytes` if they fit under the limit.
    bool take(std::size_t bytes);
    void give_back(std::size_t bytes) { used_ -= bytes; }
    std::size_t used() const { return used_; }

private:
    const std::size_t limit_;
    std::atomic<std::size_t> used_{0};
};

class Session final : public bus::Subscriber {
public:
    // `storage` (may be null) keeps the session across restarts while it is persistent.
    Session(std::string client_id, mqtt::ProtocolVersion version, bool persistent,
            OfflineQueueLimits limits, std::shared_ptr<OfflineQueueBudget> budget,
            std::shared_ptr<SessionStorage> storage = nullptr);
    ~Session() override;

    const std::string& client_id() const { return client_id_; }
    // Sessions are not carried across MQTT versions (docs/aws/data-plane.md §1.1).
    mqtt::ProtocolVersion version() const { return version_; }
    bool persistent() const;
    // A resumed session may become persistent or stop being so, as its new connection asks.
    void set_persistent(bool persistent);

    void deliver(const bus::Message& message, mqtt::QoS qos, bool retain) override;

    // Attaches a connection and returns what was queued for it, oldest first; each message's
    // qos and retain are the delivery's. The storage keeps them until the connection ends: a
    // restart in between delivers them again (QoS 1 is at least once).
    std::vector<bus::Message> attach(std::weak_ptr<SessionSink> sink);
    // Detaches `sink` if it is the attached one (else returns false: a newer connection took the
    // session over); `unacknowledged` QoS 1 messages go back to the front of the queue for the
    // next connection, and become the stored queue.
    bool detach(const SessionSink* sink, std::vector<bus::Message> unacknowledged);

    // A subscription the session's connection made or removed (the bus holds it), to store.
    void subscribed(std::string_view filter, mqtt::SubscriptionOptions options);
    void unsubscribed(std::string_view filter);
    // Puts messages read back from the storage in the queue, as they were.
    void restore(std::vector<bus::Message> queued);

    bus::SubscriberId bus_id = 0;  // set once by the owner after Bus::attach

private:
    // Queues `message` (mutex_ held), making room as OfflineQueueLimits says; returns whether it
    // was kept and how many older ones gave way.
    struct Enqueued {
        bool kept = false;
        std::size_t dropped = 0;
    };
    Enqueued enqueue(bus::Message message, bool at_front);
    // Runs `write` on the storage if the session is persistent and has one (mutex_ held); a
    // failure is logged, the session goes on in memory.
    template <class Write>
    void store(const char* what, Write&& write);
    void drop_oldest();  // mutex_ held
    void clear_queue();  // mutex_ held

    const std::string client_id_;
    const mqtt::ProtocolVersion version_;
    const OfflineQueueLimits limits_;
    const std::shared_ptr<OfflineQueueBudget> budget_;
    const std::shared_ptr<SessionStorage> storage_;
    mutable std::mutex mutex_;
    bool persistent_;
    std::weak_ptr<SessionSink> sink_;
    const SessionSink* sink_identity_ = nullptr;
    std::list<bus::Message> queued_;  // allocates nothing while empty, as it mostly is
    std::size_t queued_bytes_ = 0;
    std::size_t refused_ = 0;  // messages the broker-wide limit turned away since the last warning
};

}  // namespace iotemu::broker
