// TopicRuleStore: AWS's rules for topic rules (docs/aws/iot-core.md §7, [M CreateTopicRule …]) as a
// table of payloads → AWS error codes, plus the life of one rule.
#include "common/aws_error.hpp"
#include "rules_engine/engine_support.hpp"

using namespace engine_test;
using iotemu::AwsError;
using iotemu::rules::TopicRuleStore;

namespace {

const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:f";

// The AWS error code `create` fails with, or "" when it succeeds.
std::string create_error(TopicRuleStore& store, const std::string& name, const json& payload) {
    try {
        store.create_topic_rule(name, payload);
        return "";
    } catch (const AwsError& e) {
        return e.code();
    }
}

json with(json payload, const std::string& key, json value) {
    payload[key] = std::move(value);
    return payload;
}

}  // namespace

TEST_CASE("CreateTopicRule validates names, SQL, versions and actions as AWS does") {
    const json ok = rule_payload("SELECT * FROM 'a/b'", json::array({lambda_action(arn)}));
    json no_sql = ok;
    no_sql.erase("sql");
    json no_actions = ok;
    no_actions.erase("actions");
    json eleven = json::array();
    for (int i = 0; i < 11; ++i) eleven.push_back(lambda_action(arn));
    const auto cases = rows<std::string, std::string, json, std::string>({
        {"a valid rule", "rule_1", ok, ""},
        {"no actions at all (the model allows 0)", "r", with(ok, "actions", json::array()), ""},
        {"ten actions", "r", with(ok, "actions", json(std::vector<json>(10, lambda_action(arn)))),
         ""},
        {"eleven actions", "r", with(ok, "actions", eleven), "InvalidRequestException"},
        {"a hyphen in the name", "bad-name", ok, "InvalidRequestException"},
        {"an empty name", "", ok, "InvalidRequestException"},
        {"a 129-character name", std::string(129, 'a'), ok, "InvalidRequestException"},
        {"a 128-character name", std::string(128, 'a'), ok, ""},
        {"no sql", "r", no_sql, "InvalidRequestException"},
        {"no actions member", "r", no_actions, "InvalidRequestException"},
        {"sql not a string", "r", with(ok, "sql", 5), "InvalidRequestException"},
        {"bad SQL", "r", with(ok, "sql", "SELECT * FORM 'a'"), "SqlParseException"},
        {"an invalid FROM filter", "r", with(ok, "sql", "SELECT * FROM 'a/#/b'"),
         "SqlParseException"},
        {"an unknown function", "r", with(ok, "sql", "SELECT nosuch() FROM 'a'"),
         "SqlParseException"},
        {"an unknown SQL version", "r", with(ok, "awsIotSqlVersion", "2016-03-23-beta"),
         "InvalidRequestException"},
        {"the beta SQL version", "r", with(ok, "awsIotSqlVersion", "beta"), ""},
        {"an action that is not an object", "r", with(ok, "actions", json::array({"lambda"})),
         "InvalidRequestException"},
        {"an action with two kinds", "r",
         with(ok, "actions",
              json::array(
                  {json{{"lambda", {{"functionArn", arn}}}, {"republish", {{"topic", "x"}}}}})),
         "InvalidRequestException"},
        {"an unknown kind", "r",
         with(ok, "actions", json::array({json{{"teleport", json::object()}}})),
         "InvalidRequestException"},
        {"a model kind the emulator does not run", "r",
         with(ok, "actions", json::array({json{{"s3", {{"bucketName", "b"}}}}})), ""},
        {"lambda without functionArn", "r",
         with(ok, "actions", json::array({json{{"lambda", json::object()}}})),
         "InvalidRequestException"},
        {"republish with qos 2", "r", with(ok, "actions", json::array({republish_action("t", 2)})),
         "InvalidRequestException"},
        {"republish without a topic", "r",
         with(ok, "actions", json::array({json{{"republish", {{"qos", 1}}}}})),
         "InvalidRequestException"},
        {"republish without roleArn (no IAM here)", "r",
         with(ok, "actions", json::array({json{{"republish", {{"topic", "t"}}}}})), ""},
        {"a bad substitution template", "r",
         with(ok, "actions", json::array({republish_action("x/${topic(2)")})),
         "InvalidRequestException"},
        {"http with a URL that is not http", "r",
         with(ok, "actions", json::array({json{{"http", {{"url", "ftp://x"}}}}})),
         "InvalidRequestException"},
        {"http with headers", "r",
         with(ok, "actions",
              json::array({json{{"http",
                                 {{"url", "http://localhost:1/x"},
                                  {"headers", json::array({{{"key", "k"}, {"value", "v"}}})}}}}})),
         ""},
        {"errorAction of an unknown kind", "r",
         with(ok, "errorAction", json{{"nope", json::object()}}), "InvalidRequestException"},
        {"ruleDisabled not a boolean", "r", with(ok, "ruleDisabled", "yes"),
         "InvalidRequestException"},
    });
    for (const auto& [what, name, payload, expected] : cases) {
        INFO(what);
        TopicRuleStore store{iotemu::model::Account{}};
        CHECK(create_error(store, name, payload) == expected);
    }
}

