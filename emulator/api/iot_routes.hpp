// The IoT control plane's routes, one registration function per resource file; add_iot_routes
// calls them all. Internal to api/. Handlers keep a reference to the registry, which must
// outlive the router.
#pragma once

#include "api/router.hpp"
#include "registry/registry.hpp"

namespace iotemu::api {

void add_ca_certificate_routes(Router& router, registry::Registry& registry);
void add_certificate_routes(Router& router, registry::Registry& registry);
void add_thing_routes(Router& router, registry::Registry& registry);
void add_thing_group_routes(Router& router, registry::Registry& registry);
void add_policy_routes(Router& router, registry::Registry& registry);
void add_provisioning_template_routes(Router& router, registry::Registry& registry);
void add_event_configuration_routes(Router& router, registry::Registry& registry);
void add_policy_debugging_routes(Router& router, registry::Registry& registry);

}  // namespace iotemu::api
