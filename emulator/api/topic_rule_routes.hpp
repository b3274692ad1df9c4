// The IoT topic-rule operations (botocore `iot` 2015-05-28): CreateTopicRule, GetTopicRule,
// ListTopicRules, ReplaceTopicRule, DeleteTopicRule, EnableTopicRule, DisableTopicRule, as routes
// on a Router. Handlers keep a reference to the store, which must outlive the router.
#pragma once

#include "api/router.hpp"
#include "rules/engine/topic_rules.hpp"

namespace iotemu::api {

void add_topic_rule_routes(Router& router, rules::TopicRuleStore& store);

}  // namespace iotemu::api
