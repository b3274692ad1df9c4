// Topics and payloads of the registry events, one builder per event type, with the keys, order and
// JSON types of AWS's documented examples (docs/aws/provisioning-and-services.md §3.3). Payloads
// are built with nlohmann/json so keys and escaping are right by construction.
#include "events/registry_events.hpp"

#include <nlohmann/json.hpp>

#include "pki/digest.hpp"

namespace iotemu::events {
namespace {

using model::EventOperation;
using nlohmann::ordered_json;

std::string_view operation_name(EventOperation operation) {
    switch (operation) {
        case EventOperation::created:
            return "CREATED";
        case EventOperation::updated:
            return "UPDATED";
        case EventOperation::deleted:
            return "DELETED";
        case EventOperation::added:
            return "ADDED";
        case EventOperation::removed:
            return "REMOVED";
    }
    return "";
}

// The topic's last level: created, updated, deleted, added, removed.
std::string topic_verb(EventOperation operation) {
    std::string out(operation_name(operation));
    for (char& c : out) c = static_cast<char>(c - 'A' + 'a');
    return out;
}

ordered_json optional_text(const std::optional<std::string>& text) {
    return text ? ordered_json(*text) : ordered_json(nullptr);
}

// An attached thing group is shown by AWS with its membershipId, "generated when you add a thing
// to a thing group". The registry keeps memberships as a set, so the id is derived from the group
// and thing ids instead: the same pair has the same id, and added and removed events agree.
std::string membership_id(std::string_view group_id, std::string_view thing_id) {
    const std::string hex = pki::sha256_hex(std::string(group_id) + "/" + std::string(thing_id));
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

// What every payload of the family starts with (THING_TYPE_ASSOCIATION_EVENT has its own order
// and no accountId).
ordered_json common(std::string_view event_type, std::string_view event_id, Timestamp when,
                    EventOperation operation, const model::Account& account) {
    return {{"eventType", event_type},
            {"eventId", event_id},
            {"timestamp", epoch_millis(when)},
            {"operation", operation_name(operation)},
            {"accountId", account.account_id}};
}

struct Built {
    std::string topic;
    ordered_json payload;
};

struct Builder {
    const model::Account& account;
    std::string_view event_id;
    Timestamp when;

    Built operator()(const model::ThingEvent& event) const {
        const auto& thing = event.thing;
        auto payload = common("THING_EVENT", event_id, when, event.operation, account);
        payload["thingId"] = thing.id;
        payload["thingName"] = thing.name;
        payload["versionNumber"] = thing.version;
        payload["thingTypeName"] = optional_text(thing.thing_type_name);
        payload["attributes"] = thing.attributes;
        return {"$aws/events/thing/" + thing.name + "/" + topic_verb(event.operation),
                std::move(payload)};
    }

    Built operator()(const model::ThingTypeEvent& event) const {
        const auto& type = event.thing_type;
        auto payload = common("THING_TYPE_EVENT", event_id, when, event.operation, account);
        payload["thingTypeId"] = type.id;
        payload["thingTypeName"] = type.name;
        payload["isDeprecated"] = type.deprecated;
        payload["deprecationDate"] = type.deprecation_date
                                         ? ordered_json(epoch_millis(*type.deprecation_date))
                                         : ordered_json(nullptr);
        payload["searchableAttributes"] = type.searchable_attributes;
        payload["description"] = optional_text(type.description);
        return {"$aws/events/thingType/" + type.name + "/" + topic_verb(event.operation),
                std::move(payload)};
    }

    Built operator()(const model::ThingTypeAssociationEvent& event) const {
        ordered_json payload{{"eventId", event_id},
                             {"eventType", "THING_TYPE_ASSOCIATION_EVENT"},
                             {"operation", operation_name(event.operation)},
                             {"thingId", event.thing.id},
                             {"thingName", event.thing.name},
                             {"thingTypeName", event.thing_type_name},
                             {"timestamp", epoch_millis(when)}};
        return {"$aws/events/thingTypeAssociation/thing/" + event.thing.name + "/" +
                    event.thing_type_name,
                std::move(payload)};
    }

    Built operator()(const model::ThingGroupEvent& event) const {
        const auto& group = event.group;
        auto payload = common("THING_GROUP_EVENT", event_id, when, event.operation, account);
        payload["thingGroupId"] = group.id;
        payload["thingGroupName"] = group.name;
        payload["versionNumber"] = group.version;
        const model::ThingGroup* parent =
            event.root_to_parent.empty() ? nullptr : &event.root_to_parent.back();
        payload["parentGroupName"] = parent ? ordered_json(parent->name) : ordered_json(nullptr);
        payload["parentGroupId"] = parent ? ordered_json(parent->id) : ordered_json(nullptr);
        payload["description"] = optional_text(group.description);
        // A root group's list is null, as in AWS's root-group example.
        ordered_json ancestors = nullptr;
        for (const auto& ancestor : event.root_to_parent)
            ancestors.push_back({{"groupArn", ancestor.arn}, {"groupId", ancestor.id}});
        payload["rootToParentThingGroups"] = std::move(ancestors);
        payload["attributes"] = group.attributes;
        payload["dynamicGroupMappingId"] = nullptr;  // static groups only
        return {"$aws/events/thingGroup/" + group.name + "/" + topic_verb(event.operation),
                std::move(payload)};
    }

    Built operator()(const model::ThingGroupMembershipEvent& event) const {
        auto payload =
            common("THING_GROUP_MEMBERSHIP_EVENT", event_id, when, event.operation, account);
        payload["groupArn"] = event.group.arn;
        payload["groupId"] = event.group.id;
        payload["thingArn"] = event.thing.arn;
        payload["thingId"] = event.thing.id;
        payload["membershipId"] = membership_id(event.group.id, event.thing.id);
        return {"$aws/events/thingGroupMembership/thingGroup/" + event.group.name + "/thing/" +
                    event.thing.name + "/" + topic_verb(event.operation),
                std::move(payload)};
    }

    Built operator()(const model::ThingGroupHierarchyEvent& event) const {
        auto payload =
            common("THING_GROUP_HIERARCHY_EVENT", event_id, when, event.operation, account);
        payload["thingGroupId"] = event.parent.id;
        payload["thingGroupName"] = event.parent.name;
        payload["childGroupId"] = event.child.id;
        payload["childGroupName"] = event.child.name;
        return {"$aws/events/thingGroupHierarchy/thingGroup/" + event.parent.name +
                    "/childThingGroup/" + event.child.name + "/" + topic_verb(event.operation),
                std::move(payload)};
    }
};

}  // namespace

bus::Message registry_event_message(const model::RegistryEvent& event,
                                    const model::Account& account, std::string_view event_id,
                                    Timestamp when) {
    auto built = std::visit(Builder{account, event_id, when}, event);
    bus::Message message;
    message.topic = std::move(built.topic);
    message.payload = built.payload.dump();
    // At least once, like AWS's other events (docs/aws/provisioning-and-services.md §3.2).
    message.qos = mqtt::QoS::at_least_once;
    message.timestamp_ms = epoch_millis(when);
    return message;
}

}  // namespace iotemu::events
