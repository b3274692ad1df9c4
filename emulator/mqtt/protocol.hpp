// Protocol: one MQTT connection's state machine in AWS IoT's flavour, MQTT 3.1.1 or 5 as the
// CONNECT's protocol level says (docs/aws/iot-core.md §5.3, §6.2, §6.3; docs/aws/data-plane.md
// §1). It takes decoded packets, decoding errors, deliveries and keep-alive expiry, and returns
// the actions the connection must carry out (send, close, start the keep-alive watchdog). It owns
// no socket, no timer and no clock; authorization, routing and sessions are asked of a
// ProtocolHost. Sans-I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mqtt/decoder.hpp"
#include "mqtt/packet.hpp"

namespace iotemu::mqtt {

// Why a connection ended, in AWS's lifecycle-event words (docs/aws/data-plane.md §3.2).
enum class DisconnectReason {
    client_initiated_disconnect,  // DISCONNECT received
    auth_error,                   // a policy denied PUBLISH or SUBSCRIBE (3.1.1), or the
                                  // certificate stopped being ACTIVE
    client_error,                 // malformed or forbidden packet, limits exceeded
    connection_lost,              // the socket closed without DISCONNECT
    duplicate_clientid,           // another connection took over this client id
    mqtt_keep_alive_timeout,      // nothing received for 1.5 × keep-alive
    server_initiated_disconnect,  // the emulator shuts down
};
std::string_view to_string(DisconnectReason reason);  // "CLIENT_INITIATED_DISCONNECT", …

struct SendPacket {
    Packet packet;
    bool operator==(const SendPacket&) const = default;
};
// Close the socket once what was sent before this action is written (a CONNACK refusal, an MQTT 5
// DISCONNECT).
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

// AWS IoT Core's default quotas (docs/aws/iot-core.md §6.3, docs/aws/data-plane.md §1.2–1.3).
struct ProtocolLimits {
    std::size_t max_payload_bytes = 128 * 1024;
    std::size_t max_packet_bytes = aws_max_packet_bytes;  // MQTT 5 CONNACK Maximum Packet Size
    std::size_t max_client_id_bytes = 128;
    std::size_t max_filters_per_subscribe = 8;
    std::size_t max_subscriptions = 50;  // per connection (its session), docs/aws/iot-core.md §6.3
    std::size_t max_inflight = 100;      // unacknowledged outbound QoS 1 messages; CONNACK Receive
                                         // Maximum; more wait in order
    // Topics and payloads waiting behind a full window; beyond this new messages are dropped.
    std::size_t max_waiting_bytes = 16 * 1024 * 1024;
    std::uint16_t max_topic_aliases = 8;  // CONNACK Topic Alias Maximum, and to the client
    // The account's persistent-session expiry: MQTT 5 Session Expiry Interval is capped to it, and
    // a 3.1.1 persistent session (clean session 0) lasts this long after its connection.
    std::uint32_t max_session_expiry_seconds = 3600;
};

// What the protocol asks of the broker. Called synchronously from Protocol's member functions,
// which a callback must not re-enter (post a close() instead).
class ProtocolHost {
public:
    virtual ~ProtocolHost() = default;

    // The session the CONNECT asks for, with AWS's limits applied.
    struct SessionRequest {
        ProtocolVersion version = ProtocolVersion::v311;
        bool clean_start = true;  // 3.1.1: clean session
        // How long the session outlives the connection; 0: it ends with it.
        std::uint32_t expiry_seconds = 0;
        bool operator==(const SessionRequest&) const = default;
    };
    struct ConnectResult {
        // success, or why the CONNECT is refused: not_authorized when a policy denies it (the
        // protocol then closes a 3.1.1 connection without a CONNACK, as AWS does,
        // docs/aws/iot-core.md §5.3, and answers MQTT 5 with CONNACK 0x87).
        ReasonCode code = ReasonCode::success;
        bool session_present = false;
        // The client id the host gave a client that sent none (MQTT 5 returns it in CONNACK).
        std::string assigned_client_id{};
    };
    // Authorizes iot:Connect for the client id (and the will), takes over a connection with the
    // same client id, and starts or resumes the session.
    virtual ConnectResult connect(const Connect& connect, const SessionRequest& session) = 0;

    virtual bool authorize_publish(std::string_view topic, bool retain) = 0;
    // An authorized, valid client PUBLISH to route, its topic alias resolved.
    virtual void publish(const Publish& publish) = 0;

