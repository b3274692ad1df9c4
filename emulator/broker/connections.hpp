// Connections: who is connected as which client id, and the sessions that outlive connections.
// The broker asks it to take over a client id (docs/aws/iot-core.md §6.2: the newer connection
// wins), to open or resume a session, and which connections use a certificate that stopped being
// ACTIVE. Thread-safe; never calls out while holding its lock. Sans-I/O.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "broker/session.hpp"
#include "bus/bus.hpp"
#include "mqtt/protocol.hpp"

namespace iotemu::broker {

// What the index may ask of a live connection, from any thread.
class ConnectionHandle {
public:
    virtual ~ConnectionHandle() = default;
    virtual void kick(mqtt::DisconnectReason reason) = 0;  // must not block
    virtual const std::string& certificate_id() const = 0;
};

class Connections {
public:
    Connections(bus::Bus& bus, std::size_t max_queued_per_session);

    void add(const std::shared_ptr<ConnectionHandle>& connection);
    void remove(const ConnectionHandle* connection);

    // Makes `connection` the holder of `client_id`; returns the connection it displaced, which the
    // caller kicks with DUPLICATE_CLIENTID.
    std::shared_ptr<ConnectionHandle> claim(const std::string& client_id,
                                            const std::shared_ptr<ConnectionHandle>& connection);
    void release(const std::string& client_id, const ConnectionHandle* connection);

    // Clean session: a fresh session, discarding a persistent one. Otherwise the persistent
    // session of this client id, resumed (true) or new (false).
    std::pair<std::shared_ptr<Session>, bool> open_session(const std::string& client_id,
                                                           bool clean_session);
    // A clean session ended: its subscriptions leave the bus.
    void end_session(const std::shared_ptr<Session>& session);

    std::vector<std::shared_ptr<ConnectionHandle>> using_certificate(const std::string& id) const;
    std::vector<std::shared_ptr<ConnectionHandle>> all() const;

private:
    std::shared_ptr<Session> new_session(const std::string& client_id, bool persistent);

    bus::Bus& bus_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::map<const ConnectionHandle*, std::weak_ptr<ConnectionHandle>> live_;
    std::map<std::string, std::weak_ptr<ConnectionHandle>> by_client_id_;
    std::map<std::string, std::shared_ptr<Session>> persistent_sessions_;
};

}  // namespace iotemu::broker
