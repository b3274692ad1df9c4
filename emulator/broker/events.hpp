// The messages AWS IoT itself publishes that the broker reproduces: the certificate registration
// event of JITR (docs/aws/iot-core.md §3.5) and the lifecycle events of MQTT connections
// (docs/aws/data-plane.md §3.1–3.3). Values in, bus::Message out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bus/bus.hpp"
#include "common/time.hpp"
#include "model/certificate.hpp"
#include "mqtt/protocol.hpp"

namespace iotemu::broker {

// `$aws/events/certificates/registered/<caCertificateId>` with the six documented keys:
// timestamp is a number of epoch ms, certificateRegistrationTimestamp a string of epoch ms.
bus::Message registration_event(const model::Certificate& certificate, std::string_view account_id,
                                Timestamp when);

// Who a lifecycle event is about: one connection of one client.
struct Presence {
    std::string client_id;
    std::string session_identifier;    // a UUID per connection
    std::string principal_identifier;  // the certificate id
    std::string ip_address;
    std::int64_t version_number = 0;  // shared by a connect and its disconnect
};

// AWS publishes no lifecycle events for client ids with '+' or '#' (docs/aws/data-plane.md §3.3).
bool has_lifecycle_events(std::string_view client_id);

// `$aws/events/presence/connected/<clientId>`.
bus::Message connected_event(const Presence& presence, Timestamp when);
// `$aws/events/presence/disconnected/<clientId>`, with clientInitiatedDisconnect and
// disconnectReason.
bus::Message disconnected_event(const Presence& presence, mqtt::DisconnectReason reason,
                                Timestamp when);
// `$aws/events/presence/connect_failed/<clientId>`: iot:Connect denied (or the will topic).
bus::Message connect_failed_event(const Presence& presence, Timestamp when);
// `$aws/events/subscriptions/subscribed|unsubscribed/<clientId>`, listing one packet's filters.
bus::Message subscriptions_event(const Presence& presence, bool subscribed,
                                 const std::vector<std::string>& topics, Timestamp when);

}  // namespace iotemu::broker