    virtual bool authorize_subscribe(std::string_view filter) = 0;
    struct SubscribeResult {
        bool existed = false;  // the session had this very subscription already
        // The retained messages it receives (already checked for iot:Receive), which the
        // protocol sends after the SUBACK as the subscription's Retain Handling says.
        std::vector<Publish> retained{};
    };
    // Records an authorized subscription at the `granted` QoS with its MQTT 5 options.
    virtual SubscribeResult subscribe(const Subscription& subscription, QoS granted) = 0;
    virtual void unsubscribe(std::string_view filter) = 0;
    // The subscriptions the session holds now.
    virtual std::size_t subscription_count() const = 0;
    // One SUBSCRIBE or UNSUBSCRIBE took effect for these filters, as the client sent them (the
    // lifecycle events, docs/aws/data-plane.md §3.3). Not called when none did.
    virtual void subscribed(const std::vector<std::string>& filters) = 0;
    virtual void unsubscribed(const std::vector<std::string>& filters) = 0;

    struct Ending {
        DisconnectReason reason;
        // Set when the will must be published: every end but a normal client DISCONNECT
        // (docs/aws/data-plane.md §3.2). Its expiry is already within AWS's range.
        std::optional<Will> will;
        // QoS 1 messages sent but not acknowledged (in send order), then those still waiting for
        // room in the window (packet_id 0), for a persistent session to redeliver.
        std::vector<Publish> unacknowledged;
        // How long the session outlives the connection (an MQTT 5 DISCONNECT may lower it).
        std::uint32_t session_expiry_seconds = 0;
    };
    // The connection is over. Called exactly once, and only after connect() accepted it: a
    // connection refused or closed before its CONNACK never started a session.
    virtual void ended(Ending ending) = 0;
};

class Protocol {
public:
    explicit Protocol(ProtocolHost& host, ProtocolLimits limits = {});
    ~Protocol();  // defined where State is complete

    // A packet decoded from the client. CONNECT: CONNACK and StartKeepAlive, or a refusal and
    // CloseConnection. Afterwards PUBLISH (→ PUBACK for QoS 1), PUBACK (→ the next waiting
    // message), SUBSCRIBE (→ SUBACK, then retained messages), UNSUBSCRIBE (→ UNSUBACK), PINGREQ
    // (→ PINGRESP), DISCONNECT. What AWS refuses: over 3.1.1 CloseConnection, after which nothing
    // follows; over MQTT 5 a reason code in the acknowledgement, or a DISCONNECT with one and
    // CloseConnection.
    Actions on_packet(Packet packet);
    // The decoder refused the stream, which spoke `version` (a refused CONNECT in its own): a
    // CONNACK with a reason where one is due (an unsupported protocol level gets 3.1.1's 0x01),
    // an MQTT 5 DISCONNECT after CONNACK, then CloseConnection.
    Actions on_decode_error(const DecodeError& error, ProtocolVersion version);
    // A message routed to this connection (already authorized for iot:Receive, its message expiry
    // counted down by the host), at the QoS to deliver it at (2 is delivered at 1) and with the
    // RETAIN flag to put on the wire. QoS 1 gets a packet id and waits for PUBACK; beyond the
    // window it queues. Dropped unless connected, and (MQTT 5) when it would exceed the client's
    // Maximum Packet Size.
    Actions deliver(Publish message);
    Actions on_keep_alive_expired();
    // The connection is closing for `reason` (socket closed, takeover, a certificate no longer
    // ACTIVE, shutdown): MQTT 5 gets a DISCONNECT with the matching reason code first where the
    // server has one to give; then CloseConnection, and, if connected, the host hears (ended())
    // exactly once. Every later call, to any member, returns no actions and asks nothing of the
    // host.
    Actions close(DisconnectReason reason);

    bool connected() const noexcept;           // CONNACK accepted sent and not closed
    ProtocolVersion version() const noexcept;  // as the CONNECT said; 3.1.1 before
    // QoS 1 messages dropped because the client left too many unacknowledged (max_waiting_bytes).
    std::size_t dropped_messages() const noexcept;
    // As the client sent it in CONNECT: empty before, and empty for a client that sent none (the
    // host names such a client itself).
    const std::string& client_id() const noexcept;

private:
    // The implementation's state: phase, version, client id, keep-alive, will, session expiry,
    // topic aliases both ways, inflight and queued outbound QoS 1 messages.
    struct State;
    ProtocolHost& host_;
    ProtocolLimits limits_;
    std::unique_ptr<State> state_;
};

}  // namespace iotemu::mqtt
