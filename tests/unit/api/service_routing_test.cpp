// One endpoint for every service: the router picks the service by SigV4 scope, X-Amz-Target,
// the Action form field or the path, answers in that service's protocol, and sizes bodies per
// route (docs/aws/provisioning-and-services.md §5.5).
#include <catch2/catch.hpp>

#include "api/router.hpp"
#include "api_test_support.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

const RpcService json_service{.name = "acm-pca",
                              .signing_name = "acm-pca",
                              .protocol = Protocol::json,
                              .target_prefix = "ACMPrivateCA",
                              .body_limit = 4096};
const RpcService sts_service{.name = "sts",
                             .signing_name = "sts",
                             .protocol = Protocol::query,
                             .version = "2011-06-15",
                             .xml_namespace = "https://sts.amazonaws.com/doc/2011-06-15/"};
const RpcService iam_service{.name = "iam",
                             .signing_name = "iam",
                             .protocol = Protocol::query,
                             .version = "2010-05-08",
                             .xml_namespace = "https://iam.amazonaws.com/doc/2010-05-08/"};

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string authorization(std::string_view service) {
    return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/" + std::string(service) +
           "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
}

Headers signed_for(std::string_view service, Headers more = {}) {
    more.emplace_back("authorization", authorization(service));
    return more;
}

const std::pair<std::string, std::string> form_type{
    "content-type", "application/x-www-form-urlencoded; charset=utf-8"};

Router services_router() {
    Router router;
    router.add("GET", "/things", [](Call&) { return json_response({{"service", "iot"}}); });
    router.add("POST", "/topics/{topic+}", [](Call& call) {
        return json_response({{"service", "iot-data"}, {"topic", call.path("topic")}});
    });
    router.add("POST", "/2015-03-31/functions/{name}/invocations",
               [](Call&) {
                   return json_response({{"service", "lambda"}});
               },
               {6291456, aws_errors::request_too_large, "InvokeFunction"});
    router.add_json_operation(json_service, "DescribeCertificateAuthority", [](Call& call) {
        return json{{"service", "acm-pca"},
                    {"arn", call.body_string("CertificateAuthorityArn").value_or("")}};
    });
    router.add_query_operation(sts_service, "GetCallerIdentity", [](Call& call) {
        return std::vector<xml::Element>{xml::leaf("Account", call.query("Version").value_or(""))};
    });
    router.add_query_operation(iam_service, "GetRole", [](Call& call) {
        return std::vector<xml::Element>{xml::leaf("RoleName", *call.query("RoleName"))};
    });
    return router;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a query call signed for sts reaches STS and answers in XML") {
    const auto response = services_router().dispatch(
        request("POST", "/", "Action=GetCallerIdentity&Version=2011-06-15",
                signed_for("sts", {form_type})));
    CHECK(response.status == 200);
    CHECK(header(response, "content-type") == "text/xml");
    CHECK(contains(response.body,
                   "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/"
                   "doc/2011-06-15/\"><GetCallerIdentityResult>"
                   "<Account>2011-06-15</Account>"));
}

TEST_CASE("a query call signed for iam reaches IAM with its form members") {
    const auto response = services_router().dispatch(
        request("POST", "/", "Action=GetRole&Version=2010-05-08&RoleName=jitr",
                signed_for("iam", {form_type})));
    CHECK(response.status == 200);
    CHECK(contains(response.body, "<GetRoleResult><RoleName>jitr</RoleName></GetRoleResult>"));
}

TEST_CASE("an unsigned query call is routed by its Version, or by its Action") {
    const auto router = services_router();
    CHECK(
        contains(router
                     .dispatch(request("POST", "/", "Action=GetRole&Version=2010-05-08&RoleName=a",
                                       {form_type}))
                     .body,
                 "<GetRoleResponse"));
    CHECK(contains(
        router.dispatch(request("POST", "/", "Action=GetCallerIdentity", {form_type})).body,
        "<GetCallerIdentityResponse"));
    CHECK(contains(
        router.dispatch(request("GET", "/?Action=GetCallerIdentity&Version=2011-06-15")).body,
        "<GetCallerIdentityResponse"));
}

TEST_CASE("a JSON 1.1 call is routed by X-Amz-Target, signed or not") {
    const auto router = services_router();
    for (const auto& headers :
         {Headers{{"x-amz-target", "ACMPrivateCA.DescribeCertificateAuthority"}},
          signed_for("acm-pca", {{"x-amz-target", "ACMPrivateCA.DescribeCertificateAuthority"}})}) {
        const auto response = router.dispatch(
            request("POST", "/", R"({"CertificateAuthorityArn":"arn:ca"})", headers));
        CHECK(response.status == 200);
        CHECK(header(response, "content-type") == "application/x-amz-json-1.1");
        CHECK(body(response) == json{{"service", "acm-pca"}, {"arn", "arn:ca"}});
    }
}

TEST_CASE("rest-json services are routed by path whatever their signing name") {
    const auto router = services_router();
    const auto [service, method, target, expected] =
        GENERATE(table<const char*, const char*, const char*, const char*>({
            {"iot", "GET", "/things", "iot"},
            {"iotdata", "POST", "/topics/a%2Fb", "iot-data"},
            {"iotdevicegateway", "POST", "/topics/a", "iot-data"},
            {"lambda", "POST", "/2015-03-31/functions/f/invocations", "lambda"},
            {"execute-api", "GET", "/things", "iot"},
        }));
    CAPTURE(service, target);
    const auto response = router.dispatch(request(method, target, "", signed_for(service)));
    CHECK(body(response)["service"] == expected);
}

