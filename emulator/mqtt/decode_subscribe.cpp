// SUBSCRIBE, SUBACK and UNSUBSCRIBE bodies (§3.8–3.10). Filters are checked for MQTT syntax
// here; AWS's quotas (8 filters, 7 slashes: docs/aws/iot-core.md §6.3) are the broker's, answered
// in the SUBACK.
#include <string>

#include "mqtt/decode_body.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::mqtt::detail {
namespace {

Result<std::string, DecodeError> read_filter(Reader& body, std::string_view packet,
                                             std::size_t index) {
    const auto what = std::string(packet) + " topic filter #" + std::to_string(index + 1);
    auto filter = read_string(body, what);
    if (!filter) return filter;
    if (!is_valid_topic_filter(*filter))  // §4.7.1, [MQTT-4.7.3-1]
        return fail(Errc::topic_filter_invalid, what + " is not a valid topic filter");
    return filter;
}

}  // namespace

BodyResult decode_subscribe(Reader body) {
    Subscribe subscribe;
    auto id = read_packet_id(body, "SUBSCRIBE");
    if (!id) return Unexpected{std::move(id).error()};
    subscribe.packet_id = *id;
    if (body.remaining() == 0)  // [MQTT-3.8.3-3]
        return fail(Errc::protocol_error, "SUBSCRIBE has no topic filters");

    while (body.remaining() > 0) {
        auto filter = read_filter(body, "SUBSCRIBE", subscribe.subscriptions.size());
        if (!filter) return Unexpected{std::move(filter).error()};
        const auto options = body.u8();
        if (!options) return fail(Errc::malformed_packet, "SUBSCRIBE requested QoS is cut off");
        if (*options > 2)  // [MQTT-3-8.3-4]: reserved bits set, or QoS 3
            return fail(Errc::malformed_packet, "SUBSCRIBE requested QoS byte " +
                                                    std::to_string(*options) + " is not 0, 1 or 2");
        subscribe.subscriptions.push_back({std::move(*filter), static_cast<QoS>(*options)});
    }
    return Packet{std::move(subscribe)};
}

BodyResult decode_suback(Reader body) {
    Suback suback;
    auto id = read_packet_id(body, "SUBACK");
    if (!id) return Unexpected{std::move(id).error()};
    suback.packet_id = *id;
    if (body.remaining() == 0)  // one return code per filter, and SUBSCRIBE has at least one
        return fail(Errc::protocol_error, "SUBACK has no return codes");
    for (const auto code : body.rest()) {
        const auto value = std::to_integer<std::uint8_t>(code);
        if (value > 2 && value != 0x80)  // [MQTT-3.9.3-2]
            return fail(Errc::malformed_packet,
                        "SUBACK return code " + std::to_string(value) + " is reserved");
        suback.return_codes.push_back(static_cast<SubackReturnCode>(value));
    }
    return Packet{std::move(suback)};
}

BodyResult decode_unsubscribe(Reader body) {
    Unsubscribe unsubscribe;
    auto id = read_packet_id(body, "UNSUBSCRIBE");
    if (!id) return Unexpected{std::move(id).error()};
    unsubscribe.packet_id = *id;
    if (body.remaining() == 0)  // [MQTT-3.10.3-2]
        return fail(Errc::protocol_error, "UNSUBSCRIBE has no topic filters");
    while (body.remaining() > 0) {
        auto filter = read_filter(body, "UNSUBSCRIBE", unsubscribe.filters.size());
        if (!filter) return Unexpected{std::move(filter).error()};
        unsubscribe.filters.push_back(std::move(*filter));
    }
    return Packet{std::move(unsubscribe)};
}

}  // namespace iotemu::mqtt::detail
