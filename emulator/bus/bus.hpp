// Bus: the in-process publish/subscribe that the MQTT broker, the HTTPS data plane, the rules
// engine and the event publisher meet on (ARCHITECTURE "One bus"). Owns the subscription index
// and the retained messages (docs/aws/iot-core.md §6.2); knows nothing of sockets, sessions or
// policies.
// Thread-safe: one mutex around the index, never held while delivering. Sans-I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/message_properties.hpp"
#include "mqtt/packet.hpp"
#include "mqtt/topic_tree.hpp"

namespace iotemu::bus {

using SubscriberId = mqtt::SubscriberId;

// One published message and who published it (rules read clientid() and principal() from it).
struct Message {
    std::string topic;
    std::string payload;  // bytes
    mqtt::QoS qos = mqtt::QoS::at_most_once;
    bool retain = false;
    std::optional<std::string> client_id;  // absent for HTTPS and the emulator's own events
    std::optional<std::string> principal;  // certificate id of the publisher, if any
    std::int64_t timestamp_ms = 0;
    // MQTT 5 properties as the publisher sent them (HTTPS and iot-data Publish carry some too);
    // message expiry counts from timestamp_ms.
    mqtt::MessageProperties properties{};
    // The publisher's own subscriber (its MQTT session), whose No Local subscriptions do not get
    // the message; 0 for none.
    SubscriberId publisher = 0;

    // MQTT 5 message expiry (docs/aws/data-plane.md §1.3): whether the message has expired at
    // `now_ms`, and the whole seconds it has left then (what is forwarded; under a second is 0).
    bool expired_at(std::int64_t now_ms) const;
    std::optional<std::uint32_t> expiry_left_at(std::int64_t now_ms) const;
};

// What ListRetainedMessages shows of a retained message: everything but its payload.
struct RetainedSummary {
    std::string topic;
    std::size_t payload_size = 0;
    mqtt::QoS qos = mqtt::QoS::at_most_once;
    std::int64_t timestamp_ms = 0;
};

// A receiver of messages: an MQTT connection, a persistent session, the rules engine.
class Subscriber {
public:
    virtual ~Subscriber() = default;
    // Called on the publisher's thread, outside the bus lock, once per message per subscriber
    // with the highest QoS among its matching filters and the shared groups that chose it (capped
    // by the message's own QoS). `retain` is the RETAIN flag for the wire: a live delivery clears
    // it [MQTT-3.3.1-9] unless a matching subscription has Retain As Published [MQTT-3.3.1-13];
    // `message.retain` stays as published. May call back into the bus (publish, subscribe,
    // detach). Must not block: a connection posts the message to its own executor.
    virtual void deliver(const Message& message, mqtt::QoS qos, bool retain) = 0;
};

// Where retained messages live between runs (docs/state.md §1). put() and erase() run under the
// bus's retained lock before the message is delivered (and so before its PUBACK): a retained
// publish that was acknowledged is kept. A throw fails the publish.
class RetainedStorage {
public:
    virtual ~RetainedStorage() = default;
    virtual std::vector<Message> load() = 0;
    virtual void put(const Message& message) = 0;
    virtual void erase(std::string_view topic) = 0;
};

class Bus {
public:
    // Without `storage` retained messages live in memory only; with it, they are loaded now.
    explicit Bus(std::unique_ptr<RetainedStorage> storage = nullptr);
    ~Bus();

    // Registers a subscriber; the bus holds it weakly and forgets it when it expires.
    SubscriberId attach(std::weak_ptr<Subscriber> subscriber);
    // Removes a subscriber and every subscription it holds.
    void detach(SubscriberId id);

    struct Subscribed {
        bool existed = false;           // the very same subscription was there already
        std::vector<Message> retained;  // what the subscription receives now
    };
    // Adds or replaces one subscription. Returns the retained messages the new subscription
    // receives: AWS delivers a retained message only to a filter equal to its topic, never to a
    // wildcard filter (docs/aws/iot-core.md §6.2); a repeated subscribe gets it again
    // [MQTT-3.8.4-3]. Each returned message's qos is already capped by the granted QoS. Shared
    // subscriptions `$share/<group>/<filter>` deliver each message to one member of the group,
    // in turn, and get no retained messages. `filter` must be valid (is_valid_topic_filter; the
    // broker checks first): an invalid one throws std::invalid_argument. An id not attached is
    // ignored.
    Subscribed subscribe(SubscriberId id, std::string_view filter,
                         mqtt::SubscriptionOptions options);
    // Removes one subscription, plain or shared; one that does not exist is ignored.
    void unsubscribe(SubscriberId id, std::string_view filter);

    // Delivers to every matching subscriber (message.topic: a valid topic name). With retain:
    // stores the message as the topic's retained message, or deletes it when the payload is empty
    // (still delivered, docs/aws/iot-core.md §6.2).
    void publish(const Message& message);

    // Delivers `message` to one subscriber only, if one of its own (not shared) subscriptions
    // matches the topic, at the highest matching QoS capped by the message's; returns whether it
    // did. AWS's request/response APIs answer this way: the reply goes back over the connection
    // that asked, never to others subscribed to the same topic
    // (docs/aws/provisioning-and-services.md §1.1). Never retained.
    bool deliver_to(SubscriberId id, const Message& message);

    // The topic's retained message; one whose message expiry interval has passed is gone.
    std::optional<Message> retained(std::string_view topic) const;
    // Up to `limit` retained messages in topic order (bytewise), starting after the topic `after`
    // (from the first when empty), expired ones skipped; `more` says whether others follow.
    struct RetainedPage {
        std::vector<RetainedSummary> messages;
        bool more = false;
    };
    RetainedPage retained_page(std::string_view after, std::size_t limit) const;
    std::size_t retained_count() const;  // stored messages, expired ones included
    // Forgets every retained message, in memory and in the storage (the harness's reset).
    void clear_retained();
    // Attached subscribers the bus still holds; an expired one is forgotten lazily (at its next
    // matching publish, or by a later attach).
    std::size_t subscriber_count() const;
    // The subscriptions `id` holds, shared ones included.
    std::size_t subscription_count(SubscriberId id) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotemu::bus
