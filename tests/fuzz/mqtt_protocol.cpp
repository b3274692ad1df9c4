// Fuzzes Protocol, one connection's state machine, with what a session feeds it: the packets a
// client's bytes decode to, deliveries, keep-alive expiry and closes, in any order. Checks what
// the broker relies on: every packet it asks to send is well-formed, and the host hears ended()
// at most once and nothing after it. Sans-I/O, like Protocol.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fuzzer/FuzzedDataProvider.h>
#include <set>
#include <string>
#include <variant>

#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/protocol.hpp"

using namespace iotemu::mqtt;

namespace {

void require(bool holds) {
    if (!holds) std::abort();
}

// Answers from the input's first bytes; remembers what a real session would.
class Host final : public ProtocolHost {
public:
    explicit Host(FuzzedDataProvider& input)
        : connect_code_(input.PickValueInArray(
              {ReasonCode::success, ReasonCode::success, ReasonCode::not_authorized,
               ReasonCode::server_unavailable, ReasonCode::client_identifier_not_valid})),
          session_present_(input.ConsumeBool()),
          deny_mask_(input.ConsumeIntegral<std::uint8_t>()) {}

    ConnectResult connect(const Connect& connect, const SessionRequest&) override {
        require(!connected_ && !ended_);
        connected_ = connect_code_ == ReasonCode::success;
        return {connect_code_, session_present_, connect.client_id.empty() ? "assigned" : ""};
    }
    bool authorize_publish(std::string_view topic, bool) override { return allowed(topic, 1); }
    void publish(const Publish& publish) override {
        require(connected_ && !ended_ && !publish.topic.empty());
    }
    bool authorize_subscribe(std::string_view filter) override { return allowed(filter, 2); }
    SubscribeResult subscribe(const Subscription& subscription, QoS) override {
        require(connected_ && !ended_);
        const bool existed = !filters_.insert(subscription.filter).second;
        SubscribeResult result{existed, {}};
        if (subscription.filter.find_first_of("+#") == std::string::npos)
            result.retained.push_back(Publish{.qos = QoS::at_least_once,
                                              .retain = true,
                                              .topic = subscription.filter,
                                              .payload = Bytes(3, std::byte{'r'})});
        return result;
    }
    void unsubscribe(std::string_view filter) override { filters_.erase(std::string(filter)); }
    std::size_t subscription_count() const override { return filters_.size(); }
    void subscribed(const std::vector<std::string>& filters) override { require(!filters.empty()); }
    void unsubscribed(const std::vector<std::string>& filters) override {
        require(!filters.empty());
    }
    void ended(Ending) override {
        require(connected_ && !ended_);  // once, and only for a connection CONNACK accepted
        ended_ = true;
    }

private:
    bool allowed(std::string_view name, std::uint8_t bit) const {
        return !(deny_mask_ & bit) || name.size() % 2 == 0;
    }
    ReasonCode connect_code_;
    bool session_present_;
    std::uint8_t deny_mask_;
    bool connected_ = false;
    bool ended_ = false;
    std::set<std::string, std::less<>> filters_;
};

// Every packet the protocol sends must decode, as a client would read it, to itself.
bool carry_out(const Actions& actions, ProtocolVersion version) {
    bool closed = false;
    for (const auto& action : actions) {
        require(!closed);  // CloseConnection is the last action
        if (const auto* send = std::get_if<SendPacket>(&action)) {
            const auto bytes = encode(send->packet, version);
            Decoder client(1 << 20, version);
            auto room = client.prepare(bytes.size());
            std::memcpy(room.data(), bytes.data(), bytes.size());
            client.commit(bytes.size());
            const auto decoded = client.next();
            require(std::holds_alternative<Packet>(decoded) &&
                    std::get<Packet>(decoded) == send->packet);
        } else if (std::holds_alternative<CloseConnection>(action)) {
            closed = true;
        }
    }
    return closed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    Host host(input);
    ProtocolLimits limits;
    limits.max_inflight = 3;  // small windows and quotas, so the fuzzer reaches their edges
    limits.max_waiting_bytes = 64;
    limits.max_subscriptions = 4;
    limits.max_topic_aliases = 2;
    Protocol protocol(host, limits);
    Decoder decoder(4096);

    while (input.remaining_bytes() > 0) {
        Actions actions;
        switch (input.ConsumeIntegralInRange(0, 7)) {
            case 0:
                actions = protocol.deliver(
                    Publish{.qos = input.PickValueInArray(
                                {QoS::at_most_once, QoS::at_least_once, QoS::exactly_once}),
                            .retain = input.ConsumeBool(),
                            // The bus routes only valid topic names.
                            .topic = input.PickValueInArray<std::string>(
                                {"a/b", "dev/status", "$aws/events/presence/connected/dev"}),
                            .payload = Bytes(input.ConsumeIntegralInRange(0, 40), std::byte{'p'})});
                break;
            case 1:
                actions = protocol.on_keep_alive_expired();
                break;
            case 2:
                actions = protocol.close(input.PickValueInArray(
                    {DisconnectReason::connection_lost, DisconnectReason::duplicate_clientid,
                     DisconnectReason::auth_error, DisconnectReason::server_initiated_disconnect}));
                break;
            default: {  // the client's bytes, most of the time
                const auto bytes = input.ConsumeBytes<std::uint8_t>(
                    input.ConsumeIntegralInRange<std::size_t>(1, 512));
                auto room = decoder.prepare(bytes.size());
                if (!bytes.empty()) std::memcpy(room.data(), bytes.data(), bytes.size());
                decoder.commit(bytes.size());
                while (true) {
                    auto result = decoder.next();
                    if (std::holds_alternative<NeedMore>(result)) break;
                    if (const auto* error = std::get_if<DecodeError>(&result)) {
                        auto more = protocol.on_decode_error(*error, decoder.version());
                        actions.insert(actions.end(), more.begin(), more.end());
                        break;
                    }
                    auto more = protocol.on_packet(std::move(std::get<Packet>(result)));
                    actions.insert(actions.end(), more.begin(), more.end());
                    if (!more.empty() && std::holds_alternative<CloseConnection>(more.back()))
                        break;
                }
            }
        }
        if (carry_out(actions, protocol.version())) {
            // The session closes the socket here; whatever comes next asks nothing more.
            require(protocol.close(DisconnectReason::connection_lost).empty());
            require(protocol.deliver(Publish{.topic = "a"}).empty());
            return 0;
        }
    }
    protocol.close(DisconnectReason::connection_lost);
    return 0;
}
