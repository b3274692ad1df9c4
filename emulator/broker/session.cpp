// Forward-or-queue under one small lock; forwarding itself happens after the lock is released.
#include "broker/session.hpp"

#include "common/log.hpp"

namespace iotemu::broker {
namespace {

// What a queued message holds in memory, near enough: its topic and payload.
std::size_t footprint(const bus::Message& message) {
    return message.topic.size() + message.payload.size();
}

}  // namespace

bool OfflineQueueBudget::take(std::size_t bytes) {
    auto used = used_.load();
    do {
        if (used + bytes > limit_) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes));
    return true;
}

Session::Session(std::string client_id, mqtt::ProtocolVersion version, bool persistent,
                 OfflineQueueLimits limits, std::shared_ptr<OfflineQueueBudget> budget,
                 std::shared_ptr<SessionStorage> storage)
    : client_id_(std::move(client_id)),
      version_(version),
      limits_(limits),
      budget_(std::move(budget)),
      storage_(std::move(storage)),
      persistent_(persistent) {}

Session::~Session() { budget_->give_back(queued_bytes_); }

bool Session::persistent() const {
    std::lock_guard lock(mutex_);
    return persistent_;
}

void Session::set_persistent(bool persistent) {
    std::lock_guard lock(mutex_);
    persistent_ = persistent;
}

void Session::drop_oldest() {
    const auto bytes = footprint(queued_.front());
    queued_.pop_front();
    queued_bytes_ -= bytes;
    budget_->give_back(bytes);
}

void Session::clear_queue() {
    budget_->give_back(queued_bytes_);
    queued_bytes_ = 0;
    queued_.clear();
}

Session::Enqueued Session::enqueue(bus::Message message, bool at_front) {
    Enqueued result;
    const auto bytes = footprint(message);
    const auto full = [&] {
        return queued_.size() >= limits_.messages || queued_bytes_ + bytes > limits_.session_bytes;
    };
    // The oldest give way: queued ones to a new message, a returning (older) one itself.
    if (at_front ? full() : bytes > limits_.session_bytes) return result;
    for (; !queued_.empty() && full(); ++result.dropped) drop_oldest();
    if (!budget_->take(bytes)) {
        if (refused_++ == 0)
            log::warn("broker", "offline messages for '", client_id_,
                      "' refused: the broker holds its limit of queued bytes for all sessions");
        return result;
    }
    refused_ = 0;
    queued_bytes_ += bytes;
    if (at_front)
        queued_.push_front(std::move(message));
    else
        queued_.push_back(std::move(message));
    result.kept = true;
    return result;
}

template <class Write>
void Session::store(const char* what, Write&& write) {
    if (!storage_ || !persistent_) return;
    try {
        write(*storage_);
    } catch (const std::exception& e) {
        log::error("broker", "the session of '", client_id_, "' could not store ", what,
                   " (kept in memory only): ", e.what());
    }
}

void Session::deliver(const bus::Message& message, mqtt::QoS qos, bool retain) {
    std::shared_ptr<SessionSink> sink;
    {
        std::lock_guard lock(mutex_);
        sink = sink_.lock();
        if (!sink) {
            // Offline: only QoS 1 messages wait for a persistent session
            // (docs/aws/iot-core.md §6.2), within OfflineQueueLimits.
            if (!persistent_ || qos != mqtt::QoS::at_least_once) return;
            // Written before the publish returns, so before its PUBACK (docs/state.md §2).
            bus::Message kept = message;
            kept.qos = qos;
            kept.retain = retain;
            // The copy is for the storage; without one the message moves into the queue.
            const auto enqueued = enqueue(storage_ ? kept : std::move(kept), false);
            store("a queued message", [&](SessionStorage& storage) {
                if (enqueued.kept)
                    storage.push_message(client_id_, kept, enqueued.dropped);
                else if (enqueued.dropped)
                    storage.drop_oldest(client_id_, enqueued.dropped);
            });
            return;
        }
    }
    sink->forward(message, qos, retain);
}

std::vector<bus::Message> Session::attach(std::weak_ptr<SessionSink> sink) {
    std::lock_guard lock(mutex_);
    sink_identity_ = sink.lock().get();
    sink_ = std::move(sink);
    std::vector<bus::Message> waiting(std::make_move_iterator(queued_.begin()),
                                      std::make_move_iterator(queued_.end()));
    clear_queue();
    return waiting;
}

bool Session::detach(const SessionSink* sink, std::vector<bus::Message> unacknowledged) {
    std::lock_guard lock(mutex_);
    if (sink != sink_identity_) return false;  // a newer connection took the session over
    sink_.reset();
    sink_identity_ = nullptr;
    if (!persistent_) return true;
    for (auto it = unacknowledged.rbegin(); it != unacknowledged.rend(); ++it)
        enqueue(std::move(*it), true);
    store("its queue", [&](SessionStorage& storage) {
        storage.replace_messages(client_id_, {queued_.begin(), queued_.end()});
    });
    return true;
}

void Session::subscribed(std::string_view filter, mqtt::SubscriptionOptions options) {
    std::lock_guard lock(mutex_);
    store("a subscription",
          [&](SessionStorage& storage) { storage.put_subscription(client_id_, filter, options); });
}

void Session::unsubscribed(std::string_view filter) {
    std::lock_guard lock(mutex_);
    store("an unsubscribe",
          [&](SessionStorage& storage) { storage.erase_subscription(client_id_, filter); });
}

void Session::restore(std::vector<bus::Message> queued) {
    std::lock_guard lock(mutex_);
    for (auto& message : queued) enqueue(std::move(message), false);
}

}  // namespace iotemu::broker
