// Publish's members, checked in the order a reader of the model meets them: topic, query, headers,
// payload. Owns the request shape only; who may publish is decided by the caller.
#include "api/iot_data_publish.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "api/json_members.hpp"
#include "common/aws_error.hpp"
#include "common/base64.hpp"
#include "common/json_depth.hpp"
#include "common/time.hpp"
#include "mqtt/reserved_topics.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

// AWS clamps an MQTT 5 message expiry into 1 s … 7 days (docs/aws/data-plane.md §5.3).
constexpr std::int64_t max_message_expiry_seconds = 604800;

constexpr std::string_view user_properties_header = "x-amz-mqtt5-user-properties";
constexpr std::string_view payload_format_header = "x-amz-mqtt5-payload-format-indicator";
constexpr std::string_view correlation_data_header = "x-amz-mqtt5-correlation-data";

// A topic name a client may publish to: MQTT's syntax (no wildcards), AWS's size limits, and not
// one of AWS's subscribe-only reserved topics (docs/aws/iot-core.md §6.2, §6.3).
const std::string& publishable_topic(const Call& call) {
    const std::string& topic = call.path("topic");
    if (!mqtt::is_valid_topic_name(topic))
        throw_invalid_request("The topic '" + topic +
                              "' is not a valid topic name: it must be non-empty UTF-8 without "
                              "the wildcards '+' and '#'");
    if (!mqtt::within_aws_topic_limits(topic))
        throw_invalid_request("The topic '" + topic + "' exceeds " +
                              std::to_string(mqtt::max_topic_bytes) + " bytes or " +
                              std::to_string(mqtt::max_topic_slashes) + " slashes");
    if (!mqtt::client_may_publish(topic))
        throw AwsError(aws_errors::forbidden,
                       "The reserved topic '" + topic + "' does not accept publishes");
    return topic;
}

// The x-amz-mqtt5-user-properties header: base64 of a JSON array of objects whose members are
// the properties, in order, e.g. [{"deviceName":"alpha"},{"deviceCnt":"45"}] (the model's
// jsonvalue header).
std::vector<mqtt::UserProperty> user_properties(const std::string& header) {
    const auto fail = [&] {
        throw_invalid_request(std::string(user_properties_header) +
                              " must be the base64 of a JSON array of objects with string "
                              "values, e.g. [{\"name\":\"value\"}]");
    };
    const auto text = base64_decode(header);
    if (!text || !json_depth_within(*text)) fail();
    auto array = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    // The model calls the member "a JSON string": boto3 callers who pass json.dumps(…) have
    // botocore encode that string once more. Its content counts.
    if (array.is_string() && json_depth_within(array.get_ref<const std::string&>()))
        array = json::parse(array.get<std::string>(), nullptr, /*allow_exceptions=*/false);
    if (!array.is_array()) fail();
    std::vector<mqtt::UserProperty> out;
    for (const auto& object : array) {
        if (!object.is_object()) fail();
        for (const auto& [name, value] : object.items()) {
            if (!value.is_string()) fail();
            out.push_back({name, value.get<std::string>()});
        }
    }
    return out;
}

std::uint8_t payload_format_indicator(const std::string& header) {
    if (header == "UNSPECIFIED_BYTES") return 0;
    if (header == "UTF8_DATA") return 1;
    throw_validation_error("payloadFormatIndicator", header,
                           "Member must satisfy enum value set: [UNSPECIFIED_BYTES, UTF8_DATA]");
}

mqtt::MessageProperties message_properties(const Call& call) {
    mqtt::MessageProperties properties;
    properties.content_type = call.query("contentType");
    if (auto topic = call.query("responseTopic")) {
        if (!mqtt::is_valid_topic_name(*topic))
            throw_validation_error("responseTopic", *topic,
                                   "Member must be a topic name without wildcards");
        properties.response_topic = std::move(topic);
    }
    if (const auto expiry =
            call.query_int("messageExpiry", 0, std::numeric_limits<std::int64_t>::max()))
        properties.message_expiry_interval = static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(*expiry, 1, max_message_expiry_seconds));
    if (const auto header = call.header(user_properties_header))
        properties.user_properties = user_properties(*header);
    if (const auto header = call.header(payload_format_header))
        properties.payload_format_indicator = payload_format_indicator(*header);
    if (const auto header = call.header(correlation_data_header)) {
        properties.correlation_data = base64_decode(*header);
        if (!properties.correlation_data)
            throw_invalid_request(std::string(correlation_data_header) + " must be base64");
    }
    return properties;
}

}  // namespace

bus::Message publish_request(const Call& call, std::size_t max_payload_bytes) {
    bus::Message message;
    message.topic = publishable_topic(call);
    const auto qos = call.query_int("qos", 0, 1).value_or(0);
    message.qos = qos == 1 ? mqtt::QoS::at_least_once : mqtt::QoS::at_most_once;
    message.retain = call.query_bool("retain").value_or(false);
    message.properties = message_properties(call);
    const auto& payload = call.request().body;
    if (payload.size() > max_payload_bytes)
        throw AwsError(aws_errors::request_entity_too_large,
                       "The payload of " + std::to_string(payload.size()) +
                           " bytes exceeds the limit of " + std::to_string(max_payload_bytes) +
                           " bytes");
    message.payload = payload;
    message.timestamp_ms = epoch_millis(now());
    return message;
}

void add_publish_route(Router& router, Handler publish) {
    router.add("POST", "/topics/{topic+}", std::move(publish));
    for (const auto* method : {"GET", "PUT", "DELETE", "PATCH"})
        router.add(method, "/topics/{topic+}", [method](Call&) -> Response {
            throw AwsError(aws_errors::method_not_allowed,
                           std::string(method) + " is not allowed on /topics; use POST");
        });
}

Response published() { return json_response({{"message", "OK"}}); }

}  // namespace iotemu::api
