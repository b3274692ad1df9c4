// The in-flight window and the waiting queue of outbound QoS 1 messages. Sans-I/O.
#include "mqtt/outbound.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace iotemu::mqtt {
namespace {
constexpr std::size_t max_packet_ids = std::numeric_limits<PacketId>::max();  // 1..65535

std::size_t queued_size(const Publish& message) {
    return message.topic.size() + message.payload.size();
}
}  // namespace

Outbound::Outbound(std::size_t max_inflight, std::size_t max_waiting_bytes)
    : max_inflight_(std::clamp<std::size_t>(max_inflight, 1, max_packet_ids)),
      max_waiting_bytes_(max_waiting_bytes) {}

void Outbound::set_max_inflight(std::size_t max_inflight) {
    max_inflight_ = std::clamp<std::size_t>(max_inflight, 1, max_packet_ids);
}

std::optional<Publish> Outbound::push(Publish&& message) {
    message.qos = QoS::at_least_once;
    message.dup = false;
    // Behind waiting messages even when the window has room, so order is kept (§4.6).
    if (inflight_.size() < max_inflight_ && waiting_.empty())
        return enter_window(std::move(message));
    const auto size = queued_size(message);
    if (size > max_waiting_bytes_ - waiting_bytes_) {
        ++dropped_;
        return std::nullopt;
    }
    message.packet_id = 0;
    waiting_bytes_ += size;
    waiting_.push_back(std::move(message));
    return std::nullopt;
}

std::optional<Publish> Outbound::acknowledge(PacketId id) {
    const auto acked = std::find(inflight_ids_.begin(), inflight_ids_.end(), id);
    if (acked == inflight_ids_.end()) return std::nullopt;
    inflight_.erase(std::next(inflight_.begin(), acked - inflight_ids_.begin()));
    inflight_ids_.erase(acked);
    if (waiting_.empty()) return std::nullopt;
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    waiting_bytes_ -= queued_size(next);
    return enter_window(std::move(next));
}

std::vector<Publish> Outbound::take_unacknowledged() {
    std::vector<Publish> all;
    all.reserve(inflight_.size() + waiting_.size());
    std::move(inflight_.begin(), inflight_.end(), std::back_inserter(all));
    std::move(waiting_.begin(), waiting_.end(), std::back_inserter(all));
    inflight_.clear();
    inflight_ids_.clear();
    waiting_.clear();
    waiting_bytes_ = 0;
    return all;
}

// The next id after the last one given, wrapping from 65535 to 1 (0 is never valid,
// [MQTT-2.3.1-1]) and skipping ids still in flight ([MQTT-2.3.1-2]). Called only when the
// window has room, and the window is no larger than the id space, so a free id always exists.
PacketId Outbound::next_free_id() {
    do {
        last_id_ = last_id_ == max_packet_ids ? 1 : static_cast<PacketId>(last_id_ + 1);
    } while (in_flight(last_id_));
    return last_id_;
}

bool Outbound::in_flight(PacketId id) const {
    return std::find(inflight_ids_.begin(), inflight_ids_.end(), id) != inflight_ids_.end();
}

Publish Outbound::enter_window(Publish&& message) {
    message.packet_id = next_free_id();
    inflight_ids_.push_back(message.packet_id);
    inflight_.push_back(message);
    return message;
}

}  // namespace iotemu::mqtt
