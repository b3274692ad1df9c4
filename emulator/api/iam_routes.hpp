// IAM (botocore `iam` 2010-05-08, query protocol) on the API's Router: the roles, managed and
// inline policies onboarding scripts use. Handlers keep a reference to the service, which must
// outlive the router.
#pragma once

#include "api/router.hpp"
#include "services/iam/iam.hpp"

namespace iotemu::api {

void add_iam_operations(Router& router, services::iam::Service& iam);

}  // namespace iotemu::api
