// Routes of iot-data's shadow operations: path and query → one shadow request → the document as
// the response body, or the model's exception (docs/aws/data-plane.md §4.3, §4.8).
#include "api/iot_data_shadows.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/call.hpp"
#include "common/aws_error.hpp"
#include "common/time.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;
using shadow::Operation;

// ListNamedShadowsForThing's pageSize: 1–100 [M]; AWS's default is not documented, AWS's
// Greengrass shadow manager uses 25 (docs/aws/data-plane.md §4.8) [inf].
constexpr std::int64_t max_page_size = 100;
constexpr std::int64_t default_page_size = 25;

// The shadow service's code as the model's exception (§4.3, §4.8).
std::string_view exception_for(int code) {
    switch (code) {
        case 404:
            return aws_errors::resource_not_found;
        case 409:
            return aws_errors::conflict;
        case 413:
            return aws_errors::request_entity_too_large;
        case 415:
            return aws_errors::unsupported_document_encoding;
        case 500:
            return aws_errors::internal_failure;
        default:
            return aws_errors::invalid_request;
    }
}

shadow::ShadowId shadow_of(const Call& call) {
    return {call.path("thingName"), call.query("name").value_or("")};
}

// The document is the whole response body (the model's `payload` blob).
Response document_response(const shadow::Outcome& outcome) {
    if (outcome.rejection)
        throw AwsError(exception_for(outcome.rejection->code), outcome.rejection->message);
    return {200, {{"content-type", "application/json"}}, outcome.reply.payload};
}

Response list_named_shadows(shadow::Service& service, const Call& call) {
    const std::string& thing = call.path("thingName");
    const auto page_size = call.query_int("pageSize", 1, max_page_size).value_or(default_page_size);
    // The token is the last name of the previous page; the next page starts after it.
    const auto after = call.query("nextToken");
    const auto names = service.shadows().named_shadows(thing);
    auto first = after ? std::upper_bound(names.begin(), names.end(), *after) : names.begin();
    const auto count = std::min<std::ptrdiff_t>(page_size, names.end() - first);
    const auto timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    json out{{"results", std::vector<std::string>(first, first + count)}, {"timestamp", timestamp}};
    if (first + count != names.end()) out["nextToken"] = *(first + count - 1);
    return json_response(out);
}

}  // namespace

void add_shadow_routes(Router& router, shadow::Service& service, AuthorizeShadowCall authorize) {
    const auto route = [&](std::string method, Operation operation, std::string_view action) {
        router.add(
            std::move(method), "/things/{thingName}/shadow",
            [&service, authorize, operation, action](Call& call) {
                const auto shadow = shadow_of(call);
                if (authorize) authorize(action, shadow);
                const std::string_view payload = operation == Operation::update
                                                     ? std::string_view{call.request().body}
                                                     : std::string_view{};
                return document_response(service.handle({operation, shadow, payload}, now()));
            });
    };
    route("GET", Operation::get, "iot:GetThingShadow");
    route("POST", Operation::update, "iot:UpdateThingShadow");
    route("DELETE", Operation::delete_shadow, "iot:DeleteThingShadow");
    router.add("GET", "/api/things/shadow/ListNamedShadowsForThing/{thingName}",
               [&service, authorize](Call& call) {
                   if (authorize)
                       authorize("iot:ListNamedShadowsForThing", {call.path("thingName"), ""});
                   return list_named_shadows(service, call);
               });
}

}  // namespace iotemu::api
