// Test helpers for Protocol: FakeHost (configured answers, every call recorded), transcripts of
// inputs and the actions each must produce, and readable printing of packets and actions.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "mqtt/packet.hpp"
#include "mqtt/protocol.hpp"

namespace iotemu::mqtt::test {

inline Bytes text(std::string_view value) {
    const auto* data = reinterpret_cast<const std::byte*>(value.data());
    return {data, data + value.size()};
}

inline std::string as_text(const Bytes& value) {
    return {reinterpret_cast<const char*>(value.data()), value.size()};
}

class FakeHost final : public ProtocolHost {
public:
    using Ended = Ending;

    // ---- answers, set by a test before it runs ----
    ConnectResult connect_answer{};
    std::set<std::string, std::less<>> denied_publish;                  // topics
    std::set<std::string, std::less<>> denied_subscribe;                // filters
    std::map<std::string, std::vector<Publish>, std::less<>> retained;  // by filter
    std::set<std::string, std::less<>> existing;  // filters the session already subscribed
    std::size_t held_subscriptions = 0;           // what subscription_count() answers

    // ---- what the protocol asked, in order ----
    std::vector<std::string> calls;  // "connect dev", "publish a/b", "ended CLIENT_ERROR", …
    std::vector<Connect> connects;
    std::vector<SessionRequest> sessions;
    std::vector<Publish> published;
    std::vector<Subscription> subscriptions;
    std::vector<Ended> ended_calls;

