// Protocol: the rules of one MQTT 3.1.1 connection in AWS IoT's flavour, as functions from inputs
// (packets, deliveries, keep-alive expiry, close) to actions. Sans-I/O: no Asio, no clock here.
#include "mqtt/protocol.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

#include "mqtt/outbound.hpp"
#include "mqtt/reserved_topics.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt {
namespace {

enum class Phase { awaiting_connect, connected, closed };

// AWS's keep-alive (docs/aws/iot-core.md §6.3): a request of 0 (none) or over 1200 s gets 1200 s,
// 1..29 s get 30 s, and the server drops a client silent for 1.5 × that ([MQTT-3.1.2-24] says the
// same).
constexpr std::uint32_t min_keep_alive_seconds = 30;
constexpr std::uint32_t max_keep_alive_seconds = 1200;

std::chrono::milliseconds keep_alive_timeout(std::uint16_t requested_seconds) {
    std::uint32_t seconds = requested_seconds;
    if (seconds == 0 || seconds > max_keep_alive_seconds) seconds = max_keep_alive_seconds;
    seconds = std::max(seconds, min_keep_alive_seconds);
    return std::chrono::milliseconds{seconds * 1500};
}

// AWS's maximum QoS is 1 (docs/aws/iot-core.md §6.2).
QoS at_most_qos_1(QoS qos) { return std::min(qos, QoS::at_least_once); }

// The lifecycle reason (docs/aws/iot-core.md §6.4) for ending a connection the host refused with
// `code`.
DisconnectReason reason_for(ConnectReturnCode code) {
    switch (code) {
        case ConnectReturnCode::bad_user_name_or_password:
        case ConnectReturnCode::not_authorized:
            return DisconnectReason::forbidden_access;
        case ConnectReturnCode::server_unavailable:
            return DisconnectReason::server_initiated_disconnect;
        default:
            return DisconnectReason::client_error;
    }
}

// Whether a message a client asks to have published (a PUBLISH, or the will in a CONNECT) breaks
// one of AWS's rules that no policy can lift, and the reason to close with if it does.
std::optional<DisconnectReason> refusal_of(std::string_view topic, std::size_t payload_bytes,
                                           QoS qos, bool retain, const ProtocolLimits& limits) {
    // AWS supports QoS 0 and 1 only and answers a QoS 2 PUBLISH with no PUBACK
    // (docs/aws/iot-core.md §6.2); it ends the connection, as clients report for QoS 2 publishes
    // and wills [obs shamblett/mqtt_client#232, bertmelis/espMqttClient#116]. We do the same, at
    // once.
    if (qos == QoS::exactly_once) return DisconnectReason::client_error;
    // Over AWS's quotas (docs/aws/iot-core.md §6.3): lifecycle reason CLIENT_ERROR.
    if (payload_bytes > limits.max_payload_bytes) return DisconnectReason::client_error;
    if (!is_valid_topic_name(topic) || !within_aws_topic_limits(topic))
        return DisconnectReason::client_error;
    // `$` topics are AWS's; publishing where AWS only publishes "can result in a terminated
    // connection" (docs/aws/iot-core.md §6.2), and retained messages are not allowed on any of
    // them.
    if (!client_may_publish(topic) || (retain && is_reserved_topic(topic)))
        return DisconnectReason::forbidden_access;
    return std::nullopt;
}

bool is_usable_filter(std::string_view filter) {
    // MQTT §4.7 syntax, AWS's limits (docs/aws/iot-core.md §6.3).
    return is_valid_topic_filter(filter) && within_aws_topic_limits(filter);
}

void append(Actions& to, Actions more) {
    std::move(more.begin(), more.end(), std::back_inserter(to));
}

}  // namespace

struct Protocol::State {
    State(ProtocolHost& host, const ProtocolLimits& limits)
        : host(host), limits(limits), outbound(limits.max_inflight, limits.max_waiting_bytes) {}

    ProtocolHost& host;
    const ProtocolLimits& limits;  // Protocol's own, which outlives this
    Phase phase = Phase::awaiting_connect;
    std::string client_id;
    std::optional<Will> will;  // published by the host on every end but a DISCONNECT
    Outbound outbound;         // QoS 1 messages to the client

    Actions on_connect(Connect connect);
    Actions refuse(ConnectReturnCode code);
    Actions on_publish(Publish publish);
    Actions on_puback(PacketId id);
    Actions on_subscribe(const Subscribe& subscribe);
    Actions on_unsubscribe(const Unsubscribe& unsubscribe);
    void send(Publish message, Actions& actions);
    Actions close(DisconnectReason reason);
};

Protocol::Protocol(ProtocolHost& host, ProtocolLimits limits)
    : host_(host), limits_(limits), state_(std::make_unique<State>(host_, limits_)) {}

