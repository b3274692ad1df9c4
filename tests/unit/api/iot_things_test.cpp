// IoT routes for things, thing types, thing groups and thing principals, through
// Router::dispatch with a real Registry.
#include <catch2/catch.hpp>

#include "iot_fixture.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

TEST_CASE("CreateThing answers name, ARN and id, and DescribeThing the model's members") {
    IotApi api;
    const auto created =
        api.send("POST", "/things/lamp-1",
                 {{"attributePayload", {{"attributes", {{"room", "kitchen"}, {"floor", "1"}}}}}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    const auto c = body(created);
    CHECK(keys(c) == std::set<std::string>{"thingName", "thingArn", "thingId"});
    CHECK(c["thingArn"] == "arn:aws:iot:us-east-1:123456789012:thing/lamp-1");

    const auto d = body(api.send("GET", "/things/lamp-1"));
    CHECK(keys(d) == std::set<std::string>{"defaultClientId", "thingName", "thingId", "thingArn",
                                           "attributes", "version"});
    CHECK(d["defaultClientId"] == "lamp-1");
    CHECK(d["thingId"] == c["thingId"]);
    CHECK(d["attributes"] == json{{"room", "kitchen"}, {"floor", "1"}});
    CHECK(d["version"] == 1);
}

TEST_CASE("UpdateThing merges attributes and bumps the version") {
    IotApi api;
    REQUIRE(api.send("POST", "/things/t",
                     {{"attributePayload", {{"attributes", {{"a", "1"}, {"b", "2"}}}}}})
                .status == 200);
    const auto update =
        api.send("PATCH", "/things/t",
                 {{"attributePayload", {{"attributes", {{"a", ""}, {"c", "3"}}}, {"merge", true}}},
                  {"expectedVersion", 1}});
    INFO(update.body);
    REQUIRE(update.status == 200);
    const auto d = body(api.send("GET", "/things/t"));
    CHECK(d["attributes"] == json{{"b", "2"}, {"c", "3"}});
    CHECK(d["version"] == 2);
}

TEST_CASE("thing requests with wrong member types name the member") {
    IotApi api;
    const auto [request, member] = GENERATE(table<std::string, std::string>({
        {R"({"attributePayload": []})", "attributePayload"},
        {R"({"attributePayload": {"attributes": {"a": 1}}})", "attributePayload.attributes.a"},
        {R"({"attributePayload": {"merge": "yes"}})", "attributePayload.merge"},
        {R"({"thingTypeName": 7})", "thingTypeName"},
        {R"({"attributePayload": {"attributes": {"a b": "x"}}})", "attributePayload.attributes"},
    }));
    CAPTURE(request);
    const auto response = api.send_raw("POST", "/things/typed", request);
    CHECK(response.status == 400);
    CHECK(error_type(response) == "InvalidRequestException");
    CHECK(body(response)["message"].get<std::string>().find(member) != std::string::npos);
}

TEST_CASE("a thing name that breaks the model's pattern is InvalidRequestException") {
    IotApi api;
    for (const std::string& target : std::vector<std::string>{
             "/things/has%20space", "/things/" + std::string(129, 'a'), "/things/sl%2Fash"}) {
        CAPTURE(target);
        const auto response = api.send("POST", target, json::object());
        CHECK(response.status == 400);
        CHECK(error_type(response) == "InvalidRequestException");
    }
}

TEST_CASE("an unknown thing is ResourceNotFoundException 404") {
    const auto response = IotApi().send("GET", "/things/ghost");
    CHECK(response.status == 404);
    CHECK(error_type(response) == "ResourceNotFoundException");
}

TEST_CASE("ListThings pages with nextToken and checks maxResults") {
    IotApi api;
    for (const char* name : {"a", "b", "c"})
        REQUIRE(api.send("POST", std::string("/things/") + name, json::object()).status == 200);
    const auto first = body(api.send("GET", "/things?maxResults=2"));
    REQUIRE(first["things"].size() == 2);
    CHECK(keys(first["things"][0]) ==
          std::set<std::string>{"thingName", "thingArn", "attributes", "version"});
    REQUIRE(first.contains("nextToken"));
    CHECK_FALSE(first.contains("nextMarker"));
    const auto second = body(api.send(
        "GET", "/things?maxResults=2&nextToken=" + encoded(first["nextToken"].get<std::string>())));
    CHECK(second["things"].size() == 1);
    CHECK_FALSE(second.contains("nextToken"));
    CHECK(api.send("GET", "/things?maxResults=0").status == 400);
    CHECK(api.send("GET", "/things?maxResults=251").status == 400);
}

TEST_CASE("thing principals attach through the x-amzn-principal header") {
    IotApi api;
    const std::string arn = api.create_certificate()["certificateArn"];
    REQUIRE(api.send("POST", "/things/dev", json::object()).status == 200);
    const auto attach =
        api.send("PUT", "/things/dev/principals", nullptr, {{"x-amzn-principal", arn}});
    INFO(attach.body);
    REQUIRE(attach.status == 200);
    CHECK(body(api.send("GET", "/things/dev/principals")) == json{{"principals", {arn}}});
    CHECK(body(api.send("GET", "/principals/things", nullptr, {{"x-amzn-principal", arn}})) ==
          json{{"things", {"dev"}}});
    REQUIRE(
        api.send("DELETE", "/things/dev/principals", nullptr, {{"x-amzn-principal", arn}}).status ==
        200);
    CHECK(body(api.send("GET", "/things/dev/principals")) == json{{"principals", json::array()}});
}

TEST_CASE("thing principal operations require the principal header") {
    IotApi api;
    REQUIRE(api.send("POST", "/things/dev", json::object()).status == 200);
    for (const auto& [method, target] :
         std::vector<std::pair<std::string, std::string>>{{"PUT", "/things/dev/principals"},
                                                          {"DELETE", "/things/dev/principals"},
                                                          {"GET", "/principals/things"}}) {
        CAPTURE(method, target);
        const auto response = api.send(method, target);
        CHECK(response.status == 400);
        CHECK(error_type(response) == "InvalidRequestException");
        CHECK(body(response)["message"].get<std::string>().find("principal") != std::string::npos);
    }
    const auto bad_type = api.send("PUT", "/things/dev/principals?thingPrincipalType=SHARED",
                                   nullptr, {{"x-amzn-principal", "arn"}});
    CHECK(bad_type.status == 400);
}

TEST_CASE("thing types are created, described, listed, deprecated and deleted") {
    IotApi api;
    const auto created =
        api.send("POST", "/thing-types/sensor",
                 {{"thingTypeProperties",
                   {{"thingTypeDescription", "a sensor"}, {"searchableAttributes", {"room"}}}},
                  {"tags", {{{"Key", "k"}, {"Value", "v"}}}}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(keys(body(created)) ==
          std::set<std::string>{"thingTypeName", "thingTypeArn", "thingTypeId"});

    const auto d = body(api.send("GET", "/thing-types/sensor"));
    CHECK(keys(d) == std::set<std::string>{"thingTypeName", "thingTypeId", "thingTypeArn",
                                           "thingTypeProperties", "thingTypeMetadata"});
    CHECK(d["thingTypeProperties"] ==
          json{{"thingTypeDescription", "a sensor"}, {"searchableAttributes", {"room"}}});
    CHECK(d["thingTypeMetadata"]["deprecated"] == false);
    CHECK(d["thingTypeMetadata"]["creationDate"].is_number());

    const auto list = body(api.send("GET", "/thing-types"));
    REQUIRE(list["thingTypes"].size() == 1);
    CHECK(keys(list["thingTypes"][0]) == std::set<std::string>{"thingTypeName", "thingTypeArn",
                                                               "thingTypeProperties",
                                                               "thingTypeMetadata"});

    REQUIRE(api.send("POST", "/thing-types/sensor/deprecate", json::object()).status == 200);
    const auto deprecated = body(api.send("GET", "/thing-types/sensor"))["thingTypeMetadata"];
    CHECK(deprecated["deprecated"] == true);
    CHECK(deprecated["deprecationDate"].is_number());
    CHECK(api.send("DELETE", "/thing-types/sensor").status == 200);
    CHECK(api.send("GET", "/thing-types/sensor").status == 404);
}

TEST_CASE("searchableAttributes must be a list of strings") {
    const auto response = IotApi().send_raw(
        "POST", "/thing-types/t", R"({"thingTypeProperties": {"searchableAttributes": [1]}})");
    CHECK(response.status == 400);
    CHECK(body(response)["message"].get<std::string>().find("searchableAttributes") !=
          std::string::npos);
}

TEST_CASE("a child thing group describes its root-to-parent chain") {
    IotApi api;
    REQUIRE(api.send("POST", "/thing-groups/root", json::object()).status == 200);
    REQUIRE(api.send("POST", "/thing-groups/mid", {{"parentGroupName", "root"}}).status == 200);
    const auto created =
        api.send("POST", "/thing-groups/leaf",
                 {{"parentGroupName", "mid"},
                  {"thingGroupProperties",
                   {{"thingGroupDescription", "leaves"},
                    {"attributePayload", {{"attributes", {{"color", "green"}}}}}}}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(keys(body(created)) ==
          std::set<std::string>{"thingGroupName", "thingGroupArn", "thingGroupId"});

    const auto d = body(api.send("GET", "/thing-groups/leaf"));
    CHECK(keys(d) == std::set<std::string>{"thingGroupName", "thingGroupId", "thingGroupArn",
                                           "version", "thingGroupProperties",
                                           "thingGroupMetadata"});
    CHECK(d["thingGroupProperties"] ==
          json{{"thingGroupDescription", "leaves"},
               {"attributePayload", {{"attributes", {{"color", "green"}}}}}});
    const auto& metadata = d["thingGroupMetadata"];
    CHECK(metadata["parentGroupName"] == "mid");
    REQUIRE(metadata["rootToParentThingGroups"].size() == 2);
    CHECK(metadata["rootToParentThingGroups"][0]["groupName"] == "root");
    CHECK(metadata["rootToParentThingGroups"][1]["groupName"] == "mid");
    CHECK(metadata["rootToParentThingGroups"][1]["groupArn"] ==
          "arn:aws:iot:us-east-1:123456789012:thinggroup/mid");
    CHECK(metadata["creationDate"].is_number());

    const auto children = body(api.send("GET", "/thing-groups?parentGroup=root&recursive=false"));
    CHECK(children["thingGroups"] ==
          json{{{"groupName", "mid"},
                {"groupArn", "arn:aws:iot:us-east-1:123456789012:thinggroup/mid"}}});
}

TEST_CASE("things join and leave a group by name or by ARN") {
    IotApi api;
    REQUIRE(api.send("POST", "/thing-groups/g", json::object()).status == 200);
    REQUIRE(api.send("POST", "/things/t1", json::object()).status == 200);
    REQUIRE(api.send("POST", "/things/t2", json::object()).status == 200);
    const auto by_name = api.send("PUT", "/thing-groups/addThingToThingGroup",
                                  {{"thingGroupName", "g"}, {"thingName", "t1"}});
    INFO(by_name.body);
    REQUIRE(by_name.status == 200);
    const auto by_arn =
        api.send("PUT", "/thing-groups/addThingToThingGroup",
                 {{"thingGroupArn", "arn:aws:iot:us-east-1:123456789012:thinggroup/g"},
                  {"thingArn", "arn:aws:iot:us-east-1:123456789012:thing/t2"}});
    INFO(by_arn.body);
    REQUIRE(by_arn.status == 200);
    auto things = body(api.send("GET", "/thing-groups/g/things"))["things"];
    std::sort(things.begin(), things.end());
    CHECK(things == json{"t1", "t2"});

    REQUIRE(api.send("PUT", "/thing-groups/removeThingFromThingGroup",
                     {{"thingGroupName", "g"}, {"thingName", "t1"}})
                .status == 200);
    CHECK(body(api.send("GET", "/thing-groups/g/things"))["things"] == json{"t2"});
}

TEST_CASE("AddThingToThingGroup needs each side by name or ARN") {
    IotApi api;
    const auto none = api.send("PUT", "/thing-groups/addThingToThingGroup", {{"thingName", "t"}});
    CHECK(none.status == 400);
    CHECK(error_type(none) == "InvalidRequestException");
    const auto not_an_arn = api.send("PUT", "/thing-groups/addThingToThingGroup",
                                     {{"thingGroupArn", "g"}, {"thingName", "t"}});
    CHECK(not_an_arn.status == 400);
    const auto other_account = api.send(
        "PUT", "/thing-groups/addThingToThingGroup",
        {{"thingGroupArn", "arn:aws:iot:us-east-1:999999999999:thinggroup/g"}, {"thingName", "t"}});
    CHECK(other_account.status == 404);
}

TEST_CASE("DeleteThingGroup checks expectedVersion's type") {
    IotApi api;
    REQUIRE(api.send("POST", "/thing-groups/g", json::object()).status == 200);
    CHECK(api.send("DELETE", "/thing-groups/g?expectedVersion=one").status == 400);
    CHECK(api.send("DELETE", "/thing-groups/g?expectedVersion=1").status == 200);
    CHECK(api.send("GET", "/thing-groups/g").status == 404);
}
