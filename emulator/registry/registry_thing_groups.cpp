// Static thing groups: the hierarchy, membership, and listings (recursive through child groups).
// Dynamic groups and billing groups are not emulated.
#include <mutex>

#include "common/random.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;
using model::EventOperation;

// `root` and every group below it, breadth first.
std::set<std::string> subtree(const State& state, const std::string& root) {
    std::set<std::string> out{root};
    std::vector<std::string> frontier{root};
    while (!frontier.empty()) {
        const std::string parent = frontier.back();
        frontier.pop_back();
        for (const auto& [name, entry] : state.thing_groups)
            if (entry.value.parent_group_name == parent && out.insert(name).second)
                frontier.push_back(name);
    }
    return out;
}

bool same_configuration(const model::ThingGroup& a, const model::ThingGroup& b) {
    return a.parent_group_name == b.parent_group_name && a.description == b.description &&
           a.attributes == b.attributes;
}

}  // namespace

model::ThingGroup Registry::create_thing_group(const CreateThingGroupRequest& request) {
    detail::require_valid_name(NameKind::thing_group, request.thing_group_name);
    if (request.parent_group_name)
        detail::require_valid_name(NameKind::thing_group, *request.parent_group_name);
    model::ThingGroup group;
    group.name = request.thing_group_name;
    group.arn = account_.arn("thinggroup", group.name);
    group.parent_group_name = request.parent_group_name;
    group.description = request.description;
    if (request.attribute_payload) {
        detail::require_valid_attributes(request.attribute_payload->attributes);
        detail::apply_attribute_payload(group.attributes, *request.attribute_payload);
    }

    std::unique_lock lock(mutex_);
    // CreateThingGroup model doc: the exact same group again is a 200; a different one conflicts.
    if (const auto existing = detail::find_value(state_.thing_groups, group.name)) {
        if (same_configuration(*existing, group)) return *existing;
        throw AwsError(aws_errors::resource_already_exists,
                       "Thing group " + group.name +
                           " already exists with a different "
                           "configuration",
                       existing->id, existing->arn);
    }
    if (group.parent_group_name)
        detail::find_or_throw(state_.thing_groups, *group.parent_group_name, "Parent thing group");
    group.id = random_uuid();
    group.creation_date = now();
    detail::insert_new(state_, state_.thing_groups, group.name, group);
    detail::EventBatch events(state_);
    events.add(detail::thing_group_event(state_, EventOperation::created, group));
    // [inf] A group created under a parent joins the hierarchy then.
    if (group.parent_group_name)
        events.add(model::ThingGroupHierarchyEvent{
            EventOperation::added, state_.thing_groups.at(*group.parent_group_name).value, group});
    commit();
    lock.unlock();
    publish_events(events.events());
    return group;
}

model::ThingGroup Registry::describe_thing_group(std::string_view thing_group_name) const {
    detail::require_valid_name(NameKind::thing_group, thing_group_name);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.thing_groups, thing_group_name, "Thing group").value;
}

// With a parent: its children (recursive: all descendants). Without: every group (recursive) or
// only top-level groups ("If true, return child groups as well", ListThingGroups model doc).
Page<model::ThingGroup> Registry::list_thing_groups(const ListThingGroupsFilter& filter,
                                                    const PageRequest& page) const {
    if (filter.parent_group)
        detail::require_valid_name(NameKind::thing_group, *filter.parent_group);
    std::shared_lock lock(mutex_);
    std::optional<std::set<std::string>> below_parent;
    if (filter.parent_group) {
        detail::find_or_throw(state_.thing_groups, *filter.parent_group, "Thing group");
        below_parent = subtree(state_, *filter.parent_group);
        below_parent->erase(*filter.parent_group);
    }
    const auto keep = [&](const model::ThingGroup& group) {
        if (filter.name_prefix && !group.name.starts_with(*filter.name_prefix)) return false;
        if (below_parent && !below_parent->contains(group.name)) return false;
        if (filter.recursive) return true;
        return group.parent_group_name == filter.parent_group;  // direct children / roots only
    };
    return detail::paginate(detail::collect(state_.thing_groups, keep), page);
}

