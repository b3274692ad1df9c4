// Bookkeeping under one lock, a connect or a disconnect in one hold of it; the bus forgets
// sessions (detach) after it is released.
#include "broker/connections.hpp"

#include <stdexcept>
#include <tuple>

#include "common/log.hpp"

namespace iotemu::broker {
namespace {

// Expired sessions are swept at most this often (each open_session checks its own client id).
constexpr std::int64_t sweep_interval_ms = 60'000;
// AWS resets a client id's lifecycle versionNumber after about an hour offline
// (docs/aws/data-plane.md §3.1).
constexpr std::int64_t presence_memory_ms = 3'600'000;

}  // namespace

Connections::Connections(bus::Bus& bus, OfflineQueueLimits limits,
                         std::shared_ptr<SessionStorage> storage)
    : bus_(bus),
      queue_limits_(limits),
      queue_budget_(std::make_shared<OfflineQueueBudget>(limits.total_bytes)),
      storage_(std::move(storage)) {}

template <class Write>
void Connections::store(const std::string& client_id, Write&& write) {
    if (!storage_) return;
    try {
        write(*storage_);
    } catch (const std::exception& e) {
        log::error("broker", "the session of '", client_id,
                   "' could not be stored (kept in memory only): ", e.what());
    }
}

std::size_t Connections::restore(std::int64_t now_ms) {
    if (!storage_) return 0;
    std::size_t restored = 0;
    for (auto& stored : storage_->load()) {
        const auto& client_id = stored.client_id;
        if (stored.expires_at_ms != 0 && stored.expires_at_ms <= now_ms) {
            store(client_id, [&](SessionStorage& storage) { storage.erase_session(client_id); });
            continue;
        }
        auto session = std::make_shared<Session>(client_id, stored.version, true, queue_limits_,
                                                 queue_budget_, storage_);
        session->bus_id = bus_.attach(session);
        for (const auto& subscription : stored.subscriptions) {
            try {
                bus_.subscribe(session->bus_id, subscription.filter, subscription.options);
            } catch (const std::invalid_argument&) {
                log::warn("broker", "the stored subscription '", subscription.filter, "' of '",
                          client_id, "' is not a valid topic filter; left out");
            }
        }
        session->restore(std::move(stored.queued));
        auto expires_at_ms = stored.expires_at_ms;
        if (expires_at_ms == 0) {
            expires_at_ms = now_ms + std::int64_t{stored.expiry_seconds} * 1000;
            store(client_id, [&](SessionStorage& storage) {
                storage.put_session(client_id, stored.version, stored.expiry_seconds,
                                    expires_at_ms);
            });
        }
        std::lock_guard lock(mutex_);
        persistent_sessions_[client_id] = Stored{std::move(session), expires_at_ms};
        ++restored;
    }
    return restored;
}

void Connections::add(const std::shared_ptr<ConnectionHandle>& connection) {
    std::lock_guard lock(mutex_);
    live_[connection.get()] = connection;
}

void Connections::remove(const ConnectionHandle* connection) {
    std::lock_guard lock(mutex_);
    live_.erase(connection);
}

std::shared_ptr<Session> Connections::new_session(
    const std::string& client_id, const mqtt::ProtocolHost::SessionRequest& request) {
    auto session = std::make_shared<Session>(client_id, request.version, request.expiry_seconds > 0,
                                             queue_limits_, queue_budget_, storage_);
    session->bus_id = bus_.attach(session);
    return session;
}

// A session given up while a connection may still be attached to it (a clean start taking over,
// a reset) stores nothing more: its client id's storage now belongs to the next session.
std::pair<std::shared_ptr<Session>, bool> Connections::open_session(
    const std::string& client_id, const mqtt::ProtocolHost::SessionRequest& request,
    std::int64_t now_ms, std::vector<std::shared_ptr<Session>>& discarded) {
    std::shared_ptr<Session> session;
    const auto it = persistent_sessions_.find(client_id);
    if (it != persistent_sessions_.end()) {
        auto& stored = it->second;
        const bool expired = stored.expires_at_ms != 0 && stored.expires_at_ms <= now_ms;
        if (request.clean_start || expired || stored.session->version() != request.version) {
            stored.session->set_persistent(false);
            discarded.push_back(std::move(stored.session));
            persistent_sessions_.erase(it);
        } else {
            stored.expires_at_ms = 0;
            stored.session->set_persistent(request.expiry_seconds > 0);
            session = stored.session;
        }
    }
    for (const auto& gone : discarded)
        store(gone->client_id(),
              [&](SessionStorage& storage) { storage.erase_session(gone->client_id()); });
    const bool present = session != nullptr;
    if (!present) {
        session = new_session(client_id, request);
        if (request.expiry_seconds > 0) persistent_sessions_[client_id] = Stored{session, 0};
    }
    if (present || request.expiry_seconds > 0)
        store(client_id, [&](SessionStorage& storage) {
            storage.put_session(client_id, request.version, request.expiry_seconds, 0);
        });
    return {std::move(session), present};
}

Connections::Connected Connections::connect(const std::string& client_id,
                                            const std::shared_ptr<ConnectionHandle>& connection,
                                            std::weak_ptr<SessionSink> sink,
                                            const mqtt::ProtocolHost::SessionRequest& request,
                                            std::int64_t now_ms) {
    Connected connected;
    std::vector<std::shared_ptr<Session>> discarded;
    {
        std::lock_guard lock(mutex_);
        // Before the claim: a client id back after long enough starts its version numbers again.
        discarded = expire(now_ms);
        deferred_wills_.erase(client_id);
        auto& holder = by_client_id_[client_id];
        if (auto previous = holder.lock(); previous != connection)
            connected.displaced = std::move(previous);
        holder = connection;
        auto& presence = presence_[client_id];
        connected.version_number = ++presence.version_number;
        presence.last_seen_ms = now_ms;
        std::tie(connected.session, connected.present) =
            open_session(client_id, request, now_ms, discarded);
        connected.waiting = connected.session->attach(std::move(sink));
    }
    for (const auto& session : discarded) bus_.detach(session->bus_id);
    return connected;
}

bool Connections::keep_session(const std::shared_ptr<Session>& session,
                               std::uint32_t expiry_seconds, std::int64_t now_ms) {
    const auto& client_id = session->client_id();
    if (auto presence = presence_.find(client_id); presence != presence_.end())
        presence->second.last_seen_ms = now_ms;
    const auto it = persistent_sessions_.find(client_id);
    const bool stored = it != persistent_sessions_.end() && it->second.session == session;
    if (stored && expiry_seconds > 0) {
        session->set_persistent(true);
        it->second.expires_at_ms = now_ms + std::int64_t{expiry_seconds} * 1000;
        store(client_id, [&](SessionStorage& storage) {
            storage.put_session(client_id, session->version(), expiry_seconds,
                                it->second.expires_at_ms);
        });
        return true;
    }
    if (stored) {
        persistent_sessions_.erase(it);
        store(client_id, [&](SessionStorage& storage) { storage.erase_session(client_id); });
    }
    return false;
}

void Connections::disconnect(const std::string& client_id, const ConnectionHandle* connection,
                             const std::shared_ptr<Session>& session, const SessionSink* sink,
                             std::vector<bus::Message> unacknowledged, std::uint32_t expiry_seconds,
                             std::int64_t now_ms) {
    {
        std::lock_guard lock(mutex_);
        const auto holder = by_client_id_.find(client_id);
        // A connection that was taken over no longer holds the id: leave the newer one's entry.
        if (holder != by_client_id_.end() && holder->second.lock().get() == connection)
            by_client_id_.erase(holder);
        if (!session || !session->detach(sink, std::move(unacknowledged))) return;
        if (keep_session(session, expiry_seconds, now_ms)) return;
    }
    bus_.detach(session->bus_id);
}

std::vector<std::shared_ptr<ConnectionHandle>> Connections::reset() {
    std::vector<std::shared_ptr<Session>> discarded;
    {
        std::lock_guard lock(mutex_);
        for (auto& entry : persistent_sessions_) {
            const auto& client_id = entry.first;
            store(client_id, [&](SessionStorage& storage) { storage.erase_session(client_id); });
            entry.second.session->set_persistent(false);  // see open_session()
            discarded.push_back(std::move(entry.second.session));
        }
        persistent_sessions_.clear();
        presence_.clear();
        deferred_wills_.clear();
    }
    for (const auto& session : discarded) bus_.detach(session->bus_id);
    return all();
}

std::vector<std::shared_ptr<Session>> Connections::expire(std::int64_t now_ms) {
    std::vector<std::shared_ptr<Session>> expired;
    if (now_ms < next_sweep_ms_) return expired;
    next_sweep_ms_ = now_ms + sweep_interval_ms;
    for (auto it = persistent_sessions_.begin(); it != persistent_sessions_.end();) {
        const auto deadline = it->second.expires_at_ms;
        if (deadline != 0 && deadline <= now_ms) {
            expired.push_back(std::move(it->second.session));
            it = persistent_sessions_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = presence_.begin(); it != presence_.end();) {
        const bool gone = !by_client_id_.contains(it->first) &&
                          !persistent_sessions_.contains(it->first) &&
                          it->second.last_seen_ms + presence_memory_ms <= now_ms;
        it = gone ? presence_.erase(it) : std::next(it);
    }
    return expired;
}

std::uint64_t Connections::defer_will(const std::string& client_id) {
    std::lock_guard lock(mutex_);
    return deferred_wills_[client_id] = ++last_will_token_;
}

bool Connections::take_deferred_will(const std::string& client_id, std::uint64_t token) {
    std::lock_guard lock(mutex_);
    const auto it = deferred_wills_.find(client_id);
    if (it == deferred_wills_.end() || it->second != token) return false;
    deferred_wills_.erase(it);
    return true;
}

std::vector<std::shared_ptr<ConnectionHandle>> Connections::using_certificate(
    const std::string& id) const {
    std::vector<std::shared_ptr<ConnectionHandle>> out;
    for (auto& connection : all())
        if (connection->certificate_id() == id) out.push_back(std::move(connection));
    return out;
}

std::vector<std::shared_ptr<ConnectionHandle>> Connections::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<ConnectionHandle>> out;
    for (const auto& [key, weak] : live_)
        if (auto connection = weak.lock()) out.push_back(std::move(connection));
    return out;
}

std::size_t Connections::persistent_sessions() const {
    std::lock_guard lock(mutex_);
    return persistent_sessions_.size();
}

}  // namespace iotemu::broker
