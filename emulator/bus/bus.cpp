// Bus: the subscription index (a TopicTree plus a side table of shared-subscription groups), the
// subscriber table and the retained store. Owns no thread and no socket; never calls a subscriber
// while holding a lock (the Beast chat-multi shape: copy under the lock, deliver after it).
#include "bus/bus.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "common/text_map.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::bus {
namespace {

bool has_wildcard(std::string_view filter) {
    return filter.find_first_of("+#") != std::string_view::npos;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Who receives one message, resolved under the lock and called after it.
struct Delivery {
    SubscriberId id = 0;
    std::shared_ptr<Subscriber> subscriber;
    mqtt::QoS qos = mqtt::QoS::at_most_once;
    bool retain_as_published = false;
};

}  // namespace

bool Message::expired_at(std::int64_t now_ms) const {
    const auto& expiry = properties.message_expiry_interval;
    return expiry && now_ms - timestamp_ms >= std::int64_t{*expiry} * 1000;
}

std::optional<std::uint32_t> Message::expiry_left_at(std::int64_t now_ms) const {
    const auto& expiry = properties.message_expiry_interval;
    if (!expiry) return std::nullopt;
    const auto left_ms =
        std::int64_t{*expiry} * 1000 - std::max<std::int64_t>(0, now_ms - timestamp_ms);
    return static_cast<std::uint32_t>(std::max<std::int64_t>(0, left_ms) / 1000);
}

// Lock choice: one std::mutex, not a shared_mutex. publish() is the hot path, but its critical
// section is short (a trie walk and a few weak_ptr locks; delivery happens outside) and it writes
// anyway: it advances shared-subscription cursors and forgets expired subscribers. A reader lock
// would need atomics for the cursors and an unlock/relock to clean up, and every shared acquire
// still does an atomic read-modify-write on the rwlock's one reader count, so concurrent
// publishers ping-pong that cache line exactly as they would a mutex, at a higher cost per
// acquire. glibc's rwlock also prefers readers by default, so a publish storm could starve a
// SUBSCRIBE. Publishers on several I/O threads hold it only for that short walk.
//
// Shared subscriptions: each group (`$share/<name>/<filter>`) gets an id from the subscribers' id
// space and sits in the TopicTree under its inner filter like one more subscriber. When publish()
// matches a group id it picks the group's next live member, round-robin.
struct Bus::Impl {
    struct Member {
        SubscriberId id = 0;
        mqtt::SubscriptionOptions options;
    };
    struct Group {
        std::string key;              // the whole `$share/<name>/<filter>`, as subscribed
        std::string filter;           // the inner filter, as indexed in the tree
        std::vector<Member> members;  // in joining order; the cursor walks this
        std::size_t next = 0;
    };
    struct Entry {
        std::weak_ptr<Subscriber> subscriber;
        std::vector<SubscriberId> groups;  // the shared groups it is a member of
    };

    mutable std::mutex mutex;  // guards everything up to retained_mutex
    mqtt::TopicTree tree;
    std::unordered_map<SubscriberId, Entry> subscribers;
    std::unordered_map<SubscriberId, Group> groups;
    TextMap<SubscriberId> group_ids;  // by key
    SubscriberId last_id = 0;
    std::size_t sweep_at = 64;  // attach() sweeps expired subscribers when the table reaches this

    mutable std::mutex retained_mutex;
    std::unique_ptr<RetainedStorage> retained_storage;  // null: memory only
    // Ordered, so ListRetainedMessages pages through it by topic; std::less<> finds by view.
    std::map<std::string, Message, std::less<>> retained;

    // Everything below: call with `mutex` held.

    // Removes a subscriber, its subscriptions and its group memberships. Idempotent.
    void forget(SubscriberId id) {
        const auto entry = subscribers.find(id);
        if (entry == subscribers.end()) return;
        tree.erase_all(id);
        for (const auto group : entry->second.groups) leave(group, id);
        subscribers.erase(entry);
    }

    // Removes `member` from a group (keeping the cursor on the member that was next); a group
    // left empty leaves the tree.
    void leave(SubscriberId group_id, SubscriberId member) {
        const auto found = groups.find(group_id);
        if (found == groups.end()) return;
        auto& group = found->second;
        const auto at = std::find_if(group.members.begin(), group.members.end(),
                                     [member](const Member& m) { return m.id == member; });
        if (at == group.members.end()) return;
        const auto index = static_cast<std::size_t>(at - group.members.begin());
        group.members.erase(at);
        if (index < group.next) --group.next;
        if (group.next >= group.members.size()) group.next = 0;
        if (!group.members.empty()) return;
        tree.erase(group.filter, group_id);
        group_ids.erase(group.key);
        groups.erase(found);
    }

    std::shared_ptr<Subscriber> live(SubscriberId id, std::vector<SubscriberId>& expired) {
        const auto entry = subscribers.find(id);
        if (entry == subscribers.end()) return nullptr;
        auto subscriber = entry->second.subscriber.lock();
        if (!subscriber) expired.push_back(id);
        return subscriber;
    }

