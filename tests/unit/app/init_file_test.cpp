// --init files: what parses into which API requests, and every mistake refused with a message
// naming the entry (the API's own refusals are the integration test's).
#include "app/init_file.hpp"

#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "pki/issue.hpp"
#include "pki/key.hpp"
#include "temp_dir.hpp"

using namespace iotemu;
using Catch::Matchers::Contains;

namespace {

const model::Account account{"us-east-1", "123456789012"};

std::string device_pem() {
    const auto key = pki::PrivateKey::generate(pki::KeyType::ec_p256);
    pki::CertificateProfile profile;
    profile.subject = {{"CN", "device"}};
    return pki::issue_self_signed(profile, key).to_pem();
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("init file: sections become the API's requests, in order") {
    testing::TempDir dir;
    const auto pem = device_pem();
    write(dir / "device.crt", pem);
    std::filesystem::create_directories(dir / "handler");
    write(dir / "init.json", R"({
      "things": [{"thingName": "lamp", "attributes": {"room": "hall"}}],
      "certificates": [{"certificate": "device.crt"}],
      "policies": [{"policyName": "p", "policyDocument": {"Version": "2012-10-17", "Statement": []}}],
      "attachments": [{"certificate": "device.crt", "policyName": "p", "thingName": "lamp"}],
      "topicRules": [{"ruleName": "r", "topicRulePayload": {"sql": "SELECT * FROM 't'", "actions": []}}],
      "functions": [{"functionName": "f", "runtime": "python3.11", "handler": "h.handler",
                     "code": "handler"}]
    })");
    const auto plan = app::parse_init_file(dir / "init.json", account);
    std::vector<std::string> targets;
    for (const auto& step : plan.requests)
        targets.push_back(step.request.method + " " + step.request.target);
    CHECK(targets == std::vector<std::string>{"POST /certificate/register-no-ca",
                                              "POST /things/lamp", "POST /policies/p",
                                              "PUT /target-policies/p",
                                              "PUT /things/lamp/principals", "POST /rules/r"});
    const auto policy = nlohmann::json::parse(plan.requests[2].request.body);
    CHECK(policy["policyDocument"].is_string());  // the API takes the document as a string
    const auto& attach = plan.requests[4].request;
    REQUIRE(attach.header("x-amzn-principal"));
    CHECK_THAT(*attach.header("x-amzn-principal"),
               Contains("arn:aws:iot:us-east-1:123456789012:cert/"));
    REQUIRE(plan.functions.size() == 1);
    CHECK(plan.functions[0].declared.directory == (dir / "handler").lexically_normal());
}

TEST_CASE("init file: mistakes are refused, naming the entry") {
    testing::TempDir dir;
    write(dir / "device.crt", device_pem());
    struct Case {
        std::string text;
        std::string message;
    };
    const Case cases[] = {
        {"{", "parse error"},
        {"[]", "must be a JSON object"},
        {R"({"thing": []})", "unknown section \"thing\""},
        {R"({"things": {}})", "\"things\" must be an array"},
        {R"({"things": [7]})", "things[0]: must be a JSON object"},
        {R"({"things": [{"name": "x"}]})", "things[0]: unknown member \"name\""},
        {R"({"things": [{"thingName": 3}]})", "things[0]: \"thingName\" must be a string"},
        {R"({"policies": [{"policyName": "p"}]})", "policies[0]: \"policyDocument\" is missing"},
        {R"({"certificates": [{"certificate": "missing.crt"}]})",
         "certificates[0]: \"certificate\": cannot read"},
        {R"({"caCertificates": [{"certificate": "device.crt"}]})",
         "caCertificates[0]: needs \"key\""},
        {R"({"caCertificates": [{"certificate": "device.crt", "key": "device.crt", "status": "ON"}]})",
         "caCertificates[0]: \"status\" must be ACTIVE or INACTIVE"},
        {R"({"attachments": [{"certificate": "device.crt"}]})",
         "attachments[0]: needs \"policyName\" or \"thingName\""},
        {R"({"attachments": [{"certificate": "-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n", "thingName": "t"}]})",
         "attachments[0]: \"certificate\": "},
        {R"({"functions": [{"functionName": "f", "runtime": "python3.11", "handler": "h", "code": "nowhere"}]})",
         "functions[0]: \"code\": "},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        write(dir / "init.json", c.text);
        try {
            (void)app::parse_init_file(dir / "init.json", account);
            FAIL("accepted");
        } catch (const app::InitError& e) {
            CHECK_THAT(e.what(), Contains("init file " + (dir / "init.json").string() + ": "));
            CHECK_THAT(e.what(), Contains(c.message));
        }
    }
    CHECK_THROWS_AS(app::parse_init_file(dir / "absent.json", account), app::InitError);
}
