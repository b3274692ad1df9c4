// The properties as JSON: absent fields are left out, user properties are [name, value] pairs
// in order (names repeat).
#include "store/message_codec.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "store/database.hpp"

namespace iotemu::store {

using nlohmann::json;

mqtt::QoS decode_qos(std::int64_t value) {
    return static_cast<mqtt::QoS>(std::clamp<std::int64_t>(value, 0, 2));
}

std::string encode_properties(const mqtt::MessageProperties& p) {
    json j = json::object();
    if (p.payload_format_indicator) j["payload_format_indicator"] = *p.payload_format_indicator;
    if (p.message_expiry_interval) j["message_expiry_interval"] = *p.message_expiry_interval;
    if (p.content_type) j["content_type"] = *p.content_type;
    if (p.response_topic) j["response_topic"] = *p.response_topic;
    if (p.correlation_data) j["correlation_data"] = base64_encode(*p.correlation_data);
    for (const auto& property : p.user_properties)
        j["user_properties"].push_back({property.name, property.value});
    return j.dump();
}

mqtt::MessageProperties decode_properties(const std::string& text, const std::string& owner) {
    mqtt::MessageProperties p;
    try {
        const json j = json::parse(text);
        if (j.contains("payload_format_indicator"))
            p.payload_format_indicator = j["payload_format_indicator"].get<std::uint8_t>();
        if (j.contains("message_expiry_interval"))
            p.message_expiry_interval = j["message_expiry_interval"].get<std::uint32_t>();
        if (j.contains("content_type")) p.content_type = j["content_type"].get<std::string>();
        if (j.contains("response_topic")) p.response_topic = j["response_topic"].get<std::string>();
        if (j.contains("correlation_data"))
            p.correlation_data = base64_decode(j["correlation_data"].get<std::string>()).value();
        if (j.contains("user_properties"))
            for (const auto& pair : j["user_properties"])
                p.user_properties.push_back(
                    {pair.at(0).get<std::string>(), pair.at(1).get<std::string>()});
    } catch (const std::exception& e) {
        throw StoreError(owner + " has unreadable properties: " + e.what());
    }
    return p;
}

}  // namespace iotemu::store