// The model lists no ResourceNotFoundException: deleting a missing group succeeds. A group with
// child groups cannot be deleted (delete-thing-group CLI example). Its memberships and policy
// attachments go with it.
void Registry::delete_thing_group(std::string_view thing_group_name,
                                  std::optional<std::int64_t> expected_version) {
    detail::require_valid_name(NameKind::thing_group, thing_group_name);
    std::unique_lock lock(mutex_);
    const auto group = detail::find_value(state_.thing_groups, thing_group_name);
    if (!group) return;
    detail::require_expected_version("Thing group", group->name, group->version, expected_version);
    if (subtree(state_, group->name).size() > 1)
        detail::throw_error(aws_errors::invalid_request,
                            "Cannot delete thing group " + group->name +
                                ": it has child groups. Delete them first.");
    detail::EventBatch events(state_);
    if (const auto members = state_.group_things.find(group->name);
        members != state_.group_things.end())
        for (const auto& thing : members->second)
            events.add(model::ThingGroupMembershipEvent{EventOperation::removed, *group,
                                                        state_.things.at(thing).value});
    if (group->parent_group_name)
        events.add(model::ThingGroupHierarchyEvent{
            EventOperation::removed, state_.thing_groups.at(*group->parent_group_name).value,
            *group});
    events.add(detail::thing_group_event(state_, EventOperation::deleted, *group));
    state_.group_things.erase(group->name);
    detail::erase_everywhere(state_.policy_targets, group->arn);
    state_.thing_groups.erase(group->name);
    commit();
    lock.unlock();
    publish_events(events.events());
}

void Registry::add_thing_to_thing_group(std::string_view thing_group_name,
                                        std::string_view thing_name) {
    detail::require_valid_name(NameKind::thing_group, thing_group_name);
    detail::require_valid_name(NameKind::thing, thing_name);
    std::unique_lock lock(mutex_);
    const auto& group = detail::find_or_throw(state_.thing_groups, thing_group_name, "Thing group");
    const auto& thing = detail::find_or_throw(state_.things, thing_name, "Thing");
    if (!state_.group_things[group.value.name].insert(thing.value.name).second) return;
    detail::EventBatch events(state_);
    events.add(model::ThingGroupMembershipEvent{EventOperation::added, group.value, thing.value});
    commit();
    lock.unlock();
    publish_events(events.events());
}

// Removing a thing that is not a member succeeds without change.
void Registry::remove_thing_from_thing_group(std::string_view thing_group_name,
                                             std::string_view thing_name) {
    detail::require_valid_name(NameKind::thing_group, thing_group_name);
    detail::require_valid_name(NameKind::thing, thing_name);
    std::unique_lock lock(mutex_);
    const auto& group = detail::find_or_throw(state_.thing_groups, thing_group_name, "Thing group");
    const auto& thing = detail::find_or_throw(state_.things, thing_name, "Thing");
    if (!detail::erase_from(state_.group_things, group.value.name, thing.value.name)) return;
    detail::EventBatch events(state_);
    events.add(model::ThingGroupMembershipEvent{EventOperation::removed, group.value, thing.value});
    commit();
    lock.unlock();
    publish_events(events.events());
}

Page<std::string> Registry::list_things_in_thing_group(std::string_view thing_group_name,
                                                       bool recursive,
                                                       const PageRequest& page) const {
    detail::require_valid_name(NameKind::thing_group, thing_group_name);
    std::shared_lock lock(mutex_);
    detail::find_or_throw(state_.thing_groups, thing_group_name, "Thing group");
    const std::string root(thing_group_name);
    const std::set<std::string> groups = recursive ? subtree(state_, root) : std::set{root};
    std::set<std::string> members;  // a thing in several of the groups is listed once
    for (const auto& group : groups)
        if (const auto it = state_.group_things.find(group); it != state_.group_things.end())
            members.insert(it->second.begin(), it->second.end());
    std::vector<detail::Sequenced<std::string>> items;
    for (const auto& name : members) items.push_back({state_.things.at(name).sequence, name});
    return detail::paginate(std::move(items), page);
}

}  // namespace iotemu::registry