Protocol::~Protocol() = default;

Actions Protocol::on_packet(Packet packet) {
    State& state = *state_;
    if (state.phase == Phase::closed) return {};
    if (state.phase == Phase::awaiting_connect) {
        if (auto* connect = std::get_if<Connect>(&packet))
            return state.on_connect(std::move(*connect));
        return state.close(DisconnectReason::client_error);  // [MQTT-3.1.0-1]
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
            return state.close(DisconnectReason::client_initiated_disconnect);
        case PacketType::connect:  // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation
        case PacketType::pubrec:   // the QoS 2 flow, unsupported (docs/aws/iot-core.md §6.2)
        case PacketType::pubrel:
        case PacketType::pubcomp:
        case PacketType::connack:  // only a server sends these
        case PacketType::suback:
        case PacketType::unsuback:
        case PacketType::pingresp:
            return state.close(DisconnectReason::client_error);
    }
    return state.close(DisconnectReason::client_error);
}

Actions Protocol::deliver(std::string topic, Bytes payload, QoS qos, bool retain) {
    State& state = *state_;
    if (state.phase != Phase::connected) return {};
    Actions actions;
    state.send(Publish{.qos = at_most_qos_1(qos),
                       .retain = retain,
                       .topic = std::move(topic),
                       .payload = std::move(payload)},
               actions);
    return actions;
}

Actions Protocol::on_keep_alive_expired() {
    return state_->close(DisconnectReason::mqtt_keep_alive_timeout);
}

Actions Protocol::close(DisconnectReason reason) { return state_->close(reason); }

bool Protocol::connected() const noexcept { return state_->phase == Phase::connected; }

std::size_t Protocol::dropped_messages() const noexcept { return state_->outbound.dropped(); }

const std::string& Protocol::client_id() const noexcept { return state_->client_id; }

Actions Protocol::State::on_connect(Connect connect) {
    client_id = connect.client_id;
    // An empty client id needs a clean session [MQTT-3.1.3-8]; AWS allows 128 bytes
    // (docs/aws/iot-core.md §6.3). Both get CONNACK 0x02. An empty id with a clean session is
    // accepted and passed on as it is: MQTT 3.1.1 lets the server name the client [MQTT-3.1.3-6],
    // which is the host's job.
    if (connect.client_id.size() > limits.max_client_id_bytes ||
        (connect.client_id.empty() && !connect.clean_session))
        return refuse(ConnectReturnCode::identifier_rejected);
    // A will AWS would never publish is refused up front, without a CONNACK, the way a will the
    // policy denies is (docs/aws/iot-core.md §5.3: connect_failed "also when the will topic is not
    // publishable").
    if (connect.will) {
        const auto& w = *connect.will;
        if (auto reason = refusal_of(w.topic, w.payload.size(), w.qos, w.retain, limits))
            return close(*reason);
    }
    const auto answer = host.connect(connect);
    // A CONNECT the policy denies is closed without a CONNACK over MQTT 3.1.1
    // (docs/aws/iot-core.md §5.3).
    if (!answer.code) return close(DisconnectReason::forbidden_access);
    if (*answer.code != ConnectReturnCode::accepted) return refuse(*answer.code);

    phase = Phase::connected;
    will = std::move(connect.will);
    return {SendPacket{Connack{answer.session_present, ConnectReturnCode::accepted}},
            StartKeepAlive{keep_alive_timeout(connect.keep_alive)}};
}

// A CONNACK refusal, then the end of the connection [MQTT-3.2.2-5]. No session is present with
// a refusal [MQTT-3.2.2-4].
Actions Protocol::State::refuse(ConnectReturnCode code) {
    Actions actions{SendPacket{Connack{false, code}}};
    append(actions, close(reason_for(code)));
    return actions;
}

Actions Protocol::State::on_publish(Publish publish) {
    if (auto reason =
            refusal_of(publish.topic, publish.payload.size(), publish.qos, publish.retain, limits))
        return close(*reason);
    // A PUBLISH the policy denies ends the connection, QoS 1 without a PUBACK
    // (docs/aws/iot-core.md §5.3).
    if (!host.authorize_publish(publish.topic, publish.retain))
        return close(DisconnectReason::forbidden_access);
    // AWS does not support DUP (docs/aws/iot-core.md §6.2): a resent message is routed like a new
    // one.
    publish.dup = false;
    const auto qos = publish.qos;
    const auto packet_id = publish.packet_id;
    host.publish(publish);
    if (qos == QoS::at_least_once) return {SendPacket{Puback{packet_id}}};  // §4.3.2
    return {};
}

Actions Protocol::State::on_puback(PacketId id) {
    if (auto next = outbound.acknowledge(id)) return {SendPacket{std::move(*next)}};
    return {};
}

