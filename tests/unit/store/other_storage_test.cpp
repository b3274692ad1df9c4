// Topic rules and retained messages on the state database: what a restart reads back is what was
// acknowledged before it — a rule as created (enabled or not, with its creation time), a retained
// message with its bytes and MQTT 5 properties — and what was deleted stays deleted.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rules/engine/topic_rules.hpp"
#include "store/retained_storage.hpp"
#include "store/schema.hpp"
#include "store/topic_rule_storage.hpp"
#include "temp_dir.hpp"

namespace iotemu::store {
namespace {

using testing::TempDir;

rules::TopicRuleStore rules_on(const TempDir& dir) {
    return rules::TopicRuleStore(model::Account{}, std::make_unique<SqliteTopicRuleStorage>(
                                                       open_state_database(dir.path())));
}

bus::Bus bus_on(const TempDir& dir) {
    return bus::Bus(std::make_unique<SqliteRetainedStorage>(open_state_database(dir.path())));
}

const nlohmann::json republish_rule = {
    {"sql", "SELECT temp FROM 'sensors/+/data' WHERE temp > 30"},
    {"description", "hot"},
    {"awsIotSqlVersion", "2016-03-23"},
    {"actions", {{{"republish", {{"topic", "alerts/hot"}, {"roleArn", "arn:role"}}}}}},
    {"errorAction", {{"republish", {{"topic", "alerts/errors"}, {"roleArn", "arn:role"}}}}}};

TEST_CASE("a topic rule is rebuilt after a restart as it was created, enabled or not") {
    TempDir dir;
    Timestamp created;
    {
        auto store = rules_on(dir);
        store.create_topic_rule("hot", republish_rule);
        store.create_topic_rule("gone", republish_rule);
        store.disable_topic_rule("hot");
        store.delete_topic_rule("gone");
        created = store.get_topic_rule("hot")->created_at;
    }
    const auto store = rules_on(dir);
    const auto rule = store.get_topic_rule("hot");
    CHECK(rule->sql == republish_rule["sql"]);
    CHECK(rule->description == "hot");
    CHECK(rule->aws_iot_sql_version == "2016-03-23");
    CHECK(rule->rule_disabled);
    CHECK(rule->created_at == created);
    CHECK(nlohmann::json::parse(rule->actions_json) == republish_rule["actions"]);
    CHECK(nlohmann::json::parse(*rule->error_action_json) == republish_rule["errorAction"]);
    CHECK(rule->actions.size() == 1);
    CHECK(store.snapshot()->size() == 1);
    CHECK_THROWS(store.get_topic_rule("gone"));
}

TEST_CASE("a retained message comes back after a restart with its bytes and properties") {
    TempDir dir;
    bus::Message lamp;
    lamp.topic = "state/lamp";
    lamp.payload = std::string("on\0\xff", 4);
    lamp.qos = mqtt::QoS::at_least_once;
    lamp.retain = true;
    lamp.client_id = "lamp-1";
    lamp.principal = std::string(64, 'a');
    lamp.timestamp_ms = 1700000000123;
    lamp.properties.payload_format_indicator = 0;
    lamp.properties.content_type = "application/octet-stream";
    lamp.properties.response_topic = "state/lamp/ack";
    lamp.properties.correlation_data = std::string("\0\x01", 2);
    lamp.properties.user_properties = {{"room", "hall"}, {"room", "attic"}};
    {
        auto bus = bus_on(dir);
        bus.publish(lamp);
        bus::Message door = lamp;
        door.topic = "state/door";
        bus.publish(door);
        door.payload.clear();  // an empty retained payload deletes the topic's message
        bus.publish(door);
    }
    const auto bus = bus_on(dir);
    CHECK(bus.retained_count() == 1);
    const auto kept = bus.retained("state/lamp");
    REQUIRE(kept);
    CHECK(kept->payload == lamp.payload);
    CHECK(kept->qos == mqtt::QoS::at_least_once);
    CHECK(kept->retain);
    CHECK(kept->client_id == lamp.client_id);
    CHECK(kept->principal == lamp.principal);
    CHECK(kept->timestamp_ms == lamp.timestamp_ms);
    CHECK(kept->properties == lamp.properties);
    CHECK_FALSE(bus.retained("state/door"));
}

}  // namespace
}  // namespace iotemu::store
