// Registry event messages (docs/aws/provisioning-and-services.md §3.2–3.3): for each event type,
// AWS's topic and a payload with exactly the documented keys in their JSON types.
#include "events/registry_events.hpp"

#include <chrono>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using model::EventOperation;
using nlohmann::json;

namespace {

const model::Account account{"us-east-1", "123456789012"};
const Timestamp when{std::chrono::milliseconds(1234567890123)};
constexpr const char* event_id = "f5ae9b94-8b8e-4d8e-8c8f-b3266dd89853";

model::Thing thing(std::optional<std::string> type = {}) {
    model::Thing t;
    t.name = "MyThing";
    t.id = "b604f69c-aa9a-4d4a-829e-c480e958a0b5";
    t.arn = account.arn("thing", "MyThing");
    t.thing_type_name = std::move(type);
    t.attributes = {{"attribute1", "value1"}};
    t.version = 2;
    return t;
}

model::ThingGroup group(const std::string& name, const std::string& id,
                        std::optional<std::string> parent = {}) {
    model::ThingGroup g;
    g.name = name;
    g.id = id;
    g.arn = account.arn("thinggroup", name);
    g.parent_group_name = std::move(parent);
    return g;
}

struct Built {
    std::string topic;
    json payload;
};

Built build(const model::RegistryEvent& event) {
    const auto message = events::registry_event_message(event, account, event_id, when);
    CHECK(message.qos == mqtt::QoS::at_least_once);
    CHECK_FALSE(message.retain);
    CHECK(message.timestamp_ms == 1234567890123);
    return {message.topic, json::parse(message.payload)};
}

// The keys every event shares, as AWS documents them.
void check_common(const json& payload, const std::string& event_type, const std::string& op) {
    CHECK(payload.at("eventType") == event_type);
    CHECK(payload.at("eventId") == event_id);
    CHECK(payload.at("timestamp") == 1234567890123);
    CHECK(payload.at("timestamp").is_number_integer());
    CHECK(payload.at("operation") == op);
}

}  // namespace

TEST_CASE("THING_EVENT: topic per operation, the thing's id, version, type and attributes",
          "[events][registry]") {
    const std::vector<std::tuple<EventOperation, std::string, std::string>> cases{
        {EventOperation::created, "created", "CREATED"},
        {EventOperation::updated, "updated", "UPDATED"},
        {EventOperation::deleted, "deleted", "DELETED"},
    };
    for (const auto& [operation, verb, op] : cases) {
        SECTION(verb) {
            const auto [topic, payload] = build(model::ThingEvent{operation, thing()});
            CHECK(topic == "$aws/events/thing/MyThing/" + verb);
            check_common(payload, "THING_EVENT", op);
            CHECK(payload == json::parse(R"({
                "eventType": "THING_EVENT", "eventId": "f5ae9b94-8b8e-4d8e-8c8f-b3266dd89853",
                "timestamp": 1234567890123, "operation": ")" +
                                         op + R"(",
                "accountId": "123456789012", "thingId": "b604f69c-aa9a-4d4a-829e-c480e958a0b5",
                "thingName": "MyThing", "versionNumber": 2, "thingTypeName": null,
                "attributes": {"attribute1": "value1"}})"));
        }
    }
    SECTION("a typed thing names its type") {
        CHECK(build(model::ThingEvent{EventOperation::created, thing("Sensor")})
                  .payload.at("thingTypeName") == "Sensor");
    }
}

TEST_CASE("THING_TYPE_EVENT: deprecation state, searchable attributes, description",
          "[events][registry]") {
    model::ThingType type;
    type.name = "MyThingType";
    type.id = "c530ae83-32aa-4592-94d3-da29879d1aac";
    type.searchable_attributes = {"attribute1"};
    type.description = "My thing type";
    auto [topic, payload] = build(model::ThingTypeEvent{EventOperation::created, type});
    CHECK(topic == "$aws/events/thingType/MyThingType/created");
    check_common(payload, "THING_TYPE_EVENT", "CREATED");
    CHECK(payload.at("accountId") == "123456789012");
    CHECK(payload.at("thingTypeId") == type.id);
    CHECK(payload.at("thingTypeName") == "MyThingType");
    CHECK(payload.at("isDeprecated") == false);
    CHECK(payload.at("deprecationDate").is_null());
    CHECK(payload.at("searchableAttributes") == json::array({"attribute1"}));
    CHECK(payload.at("description") == "My thing type");

    type.deprecated = true;
    type.deprecation_date = when;
    type.description.reset();
    payload = build(model::ThingTypeEvent{EventOperation::updated, type}).payload;
    CHECK(payload.at("isDeprecated") == true);
    CHECK(payload.at("deprecationDate") == 1234567890123);
    CHECK(payload.at("description").is_null());
}

TEST_CASE("THING_TYPE_ASSOCIATION_EVENT: one topic for both, CREATED or DELETED",
          "[events][registry]") {
    for (const auto& [operation, op] :
         {std::pair{EventOperation::created, "CREATED"}, {EventOperation::deleted, "DELETED"}}) {
        const auto [topic, payload] =
            build(model::ThingTypeAssociationEvent{operation, thing("Sensor"), "Sensor"});
        CHECK(topic == "$aws/events/thingTypeAssociation/thing/MyThing/Sensor");
        CHECK(payload == json{{"eventId", event_id},
                              {"eventType", "THING_TYPE_ASSOCIATION_EVENT"},
                              {"operation", op},
                              {"thingId", "b604f69c-aa9a-4d4a-829e-c480e958a0b5"},
                              {"thingName", "MyThing"},
                              {"thingTypeName", "Sensor"},
                              {"timestamp", 1234567890123}});
    }
}

