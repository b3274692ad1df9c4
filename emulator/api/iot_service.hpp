// The IoT control plane (botocore `iot` 2015-05-28) as routes on a Router: each handler reads the
// model's request shape, calls one registry operation and renders the model's response shape.
#pragma once

#include <string>

#include "api/router.hpp"
#include "registry/registry.hpp"

namespace iotemu::api {

struct IotServiceConfig {
    std::string endpoint_address;  // DescribeEndpoint's answer: "<mqtt host>:<mqtt port>"
};

void add_iot_routes(Router& router, registry::Registry& registry, const IotServiceConfig& config);

}  // namespace iotemu::api
