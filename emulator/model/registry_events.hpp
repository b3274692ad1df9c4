// Registry events as values (docs/aws/provisioning-and-services.md §3): which event types the
// account has enabled, and what one registry change was, captured when it was committed. Turning
// one into AWS's topic and JSON payload is the events module's job. Plain values; std only.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/time.hpp"
#include "model/statuses.hpp"
#include "model/thing.hpp"

namespace iotemu::model {

// DescribeEventConfigurations: every type disabled in a new account, and no dates until the first
// UpdateEventConfigurations (the describe-event-configurations CLI example shows none).
struct EventConfigurations {
    std::array<bool, event_type_count> enabled{};  // by EventType's value
    std::optional<Timestamp> creation_date;
    std::optional<Timestamp> last_modified_date;

    bool is_enabled(EventType type) const { return enabled[static_cast<std::size_t>(type)]; }
    bool operator==(const EventConfigurations&) const = default;
};

// CREATED/UPDATED/DELETED for things, types and groups; ADDED/REMOVED for memberships and the
// group hierarchy. A thing type association is CREATED or DELETED, as its documented payload says.
enum class EventOperation { created, updated, deleted, added, removed };

struct ThingEvent {
    EventOperation operation;
    Thing thing;
};

struct ThingTypeEvent {
    EventOperation operation;
    ThingType thing_type;
};

struct ThingTypeAssociationEvent {
    EventOperation operation;  // created (associated) or deleted (disassociated)
    Thing thing;
    std::string thing_type_name;
};

struct ThingGroupEvent {
    EventOperation operation;
    ThingGroup group;
    std::vector<ThingGroup> root_to_parent;  // its ancestors, the root first
};

struct ThingGroupMembershipEvent {
    EventOperation operation;  // added or removed
    ThingGroup group;
    Thing thing;
};

struct ThingGroupHierarchyEvent {
    EventOperation operation;  // added or removed
    ThingGroup parent;
    ThingGroup child;
};

using RegistryEvent =
    std::variant<ThingEvent, ThingTypeEvent, ThingTypeAssociationEvent, ThingGroupEvent,
                 ThingGroupMembershipEvent, ThingGroupHierarchyEvent>;

// The UpdateEventConfigurations key that gates an event: the variant's alternatives in order.
inline EventType event_type_of(const RegistryEvent& event) {
    constexpr std::array<EventType, std::variant_size_v<RegistryEvent>> types{
        EventType::thing,
        EventType::thing_type,
        EventType::thing_type_association,
        EventType::thing_group,
        EventType::thing_group_membership,
        EventType::thing_group_hierarchy,
    };
    return types[event.index()];
}

}  // namespace iotemu::model
