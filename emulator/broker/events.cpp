// Event payloads are built with nlohmann/json so keys and escaping are right by construction.
#include "broker/events.hpp"

#include <nlohmann/json.hpp>

namespace iotemu::broker {
namespace {

// Events are published at QoS 1 ("at least once", docs/aws/data-plane.md §3.4), so a persistent
// session watching them gets those it missed; a QoS 0 subscriber gets them at QoS 0.
bus::Message event(std::string topic, const nlohmann::json& payload, Timestamp when) {
    bus::Message message;
    message.topic = std::move(topic);
    message.payload = payload.dump();
    message.qos = mqtt::QoS::at_least_once;
    message.timestamp_ms = epoch_millis(when);
    return message;
}

// The fields every presence and subscription event has (docs/aws/data-plane.md §3.1, §3.3).
nlohmann::json common_fields(const Presence& presence, std::string_view event_type,
                             Timestamp when) {
    return {
        {"clientId", presence.client_id},
        {"timestamp", epoch_millis(when)},
        {"eventType", event_type},
        {"sessionIdentifier", presence.session_identifier},
        {"principalIdentifier", presence.principal_identifier},
    };
}

}  // namespace

bus::Message registration_event(const model::Certificate& certificate, std::string_view account_id,
                                Timestamp when) {
    const auto ca_id = certificate.ca_certificate_id.value_or("");
    const nlohmann::json payload{
        {"certificateId", certificate.id},
        {"caCertificateId", ca_id},
        {"timestamp", epoch_millis(when)},
        {"certificateStatus", model::to_string(certificate.status)},
        {"awsAccountId", account_id},
        {"certificateRegistrationTimestamp",
         std::to_string(epoch_millis(certificate.creation_date))},
    };
    return event("$aws/events/certificates/registered/" + ca_id, payload, when);
}

bool has_lifecycle_events(std::string_view client_id) {
    return client_id.find_first_of("+#") == std::string_view::npos;
}

bus::Message connected_event(const Presence& presence, Timestamp when) {
    auto payload = common_fields(presence, "connected", when);
    payload["ipAddress"] = presence.ip_address;
    payload["versionNumber"] = presence.version_number;
    return event("$aws/events/presence/connected/" + presence.client_id, payload, when);
}

bus::Message disconnected_event(const Presence& presence, mqtt::DisconnectReason reason,
                                Timestamp when) {
    auto payload = common_fields(presence, "disconnected", when);
    payload["clientInitiatedDisconnect"] =
        reason == mqtt::DisconnectReason::client_initiated_disconnect;
    payload["disconnectReason"] = mqtt::to_string(reason);
    payload["versionNumber"] = presence.version_number;
    return event("$aws/events/presence/disconnected/" + presence.client_id, payload, when);
}

bus::Message connect_failed_event(const Presence& presence, Timestamp when) {
    auto payload = common_fields(presence, "connect_failed", when);
    payload["connectFailureReason"] = "AUTHORIZATION_FAILED";
    payload["ipAddress"] = presence.ip_address;
    return event("$aws/events/presence/connect_failed/" + presence.client_id, payload, when);
}

bus::Message subscriptions_event(const Presence& presence, bool subscribed,
                                 const std::vector<std::string>& topics, Timestamp when) {
    const std::string_view type = subscribed ? "subscribed" : "unsubscribed";
    auto payload = common_fields(presence, type, when);
    payload["topics"] = topics;
    return event("$aws/events/subscriptions/" + std::string(type) + "/" + presence.client_id,
                 payload, when);
}

}  // namespace iotemu::broker
