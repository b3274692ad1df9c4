// Outbound QoS 1 messages of one connection: packet identifiers ([MQTT-2.3.1-1], -2), the window
// of unacknowledged messages AWS bounds (docs/aws/iot-core.md §6.3) and the queue behind it, in
// order (§4.6). Sans-I/O: no clock, no retries; redelivery after a reconnect is the session's
// business.
#pragma once

#include <cstddef>
#include <limits>
#include <list>
#include <optional>
#include <vector>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

class Outbound {
public:
    // At most `max_inflight` messages await a PUBACK at a time (1..65535); behind them wait at
    // most `max_waiting_bytes` of topics and payloads, so a client that stops acknowledging
    // cannot make the queue grow without bound. A message beyond that is dropped (counted).
    explicit Outbound(std::size_t max_inflight,
                      std::size_t max_waiting_bytes = std::numeric_limits<std::size_t>::max());

    // Narrows the window (an MQTT 5 client's Receive Maximum); call before anything is pushed.
    void set_max_inflight(std::size_t max_inflight);

    // Takes a QoS 1 message. Returns it with its packet id when it may be sent now; otherwise it
    // waits behind the others, or is dropped when the waiting queue is full, and nullopt is
    // returned. A waiting message has no id yet: ids are
    // given out when a message enters the window, so only those in flight need to be unique.
    std::optional<Publish> push(Publish&& message);

    // A PUBACK: releases `id` and returns the waiting message that may now be sent, if any. An id
    // not in flight (late, duplicate or invented) changes nothing.
    std::optional<Publish> acknowledge(PacketId id);

    // Every message not acknowledged, in flight in send order and then waiting; empties this.
    std::vector<Publish> take_unacknowledged();

    std::size_t inflight() const noexcept { return inflight_.size(); }
    std::size_t waiting() const noexcept { return waiting_.size(); }
    std::size_t dropped() const noexcept { return dropped_; }  // since construction

private:
    PacketId next_free_id();
    bool in_flight(PacketId id) const;
    Publish enter_window(Publish&& message);

    std::size_t max_inflight_;
    std::size_t max_waiting_bytes_;
    std::size_t waiting_bytes_ = 0;
    std::size_t dropped_ = 0;
    // Lists: nothing allocated while empty, as an idle connection's are (a deque holds ~600
    // bytes even then), and a PUBACK, mostly for the oldest, erases without moving the rest.
    std::list<Publish> inflight_;         // send order
    std::vector<PacketId> inflight_ids_;  // theirs, in the same order: what PUBACKs are matched on
    std::list<Publish> waiting_;          // arrival order, packet_id 0
    PacketId last_id_ = 0;
};

}  // namespace iotemu::mqtt
