// Provisioning-template routes through Router::dispatch with a real Registry: the model's
// response members, and AWS's error shape for every bad request.
#include <catch2/catch.hpp>

#include "iot_fixture.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

const json create_body = {{"templateName", "jitp-1"},
                          {"templateBody", R"({"Resources":{}})"},
                          {"provisioningRoleArn", "arn:aws:iam::123456789012:role/Provision"},
                          {"type", "JITP"}};

}  // namespace

TEST_CASE("Provisioning-template operations answer the model's members") {
    IotApi api;
    const auto created = api.send("POST", "/provisioning-templates", create_body);
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(body(created) ==
          json{{"templateArn", "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/jitp-1"},
               {"templateName", "jitp-1"},
               {"defaultVersionId", 1}});

    const auto described = body(api.send("GET", "/provisioning-templates/jitp-1"));
    CHECK(keys(described) == std::set<std::string>{"templateArn", "templateName", "creationDate",
                                                   "lastModifiedDate", "defaultVersionId",
                                                   "templateBody", "enabled", "provisioningRoleArn",
                                                   "type"});
    CHECK(described["type"] == "JITP");
    CHECK(described["enabled"] == false);

    const auto version =
        body(api.send("POST", "/provisioning-templates/jitp-1/versions?setAsDefault=true",
                      {{"templateBody", R"({"Resources":{},"Description":"v2"})"}}));
    CHECK(version == json{{"templateArn", described["templateArn"]},
                          {"templateName", "jitp-1"},
                          {"versionId", 2},
                          {"isDefaultVersion", true}});
    const auto v1 = body(api.send("GET", "/provisioning-templates/jitp-1/versions/1"));
    CHECK(keys(v1) ==
          std::set<std::string>{"versionId", "creationDate", "templateBody", "isDefaultVersion"});
    CHECK(v1["isDefaultVersion"] == false);
    const auto versions = body(api.send("GET", "/provisioning-templates/jitp-1/versions"));
    REQUIRE(versions["versions"].size() == 2);
    CHECK(keys(versions["versions"][0]) ==
          std::set<std::string>{"versionId", "creationDate", "isDefaultVersion"});

    const auto listed = body(api.send("GET", "/provisioning-templates?maxResults=1"));
    REQUIRE(listed["templates"].size() == 1);
    CHECK(keys(listed["templates"][0]) == std::set<std::string>{"templateArn", "templateName",
                                                                "creationDate", "lastModifiedDate",
                                                                "enabled", "type"});
    CHECK_FALSE(listed.contains("nextToken"));

    CHECK(api.send("PATCH", "/provisioning-templates/jitp-1", {{"enabled", true}}).status == 200);
    CHECK(body(api.send("GET", "/provisioning-templates/jitp-1"))["enabled"] == true);
    CHECK(api.send("DELETE", "/provisioning-templates/jitp-1").status == 200);
    CHECK(api.send("GET", "/provisioning-templates/jitp-1").status == 404);
}

TEST_CASE("Bad provisioning-template requests get AWS's error shape") {
    IotApi api;
    REQUIRE(api.send("POST", "/provisioning-templates", create_body).status == 200);
    const auto with = [](const char* member, json value) {
        json out = create_body;
        out["templateName"] = "other";
        if (value.is_null())
            out.erase(member);
        else
            out[member] = std::move(value);
        return out;
    };
    using Row = std::tuple<std::string, std::string, json, int, std::string>;
    const auto [method, target, request_body, status,
                code] = GENERATE_COPY(table<std::string, std::string, json, int, std::string>({
        Row{"POST", "/provisioning-templates", with("templateBody", "not json"), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates",
            with("templateBody", R"({"Resources":{"r":{"Type":"AWS::IoT::Nope"}}})"), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates", with("templateBody", std::string(10241, ' ')), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates", with("provisioningRoleArn", nullptr), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates", with("type", "BULK"), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates", with("templateName", "bad name"), 400,
            "InvalidRequestException"},
        Row{"POST", "/provisioning-templates", create_body, 409, "ResourceAlreadyExistsException"},
        Row{"GET", "/provisioning-templates/missing", nullptr, 404, "ResourceNotFoundException"},
        Row{"GET", "/provisioning-templates/jitp-1/versions/x", nullptr, 400,
            "InvalidRequestException"},
        Row{"GET", "/provisioning-templates/jitp-1/versions/9", nullptr, 404,
            "ResourceNotFoundException"},
        Row{"DELETE", "/provisioning-templates/jitp-1/versions/1", nullptr, 409,
            "DeleteConflictException"},
        Row{"PATCH", "/provisioning-templates/jitp-1", json{{"defaultVersionId", 0}}, 400,
            "InvalidRequestException"},
        Row{"PATCH", "/provisioning-templates/jitp-1",
            json{{"preProvisioningHook", {{"payloadVersion", "2020-04-01"}}}}, 400,
            "InvalidRequestException"},
    }));
    CAPTURE(method, target, request_body.dump());
    const auto response = api.send(method, target, request_body);
    INFO(response.body);
    CHECK(response.status == status);
    CHECK(error_type(response) == code);
    CHECK(body(response).contains("message"));
}