    // The group's next live member, in turn; expired members are skipped (and reported).
    std::optional<Delivery> next_member(Group& group, std::vector<SubscriberId>& expired) {
        for (std::size_t tried = 0; tried < group.members.size(); ++tried) {
            const Member member = group.members[group.next];
            group.next = (group.next + 1) % group.members.size();
            if (auto subscriber = live(member.id, expired))
                return Delivery{member.id, std::move(subscriber), member.options.qos,
                                member.options.retain_as_published};
        }
        return std::nullopt;
    }

    void sweep_expired() {
        std::vector<SubscriberId> expired;
        for (const auto& [id, entry] : subscribers)
            if (entry.subscriber.expired()) expired.push_back(id);
        for (const auto id : expired) forget(id);
    }
};

Bus::Bus(std::unique_ptr<RetainedStorage> storage) : impl_(std::make_unique<Impl>()) {
    impl_->retained_storage = std::move(storage);
    if (!impl_->retained_storage) return;
    for (auto& message : impl_->retained_storage->load()) {
        message.publisher = 0;  // its session is gone
        const std::string topic = message.topic;
        impl_->retained.insert_or_assign(topic, std::move(message));
    }
}
Bus::~Bus() = default;

SubscriberId Bus::attach(std::weak_ptr<Subscriber> subscriber) {
    const std::lock_guard lock(impl_->mutex);
    // Sessions detach themselves; this sweep only bounds the table when one is dropped without
    // detaching and never sees a matching publish. Doubling the threshold keeps it amortised O(1).
    if (impl_->subscribers.size() >= impl_->sweep_at) {
        impl_->sweep_expired();
        impl_->sweep_at = std::max<std::size_t>(64, 2 * impl_->subscribers.size());
    }
    const auto id = ++impl_->last_id;
    impl_->subscribers.emplace(id, Impl::Entry{std::move(subscriber), {}});
    return id;
}

void Bus::detach(SubscriberId id) {
    const std::lock_guard lock(impl_->mutex);
    impl_->forget(id);
}

Bus::Subscribed Bus::subscribe(SubscriberId id, std::string_view filter,
                               mqtt::SubscriptionOptions options) {
    if (!mqtt::is_valid_topic_filter(filter))
        throw std::invalid_argument("bus: invalid topic filter '" + std::string(filter) + "'");
    Subscribed result;
    {
        const std::lock_guard lock(impl_->mutex);
        const auto entry = impl_->subscribers.find(id);
        if (entry == impl_->subscribers.end()) return {};

        if (const auto shared = mqtt::parse_shared_subscription(filter)) {
            auto [key, created] = impl_->group_ids.try_emplace(std::string(filter), 0);
            if (created) {
                key->second = ++impl_->last_id;
                impl_->groups.emplace(key->second,
                                      Impl::Group{key->first, std::string(shared->filter), {}, 0});
                // The tree's QoS for a group is unused: each member carries its own.
                impl_->tree.insert(shared->filter, key->second, mqtt::QoS::at_most_once);
            }
            auto& members = impl_->groups.at(key->second).members;
            const auto member = std::find_if(members.begin(), members.end(),
                                             [id](const Impl::Member& m) { return m.id == id; });
            result.existed = member != members.end();
            if (result.existed) {
                member->options = options;
            } else {
                members.push_back({id, options});
                entry->second.groups.push_back(key->second);
            }
            return result;  // shared subscriptions get no retained messages (iot-core.md §6.2)
        }
        result.existed = !impl_->tree.insert(filter, id, options);
    }

    // Read the retained store after the subscription is in the tree: a concurrent retained
    // publish either matched the new subscription or stored before this read, so it is not lost
    // (it may arrive twice, which QoS 1 allows). AWS delivers none to wildcard filters
    // (docs/aws/iot-core.md §6.2).
    if (has_wildcard(filter)) return result;
    if (auto message = retained(filter)) {
        message->qos = std::min(message->qos, options.qos);
        result.retained.push_back(std::move(*message));
    }
    return result;
}

void Bus::unsubscribe(SubscriberId id, std::string_view filter) {
    const std::lock_guard lock(impl_->mutex);
    if (!mqtt::is_shared_subscription(filter)) {
        impl_->tree.erase(filter, id);
        return;
    }
    const auto key = impl_->group_ids.find(filter);
    const auto entry = impl_->subscribers.find(id);
    if (key == impl_->group_ids.end() || entry == impl_->subscribers.end()) return;
    const auto group_id = key->second;
    std::erase(entry->second.groups, group_id);
    impl_->leave(group_id, id);
}

void Bus::publish(const Message& message) {
    assert(mqtt::is_valid_topic_name(message.topic));
    // Store before matching (see subscribe()). An empty retained payload deletes the topic's
    // retained message and is still delivered (docs/aws/iot-core.md §6.2).
    if (message.retain) {
        const std::lock_guard lock(impl_->retained_mutex);
        if (message.payload.empty()) {
            if (impl_->retained_storage) impl_->retained_storage->erase(message.topic);
            impl_->retained.erase(message.topic);
        } else {
            if (impl_->retained_storage) impl_->retained_storage->put(message);
            impl_->retained.insert_or_assign(message.topic, message);
        }
    }

    // Not thread_local: a subscriber may publish from inside deliver() on this thread, which
    // would overwrite the list being walked. `matches` is only used under the lock, so it can be.
    std::vector<Delivery> deliveries;
    {
        thread_local std::vector<mqtt::Subscriber> matches;
        std::vector<SubscriberId> expired;
        const std::lock_guard lock(impl_->mutex);
        impl_->tree.match(message.topic, matches, message.publisher);
        deliveries.reserve(matches.size());
        for (const auto& match : matches) {
            if (const auto group = impl_->groups.find(match.id); group != impl_->groups.end()) {
                if (auto member = impl_->next_member(group->second, expired))
                    deliveries.push_back(std::move(*member));
            } else if (auto subscriber = impl_->live(match.id, expired)) {
                deliveries.push_back(
                    {match.id, std::move(subscriber), match.qos, match.retain_as_published});
            }
        }
        for (const auto id : expired) impl_->forget(id);
    }

    // One delivery per subscriber. A member chosen by a group that also matches through its own
    // filters, or through another group, gets one copy at the highest QoS: MQTT 5 §4.8.2 would
    // send it a second copy, but without subscription identifiers (AWS: "Subscription Identifier
    // Available 0", docs/aws/data-plane.md §1.2) the copies are indistinguishable, and the
    // Subscriber contract is one call per message. The group's turn is still spent on that member.
    std::sort(deliveries.begin(), deliveries.end(), [](const Delivery& a, const Delivery& b) {
        return a.id < b.id || (a.id == b.id && a.qos > b.qos);
    });
    if (!deliveries.empty()) {
        auto kept = deliveries.begin();
        for (auto it = std::next(kept); it != deliveries.end(); ++it) {
            if (it->id == kept->id)
                kept->retain_as_published = kept->retain_as_published || it->retain_as_published;
            else
                *++kept = std::move(*it);
        }
        deliveries.erase(std::next(kept), deliveries.end());
    }

    for (const auto& delivery : deliveries)
        delivery.subscriber->deliver(message, std::min(delivery.qos, message.qos),
                                     message.retain && delivery.retain_as_published);
}

bool Bus::deliver_to(SubscriberId id, const Message& message) {
    assert(mqtt::is_valid_topic_name(message.topic));
    std::shared_ptr<Subscriber> subscriber;
    std::optional<mqtt::Subscriber> match;
    {
        thread_local std::vector<mqtt::Subscriber> matches;
        std::vector<SubscriberId> expired;
        const std::lock_guard lock(impl_->mutex);
        impl_->tree.match(message.topic, matches);
        const auto mine = std::find_if(matches.begin(), matches.end(),
                                       [id](const mqtt::Subscriber& m) { return m.id == id; });
        if (mine == matches.end()) return false;
        subscriber = impl_->live(id, expired);
        for (const auto gone : expired) impl_->forget(gone);
        match = *mine;
    }
    if (!subscriber) return false;
    subscriber->deliver(message, std::min(match->qos, message.qos), false);
    return true;
}

void Bus::clear_retained() {
    const std::lock_guard lock(impl_->retained_mutex);
    if (impl_->retained_storage)
        for (const auto& [topic, message] : impl_->retained) impl_->retained_storage->erase(topic);
    impl_->retained.clear();
}

std::optional<Message> Bus::retained(std::string_view topic) const {
    const std::lock_guard lock(impl_->retained_mutex);
    const auto found = impl_->retained.find(topic);
    // Once its MQTT 5 expiry has passed, a retained message is no longer delivered or listed
    // (docs/aws/data-plane.md §5.1).
    if (found == impl_->retained.end() || found->second.expired_at(now_ms())) return std::nullopt;
    return found->second;
}

Bus::RetainedPage Bus::retained_page(std::string_view after, std::size_t limit) const {
    RetainedPage page;
    const auto now = now_ms();
    const std::lock_guard lock(impl_->retained_mutex);
    auto it = after.empty() ? impl_->retained.begin() : impl_->retained.upper_bound(after);
    for (; it != impl_->retained.end(); ++it) {
        const Message& message = it->second;
        if (message.expired_at(now)) continue;
        if (page.messages.size() == limit) {
            page.more = true;
            break;
        }
        page.messages.push_back(
            {message.topic, message.payload.size(), message.qos, message.timestamp_ms});
    }
    return page;
}

std::size_t Bus::retained_count() const {
    const std::lock_guard lock(impl_->retained_mutex);
    return impl_->retained.size();
}

std::size_t Bus::subscriber_count() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->subscribers.size();
}

std::size_t Bus::subscription_count(SubscriberId id) const {
    const std::lock_guard lock(impl_->mutex);
    const auto entry = impl_->subscribers.find(id);
    const std::size_t shared = entry == impl_->subscribers.end() ? 0 : entry->second.groups.size();
    return impl_->tree.count(id) + shared;
}

}  // namespace iotemu::bus
