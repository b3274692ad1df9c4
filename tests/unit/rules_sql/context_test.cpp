// Context functions [DG iot-sql-functions]: what a rule can learn about a message besides its
// payload — topic levels (Basic Ingest's prefix hidden), client, principal, clock, ids.
#include <regex>

#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

TEST_CASE("topic() and topic(n) read the topic, 1-based", "[sql][context]") {
    const auto context = test_context("things/myThings/thingOne");
    CHECK(value_of("topic()", "{}", SqlVersion::v2016_03_23, context) ==
          "things/myThings/thingOne");
    CHECK(value_of("topic(1)", "{}", SqlVersion::v2016_03_23, context) == "things");
    CHECK(value_of("topic(3)", "{}", SqlVersion::v2016_03_23, context) == "thingOne");
    CHECK(value_of("topic('2')", "{}", SqlVersion::v2016_03_23, context) == "myThings");
    CHECK(is_empty_payload(value_of("topic(4)", "{}", SqlVersion::v2016_03_23, context)));
    CHECK(is_empty_payload(value_of("topic(0)", "{}", SqlVersion::v2016_03_23, context)));
}

TEST_CASE("topic() hides the Basic Ingest prefix $aws/rules/<rule>/", "[sql][context]") {
    const auto context =
        test_context("$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights");
    CHECK(value_of("topic()", "{}", SqlVersion::v2016_03_23, context) ==
          "Buildings/Building5/Floor2/Room201/Lights");
    CHECK(value_of("topic(3)", "{}", SqlVersion::v2016_03_23, context) == "Floor2");
    // Other $aws topics keep every level: the registration event's CA id is topic(5).
    const auto event = test_context("$aws/events/certificates/registered/ca1234");
    CHECK(value_of("topic(5)", "{}", SqlVersion::v2016_03_23, event) == "ca1234");
}

TEST_CASE("The device SDK JITR rule names its output from the topic", "[sql][context]") {
    const auto out =
        run("SELECT topic(2) as device_id, year FROM 'device/+/data'", R"({"year":2024})",
            SqlVersion::v2016_03_23, test_context("device/sensor-9/data"));
    CHECK(out == json::parse(R"({"device_id":"sensor-9","year":2024})"));
}

TEST_CASE("clientid, principal and traceid come from the message's origin", "[sql][context]") {
    auto context = test_context();
    CHECK(value_of("clientid()", "{}", SqlVersion::v2016_03_23, context) == "device-1");
    CHECK(value_of("principal()", "{}", SqlVersion::v2016_03_23, context) == *context.principal);
    CHECK(value_of("traceid()", "{}", SqlVersion::v2016_03_23, context) == *context.trace_id);
    // Not sent over MQTT: clientid() is "n/a", the others are Undefined.
    context.client_id.reset();
    context.principal.reset();
    context.trace_id.reset();
    CHECK(value_of("clientid()", "{}", SqlVersion::v2016_03_23, context) == "n/a");
    CHECK(is_empty_payload(value_of("principal()", "{}", SqlVersion::v2016_03_23, context)));
    CHECK(is_empty_payload(value_of("traceid()", "{}", SqlVersion::v2016_03_23, context)));
}

TEST_CASE("timestamp, accountid, newuuid and rand fill in per message", "[sql][context]") {
    const auto out =
        run("SELECT timestamp() AS ts, accountid() AS account, newuuid() AS id, rand() AS r "
            "FROM 'a/b'",
            "{}");
    REQUIRE(out);
    CHECK((*out)["ts"] == 1481825251155);
    CHECK((*out)["account"] == "123456789012");
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    CHECK(std::regex_match((*out)["id"].get<std::string>(), uuid));
    const double r = (*out)["r"].get<double>();
    CHECK((r >= 0.0 && r < 1.0));
    CHECK(value_of("newuuid() = newuuid()") == false);
}

TEST_CASE("get_mqtt_property reads the MQTT 5 headers a message was published with",
          "[sql][context]") {
    auto context = test_context();
    context.properties = {.payload_format_indicator = 1,
                          .content_type = "application/json",
                          .response_topic = "reply/dev-1",
                          .correlation_data = std::string("\x01\xFF", 2)};
    const auto out =
        run("SELECT get_mqtt_property('format_indicator') AS f, get_mqtt_property('content_type') "
            "AS c, "
            "get_mqtt_property('response_topic') AS r, get_mqtt_property('correlation_data') AS d, "
            "get_mqtt_property('topic_alias') AS unknown FROM 'a/b'",
            "{}", SqlVersion::v2016_03_23, context);
    CHECK(out == json::parse(R"({"f":"UTF8_DATA","c":"application/json","r":"reply/dev-1",
                                 "d":"Af8="})"));
    // A 3.1.1 message: bytes of no declared format, the rest Undefined.
    const auto plain =
        run("SELECT get_mqtt_property('format_indicator') AS f, "
            "get_mqtt_property('content_type') AS c FROM 'a/b'",
            "{}");
    CHECK(plain == json::parse(R"({"f":"UNSPECIFIED_BYTES"})"));
}

TEST_CASE("get_user_properties gives the values of one name, or every pair, in order",
          "[sql][context]") {
    auto context = test_context();
    context.properties.user_properties = {{"k", "v1"}, {"o", "x"}, {"k", "v2"}};
    CHECK(value_of("get_user_properties('k')", "{}", SqlVersion::v2016_03_23, context) ==
          json::parse(R"(["v1","v2"])"));
    CHECK(value_of("get_user_properties()", "{}", SqlVersion::v2016_03_23, context) ==
          json::parse(R"([{"k":"v1"},{"o":"x"},{"k":"v2"}])"));
    CHECK(is_empty_payload(
        value_of("get_user_properties('none')", "{}", SqlVersion::v2016_03_23, context)));
    CHECK(is_empty_payload(value_of("get_user_properties()")));  // no user properties at all
    const auto routed = run("SELECT * FROM 'a/b' WHERE get_user_properties('o')[0] = 'x'",
                            R"({"n":1})", SqlVersion::v2016_03_23, context);
    CHECK(routed == json::parse(R"({"n":1})"));
}
