// Lambda's Invoke route: RequestResponse answers the handler's own payload (200, with
// X-Amz-Function-Error and, for LogType Tail, X-Amz-Log-Result), Event queues it (202), DryRun
// only checks (204). The payload is the raw body, never wrapped.
#include "api/json_members.hpp"
#include "api/lambda_routes.hpp"
#include "api/lambda_shapes.hpp"
#include "common/aws_error.hpp"
#include "common/base64.hpp"

namespace iotemu::api {
namespace {

namespace shapes = lambda_shapes;

Response invoke(lambda::Service& service, Call& call) {
    const auto name = shapes::function_name(call);
    const auto type = call.header("x-amz-invocation-type").value_or("RequestResponse");
    const auto log_type = call.header("x-amz-log-type").value_or("None");
    if (type != "RequestResponse" && type != "Event" && type != "DryRun")
        throw AwsError(aws_errors::validation,
                       "1 validation error detected: Value '" + type +
                           "' at 'invocationType' failed to satisfy constraint: Member must "
                           "satisfy enum value set: [Event, RequestResponse, DryRun]");
    if (log_type != "None" && log_type != "Tail")
        throw AwsError(aws_errors::validation,
                       "1 validation error detected: Value '" + log_type +
                           "' at 'logType' failed to satisfy constraint: Member must satisfy "
                           "enum value set: [None, Tail]");

    Response response;
    if (type == "DryRun") {
        service.functions().get(name);
        response.status = 204;
        return response;
    }
    if (type == "Event") {
        service.invoke(name, call.request().body, [](lambda::InvokeResult) {
            // The runtime has logged the outcome; an Event caller never sees it.
        });
        response.status = 202;
        return response;
    }
    const auto result = service.invoke_and_wait(name, call.request().body);
    response.status = 200;
    response.body = result.payload;
    response.headers.emplace_back("content-type", "application/json");
    response.headers.emplace_back("X-Amz-Executed-Version", "$LATEST");
    if (result.function_error)
        response.headers.emplace_back("X-Amz-Function-Error", *result.function_error);
    if (log_type == "Tail")
        response.headers.emplace_back("X-Amz-Log-Result", base64_encode(result.log_tail));
    return response;
}

}  // namespace

void add_lambda_invoke_routes(Router& router, lambda::Service& service) {
    // The body is the payload: RequestResponse takes 6 MB (Event's 1 MB is checked by the
    // service, which words its refusal per invocation type).
    router.add("POST", "/2015-03-31/functions/{FunctionName}/invocations",
               [&service](Call& call) { return invoke(service, call); },
               {lambda::max_sync_payload, aws_errors::request_too_large, "InvokeFunction"});
}

}  // namespace iotemu::api
