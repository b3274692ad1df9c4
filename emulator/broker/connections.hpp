// Connections: who is connected as which client id, the sessions that outlive connections until
// they expire, and each client id's lifecycle version number. The broker asks it to take over a
// client id (docs/aws/iot-core.md §6.2: the newer connection wins), to open or resume a session,
// and which connections use a certificate that stopped being ACTIVE. With a SessionStorage,
// persistent sessions are written as they open and end and read back by restore().
// Thread-safe. Under its lock it may attach a new session to the bus and write the storage (a
// session's writes stay in order), never deliver or detach: the bus calls nothing back into it.
// Sans-I/O: time comes in as arguments.
#pragma once

#include <cstddef>
#include <cstdint>
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
    Connections(bus::Bus& bus, OfflineQueueLimits limits,
                std::shared_ptr<SessionStorage> storage = nullptr);

    // Brings back the stored sessions that have not expired at `now_ms`, with their
    // subscriptions and queued messages; one whose connection was live when the emulator stopped
    // starts its expiry now. Returns how many. Call once, before the first connection.
    std::size_t restore(std::int64_t now_ms);

    void add(const std::shared_ptr<ConnectionHandle>& connection);
    void remove(const ConnectionHandle* connection);

    // A CONNECT the policy allowed, at `now_ms`, in one step under the lock, so that connections
    // racing for one client id on different I/O threads leave it, and its session, to the last
    // to arrive. `connection` becomes the holder of `client_id` (the connection it displaced is
    // returned, for the caller to kick with DUPLICATE_CLIENTID; a will waiting out its delay for
    // the client id is called off, MQTT 5 §3.1.3.2.2) and gets the session `request` asks for
    // with `sink` attached: a clean start discards an earlier one; otherwise the client id's
    // unexpired session of the same MQTT version is resumed, with what was queued for it. A
    // session with an expiry is kept after its connection (disconnect).
    struct Connected {
        std::shared_ptr<ConnectionHandle> displaced;
        std::shared_ptr<Session> session;
        bool present = false;  // an earlier session was resumed (CONNACK's session present)
        std::int64_t version_number = 0;    // the lifecycle events' versionNumber
        std::vector<bus::Message> waiting;  // queued while the client was away, oldest first
    };
    Connected connect(const std::string& client_id,
                      const std::shared_ptr<ConnectionHandle>& connection,
                      std::weak_ptr<SessionSink> sink,
                      const mqtt::ProtocolHost::SessionRequest& request, std::int64_t now_ms);
    // The end at `now_ms` of a connection that connect() let in, in one step under the lock: it
    // gives up the client id unless another connection holds it now, and detaches `sink` from
    // `session` unless a newer connection took the session over. Its `unacknowledged` QoS 1
    // messages go back to the session's queue. With an expiry of 0 the session's subscriptions
    // leave the bus now; otherwise it waits that long for the client to come back.
    void disconnect(const std::string& client_id, const ConnectionHandle* connection,
                    const std::shared_ptr<Session>& session, const SessionSink* sink,
                    std::vector<bus::Message> unacknowledged, std::uint32_t expiry_seconds,
                    std::int64_t now_ms);

    // Delayed wills (MQTT 5 Will Delay Interval): a token for the will of `client_id`, and whether
    // it is still due (no connection claimed the client id since).
    std::uint64_t defer_will(const std::string& client_id);
    bool take_deferred_will(const std::string& client_id, std::uint64_t token);

    // Forgets every persistent session (in memory and in the storage), delayed will and
    // lifecycle version number; returns the live connections, for the caller to drop (the
    // harness's reset). A dropped connection's session is no longer kept when it ends.
    std::vector<std::shared_ptr<ConnectionHandle>> reset();

    std::vector<std::shared_ptr<ConnectionHandle>> using_certificate(const std::string& id) const;
    std::vector<std::shared_ptr<ConnectionHandle>> all() const;
    std::size_t persistent_sessions() const;

private:
    struct Stored {
        std::shared_ptr<Session> session;
        std::int64_t expires_at_ms = 0;  // 0 while a connection uses it
    };
    struct Presence {
        std::int64_t version_number = 0;
        std::int64_t last_seen_ms = 0;
    };
    // Everything below: under the lock.
    std::shared_ptr<Session> new_session(const std::string& client_id,
                                         const mqtt::ProtocolHost::SessionRequest& request);
    // The session connect() attaches, and whether it was resumed; the ones it discards are
    // appended to `discarded`, for the bus to forget after the lock.
    std::pair<std::shared_ptr<Session>, bool> open_session(
        const std::string& client_id, const mqtt::ProtocolHost::SessionRequest& request,
        std::int64_t now_ms, std::vector<std::shared_ptr<Session>>& discarded);
    // Whether the ended session stays (persistent, waiting for its client) or must leave the bus.
    bool keep_session(const std::shared_ptr<Session>& session, std::uint32_t expiry_seconds,
                      std::int64_t now_ms);
    // Takes out sessions past their expiry, and forgets version numbers of client ids gone long
    // enough (returns the sessions, for the bus to forget after the lock).
    std::vector<std::shared_ptr<Session>> expire(std::int64_t now_ms);

    // The session's storage write, logged if it fails (the session goes on in memory).
    template <class Write>
    void store(const std::string& client_id, Write&& write);

    bus::Bus& bus_;
    const OfflineQueueLimits queue_limits_;
    const std::shared_ptr<OfflineQueueBudget> queue_budget_;
    const std::shared_ptr<SessionStorage> storage_;
    mutable std::mutex mutex_;
    std::map<const ConnectionHandle*, std::weak_ptr<ConnectionHandle>> live_;
    std::map<std::string, std::weak_ptr<ConnectionHandle>> by_client_id_;
    std::map<std::string, Stored> persistent_sessions_;
    std::map<std::string, Presence> presence_;
    std::map<std::string, std::uint64_t> deferred_wills_;
    std::uint64_t last_will_token_ = 0;
    std::int64_t next_sweep_ms_ = 0;
};

}  // namespace iotemu::broker
