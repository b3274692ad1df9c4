// Routes of the iot-data plane: request shape → one bus call → response shape (docs/aws/
// data-plane.md §5.2, §5.3). Blob members are base64 in JSON bodies (the rest-json rule).
#include "api/iot_data_routes.hpp"

#include <nlohmann/json.hpp>

#include "api/iot_data_publish.hpp"
#include "api/json_members.hpp"
#include "common/aws_error.hpp"
#include "common/base64.hpp"
#include "mqtt/protocol.hpp"
#include "mqtt/topic.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::int64_t max_results_limit = 200;  // [M MaxResults]; also our default page size

int qos_number(mqtt::QoS qos) { return qos == mqtt::QoS::at_least_once ? 1 : 0; }

// userProperties of GetRetainedMessage: base64 of the JSON array Publish takes, one object per
// property, in order.
std::string user_properties_blob(const std::vector<mqtt::UserProperty>& properties) {
    json array = json::array();
    for (const auto& property : properties) array.push_back({{property.name, property.value}});
    return base64_encode(array.dump(-1, ' ', false, json::error_handler_t::replace));
}

Response get_retained_message(const bus::Bus& bus, const Call& call) {
    const std::string& topic = call.path("topic");
    if (!mqtt::is_valid_topic_name(topic))
        throw_invalid_request("The topic '" + topic + "' is not a valid topic name");
    const auto message = bus.retained(topic);
    if (!message)
        throw AwsError(aws_errors::resource_not_found,
                       "No retained message exists for the topic '" + topic + "'");
    json out{{"topic", message->topic},
             {"payload", base64_encode(message->payload)},
             {"qos", qos_number(message->qos)},
             {"lastModifiedTime", message->timestamp_ms}};
    if (!message->properties.user_properties.empty())
        out["userProperties"] = user_properties_blob(message->properties.user_properties);
    return json_response(out);
}

// nextToken is the last topic of the previous page in hex (safe in any query string, even one a
// hand-written client does not encode): the next page starts after that topic.
std::string next_token(std::string_view topic) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : topic) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
    return out;
}

std::string topic_after(const std::string& token) {
    const auto nibble = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    bool valid = !token.empty() && token.size() % 2 == 0;
    std::string topic;
    for (std::size_t i = 0; valid && i < token.size(); i += 2) {
        const int high = nibble(token[i]);
        const int low = nibble(token[i + 1]);
        valid = high >= 0 && low >= 0;
        topic.push_back(static_cast<char>(high << 4 | low));
    }
    if (!valid)
        throw_invalid_request("The nextToken '" + token + "' is not one a previous page returned");
    return topic;
}

Response list_retained_messages(const bus::Bus& bus, const Call& call) {
    const auto limit =
        call.query_int("maxResults", 1, max_results_limit).value_or(max_results_limit);
    const auto token = call.query("nextToken");
    const std::string after = token ? topic_after(*token) : std::string();
    const auto page = bus.retained_page(after, static_cast<std::size_t>(limit));
    json topics = json::array();
    for (const auto& summary : page.messages)
        topics.push_back({{"topic", summary.topic},
                          {"payloadSize", summary.payload_size},
                          {"qos", qos_number(summary.qos)},
                          {"lastModifiedTime", summary.timestamp_ms}});
    json out{{"retainedTopics", std::move(topics)}};
    if (page.more) out["nextToken"] = next_token(page.messages.back().topic);
    return json_response(out);
}

}  // namespace

void add_iot_data_routes(Router& router, bus::Bus& bus) {
    add_publish_route(router, [&bus](Call& call) {
        bus.publish(publish_request(call, mqtt::ProtocolLimits{}.max_payload_bytes));
        return published();
    });
    router.add("GET", "/retainedMessage/{topic+}",
               [&bus](Call& call) { return get_retained_message(bus, call); });
    router.add("GET", "/retainedMessage",
               [&bus](Call& call) { return list_retained_messages(bus, call); });
}

}  // namespace iotemu::api
