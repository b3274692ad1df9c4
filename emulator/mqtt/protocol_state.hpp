// Protocol::State, the implementation behind Protocol (protocol.cpp: connect, publish, the end;
// protocol_subscribe.cpp: SUBSCRIBE and UNSUBSCRIBE). Internal to the mqtt library. Sans-I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mqtt/outbound.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/topic_aliases.hpp"

namespace iotemu::mqtt {

enum class Phase { awaiting_connect, connected, closed };

struct Protocol::State {
    State(ProtocolHost& host, const ProtocolLimits& limits)
        : host(host), limits(limits), outbound(limits.max_inflight, limits.max_waiting_bytes) {}

    ProtocolHost& host;
    const ProtocolLimits& limits;  // Protocol's own, which outlives this
    Phase phase = Phase::awaiting_connect;
    ProtocolVersion version = ProtocolVersion::v311;
    std::string client_id;
    std::optional<Will> will;          // published by the host on every end but a normal DISCONNECT
    Outbound outbound;                 // QoS 1 messages to the client
    std::uint32_t session_expiry = 0;  // seconds the session outlives the connection
    // MQTT 5, as the CONNECT asked.
    std::optional<std::size_t> client_maximum_packet;
    InboundTopicAliases inbound_aliases;
    OutboundTopicAliases outbound_aliases;

    bool is_v5() const { return version == ProtocolVersion::v5; }

    Actions on_connect(Connect connect);
    ConnackProperties connack_properties(const Connect& connect,
                                         const ProtocolHost::ConnectResult& answer,
                                         std::uint16_t keep_alive) const;
    Actions refuse_connect(ReasonCode code, std::string reason_string = {});
    Actions on_publish(Publish&& publish);
    Actions acknowledge(const Publish& publish, ReasonCode code);
    Actions on_puback(PacketId id);
    Actions on_subscribe(const Subscribe& subscribe);
    Actions on_unsubscribe(const Unsubscribe& unsubscribe);
    Actions on_disconnect(const Disconnect& disconnect);
    // Messages to the client are passed along by rvalue reference: every move of a Publish
    // counts on the delivery path.
    void send(Publish&& message, Actions& actions);
    void emit(Publish&& message, Actions& actions);
    Actions end(DisconnectReason reason, std::optional<ReasonCode> code = std::nullopt,
                std::string reason_string = {});
};

}  // namespace iotemu::mqtt
