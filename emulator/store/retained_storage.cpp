// Payloads are BLOBs (bytes, not text); the MQTT 5 properties are one JSON object, correlation
// data in base64. Each put() and erase() is its own transaction.
#include "store/retained_storage.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"

namespace iotemu::store {
namespace {

using nlohmann::json;

std::string encode_properties(const mqtt::MessageProperties& p) {
    json j = json::object();
    if (p.payload_format_indicator) j["payload_format_indicator"] = *p.payload_format_indicator;
    if (p.message_expiry_interval) j["message_expiry_interval"] = *p.message_expiry_interval;
    if (p.content_type) j["content_type"] = *p.content_type;
    if (p.response_topic) j["response_topic"] = *p.response_topic;
    if (p.correlation_data) j["correlation_data"] = base64_encode(*p.correlation_data);
    for (const auto& property : p.user_properties)
        j["user_properties"].push_back({property.name, property.value});
    return j.dump();
}

mqtt::MessageProperties decode_properties(const std::string& text, const std::string& topic) {
    mqtt::MessageProperties p;
    try {
        const json j = json::parse(text);
        if (j.contains("payload_format_indicator"))
            p.payload_format_indicator = j["payload_format_indicator"].get<std::uint8_t>();
        if (j.contains("message_expiry_interval"))
            p.message_expiry_interval = j["message_expiry_interval"].get<std::uint32_t>();
        if (j.contains("content_type")) p.content_type = j["content_type"].get<std::string>();
        if (j.contains("response_topic")) p.response_topic = j["response_topic"].get<std::string>();
        if (j.contains("correlation_data"))
            p.correlation_data = base64_decode(j["correlation_data"].get<std::string>()).value();
        if (j.contains("user_properties"))
            for (const auto& pair : j["user_properties"])
                p.user_properties.push_back(
                    {pair.at(0).get<std::string>(), pair.at(1).get<std::string>()});
    } catch (const std::exception& e) {
        throw StoreError("the retained message of topic '" + topic +
                         "' has unreadable properties: " + e.what());
    }
    return p;
}

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
        message.qos = static_cast<mqtt::QoS>(std::clamp<std::int64_t>(select.integer(2), 0, 2));
        message.retain = true;
        message.client_id = optional_text(select, 3);
        message.principal = optional_text(select, 4);
        message.timestamp_ms = select.integer(5);
        message.properties = decode_properties(select.text(6), message.topic);
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
