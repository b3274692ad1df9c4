// Lambda routes for functions themselves: create, read, list, update code and configuration,
// delete. Request shape → one service call → response shape; add_lambda_routes also registers
// the permission and invocation routes.
#include <nlohmann/json.hpp>

#include "api/json_members.hpp"
#include "api/lambda_routes.hpp"
#include "api/lambda_shapes.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;
namespace shapes = lambda_shapes;

constexpr std::string_view functions_path = "/2015-03-31/functions";

std::string route(std::string_view suffix) {
    return std::string(functions_path) + std::string(suffix);
}

Response create_function(lambda::Service& service, Call& call) {
    lambda::CreateFunctionInput input;
    input.function_name = call.required_body_string("FunctionName");
    input.settings = shapes::settings(call);
    const json* code = call.body_object("Code");
    if (!code)
        throw AwsError(aws_errors::validation,
                       "1 validation error detected: Value null at 'code' failed to satisfy "
                       "constraint: Member must not be null");
    input.zip_file = shapes::zip_file(*code);
    shapes::refuse_publish(call);
    // Tags, Layers, VpcConfig, TracingConfig, Architectures…: accepted and not kept; every
    // function is its unpublished $LATEST on x86_64.
    const auto function = service.create_function(input);
    return json_response(shapes::function_configuration(function), 201);
}

Response get_function(lambda::Service& service, Call& call) {
    const auto function = service.functions().get(shapes::function_name(call));
    return json_response(
        {{"Configuration", shapes::function_configuration(function)},
         {"Code",
          {{"RepositoryType", "S3"}, {"Location", "file://" + function.code.directory.string()}}}});
}

Response list_functions(lambda::Service& service, Call& call) {
    const auto max_items = call.query_int("MaxItems", 1, 10000);
    const auto page = service.functions().list(
        call.query("Marker"),
        max_items ? std::optional<int>(static_cast<int>(*max_items)) : std::nullopt);
    json functions = json::array();
    for (const auto& function : page.functions)
        functions.push_back(shapes::function_configuration(function));
    json body = {{"Functions", std::move(functions)}};
    if (page.next_marker) body["NextMarker"] = *page.next_marker;
    return json_response(body);
}

Response update_function_code(lambda::Service& service, Call& call) {
    const auto name = shapes::function_name(call);
    const auto revision_id = call.body_string("RevisionId");
    const auto zip = shapes::zip_file(call.body());
    shapes::refuse_publish(call);
    if (call.body_bool("DryRun").value_or(false))
        return json_response(shapes::function_configuration(service.functions().get(name)));
    return json_response(
        shapes::function_configuration(service.update_function_code(name, zip, revision_id)));
}

Response update_function_configuration(lambda::Service& service, Call& call) {
    const auto name = shapes::function_name(call);
    const auto settings = shapes::settings(call);
    return json_response(shapes::function_configuration(
        service.update_function_configuration(name, settings, call.body_string("RevisionId"))));
}

// A zip travels base64 inside the JSON body: Lambda takes such requests up to 4/3 of 50 MB.
BodyLimit code_upload(std::string_view operation) {
    return {lambda::max_code_request_size, aws_errors::request_entity_too_large, operation};
}

}  // namespace

void add_lambda_routes(Router& router, lambda::Service& service) {
    router.add(
        "POST", route(""), [&service](Call& call) { return create_function(service, call); },
        code_upload("CreateFunction"));
    router.add("GET", route(""), [&service](Call& call) { return list_functions(service, call); });
    router.add("GET", route("/{FunctionName}"),
               [&service](Call& call) { return get_function(service, call); });
    router.add("GET", route("/{FunctionName}/configuration"), [&service](Call& call) {
        return json_response(
            shapes::function_configuration(service.functions().get(shapes::function_name(call))));
    });
    router.add(
        "PUT", route("/{FunctionName}/code"),
        [&service](Call& call) { return update_function_code(service, call); },
        code_upload("UpdateFunctionCode"));
    router.add("POST", route("/{FunctionName}/versions"),
               [](Call&) -> Response { shapes::refuse_versions(); });
    router.add("PUT", route("/{FunctionName}/configuration"),
               [&service](Call& call) { return update_function_configuration(service, call); });
    router.add("DELETE", route("/{FunctionName}"), [&service](Call& call) {
        service.delete_function(shapes::function_name(call));
        return shapes::no_content();
    });
    add_lambda_permission_routes(router, service);
    add_lambda_invoke_routes(router, service);
}

}  // namespace iotemu::api
