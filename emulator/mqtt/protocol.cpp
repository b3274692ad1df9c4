// Protocol: the rules of one MQTT 3.1.1 or 5 connection in AWS IoT's flavour, as functions from
// inputs (packets, decoding errors, deliveries, keep-alive expiry, close) to actions. Where the
// versions differ it is in how a refusal is told: 3.1.1 closes the connection, MQTT 5 answers
// with a reason code (docs/aws/data-plane.md §1.4). Sans-I/O: no Asio, no clock here.
#include "mqtt/protocol.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "mqtt/encoder.hpp"
#include "mqtt/outbound.hpp"
#include "mqtt/protocol_state.hpp"
#include "mqtt/reserved_topics.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt {
namespace {

// AWS's keep-alive (docs/aws/iot-core.md §6.3): a request of 0 (none) or over 1200 s gets
// 1200 s, 1..29 s get 30 s, and the server drops a client silent for 1.5 × that
// ([MQTT-3.1.2-24] says the same). MQTT 5 is told the value in CONNACK's Server Keep Alive.
constexpr std::uint16_t min_keep_alive_seconds = 30;
constexpr std::uint16_t max_keep_alive_seconds = 1200;

std::uint16_t server_keep_alive(std::uint16_t requested_seconds) {
    if (requested_seconds == 0 || requested_seconds > max_keep_alive_seconds)
        return max_keep_alive_seconds;
    return std::max(requested_seconds, min_keep_alive_seconds);
}

std::chrono::milliseconds keep_alive_timeout(std::uint16_t seconds) {
    return std::chrono::milliseconds{std::uint32_t{seconds} * 1500};
}

// AWS's message expiry range (docs/aws/data-plane.md §1.3): 0 becomes 1 s, more than a week a
// week.
constexpr std::uint32_t max_message_expiry_seconds = 604'800;

void clamp_message_expiry(MessageProperties& properties) {
    if (auto& expiry = properties.message_expiry_interval)
        expiry = std::clamp<std::uint32_t>(*expiry, 1, max_message_expiry_seconds);
}

// The lifecycle reason (docs/aws/data-plane.md §3.2) for ending a connection refused at CONNECT.
DisconnectReason reason_for(ReasonCode code) {
    switch (code) {
        case ReasonCode::bad_user_name_or_password:
        case ReasonCode::not_authorized:
        case ReasonCode::bad_authentication_method:
            return DisconnectReason::auth_error;
        case ReasonCode::server_unavailable:
        case ReasonCode::server_busy:
        case ReasonCode::server_shutting_down:
            return DisconnectReason::server_initiated_disconnect;
        default:
            return DisconnectReason::client_error;
    }
}

// The MQTT 5 DISCONNECT the server sends when it ends a connection for `reason`
// (docs/aws/data-plane.md §1.4); none when the socket is already gone or the client left.
std::optional<ReasonCode> disconnect_code_for(DisconnectReason reason) {
    switch (reason) {
        case DisconnectReason::duplicate_clientid:
            return ReasonCode::session_taken_over;
        case DisconnectReason::mqtt_keep_alive_timeout:
            return ReasonCode::keep_alive_timeout;
        case DisconnectReason::auth_error:
            return ReasonCode::not_authorized;
        case DisconnectReason::server_initiated_disconnect:
            return ReasonCode::server_shutting_down;
        case DisconnectReason::client_error:
            return ReasonCode::unspecified_error;
        case DisconnectReason::client_initiated_disconnect:
        case DisconnectReason::connection_lost:
            return std::nullopt;
    }
    return std::nullopt;
}

// What AWS refuses in a message a client asks to have published (a PUBLISH, or the will in a
// CONNECT) whatever the policy says: the reason code MQTT 5 is told, and the lifecycle reason
// when the connection ends for it.
struct Refusal {
    ReasonCode code;
    DisconnectReason reason;
};

std::optional<Refusal> refusal_of(std::string_view topic, std::size_t payload_bytes, QoS qos,
                                  bool retain, const ProtocolLimits& limits) {
    // AWS supports QoS 0 and 1 only and answers a QoS 2 PUBLISH with no PUBACK
    // (docs/aws/iot-core.md §6.2); it ends the connection, as clients report for QoS 2 publishes
    // and wills [obs shamblett/mqtt_client#232, bertmelis/espMqttClient#116]. We do the same.
    if (qos == QoS::exactly_once)
        return Refusal{ReasonCode::qos_not_supported, DisconnectReason::client_error};
    if (payload_bytes > limits.max_payload_bytes)  // CLIENT_ERROR (docs/aws/iot-core.md §6.3)
        return Refusal{ReasonCode::packet_too_large, DisconnectReason::client_error};
    if (!is_valid_topic_name(topic) || !within_aws_topic_limits(topic))  // iot-core.md §6.3
        return Refusal{ReasonCode::topic_name_invalid, DisconnectReason::client_error};
    // `$` topics are AWS's; publishing where AWS only publishes "can result in a terminated
    // connection" (docs/aws/iot-core.md §6.2), and retained messages are not allowed on any.
    if (!client_may_publish(topic) || (retain && is_reserved_topic(topic)))
        return Refusal{ReasonCode::topic_name_invalid, DisconnectReason::client_error};
    return std::nullopt;
}

// MQTT 5: the refusals that end the connection (DISCONNECT) rather than being answered in a
// PUBACK (docs/aws/data-plane.md §1.3–1.4).
bool ends_connection(ReasonCode code) {
    return code == ReasonCode::qos_not_supported || code == ReasonCode::packet_too_large;
}

void append(Actions& to, Actions more) {
    std::move(more.begin(), more.end(), std::back_inserter(to));
}

}  // namespace

