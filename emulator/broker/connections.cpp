// Bookkeeping under one lock; bus calls (attach/detach) happen after it is released.
#include "broker/connections.hpp"

namespace iotemu::broker {

Connections::Connections(bus::Bus& bus, std::size_t max_queued_per_session)
    : bus_(bus), max_queued_(max_queued_per_session) {}

void Connections::add(const std::shared_ptr<ConnectionHandle>& connection) {
    std::lock_guard lock(mutex_);
    live_[connection.get()] = connection;
}

void Connections::remove(const ConnectionHandle* connection) {
    std::lock_guard lock(mutex_);
    live_.erase(connection);
}

std::shared_ptr<ConnectionHandle> Connections::claim(
    const std::string& client_id, const std::shared_ptr<ConnectionHandle>& connection) {
    std::lock_guard lock(mutex_);
    auto& holder = by_client_id_[client_id];
    auto previous = holder.lock();
    holder = connection;
    return previous.get() == connection.get() ? nullptr : previous;
}

void Connections::release(const std::string& client_id, const ConnectionHandle* connection) {
    std::lock_guard lock(mutex_);
    const auto it = by_client_id_.find(client_id);
    // A connection that was taken over no longer holds the id: leave the newer one's entry.
    if (it != by_client_id_.end() && it->second.lock().get() == connection) by_client_id_.erase(it);
}

std::shared_ptr<Session> Connections::new_session(const std::string& client_id, bool persistent) {
    auto session = std::make_shared<Session>(client_id, persistent, max_queued_);
    session->bus_id = bus_.attach(session);
    return session;
}

std::pair<std::shared_ptr<Session>, bool> Connections::open_session(const std::string& client_id,
                                                                    bool clean_session) {
    std::shared_ptr<Session> discarded;
    {
        std::lock_guard lock(mutex_);
        const auto it = persistent_sessions_.find(client_id);
        if (it != persistent_sessions_.end()) {
            if (!clean_session) return {it->second, true};
            discarded = std::move(it->second);
            persistent_sessions_.erase(it);
        }
    }
    if (discarded) bus_.detach(discarded->bus_id);
    auto session = new_session(client_id, !clean_session);
    if (!clean_session) {
        std::lock_guard lock(mutex_);
        persistent_sessions_[client_id] = session;
    }
    return {session, false};
}

void Connections::end_session(const std::shared_ptr<Session>& session) {
    if (!session->persistent()) bus_.detach(session->bus_id);
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

}  // namespace iotemu::broker
