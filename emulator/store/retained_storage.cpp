// Payloads are BLOBs (bytes, not text); the MQTT 5 properties as message_codec keeps them. Each
// put() and erase() is its own transaction.
#include "store/retained_storage.hpp"

#include "store/message_codec.hpp"

namespace iotemu::store {
namespace {

std::optional<std::string> optional_text(const Statement& row, int column) {
    if (row.is_null(column)) return std::nullopt;
    return row.text(column);
}

void bind_optional(Statement& statement, int index, const std::optional<std::string>& value) {
    if (value)
        statement.bind(index, *value);
    else
        statement.bind_null(index);
}

}  // namespace

SqliteRetainedStorage::SqliteRetainedStorage(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_(*database_,
              "INSERT INTO retained_messages(topic, payload, qos, client_id, principal, "
              "timestamp_ms, properties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
              "ON CONFLICT(topic) DO UPDATE SET payload = excluded.payload, qos = excluded.qos, "
              "client_id = excluded.client_id, principal = excluded.principal, "
              "timestamp_ms = excluded.timestamp_ms, properties = excluded.properties"),
      delete_(*database_, "DELETE FROM retained_messages WHERE topic = ?1") {}

std::vector<bus::Message> SqliteRetainedStorage::load() {
    std::vector<bus::Message> messages;
    Statement select(*database_,
                     "SELECT topic, payload, qos, client_id, principal, timestamp_ms, properties "
                     "FROM retained_messages");
    while (select.step()) {
        bus::Message message;
        message.topic = select.text(0);
        message.payload = select.blob(1);
        message.qos = decode_qos(select.integer(2));
        message.retain = true;
        message.client_id = optional_text(select, 3);
        message.principal = optional_text(select, 4);
        message.timestamp_ms = select.integer(5);
        message.properties = decode_properties(
            select.text(6), "the retained message of topic '" + message.topic + "'");
        messages.push_back(std::move(message));
    }
    return messages;
}

void SqliteRetainedStorage::put(const bus::Message& message) {
    auto transaction = database_->transaction();
    upsert_.bind(1, message.topic).bind_blob(2, message.payload);
    upsert_.bind(3, static_cast<std::int64_t>(message.qos));
    bind_optional(upsert_, 4, message.client_id);
    bind_optional(upsert_, 5, message.principal);
    upsert_.bind(6, message.timestamp_ms).bind(7, encode_properties(message.properties)).run();
    transaction.commit();
}

void SqliteRetainedStorage::erase(std::string_view topic) {
    auto transaction = database_->transaction();
    delete_.bind(1, topic).run();
    transaction.commit();
}

}  // namespace iotemu::store
