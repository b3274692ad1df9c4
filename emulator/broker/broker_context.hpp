// What every connection of the broker shares. Internal to the broker.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/connections.hpp"
#include "broker/mqtt_api.hpp"
#include "bus/bus.hpp"
#include "journal/journal.hpp"
#include "mqtt/protocol.hpp"
#include "registry/registry.hpp"
#include "shadow/service.hpp"

namespace iotemu::broker {

struct BrokerOptions {
    std::chrono::seconds handshake_timeout{10};  // a slow-loris handshake is dropped after this
    std::chrono::seconds connect_timeout{10};    // from handshake to CONNECT
    // An HTTPS request must arrive whole within this (slow clients are dropped); so must an
    // answer be taken up by its client.
    std::chrono::seconds http_request_timeout{10};
    OfflineQueueLimits offline_queue;  // QoS 1 messages persistent sessions keep offline
    std::size_t max_pending_write_bytes = 16 * 1024 * 1024;  // a reader this far behind is dropped
    mqtt::ProtocolLimits limits;
    // MQTT over WebSocket: the IoT policy SigV4-signed connections are held to; none means they
    // may do what an allow-all policy allows (docs/aws/data-plane.md §2.3).
    std::optional<std::string> websocket_policy;
    // Where connects, refusals (with their reason), disconnects and registrations are recorded
    // for the harness (docs/harness.md). Must outlive the broker.
    journal::Recorder* journal = &journal::discard();
};

struct BrokerContext {
    registry::Registry& registry;
    bus::Bus& bus;
    BrokerOptions options;
    Connections connections;
    std::vector<std::shared_ptr<MqttApi>> apis;  // set before the first listener starts
    shadow::Service* shadows = nullptr;          // iot-data's shadow operations over HTTPS

    // The API serving `topic`, if any.
    MqttApi* api_for(std::string_view topic) const {
        for (const auto& api : apis)
            if (api->serves(topic)) return api.get();
        return nullptr;
    }

    BrokerContext(registry::Registry& r, bus::Bus& b, BrokerOptions o,
                  std::shared_ptr<SessionStorage> sessions = nullptr)
        : registry(r), bus(b), options(o), connections(b, o.offline_queue, std::move(sessions)) {}
};

}  // namespace iotemu::broker
