// Event configurations and the registry events a mutation records
// (docs/aws/provisioning-and-services.md §3): which types are enabled, the listener that receives
// committed events, and the event values shared by several resource files. Builds no topic and no
// payload; that is the events module's.
#include <mutex>

#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {

model::EventConfigurations Registry::describe_event_configurations() const {
    std::shared_lock lock(mutex_);
    return state_.event_configurations;
}

void Registry::update_event_configurations(
    const std::vector<std::pair<model::EventType, bool>>& changes) {
    std::unique_lock lock(mutex_);
    auto& configurations = state_.event_configurations;
    for (const auto& [type, enabled] : changes)
        configurations.enabled[static_cast<std::size_t>(type)] = enabled;
    const Timestamp when = now();
    if (!configurations.creation_date) configurations.creation_date = when;
    configurations.last_modified_date = when;
    commit();
}

void Registry::on_registry_events(EventListener listener) { event_listener_ = std::move(listener); }

void Registry::publish_events(const std::vector<model::RegistryEvent>& events) const {
    if (event_listener_ && !events.empty()) event_listener_(events);
}

}  // namespace iotemu::registry

namespace iotemu::registry::detail {

model::ThingGroupEvent thing_group_event(const State& state, model::EventOperation operation,
                                         const model::ThingGroup& group) {
    model::ThingGroupEvent event{operation, group, {}};
    // Groups form a tree (a parent must exist before its child), so this walk ends at a root.
    for (auto parent = group.parent_group_name; parent;) {
        const auto found = find_value(state.thing_groups, *parent);
        if (!found) break;
        event.root_to_parent.insert(event.root_to_parent.begin(), *found);
        parent = found->parent_group_name;
    }
    return event;
}

void record_type_change(EventBatch& batch, const model::Thing& thing,
                        const std::optional<std::string>& before) {
    if (before == thing.thing_type_name) return;
    using model::EventOperation;
    if (before)
        batch.add(model::ThingTypeAssociationEvent{EventOperation::deleted, thing, *before});
    if (thing.thing_type_name)
        batch.add(model::ThingTypeAssociationEvent{EventOperation::created, thing,
                                                   *thing.thing_type_name});
}

}  // namespace iotemu::registry::detail