Protocol::Protocol(ProtocolHost& host, ProtocolLimits limits)
    : host_(host), limits_(limits), state_(std::make_unique<State>(host_, limits_)) {}

Protocol::~Protocol() = default;

Actions Protocol::on_packet(Packet packet) {
    State& state = *state_;
    if (state.phase == Phase::closed) return {};
    if (state.phase == Phase::awaiting_connect) {
        if (auto* connect = std::get_if<Connect>(&packet))
            return state.on_connect(std::move(*connect));
        return state.end(DisconnectReason::client_error);  // [MQTT-3.1.0-1]
    }
    switch (type_of(packet)) {
        case PacketType::publish:
            return state.on_publish(std::get<Publish>(std::move(packet)));
        case PacketType::puback:
            return state.on_puback(std::get<Puback>(packet).packet_id);
        case PacketType::subscribe:
            return state.on_subscribe(std::get<Subscribe>(packet));
        case PacketType::unsubscribe:
            return state.on_unsubscribe(std::get<Unsubscribe>(packet));
        case PacketType::pingreq:
            return {SendPacket{Pingresp{}}};  // [MQTT-3.12.4-1]
        case PacketType::disconnect:
            return state.on_disconnect(std::get<Disconnect>(packet));
        case PacketType::connect:  // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation
        case PacketType::pubrec:   // the QoS 2 flow, which AWS does not support
        case PacketType::pubrel:
        case PacketType::pubcomp:
        case PacketType::connack:  // only a server sends these
        case PacketType::suback:
        case PacketType::unsuback:
        case PacketType::pingresp:
            return state.end(DisconnectReason::client_error, ReasonCode::protocol_error);
    }
    return state.end(DisconnectReason::client_error, ReasonCode::protocol_error);
}

Actions Protocol::on_decode_error(const DecodeError& error, ProtocolVersion version) {
    State& state = *state_;
    if (state.phase == Phase::closed) return {};
    if (state.phase == Phase::awaiting_connect) {
        state.version = version;
        return state.refuse_connect(error.code, error.message);
    }
    // After CONNACK a DISCONNECT may say why, with a code it may carry (§3.14.2.1).
    const auto code =
        allowed_in(error.code, PacketType::disconnect) ? error.code : ReasonCode::protocol_error;
    return state.end(DisconnectReason::client_error, code, error.message);
}

