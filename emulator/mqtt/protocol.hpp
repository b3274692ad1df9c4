// Protocol: one MQTT 3.1.1 connection's state machine in AWS IoT's flavour
// (docs/aws/iot-core.md §5.3, §6.2, §6.3). It takes decoded packets, deliveries and keep-alive
// expiry, and returns the actions the connection must carry out (send, close, start the keep-alive
// watchdog). It owns no socket and no timer; authorization, routing and sessions are asked of a
// ProtocolHost. Sans-I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// Why a connection ended, in AWS's lifecycle-event words (docs/aws/iot-core.md §6.4
// disconnectReason).
enum class DisconnectReason {
    client_initiated_disconnect,  // DISCONNECT received: the will is discarded
    client_error,                 // malformed or forbidden packet, limits exceeded
    connection_lost,              // the socket closed without DISCONNECT
    duplicate_clientid,           // another connection took over this client id
    forbidden_access,             // denied by a policy (docs/aws/iot-core.md §5.3)
    mqtt_keep_alive_timeout,      // nothing received for 1.5 × keep-alive
    server_initiated_disconnect,  // shutdown, or the certificate stopped being ACTIVE
};
std::string_view to_string(DisconnectReason reason);  // "CLIENT_INITIATED_DISCONNECT", …

struct SendPacket {
    Packet packet;
    bool operator==(const SendPacket&) const = default;
};
// Close the socket once what was sent before this action is written (a CONNACK refusal, say).
struct CloseConnection {
    DisconnectReason reason;
    bool operator==(const CloseConnection&) const = default;
};
// Start (once, after CONNACK) the watchdog that calls on_keep_alive_expired() when nothing has
// been received for `timeout`; every received byte resets it.
struct StartKeepAlive {
    std::chrono::milliseconds timeout;
    bool operator==(const StartKeepAlive&) const = default;
};
using Action = std::variant<SendPacket, CloseConnection, StartKeepAlive>;
using Actions = std::vector<Action>;

// AWS IoT Core's default quotas (docs/aws/iot-core.md §6.3).
struct ProtocolLimits {
    std::size_t max_payload_bytes = 128 * 1024;
    std::size_t max_client_id_bytes = 128;
    std::size_t max_filters_per_subscribe = 8;
    std::size_t max_inflight = 100;  // unacknowledged outbound QoS 1 messages; more wait in order
    // Topics and payloads waiting behind a full window; beyond this new messages are dropped.
    std::size_t max_waiting_bytes = 16 * 1024 * 1024;
};

// What the protocol asks of the broker. Called synchronously from Protocol's member functions,
// which a callback must not re-enter (post a close() instead).
class ProtocolHost {
public:
    virtual ~ProtocolHost() = default;

    struct ConnectResult {
        // accepted, or the CONNACK code to refuse with; std::nullopt = close without CONNACK,
        // which is how AWS answers a CONNECT its policy denies over MQTT 3.1.1
        // (docs/aws/iot-core.md §5.3).
        std::optional<ConnectReturnCode> code = ConnectReturnCode::accepted;
        bool session_present = false;
    };
    // Authorizes iot:Connect for the client id (and the will), takes over a connection with the
    // same client id, and starts or resumes the session.
    virtual ConnectResult connect(const Connect& connect) = 0;

    virtual bool authorize_publish(std::string_view topic, bool retain) = 0;
    // An authorized, valid client PUBLISH, to route.
    virtual void publish(const Publish& publish) = 0;

    virtual bool authorize_subscribe(std::string_view filter) = 0;
    // Records an authorized subscription; returns the retained messages it receives (already
    // checked for iot:Receive), which the protocol sends after the SUBACK.
    virtual std::vector<Publish> subscribe(std::string_view filter, QoS granted) = 0;
    virtual void unsubscribe(std::string_view filter) = 0;

    // The connection is over. Called exactly once, and only after connect() accepted it: a
    // connection refused or closed before its CONNACK never started a session. `will` is set
    // when the will must be published (every reason but a client DISCONNECT,
    // docs/aws/iot-core.md §6.4); `unacknowledged` are QoS 1 messages sent but not acknowledged (in
    // send order), then those still waiting for room in the window (packet_id 0), for a persistent
    // session to redeliver.
    virtual void ended(DisconnectReason reason, std::optional<Will> will,
                       std::vector<Publish> unacknowledged) = 0;
};

class Protocol {
public:
    explicit Protocol(ProtocolHost& host, ProtocolLimits limits = {});
    ~Protocol();  // defined where State is complete

    // A packet decoded from the client. CONNECT: CONNACK and StartKeepAlive, or a refusal and
    // CloseConnection. Afterwards PUBLISH (→ PUBACK for QoS 1), PUBACK (→ the next waiting
    // message), SUBSCRIBE (→ SUBACK, then retained messages), UNSUBSCRIBE (→ UNSUBACK), PINGREQ
    // (→ PINGRESP). Anything AWS refuses ends in CloseConnection, after which nothing follows.
    Actions on_packet(Packet packet);
    // A message routed to this connection (already authorized for iot:Receive), with the QoS to
    // deliver it at (2 is delivered at 1) and the RETAIN flag to put on the wire. QoS 1 gets a
    // packet id and waits for PUBACK; beyond max_inflight it queues. Dropped unless connected.
    Actions deliver(std::string topic, Bytes payload, QoS qos, bool retain);
    Actions on_keep_alive_expired();
    // The connection is closing for `reason` (socket closed, takeover, shutdown, a decode error):
    // returns CloseConnection and, if connected, tells the host (ended()) exactly once. Every
    // later call, to any member, returns no actions and asks nothing of the host.
    Actions close(DisconnectReason reason);

    bool connected() const noexcept;  // CONNACK accepted sent and not closed
    // QoS 1 messages dropped because the client left too many unacknowledged (max_waiting_bytes).
    std::size_t dropped_messages() const noexcept;
    // As the client sent it in CONNECT: empty before, and empty for a clean-session client that
    // sent none (the host names such a client itself).
    const std::string& client_id() const noexcept;

private:
    // The implementation's state: phase, client id, keep-alive, will, next packet id, inflight
    // and queued outbound QoS 1 messages.
    struct State;
    ProtocolHost& host_;
    ProtocolLimits limits_;
    std::unique_ptr<State> state_;
};

}  // namespace iotemu::mqtt
