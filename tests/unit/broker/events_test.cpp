// AWS's lifecycle events as the broker publishes them (docs/aws/data-plane.md §3.1–3.3): topics,
// every field with its JSON type, and the client ids that get none.
#include "broker/events.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using namespace iotemu::broker;
using nlohmann::json;

namespace {

const Presence presence{"dev-1", "0f8e4c6a-3c3e-4a53-9c2e-1d2b3c4d5e6f", "abc123", "127.0.0.1", 7};
const Timestamp when = Timestamp{} + std::chrono::milliseconds{1'700'000'000'123};

json payload_of(const bus::Message& message) { return json::parse(message.payload); }

void check_common(const json& p, std::string_view event_type) {
    CHECK(p.at("clientId") == "dev-1");
    CHECK(p.at("timestamp").is_number_integer());
    CHECK(p.at("timestamp") == 1'700'000'000'123);
    CHECK(p.at("eventType") == event_type);
    CHECK(p.at("sessionIdentifier") == presence.session_identifier);
    CHECK(p.at("principalIdentifier") == "abc123");
}

}  // namespace

TEST_CASE("The connected event has the connection's address and version number") {
    const auto message = connected_event(presence, when);
    CHECK(message.topic == "$aws/events/presence/connected/dev-1");
    const auto p = payload_of(message);
    check_common(p, "connected");
    CHECK(p.at("ipAddress") == "127.0.0.1");
    CHECK(p.at("versionNumber").is_number_integer());
    CHECK(p.at("versionNumber") == 7);
    CHECK(p.size() == 7);
}

TEST_CASE("The disconnected event says why, and whether the client chose to go") {
    const auto [reason, client_initiated,
                spelled] = GENERATE(table<mqtt::DisconnectReason, bool, std::string>({
        {mqtt::DisconnectReason::client_initiated_disconnect, true, "CLIENT_INITIATED_DISCONNECT"},
        {mqtt::DisconnectReason::mqtt_keep_alive_timeout, false, "MQTT_KEEP_ALIVE_TIMEOUT"},
        {mqtt::DisconnectReason::duplicate_clientid, false, "DUPLICATE_CLIENTID"},
        {mqtt::DisconnectReason::auth_error, false, "AUTH_ERROR"},
        {mqtt::DisconnectReason::connection_lost, false, "CONNECTION_LOST"},
    }));
    const auto message = disconnected_event(presence, reason, when);
    CHECK(message.topic == "$aws/events/presence/disconnected/dev-1");
    const auto p = payload_of(message);
    check_common(p, "disconnected");
    CHECK(p.at("clientInitiatedDisconnect").is_boolean());
    CHECK(p.at("clientInitiatedDisconnect") == client_initiated);
    CHECK(p.at("disconnectReason") == spelled);
    CHECK(p.at("versionNumber") == 7);
    CHECK_FALSE(p.contains("ipAddress"));  // connected only
}

TEST_CASE("Subscription events list one packet's filters as sent") {
    const std::vector<std::string> filters{"a/#", "$share/g/b"};
    const auto subscribed = subscriptions_event(presence, true, filters, when);
    CHECK(subscribed.topic == "$aws/events/subscriptions/subscribed/dev-1");
    check_common(payload_of(subscribed), "subscribed");
    CHECK(payload_of(subscribed).at("topics") == json(filters));
    const auto unsubscribed = subscriptions_event(presence, false, {"a/#"}, when);
    CHECK(unsubscribed.topic == "$aws/events/subscriptions/unsubscribed/dev-1");
    CHECK(payload_of(unsubscribed).at("eventType") == "unsubscribed");
}

TEST_CASE("connect_failed says AUTHORIZATION_FAILED") {
    const auto message = connect_failed_event(presence, when);
    CHECK(message.topic == "$aws/events/presence/connect_failed/dev-1");
    const auto p = payload_of(message);
    check_common(p, "connect_failed");
    CHECK(p.at("connectFailureReason") == "AUTHORIZATION_FAILED");
    CHECK(p.at("ipAddress") == "127.0.0.1");
}

TEST_CASE("Events are published at QoS 1 and stamped with their time") {
    const auto message = connected_event(presence, when);
    CHECK(message.qos == mqtt::QoS::at_least_once);
    CHECK(message.timestamp_ms == 1'700'000'000'123);
    CHECK_FALSE(message.client_id);  // AWS's own, not a client's
}

TEST_CASE("Client ids with + or # get no lifecycle events") {
    CHECK(has_lifecycle_events("dev-1"));
    CHECK(has_lifecycle_events("a/b"));
    CHECK_FALSE(has_lifecycle_events("dev+1"));
    CHECK_FALSE(has_lifecycle_events("dev#"));
}