Actions Protocol::deliver(Publish message) {
    State& state = *state_;
    if (state.phase != Phase::connected) return {};
    message.qos = std::min(message.qos, QoS::at_least_once);  // AWS's maximum QoS
    message.topic_alias.reset();  // per hop: this connection's are given when it is sent
    message.subscription_identifiers.clear();
    if (state.client_maximum_packet && state.is_v5()) {
        // [MQTT-3.1.2-25]: a message the client cannot take is dropped as if it were sent.
        Packet probe{std::move(message)};
        const bool too_large = encoded_size(probe, state.version) > *state.client_maximum_packet;
        message = std::get<Publish>(std::move(probe));
        if (too_large) return {};
    }
    Actions actions;
    state.send(std::move(message), actions);
    return actions;
}

Actions Protocol::on_keep_alive_expired() {
    return close(DisconnectReason::mqtt_keep_alive_timeout);
}

Actions Protocol::close(DisconnectReason reason) {
    return state_->end(reason, disconnect_code_for(reason));
}

bool Protocol::connected() const noexcept { return state_->phase == Phase::connected; }

ProtocolVersion Protocol::version() const noexcept { return state_->version; }

std::size_t Protocol::dropped_messages() const noexcept { return state_->outbound.dropped(); }

const std::string& Protocol::client_id() const noexcept { return state_->client_id; }

// ---- CONNECT -----------------------------------------------------------------------------------

Actions Protocol::State::on_connect(Connect connect) {
    version = connect.version();
    client_id = connect.client_id;
    const auto& properties = connect.properties;
    // AWS allows 128 bytes (docs/aws/iot-core.md §6.3). An empty client id needs a clean session
    // in 3.1.1 [MQTT-3.1.3-8]; otherwise the host names the client ([MQTT-3.1.3-6], MQTT 5 too).
    if (connect.client_id.size() > limits.max_client_id_bytes ||
        (!is_v5() && connect.client_id.empty() && !connect.clean_session))
        return refuse_connect(ReasonCode::client_identifier_not_valid);
    // AWS IoT has no enhanced authentication (docs/aws/data-plane.md §1.3).
    if (properties.authentication_method)
        return refuse_connect(ReasonCode::bad_authentication_method);
    // A will AWS would never publish is refused up front: 3.1.1 without a CONNACK, the way a
    // will the policy denies is (docs/aws/iot-core.md §5.3), MQTT 5 with the reason.
    if (connect.will) {
        auto& w = *connect.will;
        clamp_message_expiry(w.properties);
        if (auto refusal = refusal_of(w.topic, w.payload.size(), w.qos, w.retain, limits))
            return is_v5() ? refuse_connect(refusal->code) : end(refusal->reason);
    }

    const ProtocolHost::SessionRequest session{
        .version = version,
        .clean_start = connect.clean_session,
        .expiry_seconds = is_v5() ? std::min(properties.session_expiry_interval.value_or(0),
                                             limits.max_session_expiry_seconds)
                          : connect.clean_session ? 0
                                                  : limits.max_session_expiry_seconds,
    };
    const auto answer = host.connect(connect, session);
    if (answer.code != ReasonCode::success) {
        // Over 3.1.1 AWS closes a CONNECT its policy denies without a CONNACK
        // (docs/aws/iot-core.md §5.3).
        if (!is_v5() && answer.code == ReasonCode::not_authorized)
            return end(DisconnectReason::auth_error);
        return refuse_connect(answer.code);
    }

    phase = Phase::connected;
    will = std::move(connect.will);
    session_expiry = session.expiry_seconds;
    const auto keep_alive = server_keep_alive(connect.keep_alive);
    Connack connack{.session_present = answer.session_present};
    if (is_v5()) {
        connack.properties = connack_properties(connect, answer, keep_alive);
        outbound.set_max_inflight(
            std::min<std::size_t>(limits.max_inflight, properties.receive_maximum.value_or(65535)));
        client_maximum_packet = properties.maximum_packet_size;
        inbound_aliases = InboundTopicAliases(limits.max_topic_aliases);
        outbound_aliases = OutboundTopicAliases(
            std::min(limits.max_topic_aliases, properties.topic_alias_maximum.value_or(0)));
    }
    return {SendPacket{std::move(connack)}, StartKeepAlive{keep_alive_timeout(keep_alive)}};
}