Actions Protocol::State::on_subscribe(const Subscribe& subscribe) {
    const auto& subscriptions = subscribe.subscriptions;
    // AWS takes 8 filters per SUBSCRIBE (docs/aws/iot-core.md §6.3) and drops a connection that
    // sends more, without a SUBACK [obs dotnet/MQTTnet#1427, aws-iot-device-sdk-embedded-C#1903].
    // (SUBACK 0x80 is for throttling, docs/aws/iot-core.md §5.3, which we do not emulate.)
    if (subscriptions.size() > limits.max_filters_per_subscribe)
        return close(DisconnectReason::client_error);
    for (const auto& subscription : subscriptions)
        if (!is_usable_filter(subscription.filter)) return close(DisconnectReason::client_error);
    // A filter the policy denies ends the connection without a SUBACK (docs/aws/iot-core.md §5.3).
    // All are authorized before any is recorded, so a refused SUBSCRIBE leaves no subscription
    // behind.
    for (const auto& subscription : subscriptions)
        if (!host.authorize_subscribe(subscription.filter))
            return close(DisconnectReason::forbidden_access);

    Suback suback{.packet_id = subscribe.packet_id};
    std::vector<Publish> retained;
    for (const auto& subscription : subscriptions) {
        // A server may grant less than requested (§3.8.4); AWS grants at most QoS 1
        // (docs/aws/iot-core.md §6.2).
        const auto granted = at_most_qos_1(subscription.qos);
        suback.return_codes.push_back(static_cast<SubackReturnCode>(granted));
        for (auto& message : host.subscribe(subscription.filter, granted)) {
            message.qos = std::min(message.qos, granted);
            message.retain = true;  // sent because of a new subscription [MQTT-3.3.1-8]
            retained.push_back(std::move(message));
        }
    }
    Actions actions{SendPacket{std::move(suback)}};
    for (auto& message : retained) send(std::move(message), actions);
    return actions;
}

Actions Protocol::State::on_unsubscribe(const Unsubscribe& unsubscribe) {
    // The 8-filter quota holds for UNSUBSCRIBE too: AWS sends no UNSUBACK for 9 [obs
    // aws/aws-iot-device-sdk-js#361].
    if (unsubscribe.filters.size() > limits.max_filters_per_subscribe)
        return close(DisconnectReason::client_error);
    for (const auto& filter : unsubscribe.filters)
        if (!is_usable_filter(filter)) return close(DisconnectReason::client_error);
    for (const auto& filter : unsubscribe.filters) host.unsubscribe(filter);
    return {SendPacket{Unsuback{unsubscribe.packet_id}}};  // [MQTT-3.10.4-4]
}

// QoS 0 goes out now; QoS 1 through the window, which may hold it back in order
// (docs/aws/iot-core.md §6.3).
void Protocol::State::send(Publish message, Actions& actions) {
    message.dup = false;
    if (message.qos == QoS::at_most_once) {
        message.packet_id = 0;  // [MQTT-2.3.1-5]
        actions.push_back(SendPacket{std::move(message)});
        return;
    }
    if (auto now = outbound.push(std::move(message))) actions.push_back(SendPacket{*now});
}

// The one way out. The host hears of it once, if it accepted the CONNECT; the will goes with
// every reason but a DISCONNECT (docs/aws/iot-core.md §6.4, [MQTT-3.14.4-3]).
Actions Protocol::State::close(DisconnectReason reason) {
    if (phase == Phase::closed) return {};
    const bool was_connected = phase == Phase::connected;
    phase = Phase::closed;
    auto last_will = std::exchange(will, std::nullopt);
    if (reason == DisconnectReason::client_initiated_disconnect) last_will.reset();
    if (was_connected) host.ended(reason, std::move(last_will), outbound.take_unacknowledged());
    return {CloseConnection{reason}};
}

std::string_view to_string(DisconnectReason reason) {
    switch (reason) {
        case DisconnectReason::client_initiated_disconnect:
            return "CLIENT_INITIATED_DISCONNECT";
        case DisconnectReason::client_error:
            return "CLIENT_ERROR";
        case DisconnectReason::connection_lost:
            return "CONNECTION_LOST";
        case DisconnectReason::duplicate_clientid:
            return "DUPLICATE_CLIENTID";
        case DisconnectReason::forbidden_access:
            return "FORBIDDEN_ACCESS";
        case DisconnectReason::mqtt_keep_alive_timeout:
            return "MQTT_KEEP_ALIVE_TIMEOUT";
        case DisconnectReason::server_initiated_disconnect:
            return "SERVER_INITIATED_DISCONNECT";
    }
    return "UNKNOWN";
}

}  // namespace iotemu::mqtt
