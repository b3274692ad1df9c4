// IoT routes for policies, versions and attachments, through Router::dispatch with a real
// Registry.
#include <catch2/catch.hpp>

#include "iot_fixture.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

const std::string allow_all =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]})";
const std::string allow_connect =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]})";

void create_policy(const IotApi& api, const std::string& name) {
    const auto response = api.send("POST", "/policies/" + name, {{"policyDocument", allow_all}});
    INFO(response.body);
    REQUIRE(response.status == 200);
}

}  // namespace

TEST_CASE("CreatePolicy answers the first version and GetPolicy the model's members") {
    IotApi api;
    const auto created = api.send("POST", "/policies/p1", {{"policyDocument", allow_all}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(body(created) == json{{"policyName", "p1"},
                                {"policyArn", "arn:aws:iot:us-east-1:123456789012:policy/p1"},
                                {"policyDocument", allow_all},
                                {"policyVersionId", "1"}});
    const auto got = body(api.send("GET", "/policies/p1"));
    CHECK(keys(got) == std::set<std::string>{"policyName", "policyArn", "policyDocument",
                                             "defaultVersionId", "creationDate", "lastModifiedDate",
                                             "generationId"});
    CHECK(got["defaultVersionId"] == "1");
    CHECK(got["creationDate"].is_number());
}

TEST_CASE("CreatePolicy requires a policyDocument and a valid name") {
    IotApi api;
    const auto missing = api.send("POST", "/policies/p", json::object());
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "InvalidRequestException");
    CHECK(body(missing)["message"].get<std::string>().find("policyDocument") != std::string::npos);
    const auto bad_name = api.send("POST", "/policies/bad%20name", {{"policyDocument", allow_all}});
    CHECK(bad_name.status == 400);
    CHECK(error_type(bad_name) == "InvalidRequestException");
}

TEST_CASE("an invalid policy document is MalformedPolicyException 400") {
    const auto response = IotApi().send("POST", "/policies/p", {{"policyDocument", "{not json"}});
    CHECK(response.status == 400);
    CHECK(error_type(response) == "MalformedPolicyException");
}

TEST_CASE("a duplicate policy is ResourceAlreadyExistsException 409") {
    IotApi api;
    create_policy(api, "dup");
    const auto again = api.send("POST", "/policies/dup", {{"policyDocument", allow_all}});
    CHECK(again.status == 409);
    CHECK(error_type(again) == "ResourceAlreadyExistsException");
}

TEST_CASE("policy versions are created, read, listed, made default and deleted") {
    IotApi api;
    create_policy(api, "v");
    const auto created = api.send("POST", "/policies/v/version?setAsDefault=true",
                                  {{"policyDocument", allow_connect}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    CHECK(body(created) == json{{"policyArn", "arn:aws:iot:us-east-1:123456789012:policy/v"},
                                {"policyDocument", allow_connect},
                                {"policyVersionId", "2"},
                                {"isDefaultVersion", true}});

    const auto version = body(api.send("GET", "/policies/v/version/2"));
    CHECK(keys(version) == std::set<std::string>{"policyArn", "policyName", "policyDocument",
                                                 "policyVersionId", "isDefaultVersion",
                                                 "creationDate", "lastModifiedDate",
                                                 "generationId"});
    CHECK(version["isDefaultVersion"] == true);

    const auto list = body(api.send("GET", "/policies/v/version"))["policyVersions"];
    REQUIRE(list.size() == 2);
    CHECK(keys(list[0]) == std::set<std::string>{"versionId", "isDefaultVersion", "createDate"});

    REQUIRE(api.send("PATCH", "/policies/v/version/1").status == 200);
    CHECK(body(api.send("GET", "/policies/v"))["defaultVersionId"] == "1");
    CHECK(api.send("DELETE", "/policies/v/version/2").status == 200);
    CHECK(api.send("GET", "/policies/v/version/2").status == 404);
    CHECK(api.send("GET", "/policies/v/version/x").status == 400);
}

TEST_CASE("ListPolicies pages with nextMarker") {
    IotApi api;
    for (const char* name : {"a", "b", "c"}) create_policy(api, name);
    const auto first = body(api.send("GET", "/policies?pageSize=2"));
    REQUIRE(first["policies"].size() == 2);
    CHECK(keys(first["policies"][0]) == std::set<std::string>{"policyName", "policyArn"});
    REQUIRE(first.contains("nextMarker"));
    const auto second = body(api.send(
        "GET", "/policies?pageSize=2&marker=" + encoded(first["nextMarker"].get<std::string>())));
    CHECK(second["policies"].size() == 1);
    CHECK_FALSE(second.contains("nextMarker"));
    CHECK(api.send("GET", "/policies?pageSize=300").status == 400);
}

TEST_CASE("AttachPolicy targets a certificate ARN that lists back through an encoded path") {
    IotApi api;
    create_policy(api, "dev");
    const std::string arn = api.create_certificate()["certificateArn"];
    const auto attach = api.send("PUT", "/target-policies/dev", {{"target", arn}});
    INFO(attach.body);
    REQUIRE(attach.status == 200);

    const auto attached = api.send("POST", "/attached-policies/" + encoded(arn));
    INFO(attached.body);
    REQUIRE(attached.status == 200);
    CHECK(body(attached) ==
          json{{"policies",
                {{{"policyName", "dev"},
                  {"policyArn", "arn:aws:iot:us-east-1:123456789012:policy/dev"}}}}});
    CHECK(body(api.send("POST", "/policy-targets/dev")) == json{{"targets", {arn}}});
    CHECK(body(api.send("GET", "/principal-policies", nullptr,
                        {{"x-amzn-iot-principal", arn}}))["policies"]
              .size() == 1);

    const auto in_use = api.send("DELETE", "/policies/dev");
    CHECK(in_use.status == 409);
    CHECK(error_type(in_use) == "DeleteConflictException");

    REQUIRE(api.send("POST", "/target-policies/dev", {{"target", arn}}).status == 200);
    CHECK(body(api.send("POST", "/policy-targets/dev")) == json{{"targets", json::array()}});
    CHECK(api.send("DELETE", "/policies/dev").status == 200);
}

TEST_CASE("the principal-policy operations use the x-amzn-iot-principal header") {
    IotApi api;
    create_policy(api, "old");
    const std::string arn = api.create_certificate()["certificateArn"];
    const auto missing = api.send("PUT", "/principal-policies/old");
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "InvalidRequestException");
    REQUIRE(api.send("PUT", "/principal-policies/old", nullptr, {{"x-amzn-iot-principal", arn}})
                .status == 200);
    CHECK(body(api.send("POST", "/policy-targets/old")) == json{{"targets", {arn}}});
    REQUIRE(api.send("DELETE", "/principal-policies/old", nullptr, {{"x-amzn-iot-principal", arn}})
                .status == 200);
    CHECK(body(api.send("POST", "/policy-targets/old")) == json{{"targets", json::array()}});
}

TEST_CASE("AttachPolicy requires a target and an existing policy") {
    IotApi api;
    const auto missing = api.send("PUT", "/target-policies/nope", json::object());
    CHECK(missing.status == 400);
    CHECK(error_type(missing) == "InvalidRequestException");
    const auto unknown = api.send("PUT", "/target-policies/nope",
                                  {{"target", "arn:aws:iot:us-east-1:123456789012:cert/x"}});
    CHECK(unknown.status == 404);
    CHECK(error_type(unknown) == "ResourceNotFoundException");
}