// What AWS's MQTT 5 CONNACK announces (docs/aws/data-plane.md §1.2): its limits always, the
// session expiry only when it cut the request down, the client id only when it chose one.
ConnackProperties Protocol::State::connack_properties(const Connect& connect,
                                                      const ProtocolHost::ConnectResult& answer,
                                                      std::uint16_t keep_alive) const {
    ConnackProperties properties{
        .receive_maximum = static_cast<std::uint16_t>(limits.max_inflight),
        .maximum_qos = 1,
        .retain_available = true,
        .maximum_packet_size = static_cast<std::uint32_t>(limits.max_packet_bytes),
        .topic_alias_maximum = limits.max_topic_aliases,
        .wildcard_subscription_available = true,
        .subscription_identifiers_available = false,
        .shared_subscription_available = true,
        .server_keep_alive = keep_alive,
    };
    if (connect.properties.session_expiry_interval.value_or(0) > session_expiry)
        properties.session_expiry_interval = session_expiry;
    if (connect.client_id.empty() && !answer.assigned_client_id.empty())
        properties.assigned_client_identifier = answer.assigned_client_id;
    return properties;
}

// A CONNACK refusal, then the end of the connection [MQTT-3.2.2-5]. No session is present with
// a refusal [MQTT-3.2.2-4]. 3.1.1 has only a few codes; for the rest it closes without a CONNACK
// ([MQTT-3.1.4-1], §4.8).
Actions Protocol::State::refuse_connect(ReasonCode code, std::string reason_string) {
    Actions actions;
    if (is_v5()) {
        if (!allowed_in(code, PacketType::connack)) code = ReasonCode::unspecified_error;
        Connack connack{.reason_code = code};
        if (!reason_string.empty()) connack.properties.reason_string = std::move(reason_string);
        actions.push_back(SendPacket{std::move(connack)});
    } else if (connect_return_code_for(code)) {
        actions.push_back(SendPacket{Connack{.reason_code = code}});
    }
    append(actions, end(reason_for(code)));
    return actions;
}

// ---- PUBLISH and PUBACK --------------------------------------------------------------------

Actions Protocol::State::on_publish(Publish&& publish) {
    if (is_v5()) {
        if (!publish.subscription_identifiers.empty())  // [MQTT-3.3.4-6]: the server's to send
            return end(DisconnectReason::client_error, ReasonCode::protocol_error);
        if (auto invalid = inbound_aliases.resolve(publish))
            return end(DisconnectReason::client_error, *invalid);
        clamp_message_expiry(publish.properties);
    }
    if (auto refusal = refusal_of(publish.topic, publish.payload.size(), publish.qos,
                                  publish.retain, limits)) {
        if (!is_v5() || ends_connection(refusal->code)) return end(refusal->reason, refusal->code);
        return acknowledge(publish, refusal->code);
    }
    // A PUBLISH the policy denies: 3.1.1 ends the connection, QoS 1 without a PUBACK
    // (docs/aws/iot-core.md §5.3); MQTT 5 gets PUBACK 0x87 and stays connected
    // (docs/aws/data-plane.md §1.4).
    if (!host.authorize_publish(publish.topic, publish.retain)) {
        if (!is_v5()) return end(DisconnectReason::auth_error);
        return acknowledge(publish, ReasonCode::not_authorized);
    }
    // AWS does not support DUP (docs/aws/iot-core.md §6.2): a resent message is routed anew.
    publish.dup = false;
    host.publish(publish);
    return acknowledge(publish, ReasonCode::success);
}

