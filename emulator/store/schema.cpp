// Version 1: the registry's records and settings, topic rules and retained messages. Version 2:
// persistent MQTT sessions, their subscriptions and queued messages. Version 3: Lambda functions
// created with the API. Version 4: device shadows. Version 5: attachments as a row per member. A
// later version appends a migration here; an existing one never changes. Tables keep their rowid:
// rows (PEMs, payloads) are too large for WITHOUT ROWID to pay.
#include "store/schema.hpp"

#include <array>

namespace iotemu::store {
namespace {

constexpr std::string_view version_1 = R"sql(
CREATE TABLE registry_records (
    kind     TEXT    NOT NULL,  -- which map of the registry: certificate, thing, policy, ...
    key      TEXT    NOT NULL,  -- the map's key: certificate id, thing name, ...
    sequence INTEGER NOT NULL,  -- creation order, which lists page in (0 where none)
    body     TEXT    NOT NULL,  -- the record as JSON
    PRIMARY KEY (kind, key)
);

CREATE TABLE topic_rules (
    rule_name  TEXT    PRIMARY KEY,
    payload    TEXT    NOT NULL,  -- the TopicRulePayload that builds the rule, as JSON
    created_at INTEGER NOT NULL   -- system clock ticks since the epoch
);

CREATE TABLE retained_messages (
    topic        TEXT    PRIMARY KEY,
    payload      BLOB    NOT NULL,
    qos          INTEGER NOT NULL,
    client_id    TEXT,
    principal    TEXT,
    timestamp_ms INTEGER NOT NULL,
    properties   TEXT    NOT NULL  -- MQTT 5 properties as JSON
);
)sql";

constexpr std::string_view version_2 = R"sql(
CREATE TABLE mqtt_sessions (
    client_id      TEXT    PRIMARY KEY,
    mqtt_version   INTEGER NOT NULL,  -- the protocol level: 4 (3.1.1) or 5
    expiry_seconds INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL   -- 0 while a connection uses the session
);

CREATE TABLE mqtt_subscriptions (
    client_id           TEXT    NOT NULL,
    filter              TEXT    NOT NULL,
    qos                 INTEGER NOT NULL,
    no_local            INTEGER NOT NULL,
    retain_as_published INTEGER NOT NULL,
    PRIMARY KEY (client_id, filter)
);

CREATE TABLE mqtt_queued_messages (
    id           INTEGER PRIMARY KEY,  -- queue order
    client_id    TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    payload      BLOB    NOT NULL,
    qos          INTEGER NOT NULL,
    retain       INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    properties   TEXT    NOT NULL  -- MQTT 5 properties as JSON
);
CREATE INDEX mqtt_queued_messages_by_client ON mqtt_queued_messages(client_id, id);
)sql";

constexpr std::string_view version_3 = R"sql(
CREATE TABLE lambda_functions (
    function_name TEXT PRIMARY KEY,
    body          TEXT NOT NULL  -- configuration, resource policy, package folder as JSON
);
)sql";

constexpr std::string_view version_4 = R"sql(
CREATE TABLE shadows (
    thing_name    TEXT    NOT NULL,
    shadow_name   TEXT    NOT NULL,  -- '' for the classic shadow
    version       INTEGER NOT NULL,
    deleted_at_ms INTEGER,           -- set for a deleted shadow whose version is remembered
    document      TEXT    NOT NULL,  -- {"state", "metadata"} as JSON
    PRIMARY KEY (thing_name, shadow_name)
);
)sql";

// The attachment sets (a thing's principals, a policy's targets, a group's things) as a row per
// member instead of a row per set, so attaching one more certificate to a fleet's policy writes
// one row, not the whole set.
constexpr std::string_view version_5 = R"sql(
INSERT INTO registry_records(kind, key, sequence, body)
    SELECT CASE records.kind WHEN 'thing_principals' THEN 'thing_principal'
                             WHEN 'policy_targets' THEN 'policy_target'
                             ELSE 'group_thing' END,
           records.key || ' ' || member.value, 0, member.value
    FROM registry_records AS records, json_each(records.body) AS member
    WHERE records.kind IN ('thing_principals', 'policy_targets', 'group_things');
DELETE FROM registry_records WHERE kind IN ('thing_principals', 'policy_targets', 'group_things');
)sql";

constexpr std::array<std::string_view, 5> all{version_1, version_2, version_3, version_4,
                                              version_5};

}  // namespace

std::span<const std::string_view> migrations() { return all; }

std::shared_ptr<Database> open_state_database(const std::filesystem::path& data_dir) {
    std::error_code error;
    std::filesystem::create_directories(data_dir, error);
    if (error)
        throw StoreError("cannot create the data dir " + data_dir.string() + ": " +
                         error.message());
    return std::make_shared<Database>(data_dir / "state.db", migrations());
}

}  // namespace iotemu::store
