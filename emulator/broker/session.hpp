// Session: a client id's MQTT session as the bus sees it. Its subscriptions live in the bus under
// its bus id, so they outlive a connection; while no connection is attached a persistent session
// keeps the QoS 1 messages the client must get later (3.1.1 clean session 0, MQTT 5 Session
// Expiry Interval over 0: docs/aws/iot-core.md §6.2, docs/aws/data-plane.md §1.3).
// The bus delivers to the session; the session forwards to the attached connection or queues.
// Thread-safe (deliveries come from any publisher's thread). Sans-I/O.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.hpp"

namespace iotemu::broker {

// Where a session's messages go while a connection is attached. Must not block: a connection
// posts to its own executor.
class SessionSink {
public:
    virtual ~SessionSink() = default;
    virtual void forward(const bus::Message& message, mqtt::QoS qos, bool retain) = 0;
};

class Session final : public bus::Subscriber {
public:
    Session(std::string client_id, mqtt::ProtocolVersion version, bool persistent,
            std::size_t max_queued);

    const std::string& client_id() const { return client_id_; }
    // Sessions are not carried across MQTT versions (docs/aws/data-plane.md §1.1).
    mqtt::ProtocolVersion version() const { return version_; }
    bool persistent() const;
    // A resumed session may become persistent or stop being so, as its new connection asks.
    void set_persistent(bool persistent);

    void deliver(const bus::Message& message, mqtt::QoS qos, bool retain) override;

    // Attaches a connection and returns what was queued for it, oldest first; each message's
    // qos and retain are the delivery's.
    std::vector<bus::Message> attach(std::weak_ptr<SessionSink> sink);
    // Detaches `sink` if it is the attached one (else returns false: a newer connection took the
    // session over); `unacknowledged` QoS 1 messages go back to the front of the queue for the
    // next connection.
    bool detach(const SessionSink* sink, std::vector<bus::Message> unacknowledged);

    bus::SubscriberId bus_id = 0;  // set once by the owner after Bus::attach

private:
    const std::string client_id_;
    const mqtt::ProtocolVersion version_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    bool persistent_;
    std::weak_ptr<SessionSink> sink_;
    const SessionSink* sink_identity_ = nullptr;
    std::deque<bus::Message> queued_;
};

}  // namespace iotemu::broker
