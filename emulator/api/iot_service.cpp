// The IoT control plane assembled: every resource file's routes plus DescribeEndpoint. Owns no
// shape but DescribeEndpoint's; never holds state beyond the config it is given.
#include "api/iot_service.hpp"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"

namespace iotemu::api {
namespace {

// The endpoint types the model documents; all of them are served by the one emulator address.
constexpr std::array<std::string_view, 4> endpoint_types{"iot:Data", "iot:Data-ATS",
                                                         "iot:CredentialProvider", "iot:Jobs"};

void add_endpoint_route(Router& router, const IotServiceConfig& config) {
    router.add("GET", "/endpoint", [address = config.endpoint_address](Call& call) {
        if (const auto type = call.query("endpointType")) {
            bool known = false;
            for (const auto name : endpoint_types) known = known || *type == name;
            if (!known)
                throw_invalid_request("Endpoint type '" + *type +
                                      "' is not one of iot:Data, iot:Data-ATS, "
                                      "iot:CredentialProvider, iot:Jobs");
        }
        return json_response({{"endpointAddress", address}});
    });
}

}  // namespace

void add_iot_routes(Router& router, registry::Registry& registry, const IotServiceConfig& config) {
    add_ca_certificate_routes(router, registry);
    add_certificate_routes(router, registry);
    add_thing_routes(router, registry);
    add_thing_group_routes(router, registry);
    add_policy_routes(router, registry);
    add_provisioning_template_routes(router, registry);
    add_event_configuration_routes(router, registry);
    add_policy_debugging_routes(router, registry);
    add_endpoint_route(router, config);
}

}  // namespace iotemu::api
