// Router: matching, decoding, precedence and the never-throwing error answers.
#include "api/router.hpp"

#include <stdexcept>

#include <catch2/catch.hpp>

#include "api_test_support.hpp"
#include "common/aws_error.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

// A router whose handlers echo the route name, path parameters and query members.
Router echo_router() {
    Router router;
    auto echo = [](std::string name, std::vector<std::string> params) {
        return [name, params](Call& call) {
            json out = {{"route", name}};
            for (const auto& p : params) out["path"][p] = call.path(p);
            for (const auto* key : {"marker", "q", "plus"})
                if (auto v = call.query(key)) out["query"][key] = *v;
            return json_response(out);
        };
    };
    router.add("GET", "/things", echo("ListThings", {}));
    router.add("GET", "/things/{thingName}", echo("DescribeThing", {"thingName"}));
    router.add("PUT", "/thing-groups/{thingGroupName}", echo("PutGroup", {"thingGroupName"}));
    router.add("PUT", "/thing-groups/addThingToThingGroup", echo("AddThingToThingGroup", {}));
    router.add("POST", "/attached-policies/{target}", echo("ListAttachedPolicies", {"target"}));
    router.add("POST", "/topics/{topic+}", echo("Publish", {"topic"}));
    router.add("GET", "/", echo("Root", {}));
    return router;
}

}  // namespace

TEST_CASE("a literal path routes to its handler with a 200 JSON answer") {
    const auto response = echo_router().dispatch(request("GET", "/things"));
    CHECK(response.status == 200);
    CHECK(header(response, "content-type") == "application/json");
    CHECK(body(response)["route"] == "ListThings");
}

TEST_CASE("a path parameter captures one decoded segment") {
    const auto response = echo_router().dispatch(request("GET", "/things/my%2Dthing"));
    CHECK(body(response)["path"]["thingName"] == "my-thing");
}

TEST_CASE("an ARN percent-encoded in a path segment stays one parameter") {
    const auto response = echo_router().dispatch(request(
        "POST", "/attached-policies/arn%3Aaws%3Aiot%3Aus-east-1%3A123456789012%3Acert%2Fabc"));
    REQUIRE(response.status == 200);
    CHECK(body(response)["path"]["target"] == "arn:aws:iot:us-east-1:123456789012:cert/abc");
}

TEST_CASE("a plus sign in a path segment is not a space") {
    const auto response = echo_router().dispatch(request("GET", "/things/a+b%20c"));
    CHECK(body(response)["path"]["thingName"] == "a+b c");
}

TEST_CASE("query values are decoded with plus as space and %20 as space") {
    const auto response =
        echo_router().dispatch(request("GET", "/things?marker=a%2Fb%3D%3D&q=x%20y&plus=1+2"));
    const auto out = body(response);
    CHECK(out["query"]["marker"] == "a/b==");
    CHECK(out["query"]["q"] == "x y");
    CHECK(out["query"]["plus"] == "1 2");
}

TEST_CASE("a literal segment beats a parameter in the same position") {
    const auto router = echo_router();
    CHECK(body(router.dispatch(request("PUT", "/thing-groups/addThingToThingGroup")))["route"] ==
          "AddThingToThingGroup");
    CHECK(body(router.dispatch(request("PUT", "/thing-groups/lights")))["route"] == "PutGroup");
}

TEST_CASE("route precedence does not depend on registration order") {
    Router router;
    router.add("GET", "/a/{x}", [](Call&) { return json_response({{"route", "param"}}); });
    router.add("GET", "/a/b", [](Call&) { return json_response({{"route", "literal"}}); });
    CHECK(body(router.dispatch(request("GET", "/a/b")))["route"] == "literal");
    CHECK(body(router.dispatch(request("GET", "/a/c")))["route"] == "param");
}

TEST_CASE("a greedy parameter captures the rest of the path") {
    const auto response = echo_router().dispatch(request("POST", "/topics/a/b%2Fc/d?qos=1"));
    CHECK(body(response)["path"]["topic"] == "a/b/c/d");
}

TEST_CASE("a greedy parameter needs at least one non-empty segment") {
    const auto response = echo_router().dispatch(request("POST", "/topics/"));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "UnknownOperationException");
}

TEST_CASE("an empty segment does not fill a parameter") {
    const auto response = echo_router().dispatch(request("GET", "/things/"));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "UnknownOperationException");
}

TEST_CASE("the root path routes") {
    CHECK(body(echo_router().dispatch(request("GET", "/")))["route"] == "Root");
}

TEST_CASE("an unknown path answers UnknownOperationException 404 naming method and path") {
    const auto response = echo_router().dispatch(request("GET", "/nothing/here?x=1"));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "UnknownOperationException");
    const std::string message = body(response)["message"];
    CHECK(message.find("GET /nothing/here") != std::string::npos);
}

TEST_CASE("a known path with another method answers UnknownOperationException") {
    const auto response = echo_router().dispatch(request("DELETE", "/things"));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "UnknownOperationException");
    const std::string message = body(response)["message"];
    CHECK(message.find("DELETE /things") != std::string::npos);
}

TEST_CASE("an AwsError from a handler becomes its error response") {
    Router router;
    router.add("GET", "/x", [](Call&) -> Response {
        throw AwsError(aws_errors::resource_not_found, "no such x");
    });
    const auto response = router.dispatch(request("GET", "/x"));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "ResourceNotFoundException");
    CHECK(body(response)["message"] == "no such x");
}

TEST_CASE("any other exception becomes InternalFailureException 500 without its text") {
    Router router;
    router.add("GET", "/x", [](Call&) -> Response { throw std::runtime_error("secret detail"); });
    const auto response = router.dispatch(request("GET", "/x"));
    CHECK(response.status == 500);
    CHECK(error_type(response) == "InternalFailureException");
    const std::string message = body(response)["message"];
    CHECK(message.find("secret detail") == std::string::npos);
}

TEST_CASE("a handler asking for a path parameter its route lacks is an internal failure") {
    Router router;
    router.add("GET", "/x", [](Call& call) { return json_response({{"v", call.path("nope")}}); });
    CHECK(router.dispatch(request("GET", "/x")).status == 500);
}

TEST_CASE("every response carries a fresh x-amzn-RequestId") {
    const auto router = echo_router();
    const auto ok = router.dispatch(request("GET", "/things"));
    const auto failed = router.dispatch(request("GET", "/nope"));
    CHECK(header(ok, "x-amzn-RequestId").size() == 36);
    CHECK(header(failed, "x-amzn-RequestId").size() == 36);
    CHECK(header(ok, "x-amzn-RequestId") != header(failed, "x-amzn-RequestId"));
}

TEST_CASE("a malformed percent escape is kept verbatim") {
    const auto response = echo_router().dispatch(request("GET", "/things/a%zz%4"));
    CHECK(body(response)["path"]["thingName"] == "a%zz%4");
}
