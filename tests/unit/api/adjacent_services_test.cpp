// STS, IAM and ACM PCA through the router with their real cores: request members as botocore
// serializes them, answers and errors as botocore parses them.
#include <catch2/catch.hpp>

#include "api/acm_pca_routes.hpp"
#include "api/iam_routes.hpp"
#include "api/sts_routes.hpp"
#include "api/url.hpp"
#include "api_test_support.hpp"
#include "common/base64.hpp"
#include "pki/csr.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

struct Services {
    services::sts::Service sts{"123456789012"};
    services::iam::Service iam{"123456789012"};
    services::acm_pca::Service pca{"us-east-1", "123456789012"};
    Router router;
    Services() {
        add_sts_operations(router, sts);
        add_iam_operations(router, iam);
        add_acm_pca_operations(router, pca);
    }

    // A query call as botocore sends it, signed for `service` with access key `key`.
    Response query(std::string_view service, std::string form, std::string key = "AKIDEXAMPLE") {
        return router.dispatch(
            request("POST", "/", std::move(form),
                    {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"authorization", "AWS4-HMAC-SHA256 Credential=" + key +
                                           "/20240501/us-east-1/" + std::string(service) +
                                           "/aws4_request, SignedHeaders=host, "
                                           "Signature=0"}}));
    }
    Response pca_call(std::string_view operation, const json& input) {
        return router.dispatch(
            request("POST", "/", input.dump(),
                    {{"content-type", "application/x-amz-json-1.1"},
                     {"x-amz-target", "ACMPrivateCA." + std::string(operation)}}));
    }
};

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// The text of the first <name>…</name> in `xml`.
std::string element(const std::string& xml, const std::string& name) {
    const auto open = xml.find("<" + name + ">");
    if (open == std::string::npos) return {};
    const auto start = open + name.size() + 2;
    return xml.substr(start, xml.find("</" + name + ">", start) - start);
}

const std::string trust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

}  // namespace

TEST_CASE("GetCallerIdentity answers the account, and AssumeRole's keys name their session") {
    Services s;
    const auto root = s.query("sts", "Action=GetCallerIdentity&Version=2011-06-15");
    CHECK(root.status == 200);
    CHECK(element(root.body, "Account") == "123456789012");
    CHECK(element(root.body, "Arn") == "arn:aws:iam::123456789012:root");

    const auto assumed =
        s.query("sts",
                "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
                "%3Arole%2Fjitr&RoleSessionName=s1&DurationSeconds=900");
    REQUIRE(assumed.status == 200);
    const auto key = element(assumed.body, "AccessKeyId");
    CHECK(key.rfind("ASIA", 0) == 0);
    CHECK(element(assumed.body, "Expiration").back() == 'Z');
    CHECK(contains(assumed.body, "<AssumedRoleUser><AssumedRoleId>AROA"));
    const auto session = s.query("sts", "Action=GetCallerIdentity&Version=2011-06-15", key);
    CHECK(element(session.body, "Arn") == "arn:aws:sts::123456789012:assumed-role/jitr/s1");
}

