// Lambda routes for a function's resource policy: AddPermission, RemovePermission, GetPolicy.
// The store renders and checks statements; these handlers only move members.
#include <nlohmann/json.hpp>

#include "api/lambda_routes.hpp"
#include "api/lambda_shapes.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;
namespace shapes = lambda_shapes;

Response add_permission(lambda::Service& service, Call& call) {
    const auto name = shapes::function_name(call);
    lambda::AddPermissionRequest request;
    request.statement.sid = call.required_body_string("StatementId");
    request.statement.action = call.required_body_string("Action");
    request.statement.principal = call.required_body_string("Principal");
    request.statement.source_arn = call.body_string("SourceArn");
    request.statement.source_account = call.body_string("SourceAccount");
    request.statement.event_source_token = call.body_string("EventSourceToken");
    request.statement.principal_org_id = call.body_string("PrincipalOrgID");
    request.revision_id = call.body_string("RevisionId");
    return json_response({{"Statement", service.functions().add_permission(name, request)}}, 201);
}

}  // namespace

void add_lambda_permission_routes(Router& router, lambda::Service& service) {
    router.add("POST", "/2015-03-31/functions/{FunctionName}/policy",
               [&service](Call& call) { return add_permission(service, call); });
    router.add("DELETE", "/2015-03-31/functions/{FunctionName}/policy/{StatementId}",
               [&service](Call& call) {
                   service.functions().remove_permission(shapes::function_name(call),
                                                         call.path("StatementId"),
                                                         call.query("RevisionId"));
                   return shapes::no_content();
               });
    router.add("GET", "/2015-03-31/functions/{FunctionName}/policy", [&service](Call& call) {
        const auto policy = service.functions().get_policy(shapes::function_name(call));
        return json_response({{"Policy", policy.policy}, {"RevisionId", policy.revision_id}});
    });
}

}  // namespace iotemu::api
