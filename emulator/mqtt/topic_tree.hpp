// TopicTree: the subscription index. Filters are stored level by level, so matching a topic
// follows only the branches that can match (the level itself, '+', '#') instead of testing every
// filter. Not thread-safe (the owner locks); no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

using SubscriberId = std::uint64_t;

struct Subscriber {
    SubscriberId id = 0;
    QoS qos = QoS::at_most_once;
    bool operator==(const Subscriber&) const = default;
};

// Matching follows topic_matches() (AWS's '#', the '$' rule). A shared subscription is indexed by
// its inner filter (parse_shared_subscription); choosing one member of the group is the caller's.
class TopicTree {
public:
    TopicTree();
    ~TopicTree();
    TopicTree(TopicTree&&) noexcept;
    TopicTree& operator=(TopicTree&&) noexcept;

    // Subscribes `subscriber` to `filter` (a valid topic filter), replacing the QoS of an existing
    // identical subscription [MQTT-3.8.4-3]. Returns true when the subscription is new.
    bool insert(std::string_view filter, SubscriberId subscriber, QoS qos);

    // Removes one subscription; returns false when there was none.
    bool erase(std::string_view filter, SubscriberId subscriber);

    // Removes every subscription of `subscriber` (its session ended); returns how many.
    std::size_t erase_all(SubscriberId subscriber);

    // Replaces `out` with the subscribers whose filters match `topic`, one entry per subscriber
    // carrying the highest QoS among its matching filters (§3.3.5), ordered by id. Reuses
    // `out`'s capacity, so a broker can keep one vector per delivery thread.
    void match(std::string_view topic, std::vector<Subscriber>& out) const;
    std::vector<Subscriber> match(std::string_view topic) const;

    std::size_t size() const noexcept { return size_; }  // (filter, subscriber) pairs
    bool empty() const noexcept { return size_ == 0; }

private:
    struct Node;
    std::unique_ptr<Node> root_;
    // The filters each subscriber holds, so erase_all walks only its own paths.
    std::unordered_map<SubscriberId, std::vector<std::string>> filters_by_subscriber_;
    std::size_t size_ = 0;
};

}  // namespace iotemu::mqtt
