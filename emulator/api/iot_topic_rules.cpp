// Routes for topic rules (docs/aws/iot-core.md §7). Request shape → one store call → response
// shape; the store owns every rule about them. The body of CreateTopicRule/ReplaceTopicRule IS the
// TopicRulePayload [M CreateTopicRuleRequest payload]; tags (x-amz-tagging) are accepted and
// ignored.
#include <nlohmann/json.hpp>

#include "api/render.hpp"
#include "api/topic_rule_routes.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::int64_t max_results_limit = 10000;  // [M TopicRuleMaxResults]

// The stored JSON text back as JSON; it was valid when stored.
json stored(const std::string& text) { return json::parse(text); }

json topic_rule(const rules::TopicRule& rule) {
    json out{{"ruleName", rule.rule_name},
             {"sql", rule.sql},
             {"createdAt", render::timestamp(rule.created_at)},
             {"actions", stored(rule.actions_json)},
             {"ruleDisabled", rule.rule_disabled},
             {"awsIotSqlVersion", rule.aws_iot_sql_version}};
    if (rule.description) out["description"] = *rule.description;
    if (rule.error_action_json) out["errorAction"] = stored(*rule.error_action_json);
    return out;
}

json list_item(const rules::TopicRule& rule) {
    return {{"ruleArn", rule.rule_arn},
            {"ruleName", rule.rule_name},
            {"topicPattern", rule.statement.topic_filter()},
            {"createdAt", render::timestamp(rule.created_at)},
            {"ruleDisabled", rule.rule_disabled}};
}

Response list_topic_rules(const rules::TopicRuleStore& store, const Call& call) {
    rules::ListTopicRulesRequest request;
    request.topic = call.query("topic");
    request.rule_disabled = call.query_bool("ruleDisabled");
    if (const auto max = call.query_int("maxResults", 1, max_results_limit))
        request.max_results = static_cast<int>(*max);
    request.next_token = call.query("nextToken");
    const auto page = store.list_topic_rules(request);
    json rules = json::array();
    for (const auto& rule : page.rules) rules.push_back(list_item(*rule));
    json out{{"rules", std::move(rules)}};
    if (page.next_token) out["nextToken"] = *page.next_token;
    return json_response(out);
}

}  // namespace

void add_topic_rule_routes(Router& router, rules::TopicRuleStore& store) {
    router.add("POST", "/rules/{ruleName}", [&store](Call& call) {
        store.create_topic_rule(call.path("ruleName"), call.body());
        return empty_response();
    });
    router.add("GET", "/rules/{ruleName}", [&store](Call& call) {
        const auto rule = store.get_topic_rule(call.path("ruleName"));
        return json_response({{"ruleArn", rule->rule_arn}, {"rule", topic_rule(*rule)}});
    });
    router.add("GET", "/rules", [&store](Call& call) { return list_topic_rules(store, call); });
    router.add("PATCH", "/rules/{ruleName}", [&store](Call& call) {
        store.replace_topic_rule(call.path("ruleName"), call.body());
        return empty_response();
    });
    router.add("DELETE", "/rules/{ruleName}", [&store](Call& call) {
        store.delete_topic_rule(call.path("ruleName"));
        return empty_response();
    });
    router.add("POST", "/rules/{ruleName}/enable", [&store](Call& call) {
        store.enable_topic_rule(call.path("ruleName"));
        return empty_response();
    });
    router.add("POST", "/rules/{ruleName}/disable", [&store](Call& call) {
        store.disable_topic_rule(call.path("ruleName"));
        return empty_response();
    });
}

}  // namespace iotemu::api
