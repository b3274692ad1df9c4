// The iot-data plane on the API port (botocore `iot-data` 2015-05-28): Publish,
// GetRetainedMessage and ListRetainedMessages as routes on a Router, so `aws iot-data
// --endpoint-url <api endpoint>` and boto3's `iot-data` client work (docs/aws/data-plane.md §5).
// SigV4 headers are accepted as they come, as on the control plane: no IAM policy is evaluated.
// Handlers keep a reference to the bus, which must outlive the router.
#pragma once

#include "api/router.hpp"
#include "bus/bus.hpp"

namespace iotemu::api {

void add_iot_data_routes(Router& router, bus::Bus& bus);

}  // namespace iotemu::api
