// DescribeEventConfigurations and UpdateEventConfigurations
// (docs/aws/provisioning-and-services.md §3.1): which registry events the emulator publishes.
// Request shape → one registry call → response shape.
#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::string_view event_type_values =
    "[THING, THING_GROUP, THING_TYPE, THING_GROUP_MEMBERSHIP, THING_GROUP_HIERARCHY, "
    "THING_TYPE_ASSOCIATION, JOB, JOB_EXECUTION, POLICY, CERTIFICATE, CA_CERTIFICATE]";

// eventConfigurations {EventType: {Enabled}}: an unknown key is refused before anything changes;
// a Configuration without Enabled turns its type off, as an absent Boolean reads false.
std::vector<std::pair<model::EventType, bool>> event_configuration_changes(const Call& call) {
    std::vector<std::pair<model::EventType, bool>> changes;
    const json* configurations = call.body_object("eventConfigurations");
    if (!configurations) return changes;
    for (const auto& [key, configuration] : configurations->items()) {
        const auto type = enum_member<model::EventType>(key, "eventConfigurations.key",
                                                        model::parse_event_type, event_type_values);
        const std::string where = "eventConfigurations." + key;
        if (!configuration.is_object())
            throw_invalid_request(where + " must be an object {\"Enabled\": true|false}.");
        changes.emplace_back(
            *type, bool_member(configuration, "Enabled", where + ".Enabled").value_or(false));
    }
    return changes;
}

}  // namespace

void add_event_configuration_routes(Router& router, registry::Registry& registry) {
    router.add("GET", "/event-configurations", [&registry](Call&) {
        return json_response(
            render::event_configurations(registry.describe_event_configurations()));
    });
    router.add("PATCH", "/event-configurations", [&registry](Call& call) {
        registry.update_event_configurations(event_configuration_changes(call));
        return empty_response();
    });
}

}  // namespace iotemu::api
