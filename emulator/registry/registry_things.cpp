// Things, thing types and thing ⇄ principal attachments. Thing groups live in
// registry_thing_groups.cpp; policies in registry_policies.cpp.
#include <mutex>

#include "common/random.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using detail::NameKind;
using model::EventOperation;

bool same_configuration(const model::Thing& a, const model::Thing& b) {
    return a.thing_type_name == b.thing_type_name && a.attributes == b.attributes &&
           a.billing_group_name == b.billing_group_name;
}

bool matches(const model::Thing& thing, const ListThingsFilter& filter) {
    if (filter.thing_type_name && thing.thing_type_name != filter.thing_type_name) return false;
    if (!filter.attribute_name) return true;
    const auto it = thing.attributes.find(*filter.attribute_name);
    if (it == thing.attributes.end()) return false;
    if (!filter.attribute_value) return true;  // name alone: things that have the attribute
    return filter.use_prefix_attribute_value ? it->second.starts_with(*filter.attribute_value)
                                             : it->second == *filter.attribute_value;
}

}  // namespace

// ---- things ---------------------------------------------------------------------------------

model::Thing Registry::create_thing(const CreateThingRequest& request) {
    detail::require_valid_name(NameKind::thing, request.thing_name);
    model::Thing thing;
    thing.name = request.thing_name;
    thing.arn = account_.arn("thing", thing.name);
    thing.thing_type_name = request.thing_type_name;
    thing.billing_group_name = request.billing_group_name;
    if (request.attribute_payload) {
        detail::require_valid_attributes(request.attribute_payload->attributes);
        detail::apply_attribute_payload(thing.attributes, *request.attribute_payload);
    }
    detail::require_attribute_count(thing);

    std::unique_lock lock(mutex_);
    // CreateThing model doc: the same name and configuration succeeds, a different one conflicts.
    if (const auto existing = detail::find_value(state_.things, thing.name)) {
        if (same_configuration(*existing, thing)) return *existing;
        throw AwsError(aws_errors::resource_already_exists,
                       "Thing " + thing.name + " already exists with a different configuration",
                       existing->id, existing->arn);
    }
    if (thing.thing_type_name) detail::require_usable_thing_type(state_, *thing.thing_type_name);
    // Billing groups are not emulated, so any name refers to a group that does not exist.
    if (thing.billing_group_name)
        detail::throw_error(aws_errors::resource_not_found,
                            "Billing group " + *thing.billing_group_name + " cannot be found.");
    thing.id = random_uuid();
    detail::insert_new(state_, state_.things, thing.name, thing);
    detail::EventBatch events(state_);
    events.add(model::ThingEvent{EventOperation::created, thing});
    detail::record_type_change(events, thing, std::nullopt);
    commit();
    lock.unlock();
    publish_events(events.events());
    return thing;
}

model::Thing Registry::describe_thing(std::string_view thing_name) const {
    detail::require_valid_name(NameKind::thing, thing_name);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.things, thing_name, "Thing").value;
}

Page<model::Thing> Registry::list_things(const ListThingsFilter& filter,
                                         const PageRequest& page) const {
    if (filter.attribute_value && !filter.attribute_name)
        detail::throw_error(aws_errors::invalid_request,
                            "attributeValue needs attributeName to say which attribute to match.");
    std::shared_lock lock(mutex_);
    return detail::paginate(
        detail::collect(state_.things, [&](const model::Thing& t) { return matches(t, filter); }),
        page);
}

void Registry::update_thing(std::string_view thing_name, const UpdateThingRequest& request) {
    detail::require_valid_name(NameKind::thing, thing_name);
    if (request.remove_thing_type && request.thing_type_name)
        detail::throw_error(aws_errors::invalid_request,
                            "thingTypeName and removeThingType cannot be used together.");
    if (request.attribute_payload)
        detail::require_valid_attributes(request.attribute_payload->attributes);

    std::unique_lock lock(mutex_);
    auto& stored = detail::find_or_throw(state_.things, thing_name, "Thing").value;
    detail::require_expected_version("Thing", stored.name, stored.version,
                                     request.expected_version);
    model::Thing updated = stored;  // validated in full before the stored thing changes
    if (request.thing_type_name && request.thing_type_name != stored.thing_type_name) {
        detail::require_usable_thing_type(state_, *request.thing_type_name);
        updated.thing_type_name = request.thing_type_name;
    }
    if (request.remove_thing_type) updated.thing_type_name.reset();
    if (request.attribute_payload)
        detail::apply_attribute_payload(updated.attributes, *request.attribute_payload);
    detail::require_attribute_count(updated);
    ++updated.version;
    detail::EventBatch events(state_);
    events.add(model::ThingEvent{EventOperation::updated, updated});
    detail::record_type_change(events, updated, stored.thing_type_name);
    stored = std::move(updated);
    commit();
    lock.unlock();
    publish_events(events.events());
}

