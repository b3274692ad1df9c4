// Registry events as the registry records them (docs/aws/provisioning-and-services.md §3): nothing
// until a type is enabled, then one event per change, in the order the change made them, handed to
// the listener after the commit.
#include <variant>

#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::EventOperation;
using model::EventType;

namespace {

// Every event the listener received, as "<type>:<operation>:<subject>" lines.
struct Recorder {
    std::vector<std::string> seen;

    void attach(Registry& registry) {
        registry.on_registry_events([this](const std::vector<model::RegistryEvent>& events) {
            for (const auto& event : events) seen.push_back(describe(event));
        });
    }

    static std::string op(EventOperation operation) {
        constexpr const char* names[] = {"created", "updated", "deleted", "added", "removed"};
        return names[static_cast<int>(operation)];
    }

    static std::string describe(const model::RegistryEvent& event) {
        const std::string type(model::to_string(model::event_type_of(event)));
        return std::visit(
            [&](const auto& e) -> std::string {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, model::ThingEvent>)
                    return type + ":" + op(e.operation) + ":" + e.thing.name + "@" +
                           std::to_string(e.thing.version);
                else if constexpr (std::is_same_v<T, model::ThingTypeEvent>)
                    return type + ":" + op(e.operation) + ":" + e.thing_type.name;
                else if constexpr (std::is_same_v<T, model::ThingTypeAssociationEvent>)
                    return type + ":" + op(e.operation) + ":" + e.thing.name + "/" +
                           e.thing_type_name;
                else if constexpr (std::is_same_v<T, model::ThingGroupEvent>)
                    return type + ":" + op(e.operation) + ":" + e.group.name + "<" +
                           std::to_string(e.root_to_parent.size());
                else if constexpr (std::is_same_v<T, model::ThingGroupMembershipEvent>)
                    return type + ":" + op(e.operation) + ":" + e.group.name + "/" + e.thing.name;
                else
                    return type + ":" + op(e.operation) + ":" + e.parent.name + "/" + e.child.name;
            },
            event);
    }
};

void enable_all(Registry& registry) {
    std::vector<std::pair<EventType, bool>> all;
    for (std::size_t i = 0; i < model::event_type_count; ++i)
        all.emplace_back(static_cast<EventType>(i), true);
    registry.update_event_configurations(all);
}

}  // namespace

TEST_CASE("Event configurations start disabled and dateless, and an update changes only its keys",
          "[registry][events]") {
    Fixture f;
    const auto fresh = f.registry->describe_event_configurations();
    for (std::size_t i = 0; i < model::event_type_count; ++i) CHECK_FALSE(fresh.enabled[i]);
    CHECK_FALSE(fresh.creation_date);
    CHECK_FALSE(fresh.last_modified_date);

    f.registry->update_event_configurations({{EventType::thing, true}});
    f.registry->update_event_configurations({{EventType::thing_group, true}});
    f.registry->update_event_configurations({{EventType::thing_group, false}});
    const auto now = f.registry->describe_event_configurations();
    CHECK(now.is_enabled(EventType::thing));
    CHECK_FALSE(now.is_enabled(EventType::thing_group));
    CHECK_FALSE(now.is_enabled(EventType::thing_type));
    REQUIRE(now.creation_date);
    REQUIRE(now.last_modified_date);
    CHECK(*now.creation_date <= *now.last_modified_date);
    CHECK(f.store->last.event_configurations.is_enabled(EventType::thing));  // it is state
}

TEST_CASE("No registry event is recorded for a type that is not enabled", "[registry][events]") {
    Fixture f;
    Recorder recorder;
    recorder.attach(*f.registry);
    f.thing("before");
    f.registry->update_event_configurations({{EventType::thing_group, true}});
    f.thing("still-off");
    CHECK(recorder.seen.empty());
    f.registry->update_event_configurations({{EventType::thing, true}});
    f.thing("on");
    CHECK(recorder.seen == std::vector<std::string>{"THING:created:on@1"});
}

TEST_CASE("Things record created, updated, deleted and their type associations",
          "[registry][events]") {
    Fixture f;
    Recorder recorder;
    recorder.attach(*f.registry);
    enable_all(*f.registry);
    f.registry->create_thing_type({"Sensor", std::nullopt, {}});
    f.registry->create_thing_type({"Gateway", std::nullopt, {}});
    f.registry->create_thing({"t1", std::string("Sensor"), std::nullopt, std::nullopt});
    f.registry->create_thing({"t1", std::string("Sensor"), std::nullopt, std::nullopt});  // same
    UpdateThingRequest retype;
    retype.thing_type_name = "Gateway";
    f.registry->update_thing("t1", retype);
    UpdateThingRequest untype;
    untype.remove_thing_type = true;
    f.registry->update_thing("t1", untype);
    f.registry->deprecate_thing_type("Sensor", false);
    f.registry->delete_thing_type("Sensor");
    f.registry->delete_thing("t1", std::nullopt);

    CHECK(recorder.seen == std::vector<std::string>{
                               "THING_TYPE:created:Sensor",
                               "THING_TYPE:created:Gateway",
                               "THING:created:t1@1",
                               "THING_TYPE_ASSOCIATION:created:t1/Sensor",
                               "THING:updated:t1@2",
                               "THING_TYPE_ASSOCIATION:deleted:t1/Sensor",
                               "THING_TYPE_ASSOCIATION:created:t1/Gateway",
                               "THING:updated:t1@3",
                               "THING_TYPE_ASSOCIATION:deleted:t1/Gateway",
                               "THING_TYPE:updated:Sensor",
                               "THING_TYPE:deleted:Sensor",
                               "THING:deleted:t1@3",
                           });
}

TEST_CASE("Thing groups record their hierarchy and memberships", "[registry][events]") {
    Fixture f;
    Recorder recorder;
    recorder.attach(*f.registry);
    enable_all(*f.registry);
    f.group("root");
    f.group("child", "root");
    f.thing("t1");
    f.registry->add_thing_to_thing_group("child", "t1");
    f.registry->add_thing_to_thing_group("child", "t1");  // already a member: nothing
    f.registry->remove_thing_from_thing_group("child", "t1");
    f.registry->add_thing_to_thing_group("root", "t1");
    f.registry->delete_thing_group("child", std::nullopt);
    f.registry->delete_thing("t1", std::nullopt);

    CHECK(recorder.seen == std::vector<std::string>{
                               "THING_GROUP:created:root<0",
                               "THING_GROUP:created:child<1",
                               "THING_GROUP_HIERARCHY:added:root/child",
                               "THING:created:t1@1",
                               "THING_GROUP_MEMBERSHIP:added:child/t1",
                               "THING_GROUP_MEMBERSHIP:removed:child/t1",
                               "THING_GROUP_MEMBERSHIP:added:root/t1",
                               "THING_GROUP_HIERARCHY:removed:root/child",
                               "THING_GROUP:deleted:child<1",
                               "THING_GROUP_MEMBERSHIP:removed:root/t1",
                               "THING:deleted:t1@1",
                           });
}

TEST_CASE("A failed change records no event", "[registry][events]") {
    Fixture f;
    Recorder recorder;
    recorder.attach(*f.registry);
    enable_all(*f.registry);
    f.thing("t1");
    recorder.seen.clear();
    UpdateThingRequest stale;
    stale.expected_version = 7;
    CHECK_AWS_ERROR(f.registry->update_thing("t1", stale), "VersionConflictException");
    CHECK_AWS_ERROR(f.registry->add_thing_to_thing_group("missing", "t1"),
                    "ResourceNotFoundException");
    CHECK(recorder.seen.empty());
}