// The PUBACK a QoS 1 PUBLISH is due (§4.3.2); a QoS 0 one has none, whatever became of it.
Actions Protocol::State::acknowledge(const Publish& publish, ReasonCode code) {
    Actions actions;
    if (publish.qos != QoS::at_least_once) return actions;
    // emplace_back, not a braced list: that would copy the packet once more, on every PUBLISH.
    actions.emplace_back(SendPacket{Puback{.packet_id = publish.packet_id, .reason_code = code}});
    return actions;
}

Actions Protocol::State::on_puback(PacketId id) {
    Actions actions;
    if (auto next = outbound.acknowledge(id)) emit(std::move(*next), actions);
    return actions;
}

// QoS 0 goes out now; QoS 1 through the window, which may hold it back in order
// (docs/aws/iot-core.md §6.3).
void Protocol::State::send(Publish&& message, Actions& actions) {
    message.dup = false;
    if (message.qos == QoS::at_most_once) {
        message.packet_id = 0;  // [MQTT-2.3.1-5]
        emit(std::move(message), actions);
        return;
    }
    if (auto now = outbound.push(std::move(message))) emit(std::move(*now), actions);
}

// The moment a PUBLISH leaves: an MQTT 5 client gets its topic aliases in the order it reads.
void Protocol::State::emit(Publish&& message, Actions& actions) {
    if (is_v5()) outbound_aliases.apply(message);
    actions.push_back(SendPacket{std::move(message)});
}

// ---- DISCONNECT and the end ------------------------------------------------------------------

Actions Protocol::State::on_disconnect(const Disconnect& disconnect) {
    if (const auto requested = disconnect.properties.session_expiry_interval;
        requested && is_v5()) {
        // A session that was to end with the connection cannot be kept by DISCONNECT
        // [MQTT-3.14.2-2]; otherwise the client may change how long it lasts.
        if (session_expiry == 0 && *requested != 0)
            return end(DisconnectReason::client_error, ReasonCode::protocol_error);
        session_expiry = std::min(*requested, limits.max_session_expiry_seconds);
    }
    // A normal DISCONNECT discards the will [MQTT-3.14.4-3]; MQTT 5's "disconnect with will
    // message" (0x04) and its error codes keep it.
    if (disconnect.reason_code == ReasonCode::success) will.reset();
    return end(DisconnectReason::client_initiated_disconnect);
}

// The one way out. An MQTT 5 client that had its CONNACK hears why first, if `code` says; the
// host hears once, if it accepted the CONNECT, with the will if one is left to publish.
Actions Protocol::State::end(DisconnectReason reason, std::optional<ReasonCode> code,
                             std::string reason_string) {
    if (phase == Phase::closed) return {};
    const bool was_connected = phase == Phase::connected;
    phase = Phase::closed;
    Actions actions;
    if (was_connected && is_v5() && code) {
        Disconnect disconnect{.reason_code = *code};
        if (!reason_string.empty()) disconnect.properties.reason_string = std::move(reason_string);
        actions.push_back(SendPacket{std::move(disconnect)});
    }
    if (was_connected)
        host.ended({reason, std::exchange(will, std::nullopt), outbound.take_unacknowledged(),
                    session_expiry});
    actions.push_back(CloseConnection{reason});
    return actions;
}

std::string_view to_string(DisconnectReason reason) {
    switch (reason) {
        case DisconnectReason::client_initiated_disconnect:
            return "CLIENT_INITIATED_DISCONNECT";
        case DisconnectReason::auth_error:
            return "AUTH_ERROR";
        case DisconnectReason::client_error:
            return "CLIENT_ERROR";
        case DisconnectReason::connection_lost:
            return "CONNECTION_LOST";
        case DisconnectReason::duplicate_clientid:
            return "DUPLICATE_CLIENTID";
        case DisconnectReason::mqtt_keep_alive_timeout:
            return "MQTT_KEEP_ALIVE_TIMEOUT";
        case DisconnectReason::server_initiated_disconnect:
            return "SERVER_INITIATED_DISCONNECT";
    }
    return "UNKNOWN";
}

}  // namespace iotemu::mqtt
