// TopicRuleStore (topic_rules.hpp): validate fully, then change under the lock, then tell the
// listeners. A failed call changes nothing.
#include "rules/engine/topic_rules.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "common/log.hpp"

namespace iotemu::rules {
namespace {

using nlohmann::json;

constexpr std::size_t max_rule_name = 128;
constexpr std::size_t max_actions = 10;  // [M ActionList]
constexpr std::string_view default_sql_version = "2015-10-08";

[[noreturn]] void invalid(std::string message) {
    throw AwsError(aws_errors::invalid_request, std::move(message));
}

[[noreturn]] void must_not_be_null(std::string_view member) {
    invalid("1 validation error detected: Value null at '" + std::string(member) +
            "' failed to satisfy constraint: Member must not be null");
}

[[noreturn]] void wrong_type(std::string_view member, std::string_view expected) {
    invalid("Invalid type for member '" + std::string(member) + "': expected " +
            std::string(expected));
}

const json* member(const json& object, std::string_view name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> string_member(const json& payload, std::string_view name) {
    const json* value = member(payload, name);
    if (!value) return std::nullopt;
    if (!value->is_string()) wrong_type("topicRulePayload." + std::string(name), "a string");
    return value->get<std::string>();
}

[[noreturn]] void no_such_rule(std::string_view rule_name) {
    throw AwsError(aws_errors::unauthorized,
                   "Access to topic rule '" + std::string(rule_name) + "' was denied");
}

// The TopicRulePayload a rule was built from, for storage: rebuilding it gives the same rule.
json payload_of(const TopicRule& rule) {
    json payload = {{"sql", rule.sql},
                    {"awsIotSqlVersion", rule.aws_iot_sql_version},
                    {"actions", json::parse(rule.actions_json)},
                    {"ruleDisabled", rule.rule_disabled}};
    if (rule.description) payload["description"] = *rule.description;
    if (rule.error_action_json) payload["errorAction"] = json::parse(*rule.error_action_json);
    return payload;
}

}  // namespace

void check_rule_name(std::string_view rule_name) {
    const bool pattern_ok = std::all_of(rule_name.begin(), rule_name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
    std::string constraint;
    if (rule_name.empty() || rule_name.size() > max_rule_name)
        constraint = "Member must have length between 1 and 128";
    else if (!pattern_ok)
        constraint = "Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$";
    else
        return;
    invalid("1 validation error detected: Value '" + std::string(rule_name) +
            "' at 'ruleName' failed to satisfy constraint: " + constraint);
}

TopicRuleStore::TopicRuleStore(model::Account account, std::unique_ptr<TopicRuleStorage> storage)
    : account_(std::move(account)),
      storage_(std::move(storage)),
      snapshot_(std::make_shared<const TopicRules>()) {
    if (!storage_) return;
    for (const auto& record : storage_->load()) {
        try {
            auto rule =
                build(record.rule_name, json::parse(record.payload_json), record.created_at);
            rules_.emplace(rule->rule_name, std::move(rule));
        } catch (const std::exception& e) {
            log::error("rules", "stored topic rule ", record.rule_name,
                       " no longer builds and is left out: ", e.what());
        }
    }
    publish_snapshot();
}

void TopicRuleStore::persist(const TopicRule& rule) {
    if (storage_) storage_->put({rule.rule_name, payload_of(rule).dump(), rule.created_at});
}

std::shared_ptr<const TopicRule> TopicRuleStore::build(std::string_view rule_name,
                                                       const json& payload,
                                                       Timestamp created_at) const {
    check_rule_name(rule_name);
    if (!payload.is_object()) wrong_type("topicRulePayload", "an object");
    auto sql_text = string_member(payload, "sql");
    if (!sql_text) must_not_be_null("topicRulePayload.sql");
    const auto version_text =
        string_member(payload, "awsIotSqlVersion").value_or(std::string(default_sql_version));
    const auto version = sql::parse_sql_version(version_text);
    if (!version)
        invalid("Invalid awsIotSqlVersion '" + version_text +
                "': expected 2015-10-08, 2016-03-23 or beta");
    auto statement = sql::parse(*sql_text, *version);
    if (!statement) throw AwsError(aws_errors::sql_parse, statement.error().message);

    const json* actions = member(payload, "actions");
    if (!actions) must_not_be_null("topicRulePayload.actions");
    if (!actions->is_array()) wrong_type("topicRulePayload.actions", "a list");
    if (actions->size() > max_actions)
        invalid(
            "1 validation error detected: Value at 'topicRulePayload.actions' failed to "
            "satisfy constraint: Member must have length less than or equal to 10");
    std::vector<std::shared_ptr<const Action>> parsed;
    for (std::size_t i = 0; i < actions->size(); ++i)
        parsed.push_back(parse_action(
            (*actions)[i], "topicRulePayload.actions[" + std::to_string(i + 1) + "]", *version));
    std::shared_ptr<const Action> error_action;
    std::optional<std::string> error_action_json;
    if (const json* error = member(payload, "errorAction")) {
        error_action = parse_action(*error, "topicRulePayload.errorAction", *version);
        error_action_json = error->dump();
    }
    bool disabled = false;
    if (const json* flag = member(payload, "ruleDisabled")) {
        if (!flag->is_boolean()) wrong_type("topicRulePayload.ruleDisabled", "a boolean");
        disabled = flag->get<bool>();
    }
    return std::make_shared<const TopicRule>(TopicRule{
        std::string(rule_name),
        account_.arn("rule", rule_name),
        std::move(*sql_text),
        string_member(payload, "description"),
        created_at,
        actions->dump(),
        std::move(error_action_json),
        disabled,
        version_text,
        std::move(*statement),
        std::move(parsed),
        std::move(error_action),
    });
}

std::shared_ptr<const TopicRule> TopicRuleStore::existing(std::string_view rule_name) const {
    const auto found = rules_.find(rule_name);
    if (found == rules_.end()) no_such_rule(rule_name);
    return found->second;
}

void TopicRuleStore::create_topic_rule(std::string_view rule_name, const json& payload) {
    auto rule = build(rule_name, payload, now());
    {
        const std::unique_lock lock(mutex_);
        if (rules_.contains(rule_name))
            throw AwsError(aws_errors::resource_already_exists,
                           "Rule " + std::string(rule_name) + " already exists", rule->rule_name,
                           rule->rule_arn);
        persist(*rule);
        rules_.emplace(rule->rule_name, std::move(rule));
        publish_snapshot();
    }
    changed();
}

void TopicRuleStore::replace_topic_rule(std::string_view rule_name, const json& payload) {
    check_rule_name(rule_name);
    Timestamp created_at;
    {
        const std::shared_lock lock(mutex_);
        created_at = existing(rule_name)->created_at;
    }
    // createdAt survives a replace: the rule is the same resource [inf].
    auto rule = build(rule_name, payload, created_at);
    {
        const std::unique_lock lock(mutex_);
        existing(rule_name);  // deleted meanwhile?
        persist(*rule);
        rules_[rule->rule_name] = std::move(rule);
        publish_snapshot();
    }
    changed();
}

std::shared_ptr<const TopicRule> TopicRuleStore::get_topic_rule(std::string_view rule_name) const {
    check_rule_name(rule_name);
    const std::shared_lock lock(mutex_);
    return existing(rule_name);
}

TopicRulePage TopicRuleStore::list_topic_rules(const ListTopicRulesRequest& request) const {
    const std::shared_lock lock(mutex_);
    auto it = rules_.begin();
    if (request.next_token) {
        it = rules_.find(*request.next_token);
        if (it == rules_.end()) invalid("Invalid nextToken: " + *request.next_token);
    }
    TopicRulePage page;
    for (; it != rules_.end(); ++it) {
        const auto& rule = it->second;
        if (request.topic && rule->statement.topic_filter() != *request.topic) continue;
        if (request.rule_disabled && rule->rule_disabled != *request.rule_disabled) continue;
        if (page.rules.size() == static_cast<std::size_t>(request.max_results)) {
            page.next_token = it->first;  // the first rule of the next page
            break;
        }
        page.rules.push_back(rule);
    }
    return page;
}

void TopicRuleStore::delete_topic_rule(std::string_view rule_name) {
    check_rule_name(rule_name);
    {
        const std::unique_lock lock(mutex_);
        existing(rule_name);
        if (storage_) storage_->erase(rule_name);
        rules_.erase(rules_.find(rule_name));
        publish_snapshot();
    }
    changed();
}

void TopicRuleStore::enable_topic_rule(std::string_view rule_name) {
    set_rule_disabled(rule_name, false);
}

void TopicRuleStore::disable_topic_rule(std::string_view rule_name) {
    set_rule_disabled(rule_name, true);
}

// Rules are immutable once published in a snapshot: a change replaces the rule.
void TopicRuleStore::set_rule_disabled(std::string_view rule_name, bool disabled) {
    check_rule_name(rule_name);
    {
        const std::unique_lock lock(mutex_);
        auto rule = std::make_shared<TopicRule>(*existing(rule_name));
        rule->rule_disabled = disabled;
        persist(*rule);
        rules_[rule->rule_name] = std::move(rule);
        publish_snapshot();
    }
    changed();
}

std::shared_ptr<const TopicRules> TopicRuleStore::snapshot() const {
    const std::shared_lock lock(mutex_);
    return snapshot_;
}

void TopicRuleStore::on_change(std::function<void()> listener) {
    const std::lock_guard lock(listeners_mutex_);
    listeners_.push_back(std::move(listener));
}

void TopicRuleStore::publish_snapshot() {
    auto rules = std::make_shared<TopicRules>();
    rules->reserve(rules_.size());
    for (const auto& [name, rule] : rules_) rules->push_back(rule);
    snapshot_ = std::move(rules);
}

void TopicRuleStore::changed() {
    std::vector<std::function<void()>> listeners;
    {
        const std::lock_guard lock(listeners_mutex_);
        listeners = listeners_;
    }
    for (const auto& listener : listeners) listener();
}

}  // namespace iotemu::rules