TEST_CASE("AssumeRole without RoleArn answers ValidationError naming the member") {
    Services s;
    const auto response = s.query("sts", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=x1");
    CHECK(response.status == 400);
    CHECK(element(response.body, "Code") == "ValidationError");
    CHECK(contains(element(response.body, "Message"), "'roleArn'"));
}

TEST_CASE("CreateRole reads tags and answers the role with its trust policy URL-encoded") {
    Services s;
    const auto response = s.query(
        "iam", "Action=CreateRole&Version=2010-05-08&RoleName=jitr_role&AssumeRolePolicyDocument=" +
                   percent_encode(trust) +
                   "&Description=AWS+Role&Tags.member.1.Key=team&Tags.member.1.Value=fleet"
                   "&Tags.member.2.Key=env&Tags.member.2.Value=");
    REQUIRE(response.status == 200);
    CHECK(element(response.body, "Arn") == "arn:aws:iam::123456789012:role/jitr_role");
    CHECK(element(response.body, "AssumeRolePolicyDocument") == percent_encode(trust));
    CHECK(element(response.body, "Description") == "AWS Role");
    CHECK(contains(response.body,
                   "<Tags><member><Key>team</Key><Value>fleet</Value></member>"
                   "<member><Key>env</Key><Value/></member></Tags>"));
    CHECK(s.iam.get_role("jitr_role").tags.size() == 2);
}

TEST_CASE("IAM's errors carry IAM's short codes and statuses") {
    Services s;
    const auto missing = s.query("iam", "Action=GetRole&Version=2010-05-08&RoleName=ghost");
    CHECK(missing.status == 404);
    CHECK(element(missing.body, "Code") == "NoSuchEntity");
    CHECK(element(missing.body, "Type") == "Sender");
    const auto form = "Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=" +
                      percent_encode(trust);
    CHECK(s.query("iam", form).status == 200);
    const auto again = s.query("iam", form);
    CHECK(again.status == 409);
    CHECK(element(again.body, "Code") == "EntityAlreadyExists");
    const auto bad = s.query("iam",
                             "Action=CreatePolicy&Version=2010-05-08&PolicyName=p"
                             "&PolicyDocument=%7Bnope");
    CHECK(bad.status == 400);
    CHECK(element(bad.body, "Code") == "MalformedPolicyDocument");
}

TEST_CASE("list operations answer members, IsTruncated and Marker") {
    Services s;
    for (const auto* name : {"a", "b", "c"})
        s.iam.create_role({name, std::nullopt, trust, std::nullopt, std::nullopt, {}});
    const auto first = s.query("iam", "Action=ListRoles&Version=2010-05-08&MaxItems=2");
    CHECK(element(first.body, "IsTruncated") == "true");
    CHECK(element(first.body, "Marker") == "c");
    CHECK(contains(first.body, "<Roles><member><Path>/</Path><RoleName>a</RoleName>"));
    const auto second = s.query("iam", "Action=ListRoles&Version=2010-05-08&MaxItems=2&Marker=c");
    CHECK(element(second.body, "IsTruncated") == "false");
    CHECK(element(second.body, "RoleName") == "c");
    const auto attached =
        s.query("iam", "Action=ListAttachedRolePolicies&Version=2010-05-08&RoleName=a");
    CHECK(contains(attached.body, "<AttachedPolicies/><IsTruncated>false</IsTruncated>"));
}

TEST_CASE("ACM PCA takes base64 blobs in and gives PEM strings out") {
    Services s;
    const auto created =
        s.pca_call("CreateCertificateAuthority",
                   {{"CertificateAuthorityConfiguration",
                     {{"KeyAlgorithm", "EC_prime256v1"},
                      {"SigningAlgorithm", "SHA256WITHECDSA"},
                      {"Subject", {{"CommonName", "Workshop CA"}, {"Country", "DE"}}}}},
                    {"CertificateAuthorityType", "ROOT"},
                    {"RevocationConfiguration", {{"CrlConfiguration", {{"Enabled", false}}}}}});
    REQUIRE(created.status == 200);
    CHECK(header(created, "content-type") == "application/x-amz-json-1.1");
    const std::string arn = body(created)["CertificateAuthorityArn"];

    const std::string csr =
        body(s.pca_call("GetCertificateAuthorityCsr", {{"CertificateAuthorityArn", arn}}))["Csr"];
    CHECK(csr.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0) == 0);
    const auto issued = s.pca_call(
        "IssueCertificate", {{"CertificateAuthorityArn", arn},
                             {"Csr", base64_encode(csr)},
                             {"SigningAlgorithm", "SHA256WITHECDSA"},
                             {"TemplateArn", "arn:aws:acm-pca:::template/RootCACertificate/V1"},
                             {"Validity", {{"Value", 10}, {"Type", "YEARS"}}}});
    REQUIRE(issued.status == 200);
    const std::string certificate_arn = body(issued)["CertificateArn"];
    const auto got = body(s.pca_call(
        "GetCertificate", {{"CertificateAuthorityArn", arn}, {"CertificateArn", certificate_arn}}));
    CHECK_FALSE(got.contains("CertificateChain"));
    CHECK(s.pca_call("ImportCertificateAuthorityCertificate",
                     {{"CertificateAuthorityArn", arn},
                      {"Certificate", base64_encode(got["Certificate"].get<std::string>())}})
              .status == 200);
    const auto described =
        body(s.pca_call("DescribeCertificateAuthority", {{"CertificateAuthorityArn", arn}}));
    const auto& ca = described["CertificateAuthority"];
    CHECK(ca["Status"] == "ACTIVE");
    CHECK(ca["Type"] == "ROOT");
    CHECK(ca["CertificateAuthorityConfiguration"]["Subject"]["CommonName"] == "Workshop CA");
    CHECK(ca["RevocationConfiguration"]["CrlConfiguration"]["Enabled"] == false);
    CHECK(ca["NotAfter"].is_number());
    CHECK(ca["Serial"].is_string());
}

TEST_CASE("ACM PCA's bad input answers in the JSON 1.1 error shape") {
    Services s;
    const auto unknown = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/nope";
    const auto [operation, input, code] = GENERATE_COPY(table<std::string, json, std::string>({
        {"DescribeCertificateAuthority", json{{"CertificateAuthorityArn", unknown}},
         "ResourceNotFoundException"},
        {"DescribeCertificateAuthority", json{{"CertificateAuthorityArn", "arn:aws:iot:x"}},
         "InvalidArnException"},
        {"DescribeCertificateAuthority", json::object(), "ValidationException"},
        {"IssueCertificate",
         json{{"CertificateAuthorityArn", unknown},
              {"Csr", "not base64!"},
              {"SigningAlgorithm", "SHA256WITHRSA"},
              {"Validity", {{"Value", 1}, {"Type", "DAYS"}}}},
         "SerializationException"},
        {"IssueCertificate",
         json{{"CertificateAuthorityArn", unknown},
              {"Csr", base64_encode("not a csr")},
              {"SigningAlgorithm", "SHA256WITHRSA"},
              {"Validity", {{"Value", 1}, {"Type", "DAYS"}}}},
         "MalformedCSRException"},
        {"CreateCertificateAuthority",
         json{{"CertificateAuthorityConfiguration",
               {{"KeyAlgorithm", "RSA_2048"},
                {"SigningAlgorithm", "SHA256WITHRSA"},
                {"Subject", {{"CommonName", "x"}}}}},
              {"CertificateAuthorityType", "INTERMEDIATE"}},
         "ValidationException"},
    }));
    CAPTURE(operation, input.dump());
    const auto response = s.pca_call(operation, input);
    CHECK(response.status == 400);
    CHECK(body(response)["__type"] == code);
}
