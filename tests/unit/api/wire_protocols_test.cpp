// The JSON 1.1 and query protocols' answers and error shapes, and the form bodies query
// requests carry, as botocore reads and writes them (docs/aws/provisioning-and-services.md §0).
#include <catch2/catch.hpp>

#include "api/json_protocol.hpp"
#include "api/query_protocol.hpp"
#include "api/url.hpp"
#include "api/xml.hpp"
#include "api_test_support.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;

namespace {

const RpcService iam_like{.name = "iam",
                          .signing_name = "iam",
                          .protocol = Protocol::query,
                          .version = "2010-05-08",
                          .xml_namespace = "https://iam.amazonaws.com/doc/2010-05-08/"};

}  // namespace

TEST_CASE("a form body decodes with plus as space and percent escapes") {
    const auto form = parse_form(
        "Action=CreateRole&Version=2010-05-08&RoleName=jitr_role&Description=a+b%20c"
        "&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D&Empty=&Flag");
    REQUIRE(form);
    CHECK(find_parameter(*form, "Action") == "CreateRole");
    CHECK(find_parameter(*form, "Description") == "a b c");
    CHECK(find_parameter(*form, "AssumeRolePolicyDocument") == R"({"Version":"2012-10-17"})");
    CHECK(find_parameter(*form, "Empty") == "");
    CHECK(find_parameter(*form, "Flag") == "");
    CHECK_FALSE(find_parameter(*form, "Missing"));
}

TEST_CASE("a form body with a broken percent escape is malformed") {
    const auto body = GENERATE("Action=GetRole&RoleName=%zz", "Action=GetRole%2", "a=%4");
    CAPTURE(body);
    CHECK_FALSE(parse_form(body));
}

TEST_CASE("percent-encoding keeps only unreserved characters") {
    CHECK(percent_encode(
              R"({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}})") ==
          "%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22Service%22%3A%20"
          "%22lambda.amazonaws.com%22%7D%7D");
    CHECK(percent_decode(percent_encode("a/b~c_d-e.f é"), false) == "a/b~c_d-e.f é");
}

TEST_CASE("XML text and attribute values are escaped") {
    auto root = xml::node("R", {xml::leaf("A", "<&>\"'"), xml::leaf("Empty", ""),
                                xml::leaf("Control", std::string("a\x01"
                                                                 "b\r\n"))});
    root.xmlns = "urn:\"x\"";
    CHECK(xml::to_string(root) ==
          "<R xmlns=\"urn:&quot;x&quot;\"><A>&lt;&amp;&gt;\"'</A><Empty/>"
          "<Control>a\xEF\xBF\xBD"
          "b&#13;\n</Control></R>");
}

TEST_CASE("a query answer wraps the result in <Action>Response and <Action>Result") {
    const auto response =
        query_protocol::response(iam_like, "GetRole",
                                 {xml::node("Role", {xml::leaf("RoleName", "r")}),
                                  xml::members("Tags", {xml::node("x", {xml::leaf("Key", "k")})})},
                                 "req-1");
    CHECK(response.status == 200);
    CHECK(header(response, "content-type") == "text/xml");
    CHECK(response.body ==
          "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult>"
          "<Role><RoleName>r</RoleName></Role><Tags><member><Key>k</Key></member></Tags>"
          "</GetRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
          "</GetRoleResponse>");
}

TEST_CASE("a query operation without output answers only its metadata") {
    const auto response = query_protocol::response(iam_like, "DeleteRole", {}, "req-2");
    CHECK(response.body ==
          "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
          "<ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></DeleteRoleResponse>");
}

TEST_CASE("query dates are ISO 8601 in UTC") {
    CHECK(query_protocol::iso8601(Timestamp{std::chrono::seconds(1700000000)}) ==
          "2023-11-14T22:13:20Z");
}

TEST_CASE("a query error is an ErrorResponse with the short code and the model's status") {
    const auto [code, status, type] = GENERATE(table<const char*, int, const char*>({
        {"NoSuchEntity", 404, "Sender"},
        {"EntityAlreadyExists", 409, "Sender"},
        {"DeleteConflict", 409, "Sender"},
        {"LimitExceeded", 409, "Sender"},
        {"MalformedPolicyDocument", 400, "Sender"},
        {"InvalidInput", 400, "Sender"},
        {"ValidationError", 400, "Sender"},
        {"MissingAction", 400, "Sender"},
        {"InvalidAction", 400, "Sender"},
        {"MalformedQueryString", 404, "Sender"},
        {"RegionDisabledException", 403, "Sender"},
        {"ServiceFailure", 500, "Receiver"},
        {"RequestEntityTooLargeException", 413, "Sender"},
    }));
    CAPTURE(code);
    const auto response =
        query_protocol::error_response(iam_like.xml_namespace, AwsError(code, "it <broke>"), "r-9");
    CHECK(response.status == status);
    CHECK(header(response, "content-type") == "text/xml");
    CHECK(response.body == std::string("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/"
                                       "2010-05-08/\"><Error><Type>") +
                               type + "</Type><Code>" + code +
                               "</Code><Message>it &lt;broke&gt;</Message></Error>"
                               "<RequestId>r-9</RequestId></ErrorResponse>");
}

TEST_CASE("the router's own failures take the query spelling") {
    const auto response =
        query_protocol::error_response("", AwsError(aws_errors::internal_failure, "boom"), "r");
    CHECK(response.status == 500);
    CHECK(response.body.find("<Code>InternalFailure</Code>") != std::string::npos);
    CHECK(response.body.find("<Type>Receiver</Type>") != std::string::npos);
}

TEST_CASE("a JSON 1.1 answer is application/x-amz-json-1.1") {
    const auto response = json_protocol::response({{"CertificateArn", "arn:x"}});
    CHECK(response.status == 200);
    CHECK(header(response, "content-type") == "application/x-amz-json-1.1");
    CHECK(body(response) == nlohmann::json{{"CertificateArn", "arn:x"}});
}

TEST_CASE("a JSON 1.1 error carries __type and message, 400 unless the service failed") {
    const auto [code, status] = GENERATE(table<const char*, int>({
        {"ResourceNotFoundException", 400},
        {"InvalidStateException", 400},
        {"MalformedCSRException", 400},
        {"InvalidArnException", 400},
        {"RequestInProgressException", 400},
        {"UnknownOperationException", 400},
        {"SerializationException", 400},
        {"RequestEntityTooLargeException", 413},
        {"InternalFailureException", 500},
        {"ServiceUnavailableException", 503},
    }));
    CAPTURE(code);
    const auto response = json_protocol::error_response(AwsError(code, "why"));
    CHECK(response.status == status);
    CHECK(header(response, "content-type") == "application/x-amz-json-1.1");
    CHECK(error_type(response) == code);
    CHECK(body(response) == nlohmann::json{{"__type", code}, {"message", "why"}});
}
