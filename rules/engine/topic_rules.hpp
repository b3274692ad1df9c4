// TopicRuleStore: the account's topic rules and AWS's rules about them (docs/aws/iot-core.md §7, [M
// CreateTopicRule …]): names, the payload's shape, the SQL parsed at creation with its
// awsIotSqlVersion, the actions parsed by their kinds. Thread-safe: one lock (shared for reads),
// never held while listeners run. Rules are immutable values shared with the engine; a change
// swaps in a new one. Owns no thread and never runs an action.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/time.hpp"
#include "model/account.hpp"
#include "rules/engine/action.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules {

struct TopicRule {
    std::string rule_name;
    std::string rule_arn;  // arn:aws:iot:<region>:<account>:rule/<name>
    std::string sql;
    std::optional<std::string> description;
    Timestamp created_at;
    std::string actions_json;                      // the `actions` array exactly as given
    std::optional<std::string> error_action_json;  // the `errorAction` object as given
    bool rule_disabled = false;
    std::string aws_iot_sql_version;  // as given, or the default 2015-10-08 [DG iot-create-rule]
    // Parsed once, at creation.
    sql::Statement statement;
    std::vector<std::shared_ptr<const Action>> actions;
    std::shared_ptr<const Action> error_action;  // null when none
};

using TopicRules = std::vector<std::shared_ptr<const TopicRule>>;

struct ListTopicRulesRequest {
    std::optional<std::string> topic;  // only rules whose FROM filter is exactly this
    std::optional<bool> rule_disabled;
    int max_results = 1000;  // 1..10000 [M TopicRuleMaxResults]; the caller checks the range
    std::optional<std::string> next_token;
};

struct TopicRulePage {
    TopicRules rules;  // by rule name
    std::optional<std::string> next_token;
};

// Where topic rules live between runs (docs/state.md §1): each rule as the TopicRulePayload
// that makes it. put() and erase() run under the store's write lock before the change is
// visible, so a rule the API acknowledged is kept; a throw fails the operation.
class TopicRuleStorage {
public:
    struct Record {
        std::string rule_name;
        std::string payload_json;
        Timestamp created_at;
    };
    virtual ~TopicRuleStorage() = default;
    virtual std::vector<Record> load() = 0;
    virtual void put(const Record& record) = 0;
    virtual void erase(std::string_view rule_name) = 0;
};

class TopicRuleStore {
public:
    // Without `storage` the rules live in memory only. With it, the stored rules are rebuilt
    // now; one that no longer builds is logged and left out (and left in storage).
    explicit TopicRuleStore(model::Account account,
                            std::unique_ptr<TopicRuleStorage> storage = nullptr);

    const model::Account& account() const { return account_; }

    // `topic_rule_payload` is the TopicRulePayload object of CreateTopicRule/ReplaceTopicRule.
    // Errors (AwsError): InvalidRequestException (name, shape, actions), SqlParseException (the
    // statement, message pointing at the problem), ResourceAlreadyExistsException (create), and
    // UnauthorizedException for a rule that does not exist, as AWS answers (its model lists no
    // ResourceNotFoundException for these operations; real AWS says "Access to topic rule … was
    // denied").
    void create_topic_rule(std::string_view rule_name, const nlohmann::json& topic_rule_payload);
    void replace_topic_rule(std::string_view rule_name, const nlohmann::json& topic_rule_payload);
    std::shared_ptr<const TopicRule> get_topic_rule(std::string_view rule_name) const;
    TopicRulePage list_topic_rules(const ListTopicRulesRequest& request) const;
    void delete_topic_rule(std::string_view rule_name);
    void enable_topic_rule(std::string_view rule_name);
    void disable_topic_rule(std::string_view rule_name);

    // Every rule, by name: a shared immutable snapshot, cheap to take per message.
    std::shared_ptr<const TopicRules> snapshot() const;

    // Called after every change, outside the lock, on the thread that made it.
    void on_change(std::function<void()> listener);

private:
    void set_rule_disabled(std::string_view rule_name, bool disabled);
    std::shared_ptr<const TopicRule> build(std::string_view rule_name,
                                           const nlohmann::json& payload,
                                           Timestamp created_at) const;
    std::shared_ptr<const TopicRule> existing(std::string_view rule_name) const;  // lock held
    void publish_snapshot();              // lock held (exclusive)
    void persist(const TopicRule& rule);  // lock held (exclusive)
    void changed();                       // lock released

    model::Account account_;
    std::unique_ptr<TopicRuleStorage> storage_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::shared_ptr<const TopicRule>, std::less<>> rules_;
    std::shared_ptr<const TopicRules> snapshot_;
    std::mutex listeners_mutex_;
    std::vector<std::function<void()>> listeners_;
};

// The model's rule-name rule: 1..128 of [a-zA-Z0-9_] (docs/aws/iot-core.md §0.2). Throws
// InvalidRequestException.
void check_rule_name(std::string_view rule_name);

}  // namespace iotemu::rules
