// Routes for things, thing types and thing ⇄ principal attachments. Request shape → one
// registry call → response shape; the registry owns every rule about them.
#include <limits>

#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::size_t max_description = 2028;
constexpr std::int64_t min_long = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t max_long = std::numeric_limits<std::int64_t>::max();

const std::string& thing_name(const Call& call) {
    return named_path(call, "thingName", NameKind::thing);
}

const std::string& thing_type_name(const Call& call) {
    return named_path(call, "thingTypeName", NameKind::thing_type);
}

std::string principal(const Call& call) {
    return required_header(call, "x-amzn-principal", "principal");
}

Response create_thing(registry::Registry& registry, Call& call) {
    registry::CreateThingRequest request;
    request.thing_name = thing_name(call);
    request.thing_type_name = named_body(call, "thingTypeName", NameKind::thing_type);
    request.attribute_payload =
        attribute_payload(call.body_object("attributePayload"), "attributePayload");
    // Billing groups share the thing name rule.
    request.billing_group_name = named_body(call, "billingGroupName", NameKind::thing);
    return json_response(render::thing_created(registry.create_thing(request)));
}

Response update_thing(registry::Registry& registry, Call& call) {
    const auto& name = thing_name(call);
    registry::UpdateThingRequest request;
    request.thing_type_name = named_body(call, "thingTypeName", NameKind::thing_type);
    request.remove_thing_type = call.body_bool("removeThingType").value_or(false);
    request.attribute_payload =
        attribute_payload(call.body_object("attributePayload"), "attributePayload");
    request.expected_version = call.body_int("expectedVersion");
    registry.update_thing(name, request);
    return empty_response();
}

Response list_things(registry::Registry& registry, Call& call) {
    const auto page = token_page_request(call);
    registry::ListThingsFilter filter;
    filter.attribute_name = call.query("attributeName");
    filter.attribute_value = call.query("attributeValue");
    if (filter.attribute_name) check_length("attributeName", *filter.attribute_name, 0, 128);
    if (filter.attribute_value) check_length("attributeValue", *filter.attribute_value, 0, 800);
    filter.thing_type_name = named_query(call, "thingTypeName", NameKind::thing_type);
    filter.use_prefix_attribute_value = call.query_bool("usePrefixAttributeValue").value_or(false);
    return json_response(render::thing_page(registry.list_things(filter, page)));
}

Response attach_thing_principal(registry::Registry& registry, Call& call) {
    const auto& name = thing_name(call);
    const auto who = principal(call);
    // thingPrincipalType is checked against the model's enum; the registry keeps every
    // attachment NON_EXCLUSIVE_THING (the AWS default), so EXCLUSIVE_THING is not enforced.
    if (const auto type = call.query("thingPrincipalType");
        type && *type != "EXCLUSIVE_THING" && *type != "NON_EXCLUSIVE_THING")
        throw_validation_error("thingPrincipalType", *type,
                               "Member must satisfy enum value set: "
                               "[EXCLUSIVE_THING, NON_EXCLUSIVE_THING]");
    registry.attach_thing_principal(name, who);
    return empty_response();
}

Response create_thing_type(registry::Registry& registry, Call& call) {
    registry::CreateThingTypeRequest request;
    request.thing_type_name = thing_type_name(call);
    if (const json* properties = call.body_object("thingTypeProperties")) {
        request.description = string_member(*properties, "thingTypeDescription",
                                            "thingTypeProperties.thingTypeDescription");
        if (request.description)
            check_length("thingTypeProperties.thingTypeDescription", *request.description, 0,
                         max_description);
        const std::string where = "thingTypeProperties.searchableAttributes";
        if (const json* searchable = array_member(*properties, "searchableAttributes", where)) {
            for (const auto& attribute : *searchable) {
                if (!attribute.is_string())
                    throw_invalid_request("Invalid type for member '" + where +
                                          "': expected a list of strings");
                request.searchable_attributes.push_back(attribute.get<std::string>());
            }
        }
        // mqtt5Configuration is accepted and ignored: the broker adds no propagated properties.
    }
    // tags are accepted and ignored: the registry keeps no tags on thing types.
    call.body_array("tags");
    return json_response(render::thing_type_created(registry.create_thing_type(request)));
}

}  // namespace

void add_thing_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/things/{thingName}",
               [&registry](Call& call) { return create_thing(registry, call); });
    router.add("GET", "/things/{thingName}", [&registry](Call& call) {
        return json_response(render::thing_description(registry.describe_thing(thing_name(call))));
    });
    router.add("GET", "/things", [&registry](Call& call) { return list_things(registry, call); });
    router.add("PATCH", "/things/{thingName}",
               [&registry](Call& call) { return update_thing(registry, call); });
    router.add("DELETE", "/things/{thingName}", [&registry](Call& call) {
        const auto& name = thing_name(call);
        registry.delete_thing(name, call.query_int("expectedVersion", min_long, max_long));
        return empty_response();
    });

    router.add("PUT", "/things/{thingName}/principals",
               [&registry](Call& call) { return attach_thing_principal(registry, call); });
    router.add("DELETE", "/things/{thingName}/principals", [&registry](Call& call) {
        const auto& name = thing_name(call);
        registry.detach_thing_principal(name, principal(call));
        return empty_response();
    });
    router.add("GET", "/things/{thingName}/principals", [&registry](Call& call) {
        const auto& name = thing_name(call);
        return json_response(
            render::name_page(registry.list_thing_principals(name, token_page_request(call)),
                              "principals", render::Paging::token));
    });
    router.add("GET", "/principals/things", [&registry](Call& call) {
        const auto who = principal(call);
        return json_response(
            render::name_page(registry.list_principal_things(who, token_page_request(call)),
                              "things", render::Paging::token));
    });

    router.add("POST", "/thing-types/{thingTypeName}",
               [&registry](Call& call) { return create_thing_type(registry, call); });
    router.add("GET", "/thing-types/{thingTypeName}", [&registry](Call& call) {
        return json_response(
            render::thing_type_description(registry.describe_thing_type(thing_type_name(call))));
    });
    router.add("GET", "/thing-types", [&registry](Call& call) {
        const auto page = token_page_request(call);
        const auto name = named_query(call, "thingTypeName", NameKind::thing_type);
        return json_response(render::thing_type_page(registry.list_thing_types(name, page)));
    });
    router.add("POST", "/thing-types/{thingTypeName}/deprecate", [&registry](Call& call) {
        const auto& name = thing_type_name(call);
        registry.deprecate_thing_type(name, call.body_bool("undoDeprecate").value_or(false));
        return empty_response();
    });
    router.add("DELETE", "/thing-types/{thingTypeName}", [&registry](Call& call) {
        registry.delete_thing_type(thing_type_name(call));
        return empty_response();
    });
}

}  // namespace iotemu::api
