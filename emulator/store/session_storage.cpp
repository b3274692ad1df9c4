// Each call is one transaction. Queue order is the messages' rowid: SQLite gives a new row a
// rowid above every existing one, so reading by id reads oldest first.
#include "store/session_storage.hpp"

#include <algorithm>
#include <map>

#include "store/message_codec.hpp"

namespace iotemu::store {

SqliteSessionStorage::SqliteSessionStorage(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_session_(*database_,
                      "INSERT INTO mqtt_sessions(client_id, mqtt_version, expiry_seconds, "
                      "expires_at_ms) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(client_id) DO UPDATE "
                      "SET mqtt_version = excluded.mqtt_version, "
                      "expiry_seconds = excluded.expiry_seconds, "
                      "expires_at_ms = excluded.expires_at_ms"),
      delete_session_(*database_, "DELETE FROM mqtt_sessions WHERE client_id = ?1"),
      delete_subscriptions_(*database_, "DELETE FROM mqtt_subscriptions WHERE client_id = ?1"),
      delete_messages_(*database_, "DELETE FROM mqtt_queued_messages WHERE client_id = ?1"),
      upsert_subscription_(*database_,
                           "INSERT INTO mqtt_subscriptions(client_id, filter, qos, no_local, "
                           "retain_as_published) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT(client_id, filter) DO UPDATE SET qos = excluded.qos, "
                           "no_local = excluded.no_local, "
                           "retain_as_published = excluded.retain_as_published"),
      delete_subscription_(*database_,
                           "DELETE FROM mqtt_subscriptions WHERE client_id = ?1 AND filter = ?2"),
      insert_message_(*database_,
                      "INSERT INTO mqtt_queued_messages(client_id, topic, payload, qos, retain, "
                      "timestamp_ms, properties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      drop_oldest_(*database_,
                   "DELETE FROM mqtt_queued_messages WHERE id IN (SELECT id FROM "
                   "mqtt_queued_messages WHERE client_id = ?1 ORDER BY id LIMIT ?2)") {}

std::vector<broker::StoredSession> SqliteSessionStorage::load() {
    std::vector<broker::StoredSession> sessions;
    std::map<std::string, std::size_t> index;
    Statement select_sessions(*database_,
                              "SELECT client_id, mqtt_version, expiry_seconds, expires_at_ms "
                              "FROM mqtt_sessions ORDER BY client_id");
    while (select_sessions.step()) {
        broker::StoredSession session;
        session.client_id = select_sessions.text(0);
        session.version = select_sessions.integer(1) == 5 ? mqtt::ProtocolVersion::v5
                                                          : mqtt::ProtocolVersion::v311;
        session.expiry_seconds = static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(select_sessions.integer(2), 0, UINT32_MAX));
        session.expires_at_ms = select_sessions.integer(3);
        index.emplace(session.client_id, sessions.size());
        sessions.push_back(std::move(session));
    }
    Statement select_subscriptions(
        *database_,
        "SELECT client_id, filter, qos, no_local, retain_as_published FROM mqtt_subscriptions");
    while (select_subscriptions.step()) {
        const auto it = index.find(select_subscriptions.text(0));
        if (it == index.end()) continue;  // its session is gone
        sessions[it->second].subscriptions.push_back(
            {select_subscriptions.text(1),
             {decode_qos(select_subscriptions.integer(2)), select_subscriptions.integer(3) != 0,
              select_subscriptions.integer(4) != 0}});
    }
    Statement select_messages(*database_,
                              "SELECT client_id, topic, payload, qos, retain, timestamp_ms, "
                              "properties FROM mqtt_queued_messages ORDER BY id");
    while (select_messages.step()) {
        const auto it = index.find(select_messages.text(0));
        if (it == index.end()) continue;
        bus::Message message;
        message.topic = select_messages.text(1);
        message.payload = select_messages.blob(2);
        message.qos = decode_qos(select_messages.integer(3));
        message.retain = select_messages.integer(4) != 0;
        message.timestamp_ms = select_messages.integer(5);
        message.properties =
            decode_properties(select_messages.text(6), "a message queued for client '" + it->first +
                                                           "' on topic '" + message.topic + "'");
        sessions[it->second].queued.push_back(std::move(message));
    }
    return sessions;
}

void SqliteSessionStorage::put_session(const std::string& client_id, mqtt::ProtocolVersion version,
                                       std::uint32_t expiry_seconds, std::int64_t expires_at_ms) {
    auto transaction = database_->transaction();
    upsert_session_.bind(1, client_id)
        .bind(2, static_cast<std::int64_t>(version))
        .bind(3, std::int64_t{expiry_seconds})
        .bind(4, expires_at_ms)
        .run();
    transaction.commit();
}

void SqliteSessionStorage::erase_session(const std::string& client_id) {
    auto transaction = database_->transaction();
    delete_session_.bind(1, client_id).run();
    delete_subscriptions_.bind(1, client_id).run();
    delete_messages_.bind(1, client_id).run();
    transaction.commit();
}

void SqliteSessionStorage::put_subscription(const std::string& client_id, std::string_view filter,
                                            mqtt::SubscriptionOptions options) {
    auto transaction = database_->transaction();
    upsert_subscription_.bind(1, client_id)
        .bind(2, filter)
        .bind(3, static_cast<std::int64_t>(options.qos))
        .bind(4, std::int64_t{options.no_local})
        .bind(5, std::int64_t{options.retain_as_published})
        .run();
    transaction.commit();
}

void SqliteSessionStorage::erase_subscription(const std::string& client_id,
                                              std::string_view filter) {
    auto transaction = database_->transaction();
    delete_subscription_.bind(1, client_id).bind(2, filter).run();
    transaction.commit();
}

void SqliteSessionStorage::insert_message(const std::string& client_id,
                                          const bus::Message& message) {
    insert_message_.bind(1, client_id)
        .bind(2, message.topic)
        .bind_blob(3, message.payload)
        .bind(4, static_cast<std::int64_t>(message.qos))
        .bind(5, std::int64_t{message.retain})
        .bind(6, message.timestamp_ms)
        .bind(7, encode_properties(message.properties))
        .run();
}

void SqliteSessionStorage::push_message(const std::string& client_id, const bus::Message& message,
                                        std::size_t dropped) {
    auto transaction = database_->transaction();
    if (dropped) drop_oldest_.bind(1, client_id).bind(2, static_cast<std::int64_t>(dropped)).run();
    insert_message(client_id, message);
    transaction.commit();
}

void SqliteSessionStorage::drop_oldest(const std::string& client_id, std::size_t count) {
    auto transaction = database_->transaction();
    drop_oldest_.bind(1, client_id).bind(2, static_cast<std::int64_t>(count)).run();
    transaction.commit();
}

void SqliteSessionStorage::replace_messages(const std::string& client_id,
                                            const std::vector<bus::Message>& messages) {
    auto transaction = database_->transaction();
    delete_messages_.bind(1, client_id).run();
    for (const auto& message : messages) insert_message(client_id, message);
    transaction.commit();
}

}  // namespace iotemu::store
