// STS (botocore `sts` 2011-06-15, query protocol) on the API's Router: GetCallerIdentity and
// AssumeRole. Handlers keep a reference to the service, which must outlive the router.
#pragma once

#include "api/router.hpp"
#include "services/sts/sts.hpp"

namespace iotemu::api {

void add_sts_operations(Router& router, services::sts::Service& sts);

}  // namespace iotemu::api
