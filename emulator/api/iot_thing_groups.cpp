// Routes for static thing groups and their membership. Request shape → registry call →
// response shape; the registry owns hierarchy and membership rules.
#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::size_t max_description = 2028;
constexpr std::size_t max_depth = 8;  // AWS allows 7 levels; a bound also stops any cycle

const std::string& thing_group_name(const Call& call) {
    return named_path(call, "thingGroupName", NameKind::thing_group);
}

std::optional<std::int64_t> expected_version(const Call& call) {
    return call.query_int("expectedVersion", std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max());
}

// AddThingToThingGroup and RemoveThingFromThingGroup name each side by name or by ARN
// (arn:aws:iot:<region>:<account>:<type>/<name>); the name wins when both are given.
std::string name_or_arn(const registry::Registry& registry, const Call& call,
                        std::string_view name_member, std::string_view arn_member,
                        std::string_view type, NameKind kind) {
    if (auto name = named_body(call, name_member, kind)) return std::move(*name);
    const auto arn = call.body_string(arn_member);
    if (!arn)
        throw_invalid_request(std::string(name_member) + " or " + std::string(arn_member) +
                              " must be given");
    const std::string marker = ":" + std::string(type) + "/";
    const auto at = arn->find(marker);
    if (arn->rfind("arn:", 0) != 0 || at == std::string::npos)
        throw_validation_error(arn_member, *arn, "Member must be an ARN of a " + std::string(type));
    std::string name = arn->substr(at + marker.size());
    check_name(kind, arn_member, name);
    if (*arn != registry.account().arn(type, name))
        throw AwsError(aws_errors::resource_not_found, *arn + " does not exist in this account");
    return name;
}

Response create_thing_group(registry::Registry& registry, Call& call) {
    registry::CreateThingGroupRequest request;
    request.thing_group_name = thing_group_name(call);
    request.parent_group_name = named_body(call, "parentGroupName", NameKind::thing_group);
    if (const json* properties = call.body_object("thingGroupProperties")) {
        request.description = string_member(*properties, "thingGroupDescription",
                                            "thingGroupProperties.thingGroupDescription");
        if (request.description)
            check_length("thingGroupProperties.thingGroupDescription", *request.description, 0,
                         max_description);
        request.attribute_payload = attribute_payload(
            object_member(*properties, "attributePayload", "thingGroupProperties.attributePayload"),
            "thingGroupProperties.attributePayload");
    }
    // tags are accepted and ignored: the registry keeps no tags on thing groups.
    call.body_array("tags");
    return json_response(render::thing_group_created(registry.create_thing_group(request)));
}

Response describe_thing_group(registry::Registry& registry, Call& call) {
    const auto group = registry.describe_thing_group(thing_group_name(call));
    // rootToParentThingGroups: walk up the parents, then reverse so the root comes first.
    std::vector<model::ThingGroup> ancestors;
    auto parent = group.parent_group_name;
    while (parent && ancestors.size() < max_depth) {
        try {
            ancestors.push_back(registry.describe_thing_group(*parent));
        } catch (const AwsError& error) {
            // A parent deleted since the first read ends the chain; the group itself exists.
            if (error.code() != aws_errors::resource_not_found) throw;
            break;
        }
        parent = ancestors.back().parent_group_name;
    }
    std::reverse(ancestors.begin(), ancestors.end());
    return json_response(render::thing_group_description(group, ancestors));
}

Response list_thing_groups(registry::Registry& registry, Call& call) {
    const auto page = token_page_request(call);
    registry::ListThingGroupsFilter filter;
    filter.parent_group = named_query(call, "parentGroup", NameKind::thing_group);
    filter.name_prefix = named_query(call, "namePrefixFilter", NameKind::thing_group);
    if (const auto recursive = call.query_bool("recursive")) filter.recursive = *recursive;
    return json_response(render::thing_group_page(registry.list_thing_groups(filter, page)));
}

// Membership changes: overrideDynamicGroups is accepted and ignored (no dynamic groups).
Response change_membership(registry::Registry& registry, Call& call, bool add) {
    const auto group = name_or_arn(registry, call, "thingGroupName", "thingGroupArn", "thinggroup",
                                   NameKind::thing_group);
    const auto thing =
        name_or_arn(registry, call, "thingName", "thingArn", "thing", NameKind::thing);
    call.body_bool("overrideDynamicGroups");
    if (add)
        registry.add_thing_to_thing_group(group, thing);
    else
        registry.remove_thing_from_thing_group(group, thing);
    return empty_response();
}

}  // namespace

void add_thing_group_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/thing-groups/{thingGroupName}",
               [&registry](Call& call) { return create_thing_group(registry, call); });
    router.add("GET", "/thing-groups/{thingGroupName}",
               [&registry](Call& call) { return describe_thing_group(registry, call); });
    router.add("GET", "/thing-groups",
               [&registry](Call& call) { return list_thing_groups(registry, call); });
    router.add("DELETE", "/thing-groups/{thingGroupName}", [&registry](Call& call) {
        const auto& name = thing_group_name(call);
        registry.delete_thing_group(name, expected_version(call));
        return empty_response();
    });
    router.add("PUT", "/thing-groups/addThingToThingGroup",
               [&registry](Call& call) { return change_membership(registry, call, true); });
    router.add("PUT", "/thing-groups/removeThingFromThingGroup",
               [&registry](Call& call) { return change_membership(registry, call, false); });
    router.add("GET", "/thing-groups/{thingGroupName}/things", [&registry](Call& call) {
        const auto& name = thing_group_name(call);
        const auto recursive = call.query_bool("recursive").value_or(false);
        return json_response(render::name_page(
            registry.list_things_in_thing_group(name, recursive, token_page_request(call)),
            "things", render::Paging::token));
    });
}

}  // namespace iotemu::api
