// Forward-or-queue under one small lock; forwarding itself happens after the lock is released.
#include "broker/session.hpp"

namespace iotemu::broker {

Session::Session(std::string client_id, mqtt::ProtocolVersion version, bool persistent,
                 std::size_t max_queued)
    : client_id_(std::move(client_id)),
      version_(version),
      max_queued_(max_queued),
      persistent_(persistent) {}

bool Session::persistent() const {
    std::lock_guard lock(mutex_);
    return persistent_;
}

void Session::set_persistent(bool persistent) {
    std::lock_guard lock(mutex_);
    persistent_ = persistent;
}

void Session::deliver(const bus::Message& message, mqtt::QoS qos, bool retain) {
    std::shared_ptr<SessionSink> sink;
    {
        std::lock_guard lock(mutex_);
        sink = sink_.lock();
        if (!sink) {
            // Offline: only QoS 1 messages wait for a persistent session
            // (docs/aws/iot-core.md §6.2); the oldest give way when the queue is full.
            if (!persistent_ || qos != mqtt::QoS::at_least_once) return;
            if (queued_.size() >= max_queued_) queued_.pop_front();
            bus::Message kept = message;
            kept.qos = qos;
            kept.retain = retain;
            queued_.push_back(std::move(kept));
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
    queued_.clear();
    return waiting;
}

bool Session::detach(const SessionSink* sink, std::vector<bus::Message> unacknowledged) {
    std::lock_guard lock(mutex_);
    if (sink != sink_identity_) return false;  // a newer connection took the session over
    sink_.reset();
    sink_identity_ = nullptr;
    if (!persistent_) return true;
    for (auto it = unacknowledged.rbegin(); it != unacknowledged.rend(); ++it)
        queued_.push_front(std::move(*it));
    while (queued_.size() > max_queued_) queued_.pop_front();
    return true;
}

}  // namespace iotemu::broker
