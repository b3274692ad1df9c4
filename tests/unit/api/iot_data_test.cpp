// The iot-data plane through the router: Publish's members as botocore and curl send them, the
// bus message they become, the retained-message reads, and AWS's error for each bad input.
#include <memory>

#include "api/iot_data_routes.hpp"
#include "api_test_support.hpp"
#include "bus/message_recorder.hpp"
#include "common/base64.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;

namespace {

struct IotData {
    bus::Bus bus;
    Router router;
    std::shared_ptr<bus::testing::MessageRecorder> everything =
        std::make_shared<bus::testing::MessageRecorder>();

    IotData() {
        add_iot_data_routes(router, bus);
        const auto id = bus.attach(everything);
        bus.subscribe(id, "#", mqtt::QoS::at_least_once);
        bus.subscribe(id, "$aws/#", mqtt::QoS::at_least_once);
    }
    Response call(std::string method, std::string target, std::string body = {},
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
        return router.dispatch(
            request(std::move(method), std::move(target), std::move(body), std::move(headers)));
    }
};

}  // namespace

TEST_CASE("Publish as botocore sends it: percent-encoded topic, query members, MQTT 5 headers") {
    IotData api;
    // [{"k":"v"},{"a":"b"}], as botocore encodes the userProperties jsonvalue header.
    const auto response = api.call(
        "POST",
        "/topics/a%2Fb%20c%2F%24d?qos=1&retain=true&contentType=text%2Fplain&responseTopic=r%2F1"
        "&messageExpiry=30",
        "hello",
        {{"x-amz-mqtt5-user-properties", "W3siayI6InYifSx7ImEiOiJiIn1d"},
         {"x-amz-mqtt5-payload-format-indicator", "UTF8_DATA"},
         {"x-amz-mqtt5-correlation-data", base64_encode("corr")}});
    REQUIRE(response.status == 200);
    CHECK(body(response) == nlohmann::json{{"message", "OK"}});

    const auto messages = api.everything->messages();
    REQUIRE(messages.size() == 1);
    const auto& m = messages[0];
    CHECK(m.topic == "a/b c/$d");
    CHECK(m.payload == "hello");
    CHECK(m.qos == mqtt::QoS::at_least_once);
    CHECK(m.retain);
    CHECK_FALSE(m.client_id);  // HTTPS and iot-data publishers have no client id
    CHECK(m.timestamp_ms > 0);
    CHECK(m.properties.content_type == "text/plain");
    CHECK(m.properties.response_topic == "r/1");
    CHECK(m.properties.message_expiry_interval == 30u);
    CHECK(m.properties.payload_format_indicator == 1);
    CHECK(m.properties.correlation_data == "corr");
    CHECK(m.properties.user_properties == std::vector<mqtt::UserProperty>{{"k", "v"}, {"a", "b"}});
    CHECK(api.bus.retained("a/b c/$d"));
}

TEST_CASE("Publish as curl sends it: raw slashes, defaults qos 0 and no retain, empty body") {
    IotData api;
    REQUIRE(api.call("POST", "/topics/hello/world", "").status == 200);
    const auto messages = api.everything->messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].topic == "hello/world");
    CHECK(messages[0].payload.empty());
    CHECK(messages[0].qos == mqtt::QoS::at_most_once);
    CHECK_FALSE(messages[0].retain);
    CHECK(messages[0].properties.empty());
}

TEST_CASE("User properties given as a JSON string holding the array count as the array") {
    IotData api;  // boto3 with userProperties=json.dumps([...]), as the model's wording invites
    const nlohmann::json doubly = nlohmann::json(R"([{"k":"v"}])");
    REQUIRE(api.call("POST", "/topics/t", "x",
                     {{"x-amz-mqtt5-user-properties", base64_encode(doubly.dump())}})
                .status == 200);
    CHECK(api.everything->messages().at(0).properties.user_properties ==
          std::vector<mqtt::UserProperty>{{"k", "v"}});
}

TEST_CASE("A message expiry is clamped into AWS's 1 s to 7 days") {
    IotData api;
    api.call("POST", "/topics/t?messageExpiry=0");
    api.call("POST", "/topics/t?messageExpiry=99999999");
    const auto messages = api.everything->messages();
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].properties.message_expiry_interval == 1u);
    CHECK(messages[1].properties.message_expiry_interval == 604800u);
}