    ConnectResult connect(const Connect& connect, const SessionRequest& session) override {
        calls.push_back("connect " + connect.client_id);
        connects.push_back(connect);
        sessions.push_back(session);
        return connect_answer;
    }
    bool authorize_publish(std::string_view topic, bool retain) override {
        calls.push_back("authorize_publish " + std::string(topic) + (retain ? " retain" : ""));
        return !denied_publish.contains(topic);
    }
    void publish(const Publish& publish) override {
        calls.push_back("publish " + publish.topic);
        published.push_back(publish);
    }
    bool authorize_subscribe(std::string_view filter) override {
        calls.push_back("authorize_subscribe " + std::string(filter));
        return !denied_subscribe.contains(filter);
    }
    SubscribeResult subscribe(const Subscription& subscription, QoS granted) override {
        const auto& filter = subscription.filter;
        calls.push_back("subscribe " + filter + " " + std::to_string(static_cast<int>(granted)));
        subscriptions.push_back(subscription);
        const auto found = retained.find(filter);
        return {existing.contains(filter),
                found == retained.end() ? std::vector<Publish>{} : found->second};
    }
    void unsubscribe(std::string_view filter) override {
        calls.push_back("unsubscribe " + std::string(filter));
    }
    std::size_t subscription_count() const override { return held_subscriptions; }
    void subscribed(const std::vector<std::string>& filters) override {
        calls.push_back("subscribed " + joined(filters));
    }
    void unsubscribed(const std::vector<std::string>& filters) override {
        calls.push_back("unsubscribed " + joined(filters));
    }
    void ended(Ending ending) override {
        calls.push_back("ended " + std::string(to_string(ending.reason)));
        ended_calls.push_back(std::move(ending));
    }

private:
    static std::string joined(const std::vector<std::string>& filters) {
        std::string out;
        for (const auto& filter : filters) out += (out.empty() ? "" : ",") + filter;
        return out;
    }
};

// ---- inputs and expected actions ----

struct Deliver {  // Protocol::deliver
    std::string topic;
    std::string payload;
    QoS qos = QoS::at_most_once;
    bool retain = false;
};
struct KeepAliveExpired {};  // Protocol::on_keep_alive_expired
using Input = std::variant<Packet, Deliver, KeepAliveExpired>;

inline Actions apply(Protocol& protocol, const Input& input) {
    if (const auto* packet = std::get_if<Packet>(&input)) return protocol.on_packet(*packet);
    if (const auto* deliver = std::get_if<Deliver>(&input))
        return protocol.deliver(Publish{.qos = deliver->qos,
                                        .retain = deliver->retain,
                                        .topic = deliver->topic,
                                        .payload = text(deliver->payload)});
    return protocol.on_keep_alive_expired();
}

inline Action send(Packet packet) { return SendPacket{std::move(packet)}; }
inline Action closes(DisconnectReason reason) { return CloseConnection{reason}; }
inline Action keep_alive_of(std::chrono::milliseconds timeout) { return StartKeepAlive{timeout}; }

inline Publish publish_of(std::string topic, std::string payload, QoS qos = QoS::at_most_once,
                          PacketId id = 0, bool retain = false) {
    return Publish{.qos = qos,
                   .retain = retain,
                   .topic = std::move(topic),
                   .packet_id = id,
                   .payload = text(payload)};
}

// ---- printing, for failure messages ----

inline std::string describe_packet(const Packet& packet) {
    std::ostringstream out;
    out << describe(type_of(packet));
    if (const auto* p = std::get_if<Connect>(&packet))
        out << " '" << p->client_id << "' keep_alive=" << p->keep_alive
            << " clean=" << p->clean_session << (p->will ? " will=" + p->will->topic : "");
    if (const auto* p = std::get_if<Connack>(&packet))
        out << " session_present=" << p->session_present
            << " code=" << static_cast<int>(p->reason_code);
    if (const auto* p = std::get_if<Publish>(&packet))
        out << " '" << p->topic << "' qos=" << static_cast<int>(p->qos) << " id=" << p->packet_id
            << " retain=" << p->retain << " dup=" << p->dup << " payload='" << as_text(p->payload)
            << "'" << (p->topic_alias ? " alias=" + std::to_string(*p->topic_alias) : "");
    if (const auto* p = std::get_if<Puback>(&packet))
        out << " id=" << p->packet_id << " code=" << static_cast<int>(p->reason_code);
    if (const auto* p = std::get_if<Subscribe>(&packet)) {
        out << " id=" << p->packet_id;
        for (const auto& s : p->subscriptions)
            out << " '" << s.filter << "'@" << static_cast<int>(s.qos);
    }
    if (const auto* p = std::get_if<Suback>(&packet)) {
        out << " id=" << p->packet_id << " codes=";
        for (const auto code : p->reason_codes) out << static_cast<int>(code) << ",";
    }
    if (const auto* p = std::get_if<Disconnect>(&packet))
        out << " code=" << static_cast<int>(p->reason_code);
    if (const auto* p = std::get_if<Unsubscribe>(&packet)) {
        out << " id=" << p->packet_id;
        for (const auto& filter : p->filters) out << " '" << filter << "'";
    }
    if (const auto* p = std::get_if<Unsuback>(&packet)) out << " id=" << p->packet_id;
    return out.str();
}

inline std::string describe_action(const Action& action) {
    if (const auto* send = std::get_if<SendPacket>(&action))
        return "send " + describe_packet(send->packet);
    if (const auto* close = std::get_if<CloseConnection>(&action))
        return "close " + std::string(to_string(close->reason));
    return "keep-alive " + std::to_string(std::get<StartKeepAlive>(action).timeout.count()) + "ms";
}

inline std::string describe_input(const Input& input) {
    if (const auto* packet = std::get_if<Packet>(&input)) return "recv " + describe_packet(*packet);
    if (const auto* d = std::get_if<Deliver>(&input))
        return "deliver '" + d->topic + "' qos=" + std::to_string(static_cast<int>(d->qos));
    return "keep-alive expired";
}

// One input and the actions it must produce, and the payloads of the QoS 1 messages to the
// client left unacknowledged after it (what the host gets in ended() if the connection drops).
struct Step {
    Input input;
    Actions expected;
    std::vector<std::string> unacknowledged{};
};

inline void run(Protocol& protocol, const std::vector<Step>& steps, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        INFO("step " << i << ": " << describe_input(steps[i].input));
        CHECK(apply(protocol, steps[i].input) == steps[i].expected);
    }
}

inline void run(Protocol& protocol, const std::vector<Step>& steps) {
    run(protocol, steps, steps.size());
}

inline std::vector<std::string> payloads_of(const std::vector<Publish>& messages) {
    std::vector<std::string> out;
    for (const auto& message : messages) out.push_back(as_text(message.payload));
    return out;
}

}  // namespace iotemu::mqtt::test

namespace Catch {
template <>
struct StringMaker<iotemu::mqtt::Action> {
    static std::string convert(const iotemu::mqtt::Action& action) {
        return iotemu::mqtt::test::describe_action(action);
    }
};
template <>
struct StringMaker<iotemu::mqtt::Packet> {
    static std::string convert(const iotemu::mqtt::Packet& packet) {
        return iotemu::mqtt::test::describe_packet(packet);
    }
};
}  // namespace Catch