TEST_CASE("THING_GROUP_EVENT: parent and the path from the root", "[events][registry]") {
    const auto root = group("Root", "36aa0482-f80d-4e13-9bff-1c0a75c055f6");
    const auto middle = group("Middle", "bc1643e1-5a85-4eac-b45a-92509cbe2a77", "Root");
    auto leaf = group("Leaf", "8757eec8-bb37-4cca-a6fa-403b003d139f", "Middle");
    leaf.description = "the leaf";
    leaf.attributes = {{"a", "1"}};

    SECTION("a child group") {
        const auto [topic, payload] =
            build(model::ThingGroupEvent{EventOperation::created, leaf, {root, middle}});
        CHECK(topic == "$aws/events/thingGroup/Leaf/created");
        check_common(payload, "THING_GROUP_EVENT", "CREATED");
        CHECK(payload.at("accountId") == "123456789012");
        CHECK(payload.at("thingGroupId") == leaf.id);
        CHECK(payload.at("thingGroupName") == "Leaf");
        CHECK(payload.at("versionNumber") == 1);
        CHECK(payload.at("parentGroupName") == "Middle");
        CHECK(payload.at("parentGroupId") == middle.id);
        CHECK(payload.at("description") == "the leaf");
        CHECK(payload.at("rootToParentThingGroups") ==
              json::array({{{"groupArn", root.arn}, {"groupId", root.id}},
                           {{"groupArn", middle.arn}, {"groupId", middle.id}}}));
        CHECK(payload.at("attributes") == json{{"a", "1"}});
        CHECK(payload.at("dynamicGroupMappingId").is_null());
    }
    SECTION("a root group has null parent fields, as in AWS's example") {
        const auto [topic, payload] =
            build(model::ThingGroupEvent{EventOperation::deleted, root, {}});
        CHECK(topic == "$aws/events/thingGroup/Root/deleted");
        CHECK(payload.at("parentGroupName").is_null());
        CHECK(payload.at("parentGroupId").is_null());
        CHECK(payload.at("rootToParentThingGroups").is_null());
        CHECK(payload.at("description").is_null());
        CHECK(payload.at("attributes") == json::object());
    }
}

TEST_CASE("THING_GROUP_MEMBERSHIP_EVENT: ARNs, ids and a stable membershipId",
          "[events][registry]") {
    const auto g = group("MyChildThingGroup", "06838589-373f-4312-b1f2-53f2192291c4");
    const auto added = build(model::ThingGroupMembershipEvent{EventOperation::added, g, thing()});
    const auto removed =
        build(model::ThingGroupMembershipEvent{EventOperation::removed, g, thing()});
    CHECK(added.topic ==
          "$aws/events/thingGroupMembership/thingGroup/MyChildThingGroup/thing/MyThing/added");
    CHECK(removed.topic ==
          "$aws/events/thingGroupMembership/thingGroup/MyChildThingGroup/thing/MyThing/removed");
    check_common(added.payload, "THING_GROUP_MEMBERSHIP_EVENT", "ADDED");
    check_common(removed.payload, "THING_GROUP_MEMBERSHIP_EVENT", "REMOVED");
    CHECK(added.payload.at("groupArn") ==
          "arn:aws:iot:us-east-1:123456789012:thinggroup/MyChildThingGroup");
    CHECK(added.payload.at("groupId") == g.id);
    CHECK(added.payload.at("thingArn") == "arn:aws:iot:us-east-1:123456789012:thing/MyThing");
    CHECK(added.payload.at("thingId") == "b604f69c-aa9a-4d4a-829e-c480e958a0b5");
    const std::string membership = added.payload.at("membershipId");
    CHECK(membership.size() == 36);
    CHECK(membership[8] == '-');
    CHECK(removed.payload.at("membershipId") == membership);
    CHECK(added.payload.size() == 10);
}

TEST_CASE("THING_GROUP_HIERARCHY_EVENT: the parent and the child", "[events][registry]") {
    const auto parent = group("MyRootThingGroup", "8f82a106-6b1d-4331-8984-a84db5f6f8cb");
    const auto child =
        group("MyChildThingGroup", "06838589-373f-4312-b1f2-53f2192291c4", "MyRootThingGroup");
    const auto [topic, payload] =
        build(model::ThingGroupHierarchyEvent{EventOperation::removed, parent, child});
    CHECK(topic ==
          "$aws/events/thingGroupHierarchy/thingGroup/MyRootThingGroup/childThingGroup/"
          "MyChildThingGroup/removed");
    check_common(payload, "THING_GROUP_HIERARCHY_EVENT", "REMOVED");
    CHECK(payload.at("accountId") == "123456789012");
    CHECK(payload.at("thingGroupId") == parent.id);
    CHECK(payload.at("thingGroupName") == "MyRootThingGroup");
    CHECK(payload.at("childGroupId") == child.id);
    CHECK(payload.at("childGroupName") == "MyChildThingGroup");
    CHECK(payload.size() == 9);
}