TEST_CASE("a form-encoded POST to a data-plane path stays rest-json") {
    // curl -d sends application/x-www-form-urlencoded to /topics/… without any Action.
    const auto response = services_router().dispatch(
        request("POST", "/topics/hello/world", R"({"hello": "world"})", {form_type}));
    CHECK(body(response)["service"] == "iot-data");
    CHECK(body(response)["topic"] == "hello/world");
}

TEST_CASE("an unknown X-Amz-Target answers UnknownOperationException in JSON 1.1") {
    const auto router = services_router();
    for (const auto* target :
         {"ACMPrivateCA.NoSuchOperation", "Nobody_20240101.Op", "ACMPrivateCA"}) {
        CAPTURE(target);
        const auto response =
            router.dispatch(request("POST", "/", "{}", {{"x-amz-target", target}}));
        CHECK(response.status == 400);
        CHECK(header(response, "content-type") == "application/x-amz-json-1.1");
        CHECK(body(response)["__type"] == "UnknownOperationException");
    }
}

TEST_CASE("a JSON 1.1 body that is not JSON answers SerializationException") {
    const auto response = services_router().dispatch(request(
        "POST", "/", "{not json", {{"x-amz-target", "ACMPrivateCA.DescribeCertificateAuthority"}}));
    CHECK(response.status == 400);
    CHECK(body(response)["__type"] == "SerializationException");
}

TEST_CASE("bad query calls answer in the query error shape") {
    const auto [form, code, status] = GENERATE(table<const char*, const char*, int>({
        {"Action=GetRole&RoleName=%zz", "MalformedQueryString", 404},
        {"Version=2010-05-08&RoleName=a", "MissingAction", 400},
        {"Action=&Version=2010-05-08", "MissingAction", 400},
        {"Action=DeleteEverything&Version=2010-05-08", "InvalidAction", 400},
    }));
    CAPTURE(form);
    const auto response =
        services_router().dispatch(request("POST", "/", form, signed_for("iam", {form_type})));
    CHECK(response.status == status);
    CHECK(header(response, "content-type") == "text/xml");
    CHECK(contains(response.body, std::string("<Code>") + code + "</Code>"));
    CHECK(contains(response.body,
                   "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"));
    CHECK(contains(response.body,
                   "<RequestId>" + header(response, "x-amzn-RequestId") + "</RequestId>"));
}

TEST_CASE("an unsigned query call for an unknown action answers InvalidAction") {
    const auto response = services_router().dispatch(
        request("POST", "/", "Action=ListBuckets&Version=2006-03-01", {form_type}));
    CHECK(response.status == 400);
    CHECK(contains(response.body, "<Code>InvalidAction</Code>"));
}

TEST_CASE("a request signed for a service the emulator does not serve says so") {
    const auto response =
        services_router().dispatch(request("GET", "/bucket", "", signed_for("s3")));
    CHECK(response.status == 404);
    CHECK(error_type(response) == "UnknownOperationException");
    CHECK(contains(body(response)["message"].get<std::string>(), "'s3'"));
}

TEST_CASE("a presigned URL's X-Amz-Credential names the service") {
    const auto response = services_router().dispatch(
        request("GET",
                "/?Action=GetRole&Version=2010-05-08&RoleName=p&X-Amz-Credential=AKID%2F20240501%"
                "2Fus-east-1%2Fiam%2Faws4_request"));
    CHECK(contains(response.body, "<RoleName>p</RoleName>"));
}

TEST_CASE("body limits are chosen per route and per service") {
    const auto router = services_router();
    CHECK(router.body_limit(request("GET", "/things")) == default_body_limit);
    CHECK(router.body_limit(request("POST", "/2015-03-31/functions/f/invocations")) == 6291456);
    CHECK(router.body_limit(request("POST", "/", "", {{"x-amz-target", "ACMPrivateCA.X"}})) ==
          4096);
    CHECK(router.body_limit(request("POST", "/", "", signed_for("iam"))) == default_body_limit);
    CHECK(router.body_limit(request("PUT", "/unknown")) == default_body_limit);
}

TEST_CASE("an oversized body is refused with the route's error in its protocol") {
    const auto router = services_router();
    auto too_large = [&](Request r) {
        r.body_too_large = true;
        return router.dispatch(r);
    };
    const auto invoke = too_large(request("POST", "/2015-03-31/functions/f/invocations"));
    CHECK(invoke.status == 413);
    CHECK(error_type(invoke) == "RequestTooLargeException");
    CHECK(body(invoke)["message"] ==
          "Request must be smaller than 6291456 bytes for the InvokeFunction operation");

    const auto iot = too_large(request("GET", "/things"));
    CHECK(iot.status == 413);
    CHECK(error_type(iot) == "RequestEntityTooLargeException");

    const auto pca = too_large(request("POST", "/", "", {{"x-amz-target", "ACMPrivateCA.X"}}));
    CHECK(pca.status == 413);
    CHECK(body(pca)["__type"] == "RequestEntityTooLargeException");

    const auto iam = too_large(request("POST", "/", "", signed_for("iam", {form_type})));
    CHECK(iam.status == 413);
    CHECK(contains(iam.body, "<Code>RequestEntityTooLargeException</Code>"));
}
