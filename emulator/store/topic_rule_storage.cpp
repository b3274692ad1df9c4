// Each put() and erase() is its own transaction, committed before the API answers.
#include "store/topic_rule_storage.hpp"

namespace iotemu::store {

SqliteTopicRuleStorage::SqliteTopicRuleStorage(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_(*database_,
              "INSERT INTO topic_rules(rule_name, payload, created_at) VALUES (?1, ?2, ?3) "
              "ON CONFLICT(rule_name) DO UPDATE SET payload = excluded.payload, "
              "created_at = excluded.created_at"),
      delete_(*database_, "DELETE FROM topic_rules WHERE rule_name = ?1") {}

std::vector<rules::TopicRuleStorage::Record> SqliteTopicRuleStorage::load() {
    std::vector<Record> records;
    Statement select(*database_, "SELECT rule_name, payload, created_at FROM topic_rules");
    while (select.step())
        records.push_back(
            {select.text(0), select.text(1), Timestamp(Timestamp::duration(select.integer(2)))});
    return records;
}

void SqliteTopicRuleStorage::put(const Record& record) {
    auto transaction = database_->transaction();
    upsert_.bind(1, record.rule_name)
        .bind(2, record.payload_json)
        .bind(3, static_cast<std::int64_t>(record.created_at.time_since_epoch().count()))
        .run();
    transaction.commit();
}

void SqliteTopicRuleStorage::erase(std::string_view rule_name) {
    auto transaction = database_->transaction();
    delete_.bind(1, rule_name).run();
    transaction.commit();
}

}  // namespace iotemu::store
