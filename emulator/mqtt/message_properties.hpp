// The MQTT 5 properties that travel with an application message from publisher to subscribers
// (MQTT 5 §3.3.2.3: payload format, message expiry, content type, response topic, correlation
// data, user properties). Per-hop properties (topic alias, subscription identifiers) are not here.
// Plain values, empty for an MQTT 3.1.1 publisher. Sans-I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iotemu::mqtt {

struct UserProperty {
    std::string name{};
    std::string value{};
    bool operator==(const UserProperty&) const = default;
};

struct MessageProperties {
    std::optional<std::uint8_t> payload_format_indicator{};  // 0: bytes, 1: UTF-8 text
    std::optional<std::uint32_t> message_expiry_interval{};  // seconds, from the publish
    std::optional<std::string> content_type{};
    std::optional<std::string> response_topic{};
    std::optional<std::string> correlation_data{};  // binary data
    std::vector<UserProperty> user_properties{};    // in order; names may repeat

    bool empty() const noexcept {
        return !payload_format_indicator && !message_expiry_interval && !content_type &&
               !response_topic && !correlation_data && user_properties.empty();
    }
    bool operator==(const MessageProperties&) const = default;
};

}  // namespace iotemu::mqtt
