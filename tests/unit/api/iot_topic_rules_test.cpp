// Topic-rule routes through Router::dispatch with a real TopicRuleStore, with the requests
// botocore sends (body = TopicRulePayload) and the response shapes and codes of the model.
#include <catch2/catch.hpp>

#include "api/topic_rule_routes.hpp"
#include "api_test_support.hpp"
#include "iot_fixture.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

const json payload = json::parse(R"({"sql": "SELECT * FROM 'a/b'",
  "actions": [{"republish": {"topic": "x", "roleArn": "arn:aws:iam::1:role/r", "qos": 1}}],
  "awsIotSqlVersion": "2016-03-23", "ruleDisabled": false, "description": "d",
  "errorAction": {"lambda": {"functionArn": "arn:aws:lambda:us-east-1:1:function:f"}}})");

class RulesApi {
public:
    RulesApi() { add_topic_rule_routes(router_, store_); }
    Response send(std::string method, std::string target, const json& body = nullptr,
                  std::vector<std::pair<std::string, std::string>> headers = {}) const {
        return router_.dispatch(request(std::move(method), std::move(target),
                                        body.is_null() ? "" : body.dump(), std::move(headers)));
    }

private:
    rules::TopicRuleStore store_{model::Account{}};
    Router router_;
};

}  // namespace

TEST_CASE("CreateTopicRule then GetTopicRule returns the payload unchanged") {
    RulesApi api;
    const auto created = api.send("POST", "/rules/r1", payload, {{"x-amz-tagging", "a=b"}});
    INFO(created.body);
    REQUIRE(created.status == 200);
    const auto got = api.send("GET", "/rules/r1");
    REQUIRE(got.status == 200);
    const auto out = body(got);
    CHECK(out["ruleArn"] == "arn:aws:iot:us-east-1:123456789012:rule/r1");
    const auto& rule = out["rule"];
    CHECK(keys(rule) == std::set<std::string>{"ruleName", "sql", "description", "createdAt",
                                              "actions", "ruleDisabled", "awsIotSqlVersion",
                                              "errorAction"});
    CHECK(rule["ruleName"] == "r1");
    CHECK(rule["sql"] == payload["sql"]);
    CHECK(rule["actions"] == payload["actions"]);
    CHECK(rule["errorAction"] == payload["errorAction"]);
    CHECK(rule["awsIotSqlVersion"] == "2016-03-23");
    CHECK(rule["createdAt"].is_number());
    CHECK(rule["createdAt"].get<double>() > 1.6e9);  // seconds, not milliseconds
    CHECK(rule["createdAt"].get<double>() < 1e11);
}

TEST_CASE("topic-rule errors carry the model's codes and status") {
    RulesApi api;
    REQUIRE(api.send("POST", "/rules/r1", payload).status == 200);
    const auto cases = std::vector<std::tuple<std::string, std::string, json, int, std::string>>{
        {"POST", "/rules/r1", payload, 409, "ResourceAlreadyExistsException"},
        {"POST", "/rules/r2", json{{"sql", "SELECT FROM"}, {"actions", json::array()}}, 400,
         "SqlParseException"},
        {"POST", "/rules/bad-name", payload, 400, "InvalidRequestException"},
        {"POST", "/rules/r3", json{{"actions", json::array()}}, 400, "InvalidRequestException"},
        {"GET", "/rules/nope", nullptr, 401, "UnauthorizedException"},
        {"PATCH", "/rules/nope", payload, 401, "UnauthorizedException"},
        {"DELETE", "/rules/nope", nullptr, 401, "UnauthorizedException"},
        {"POST", "/rules/nope/enable", nullptr, 401, "UnauthorizedException"},
        {"POST", "/rules/nope/disable", nullptr, 401, "UnauthorizedException"},
        {"GET", "/rules?maxResults=0", nullptr, 400, "InvalidRequestException"},
        {"GET", "/rules?nextToken=zzz", nullptr, 400, "InvalidRequestException"},
    };
    for (const auto& [method, target, request_body, status, code] : cases) {
        INFO(method << " " << target);
        const auto response = api.send(method, target, request_body);
        INFO(response.body);
        CHECK(response.status == status);
        CHECK(error_type(response) == code);
    }
}

TEST_CASE("ListTopicRules, ReplaceTopicRule, Disable, Enable and Delete") {
    RulesApi api;
    REQUIRE(api.send("POST", "/rules/r1", payload).status == 200);
    json second = payload;
    second["sql"] = "SELECT * FROM 'c/#'";
    REQUIRE(api.send("POST", "/rules/r2", second).status == 200);

    auto listed = body(api.send("GET", "/rules?maxResults=1"));
    REQUIRE(listed["rules"].size() == 1);
    CHECK(keys(listed["rules"][0]) == std::set<std::string>{"ruleArn", "ruleName", "topicPattern",
                                                            "createdAt", "ruleDisabled"});
    CHECK(listed["rules"][0]["topicPattern"] == "a/b");
    REQUIRE(listed.contains("nextToken"));
    listed = body(
        api.send("GET", "/rules?maxResults=1&nextToken=" + listed["nextToken"].get<std::string>()));
    CHECK(listed["rules"][0]["ruleName"] == "r2");
    CHECK_FALSE(listed.contains("nextToken"));
    CHECK(body(api.send("GET", "/rules?topic=c%2F%23"))["rules"].size() == 1);

    json replacement = payload;
    replacement["sql"] = "SELECT x FROM 'z'";
    replacement.erase("description");
    REQUIRE(api.send("PATCH", "/rules/r1", replacement).status == 200);
    auto rule = body(api.send("GET", "/rules/r1"))["rule"];
    CHECK(rule["sql"] == "SELECT x FROM 'z'");
    CHECK_FALSE(rule.contains("description"));

    REQUIRE(api.send("POST", "/rules/r1/disable").status == 200);
    CHECK(body(api.send("GET", "/rules/r1"))["rule"]["ruleDisabled"] == true);
    CHECK(body(api.send("GET", "/rules?ruleDisabled=true"))["rules"].size() == 1);
    REQUIRE(api.send("POST", "/rules/r1/enable").status == 200);
    CHECK(body(api.send("GET", "/rules/r1"))["rule"]["ruleDisabled"] == false);
    REQUIRE(api.send("DELETE", "/rules/r1").status == 200);
    CHECK(api.send("GET", "/rules/r1").status == 401);
    CHECK(body(api.send("GET", "/rules"))["rules"].size() == 1);
}
