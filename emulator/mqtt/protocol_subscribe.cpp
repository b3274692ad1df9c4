// SUBSCRIBE and UNSUBSCRIBE in AWS IoT's flavour: 3.1.1 closes the connection for a filter AWS
// refuses (docs/aws/iot-core.md §5.3), MQTT 5 answers each filter with its own reason code
// (docs/aws/data-plane.md §1.4). Sans-I/O.
#include <algorithm>

#include "mqtt/protocol_state.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt {
namespace {

bool is_usable_filter(std::string_view filter) {
    // §4.7, and AWS's length and depth quotas (docs/aws/iot-core.md §6.3).
    return is_valid_topic_filter(filter) && within_aws_topic_limits(filter);
}

bool any_failure(const std::vector<ReasonCode>& codes) {
    return std::any_of(codes.begin(), codes.end(), is_failure);
}

// The retained messages a new subscription gets, as its Retain Handling says (MQTT 5 §3.8.3.1;
// 3.1.1 always sends them).
bool wants_retained(const Subscription& subscription, bool existed) {
    switch (subscription.retain_handling) {
        case RetainHandling::send:
            return true;
        case RetainHandling::send_if_new:
            return !existed;
        case RetainHandling::do_not_send:
            return false;
    }
    return true;
}

}  // namespace

Actions Protocol::State::on_subscribe(const Subscribe& subscribe) {
    const auto& subscriptions = subscribe.subscriptions;
    // AWS supports no subscription identifiers (docs/aws/data-plane.md §1.3).
    if (subscribe.subscription_identifier)
        return end(DisconnectReason::client_error,
                   ReasonCode::subscription_identifiers_not_supported);
    // AWS takes 8 filters per SUBSCRIBE (docs/aws/iot-core.md §6.3). Over 3.1.1 it drops a
    // connection that sends more, without a SUBACK [obs dotnet/MQTTnet#1427,
    // aws-iot-device-sdk-embedded-C#1903]; MQTT 5 gets 0x97 for each.
    std::vector<ReasonCode> codes(subscriptions.size(), ReasonCode::success);
    if (subscriptions.size() > limits.max_filters_per_subscribe) {
        if (!is_v5()) return end(DisconnectReason::client_error);
        std::fill(codes.begin(), codes.end(), ReasonCode::quota_exceeded);
    } else {
        for (std::size_t i = 0; i < subscriptions.size(); ++i)
            if (!is_usable_filter(subscriptions[i].filter))
                codes[i] = ReasonCode::topic_filter_invalid;
        if (!is_v5() && any_failure(codes)) return end(DisconnectReason::client_error);
        // 3.1.1: a filter the policy denies ends the connection without a SUBACK
        // (docs/aws/iot-core.md §5.3). All are
        // authorized before any is recorded, so a refused SUBSCRIBE leaves nothing behind.
        for (std::size_t i = 0; i < subscriptions.size(); ++i) {
            if (is_failure(codes[i]) || host.authorize_subscribe(subscriptions[i].filter)) continue;
            if (!is_v5()) return end(DisconnectReason::auth_error);
            codes[i] = ReasonCode::not_authorized;
        }
    }

    std::vector<std::string> granted_filters;
    std::vector<Publish> retained;
    std::size_t held = host.subscription_count();
    for (std::size_t i = 0; i < subscriptions.size(); ++i) {
        if (is_failure(codes[i])) continue;
        const auto& subscription = subscriptions[i];
        // A server may grant less than requested (§3.8.4); AWS grants at most QoS 1.
        const auto granted = std::min(subscription.qos, QoS::at_least_once);
        codes[i] = static_cast<ReasonCode>(granted);
        auto result = host.subscribe(subscription, granted);
        // AWS's 50 subscriptions per connection (docs/aws/iot-core.md §6.3): at the quota only
        // a filter the session holds already is granted (its options replaced); a new one is
        // taken back and refused, 0x97 over MQTT 5 and 0x80 over 3.1.1
        // (docs/aws/data-plane.md §1.4), the connection staying open.
        if (!result.existed && ++held > limits.max_subscriptions) {
            host.unsubscribe(subscription.filter);
            --held;
            codes[i] = is_v5() ? ReasonCode::quota_exceeded : ReasonCode::unspecified_error;
            continue;
        }
        granted_filters.push_back(subscription.filter);
        if (!wants_retained(subscription, result.existed)) continue;
        for (auto& message : result.retained) {
            message.qos = std::min(message.qos, granted);
            message.retain = true;  // sent because of a new subscription [MQTT-3.3.1-8]
            retained.push_back(std::move(message));
        }
    }
    if (!granted_filters.empty()) host.subscribed(granted_filters);

    Actions actions{SendPacket{Suback{.packet_id = subscribe.packet_id, .reason_codes = codes}}};
    for (auto& message : retained) send(std::move(message), actions);
    return actions;
}

Actions Protocol::State::on_unsubscribe(const Unsubscribe& unsubscribe) {
    const auto& filters = unsubscribe.filters;
    // The 8-filter quota holds for UNSUBSCRIBE too: over 3.1.1 AWS sends no UNSUBACK for 9 [obs
    // aws/aws-iot-device-sdk-js#361]; MQTT 5 gets 0x80 for each.
    std::vector<ReasonCode> codes(filters.size(), ReasonCode::success);
    if (filters.size() > limits.max_filters_per_subscribe) {
        if (!is_v5()) return end(DisconnectReason::client_error);
        std::fill(codes.begin(), codes.end(), ReasonCode::unspecified_error);
    } else {
        for (std::size_t i = 0; i < filters.size(); ++i)
            if (!is_usable_filter(filters[i])) codes[i] = ReasonCode::topic_filter_invalid;
        if (!is_v5() && any_failure(codes)) return end(DisconnectReason::client_error);
    }
    std::vector<std::string> removed;
    for (std::size_t i = 0; i < filters.size(); ++i) {
        if (is_failure(codes[i])) continue;
        host.unsubscribe(filters[i]);
        removed.push_back(filters[i]);
    }
    if (!removed.empty()) host.unsubscribed(removed);
    // [MQTT-3.10.4-4]. AWS answers Success whether or not the subscription existed.
    Unsuback unsuback{.packet_id = unsubscribe.packet_id};
    if (is_v5()) unsuback.reason_codes = std::move(codes);
    return {SendPacket{std::move(unsuback)}};
}

}  // namespace iotemu::mqtt
