// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK bodies (§3.8–3.11), MQTT 3.1.1 and 5. Filters are
// checked for MQTT syntax here; AWS's quotas (8 filters, 7 slashes: docs/aws/iot-core.md §6.3)
// are the protocol's, answered in the SUBACK.
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {
namespace {

// Subscription options, MQTT 5 §3.8.3.1 (3.1.1 has only the QoS bits; the rest are reserved).
constexpr std::uint8_t qos_mask = 0x03;
constexpr std::uint8_t no_local_flag = 0x04;
constexpr std::uint8_t retain_as_published_flag = 0x08;
constexpr std::uint8_t retain_handling_mask = 0x30;
constexpr int retain_handling_shift = 4;
constexpr std::uint8_t v5_reserved_mask = 0xC0;

Result<std::string, DecodeError> read_filter(Reader& body, std::string_view packet,
                                             std::size_t index) {
    const auto what = std::string(packet) + " topic filter #" + std::to_string(index + 1);
    auto filter = read_string(body, what);
    if (!filter) return filter;
    if (!is_valid_topic_filter(*filter))  // §4.7.1, [MQTT-4.7.3-1]
        return fail(ReasonCode::topic_filter_invalid, what + " is not a valid topic filter");
    return filter;
}

Result<Subscription, DecodeError> read_options(Reader& body, std::string filter,
                                               ProtocolVersion version) {
    const auto options = body.u8();
    if (!options)
        return fail(ReasonCode::malformed_packet, "SUBSCRIBE subscription options are cut off");
    const auto byte = std::to_string(*options);
    if (version == ProtocolVersion::v311 && *options > 2)  // [MQTT-3-8.3-4]
        return fail(ReasonCode::malformed_packet,
                    "SUBSCRIBE requested QoS byte " + byte + " is not 0, 1 or 2");
    if ((*options & qos_mask) == 3 || (*options & v5_reserved_mask) != 0)  // [MQTT-3.8.3-5]
        return fail(ReasonCode::malformed_packet,
                    "SUBSCRIBE options byte " + byte + " has QoS 3 or reserved bits set");
    Subscription subscription{
        .filter = std::move(filter),
        .qos = static_cast<QoS>(*options & qos_mask),
        .no_local = (*options & no_local_flag) != 0,
        .retain_as_published = (*options & retain_as_published_flag) != 0,
    };
    const auto retain_handling = (*options & retain_handling_mask) >> retain_handling_shift;
    if (retain_handling == 3)
        return fail(ReasonCode::protocol_error, "SUBSCRIBE retain handling is 3");
    subscription.retain_handling = static_cast<RetainHandling>(retain_handling);
    if (subscription.no_local && is_shared_subscription(subscription.filter))  // [MQTT-3.8.3-4]
        return fail(ReasonCode::protocol_error, "SUBSCRIBE sets No Local on a shared subscription");
    return subscription;
}

// The reason codes that end a SUBACK or UNSUBACK: at least one, each one it may carry.
Result<std::vector<ReasonCode>, DecodeError> read_reason_codes(Reader& body, PacketType type) {
    if (body.remaining() == 0)  // one per filter, and a request has at least one
        return fail(ReasonCode::protocol_error,
                    std::string(describe(type)) + " has no reason codes");
    std::vector<ReasonCode> codes;
    while (body.remaining() > 0) {
        auto code = read_reason_code(body, type);
        if (!code) return Unexpected{code.error()};
        codes.push_back(*code);
    }
    return codes;
}

}  // namespace

BodyResult decode_subscribe(Reader body, ProtocolVersion version) {
    Subscribe subscribe;
    auto id = read_packet_id(body, "SUBSCRIBE");
    if (!id) return Unexpected{std::move(id).error()};
    subscribe.packet_id = *id;
    if (version == ProtocolVersion::v5) {
        if (auto ok = read_properties_into(body, PropertyScope::subscribe, subscribe); !ok)
            return Unexpected{ok.error()};
    }
    if (body.remaining() == 0)  // [MQTT-3.8.3-3]
        return fail(ReasonCode::protocol_error, "SUBSCRIBE has no topic filters");

    while (body.remaining() > 0) {
        auto filter = read_filter(body, "SUBSCRIBE", subscribe.subscriptions.size());
        if (!filter) return Unexpected{std::move(filter).error()};
        auto subscription = read_options(body, std::move(*filter), version);
        if (!subscription) return Unexpected{std::move(subscription).error()};
        subscribe.subscriptions.push_back(std::move(*subscription));
    }
    return Packet{std::move(subscribe)};
}

BodyResult decode_suback(Reader body, ProtocolVersion version) {
    Suback suback;
    auto id = read_packet_id(body, "SUBACK");
    if (!id) return Unexpected{std::move(id).error()};
    suback.packet_id = *id;
    if (version == ProtocolVersion::v311) {
        if (body.remaining() == 0)
            return fail(ReasonCode::protocol_error, "SUBACK has no return codes");
        for (const auto code : body.rest()) {
            const auto value = std::to_integer<std::uint8_t>(code);
            if (value > 2 && value != 0x80)  // [MQTT-3.9.3-2]
                return fail(ReasonCode::malformed_packet,
                            "SUBACK return code " + std::to_string(value) + " is reserved");
            suback.reason_codes.push_back(static_cast<ReasonCode>(value));
        }
        return Packet{std::move(suback)};
    }
    if (auto ok = read_properties_into(body, PropertyScope::suback, suback.properties); !ok)
        return Unexpected{ok.error()};
    auto codes = read_reason_codes(body, PacketType::suback);
    if (!codes) return Unexpected{std::move(codes).error()};
    suback.reason_codes = std::move(*codes);
    return Packet{std::move(suback)};
}

BodyResult decode_unsubscribe(Reader body, ProtocolVersion version) {
    Unsubscribe unsubscribe;
    auto id = read_packet_id(body, "UNSUBSCRIBE");
    if (!id) return Unexpected{std::move(id).error()};
    unsubscribe.packet_id = *id;
    if (version == ProtocolVersion::v5) {
        if (auto ok = read_properties_into(body, PropertyScope::unsubscribe, unsubscribe); !ok)
            return Unexpected{ok.error()};
    }
    if (body.remaining() == 0)  // [MQTT-3.10.3-2]
        return fail(ReasonCode::protocol_error, "UNSUBSCRIBE has no topic filters");
    while (body.remaining() > 0) {
        auto filter = read_filter(body, "UNSUBSCRIBE", unsubscribe.filters.size());
        if (!filter) return Unexpected{std::move(filter).error()};
        unsubscribe.filters.push_back(std::move(*filter));
    }
    return Packet{std::move(unsubscribe)};
}

BodyResult decode_unsuback(Reader body, ProtocolVersion version) {
    Unsuback unsuback;
    if (version == ProtocolVersion::v311 && body.remaining() != 2)  // §3.11.1
        return fail(ReasonCode::malformed_packet, "UNSUBACK remaining length is not 2");
    auto id = read_packet_id(body, "UNSUBACK");
    if (!id) return Unexpected{std::move(id).error()};
    unsuback.packet_id = *id;
    if (version == ProtocolVersion::v311) return Packet{std::move(unsuback)};
    if (auto ok = read_properties_into(body, PropertyScope::unsuback, unsuback.properties); !ok)
        return Unexpected{ok.error()};
    auto codes = read_reason_codes(body, PacketType::unsuback);
    if (!codes) return Unexpected{std::move(codes).error()};
    unsuback.reason_codes = std::move(*codes);
    return Packet{std::move(unsuback)};
}

}  // namespace iotemu::mqtt::detail