TEST_CASE("Each bad Publish gets AWS's error and publishes nothing") {
    using Headers = std::vector<std::pair<std::string, std::string>>;
    const auto [target, body_text, headers, status,
                code] = GENERATE(table<std::string, std::string, Headers, int, std::string>({
        {"/topics/a/%2B/b", "x", {}, 400, "InvalidRequestException"},  // '+'
        {"/topics/a/%23", "x", {}, 400, "InvalidRequestException"},    // '#'
        {"/topics/a/+", "x", {}, 400, "InvalidRequestException"},      // '+' in a raw path
        {"/topics/a/b/c/d/e/f/g/h/i", "x", {}, 400, "InvalidRequestException"},  // 8 slashes
        {"/topics/" + std::string(257, 'x'), "x", {}, 400, "InvalidRequestException"},
        {"/topics/%C3%28", "x", {}, 400, "InvalidRequestException"},  // invalid UTF-8
        {"/topics/%24aws/events/presence/connected/x", "x", {}, 403, "ForbiddenException"},
        {"/topics/$aws/things/t/shadow/update/accepted", "x", {}, 403, "ForbiddenException"},
        {"/topics/t?qos=2", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?qos=one", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?qos=", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?retain=yes", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?messageExpiry=-1", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?messageExpiry=1e3", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t?responseTopic=r/%23", "x", {}, 400, "InvalidRequestException"},
        {"/topics/t",
         "x",
         {{"x-amz-mqtt5-user-properties", "not base64!"}},
         400,
         "InvalidRequestException"},
        {"/topics/t",
         "x",
         {{"x-amz-mqtt5-user-properties", base64_encode(R"({"k":"v"})")}},
         400,
         "InvalidRequestException"},  // an object, not an array
        {"/topics/t",
         "x",
         {{"x-amz-mqtt5-user-properties", base64_encode(R"([{"k":1}])")}},
         400,
         "InvalidRequestException"},
        {"/topics/t",
         "x",
         {{"x-amz-mqtt5-payload-format-indicator", "TEXT"}},
         400,
         "InvalidRequestException"},
        {"/topics/t",
         "x",
         {{"x-amz-mqtt5-correlation-data", "%%%"}},
         400,
         "InvalidRequestException"},
        {"/topics/t", std::string(128 * 1024 + 1, 'x'), {}, 413, "RequestEntityTooLargeException"},
    }));
    CAPTURE(target);
    IotData api;
    const auto response = api.call("POST", target, body_text, headers);
    CHECK(response.status == status);
    CHECK(error_type(response) == code);
    CHECK(body(response).contains("message"));
    CHECK(api.everything->messages().empty());
    CHECK(api.bus.retained_count() == 0);
}

TEST_CASE("A payload of exactly 128 KiB is accepted") {
    IotData api;
    CHECK(api.call("POST", "/topics/t", std::string(128 * 1024, 'x')).status == 200);
}

TEST_CASE("Other methods on /topics answer MethodNotAllowedException") {
    IotData api;
    for (const auto* method : {"GET", "PUT", "DELETE", "PATCH"}) {
        const auto response = api.call(method, "/topics/a/b");
        CHECK(response.status == 405);
        CHECK(error_type(response) == "MethodNotAllowedException");
    }
}

TEST_CASE("GetRetainedMessage returns the payload, qos, time and user properties in base64") {
    IotData api;
    api.call("POST", "/topics/lamp%2Fstate?qos=1&retain=true", "on",
             {{"x-amz-mqtt5-user-properties", base64_encode(R"([{"a":"1"},{"a":"2"}])")}});
    const auto response = api.call("GET", "/retainedMessage/lamp%2Fstate");
    REQUIRE(response.status == 200);
    const auto out = body(response);
    CHECK(out["topic"] == "lamp/state");
    CHECK(out["payload"] == base64_encode("on"));
    CHECK(out["qos"] == 1);
    CHECK(out["lastModifiedTime"].get<std::int64_t>() > 0);
    CHECK(base64_decode(out["userProperties"].get<std::string>()) == R"([{"a":"1"},{"a":"2"}])");

    api.call("POST", "/topics/plain?retain=true", "x");
    CHECK_FALSE(body(api.call("GET", "/retainedMessage/plain")).contains("userProperties"));
}

TEST_CASE("GetRetainedMessage of a topic without one answers ResourceNotFoundException") {
    IotData api;
    api.call("POST", "/topics/gone?retain=true", "x");
    api.call("POST", "/topics/gone?retain=true", "");  // an empty retained payload deletes it
    api.call("POST", "/topics/live", "not retained");
    for (const auto* topic : {"gone", "live", "never"}) {
        const auto response = api.call("GET", std::string("/retainedMessage/") + topic);
        CHECK(response.status == 404);
        CHECK(error_type(response) == "ResourceNotFoundException");
    }
    CHECK(error_type(api.call("GET", "/retainedMessage/a%2F%2B")) == "InvalidRequestException");
}

TEST_CASE("ListRetainedMessages pages by maxResults and nextToken until no token is left") {
    IotData api;
    for (const auto* topic : {"d", "b", "a/1", "c", "a"})
        api.call("POST", std::string("/topics/") + topic + "?retain=true&qos=1", "12345");

    std::vector<std::string> seen;
    std::string target = "/retainedMessage?maxResults=2";
    int pages = 0;
    for (;;) {
        const auto response = api.call("GET", target);
        REQUIRE(response.status == 200);
        const auto out = body(response);
        ++pages;
        for (const auto& summary : out["retainedTopics"]) {
            seen.push_back(summary["topic"]);
            CHECK(summary["payloadSize"] == 5);
            CHECK(summary["qos"] == 1);
            CHECK(summary["lastModifiedTime"].get<std::int64_t>() > 0);
            CHECK_FALSE(summary.contains("payload"));
        }
        if (!out.contains("nextToken")) break;
        CHECK(out["retainedTopics"].size() == 2);
        target = "/retainedMessage?maxResults=2&nextToken=" + out["nextToken"].get<std::string>();
    }
    CHECK(seen == std::vector<std::string>{"a", "a/1", "b", "c", "d"});
    CHECK(pages == 3);

    CHECK(body(api.call("GET", "/retainedMessage"))["retainedTopics"].size() == 5);
    CHECK(error_type(api.call("GET", "/retainedMessage?maxResults=0")) ==
          "InvalidRequestException");
    CHECK(error_type(api.call("GET", "/retainedMessage?maxResults=201")) ==
          "InvalidRequestException");
    CHECK(error_type(api.call("GET", "/retainedMessage?nextToken=%25%25")) ==
          "InvalidRequestException");
}
