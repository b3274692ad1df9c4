// The Lambda control plane (botocore `lambda` 2015-03-31, paths under /2015-03-31/) as routes on
// the API's Router: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
// UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction, AddPermission,
// RemovePermission, GetPolicy and Invoke (PublishVersion answers that versions are not kept), each
// route with Lambda's request size. Handlers keep a reference to the service, which must outlive
// the router.
//
// Invoke (RequestResponse) blocks the API worker running it until the handler ends, and handlers
// call back into this API: lambda::ServiceConfig::max_sync_invocations must stay below the
// number of API workers (more waiting Invokes get TooManyRequestsException).
#pragma once

#include "api/router.hpp"
#include "rules/lambda/service.hpp"

namespace iotemu::api {

void add_lambda_routes(Router& router, lambda::Service& service);

// The route files add_lambda_routes assembles (lambda_permissions.cpp, lambda_invoke.cpp).
void add_lambda_permission_routes(Router& router, lambda::Service& service);
void add_lambda_invoke_routes(Router& router, lambda::Service& service);

}  // namespace iotemu::api
