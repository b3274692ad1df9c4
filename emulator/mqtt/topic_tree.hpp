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

// How a subscription was made: its granted QoS and the MQTT 5 options that decide deliveries.
struct SubscriptionOptions {
    constexpr SubscriptionOptions(QoS qos = QoS::at_most_once, bool no_local = false,
                                  bool retain_as_published = false)
        : qos(qos), no_local(no_local), retain_as_published(retain_as_published) {}
    QoS qos;
    bool no_local;             // not to the subscriber that published the message
    bool retain_as_published;  // keep the message's RETAIN flag on live deliveries
    bool operator==(const SubscriptionOptions&) const = default;
};

struct Subscriber {
    SubscriberId id = 0;
    QoS qos = QoS::at_most_once;
    bool retain_as_published = false;
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

    // Subscribes `subscriber` to `filter` (a valid topic filter), replacing the options of an
    // existing identical subscription [MQTT-3.8.4-3]. Returns true when the subscription is new.
    bool insert(std::string_view filter, SubscriberId subscriber, SubscriptionOptions options);

    // Removes one subscription; returns false when there was none.
    bool erase(std::string_view filter, SubscriberId subscriber);

    // The filters `subscriber` holds.
    std::size_t count(SubscriberId subscriber) const;

    // Removes every subscription of `subscriber` (its session ended); returns how many.
    std::size_t erase_all(SubscriberId subscriber);

    // Replaces `out` with the subscribers whose filters match `topic`, one entry per subscriber
    // carrying the highest QoS among its matching filters (§3.3.5), and Retain As Published if
    // any of them has it, ordered by id. A No Local subscription of `publisher` does not match
    // (MQTT 5 §3.8.3.1). Reuses `out`'s capacity, so a broker can keep one vector per delivery
    // thread.
    void match(std::string_view topic, std::vector<Subscriber>& out,
               SubscriberId publisher = 0) const;
    std::vector<Subscriber> match(std::string_view topic, SubscriberId publisher = 0) const;

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