TEST_CASE("SqlParseException's message points at the problem") {
    TopicRuleStore store{iotemu::model::Account{}};
    try {
        store.create_topic_rule("r", rule_payload("SELECT * FORM 'a'", json::array()));
        FAIL("created");
    } catch (const AwsError& e) {
        CHECK(e.code() == "SqlParseException");
        CHECK_THAT(std::string(e.message()), Catch::Contains("column 10"));
    }
}

TEST_CASE("a rule is stored as given, replaced, disabled, enabled and deleted") {
    TopicRuleStore store{iotemu::model::Account{}};
    int changes = 0;
    store.on_change([&changes] { ++changes; });
    json payload = rule_payload("SELECT * FROM 'a/+'", json::array({lambda_action(arn)}), "");
    payload.erase("awsIotSqlVersion");
    payload["description"] = "desc";
    payload["errorAction"] = republish_action("errors");
    store.create_topic_rule("r1", payload);

    const auto rule = store.get_topic_rule("r1");
    CHECK(rule->rule_arn == "arn:aws:iot:us-east-1:123456789012:rule/r1");
    CHECK(rule->aws_iot_sql_version == "2015-10-08");
    CHECK(json::parse(rule->actions_json) == payload["actions"]);
    CHECK(json::parse(*rule->error_action_json) == payload["errorAction"]);
    CHECK(rule->description == "desc");
    CHECK(rule->statement.topic_filter() == "a/+");
    CHECK_FALSE(rule->rule_disabled);

    CHECK(create_error(store, "r1", payload) == "ResourceAlreadyExistsException");

    store.replace_topic_rule("r1", rule_payload("SELECT x FROM 'b'", json::array()));
    const auto replaced = store.get_topic_rule("r1");
    CHECK(replaced->sql == "SELECT x FROM 'b'");
    CHECK(replaced->created_at == rule->created_at);
    CHECK_FALSE(replaced->error_action);

    store.disable_topic_rule("r1");
    CHECK(store.get_topic_rule("r1")->rule_disabled);
    store.enable_topic_rule("r1");
    CHECK_FALSE(store.get_topic_rule("r1")->rule_disabled);
    store.delete_topic_rule("r1");
    CHECK(store.snapshot()->empty());
    CHECK(changes == 5);
}

TEST_CASE("an unknown rule is UnauthorizedException, as real AWS answers") {
    TopicRuleStore store{iotemu::model::Account{}};
    const auto code = [&](auto&& call) {
        try {
            call();
            return std::string();
        } catch (const AwsError& e) {
            return e.code();
        }
    };
    CHECK(code([&] { store.get_topic_rule("nope"); }) == "UnauthorizedException");
    CHECK(code([&] { store.delete_topic_rule("nope"); }) == "UnauthorizedException");
    CHECK(code([&] { store.enable_topic_rule("nope"); }) == "UnauthorizedException");
    CHECK(code([&] { store.disable_topic_rule("nope"); }) == "UnauthorizedException");
    CHECK(code([&] {
              store.replace_topic_rule("nope", rule_payload("SELECT * FROM 'a'", json::array()));
          }) == "UnauthorizedException");
}

TEST_CASE("ListTopicRules pages by name and filters by topic and ruleDisabled") {
    TopicRuleStore store{iotemu::model::Account{}};
    for (const auto* name : {"c", "a", "b", "d"})
        store.create_topic_rule(name, rule_payload(std::string("SELECT * FROM '") +
                                                       (std::string(name) == "d" ? "x" : "t") + "'",
                                                   json::array()));
    store.disable_topic_rule("b");

    iotemu::rules::ListTopicRulesRequest request;
    request.max_results = 2;
    auto page = store.list_topic_rules(request);
    REQUIRE(page.rules.size() == 2);
    CHECK(page.rules[0]->rule_name == "a");
    CHECK(page.rules[1]->rule_name == "b");
    REQUIRE(page.next_token);
    request.next_token = page.next_token;
    page = store.list_topic_rules(request);
    REQUIRE(page.rules.size() == 2);
    CHECK(page.rules[0]->rule_name == "c");
    CHECK_FALSE(page.next_token);

    iotemu::rules::ListTopicRulesRequest filtered;
    filtered.topic = "t";
    filtered.rule_disabled = false;
    page = store.list_topic_rules(filtered);
    REQUIRE(page.rules.size() == 2);
    CHECK(page.rules[0]->rule_name == "a");
    CHECK(page.rules[1]->rule_name == "c");
}