// DeleteThing model doc: deleting a thing that does not exist succeeds.
void Registry::delete_thing(std::string_view thing_name,
                            std::optional<std::int64_t> expected_version) {
    detail::require_valid_name(NameKind::thing, thing_name);
    std::unique_lock lock(mutex_);
    const auto existing = detail::find_value(state_.things, thing_name);
    if (!existing) return;
    detail::require_expected_version("Thing", existing->name, existing->version, expected_version);
    if (state_.thing_principals.contains(existing->name))
        detail::throw_error(aws_errors::invalid_request,
                            "Cannot delete thing " + existing->name +
                                ": it is still attached to one or more principals. Detach them "
                                "with DetachThingPrincipal first.");
    // [inf] A deleted thing leaves its groups and its type, and says so like any other removal.
    detail::EventBatch events(state_);
    for (const auto& [group, things] : state_.group_things)
        if (things.contains(existing->name))
            events.add(model::ThingGroupMembershipEvent{
                EventOperation::removed, state_.thing_groups.at(group).value, *existing});
    if (existing->thing_type_name)
        events.add(model::ThingTypeAssociationEvent{EventOperation::deleted, *existing,
                                                    *existing->thing_type_name});
    events.add(model::ThingEvent{EventOperation::deleted, *existing});
    detail::erase_everywhere(state_.group_things, existing->name);  // leaves its groups
    state_.things.erase(existing->name);
    commit();
    lock.unlock();
    publish_events(events.events());
}

// ---- thing types ----------------------------------------------------------------------------

// CreateThingType model doc: idempotent for the same configuration, a conflict otherwise.
model::ThingType Registry::create_thing_type(const CreateThingTypeRequest& request) {
    detail::require_valid_name(NameKind::thing_type, request.thing_type_name);
    std::unique_lock lock(mutex_);
    if (const auto existing = detail::find_value(state_.thing_types, request.thing_type_name)) {
        if (existing->description == request.description &&
            existing->searchable_attributes == request.searchable_attributes)
            return *existing;
        throw AwsError(aws_errors::resource_already_exists,
                       "Thing type " + existing->name +
                           " already exists with a different "
                           "configuration",
                       existing->id, existing->arn);
    }
    model::ThingType type;
    type.name = request.thing_type_name;
    type.id = random_uuid();
    type.arn = account_.arn("thingtype", type.name);
    type.description = request.description;
    type.searchable_attributes = request.searchable_attributes;
    type.creation_date = now();
    detail::insert_new(state_, state_.thing_types, type.name, type);
    detail::EventBatch events(state_);
    events.add(model::ThingTypeEvent{EventOperation::created, type});
    commit();
    lock.unlock();
    publish_events(events.events());
    return type;
}

model::ThingType Registry::describe_thing_type(std::string_view thing_type_name) const {
    detail::require_valid_name(NameKind::thing_type, thing_type_name);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.thing_types, thing_type_name, "Thing type").value;
}

Page<model::ThingType> Registry::list_thing_types(const std::optional<std::string>& thing_type_name,
                                                  const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    return detail::paginate(detail::collect(state_.thing_types,
                                            [&](const model::ThingType& type) {
                                                return !thing_type_name ||
                                                       type.name == *thing_type_name;
                                            }),
                            page);
}

void Registry::deprecate_thing_type(std::string_view thing_type_name, bool undo_deprecate) {
    detail::require_valid_name(NameKind::thing_type, thing_type_name);
    std::unique_lock lock(mutex_);
    auto& type = detail::find_or_throw(state_.thing_types, thing_type_name, "Thing type").value;
    type.deprecated = !undo_deprecate;
    type.deprecation_date = undo_deprecate ? std::nullopt : std::optional<Timestamp>(now());
    // Deprecating and undeprecating publish `updated` (docs/aws/provisioning-and-services.md §3.2).
    detail::EventBatch events(state_);
    events.add(model::ThingTypeEvent{EventOperation::updated, type});
    commit();
    lock.unlock();
    publish_events(events.events());
}

