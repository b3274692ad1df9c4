// Topic rules on the state database: one row per rule, the TopicRulePayload that builds it and
// its creation time (docs/state.md §1). Knows nothing of SQL parsing or actions.
#pragma once

#include <memory>

#include "rules/engine/topic_rules.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteTopicRuleStorage final : public rules::TopicRuleStorage {
public:
    explicit SqliteTopicRuleStorage(std::shared_ptr<Database> database);
    std::vector<Record> load() override;
    void put(const Record& record) override;
    void erase(std::string_view rule_name) override;

private:
    std::shared_ptr<Database> database_;
    Statement upsert_;
    Statement delete_;
};

}  // namespace iotemu::store