// DeleteThingType model doc: deprecate first, and no thing may still use the type. AWS also
// makes you wait five minutes after deprecating; the emulator skips that wait.
void Registry::delete_thing_type(std::string_view thing_type_name) {
    detail::require_valid_name(NameKind::thing_type, thing_type_name);
    std::unique_lock lock(mutex_);
    const auto& type =
        detail::find_or_throw(state_.thing_types, thing_type_name, "Thing type").value;
    if (!type.deprecated)
        detail::throw_error(aws_errors::invalid_request,
                            "Thing type " + type.name +
                                " must be deprecated (DeprecateThingType) before deletion.");
    const bool in_use = std::any_of(state_.things.begin(), state_.things.end(), [&](const auto& e) {
        return e.second.value.thing_type_name == type.name;
    });
    if (in_use)
        detail::throw_error(aws_errors::invalid_request,
                            "Thing type " + type.name +
                                " is still used by one or more things; change their type first.");
    detail::EventBatch events(state_);
    events.add(model::ThingTypeEvent{EventOperation::deleted, type});
    state_.thing_types.erase(std::string(thing_type_name));
    commit();
    lock.unlock();
    publish_events(events.events());
}

// ---- thing principals -----------------------------------------------------------------------

// Attaching an attached pair again is a no-op success (docs/aws/iot-core.md §2.5).
void Registry::attach_thing_principal(std::string_view thing_name, std::string_view principal) {
    detail::require_valid_name(NameKind::thing, thing_name);
    std::unique_lock lock(mutex_);
    detail::find_or_throw(state_.things, thing_name, "Thing");
    detail::resolve_principal(state_, account_, principal, /*allow_thing_group=*/false);
    if (state_.thing_principals[std::string(thing_name)].insert(std::string(principal)).second)
        commit();
}

// Both sides must exist (the model lists ResourceNotFoundException); detaching a principal that
// is not attached is a no-op success, like DetachPolicy.
void Registry::detach_thing_principal(std::string_view thing_name, std::string_view principal) {
    detail::require_valid_name(NameKind::thing, thing_name);
    std::unique_lock lock(mutex_);
    detail::find_or_throw(state_.things, thing_name, "Thing");
    detail::resolve_principal(state_, account_, principal, /*allow_thing_group=*/false);
    if (detail::erase_from(state_.thing_principals, std::string(thing_name),
                           std::string(principal)))
        commit();
}

Page<std::string> Registry::list_thing_principals(std::string_view thing_name,
                                                  const PageRequest& page) const {
    detail::require_valid_name(NameKind::thing, thing_name);
    std::shared_lock lock(mutex_);
    detail::find_or_throw(state_.things, thing_name, "Thing");
    return detail::paginate_attached(state_, account_, state_.thing_principals,
                                     std::string(thing_name), page);
}

Page<std::string> Registry::list_principal_things(std::string_view principal,
                                                  const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    detail::resolve_principal(state_, account_, principal, /*allow_thing_group=*/false);
    std::vector<detail::Sequenced<std::string>> things;
    for (const auto& [name, principals] : state_.thing_principals)
        if (principals.contains(std::string(principal)))
            things.push_back({state_.things.at(name).sequence, name});
    return detail::paginate(std::move(things), page);
}

}  // namespace iotemu::registry

namespace iotemu::registry::detail {

// AWS IoT quotas: a thing without a thing type has at most 3 attributes, one with a type 50.
constexpr std::size_t max_attributes_untyped = 3;
constexpr std::size_t max_attributes_typed = 50;

void require_usable_thing_type(const State& state, const std::string& name) {
    require_valid_name(NameKind::thing_type, name);
    if (find_or_throw(state.thing_types, name, "Thing type").value.deprecated)
        throw_error(aws_errors::invalid_request,
                    "Thing type " + name + " is deprecated; new things cannot use it.");
}

void require_attribute_count(const model::Thing& thing) {
    const std::size_t limit = thing.thing_type_name ? max_attributes_typed : max_attributes_untyped;
    if (thing.attributes.size() > limit)
        throw_error(aws_errors::invalid_request,
                    "Thing " + thing.name + " would have " +
                        std::to_string(thing.attributes.size()) + " attributes; the limit is " +
                        std::to_string(limit) +
                        (thing.thing_type_name ? "." : " for a thing without a type."));
}

}  // namespace iotemu::registry::detail
