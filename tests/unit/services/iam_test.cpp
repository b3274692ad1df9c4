// iam::Service: roles, managed policies and versions, attachments and inline policies, with
// IAM's error codes and messages (docs/aws/provisioning-and-services.md §5.2).
#include "services/iam/iam.hpp"

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace iotemu;
using namespace iotemu::services;
using namespace iotemu::services::test;

namespace {

iam::Role make_role(iam::Service& service, std::string name = "jitr_role") {
    return service.create_role(
        {std::move(name), std::nullopt, lambda_trust, "for JITR", std::nullopt, {}});
}

iam::ManagedPolicy make_policy(iam::Service& service, std::string name = "jitr_policy") {
    return service.create_policy({std::move(name), std::nullopt, jitr_policy, std::nullopt, {}});
}

constexpr const char* basic_execution =
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

}  // namespace

TEST_CASE("a role is created with IAM's ids and ARN and read back by any case of its name") {
    iam::Service service("123456789012");
    const auto role = service.create_role(
        {"JITR_Role", "/service-role/", lambda_trust, std::nullopt, 7200, {{"team", "fleet"}}});
    CHECK(role.arn == "arn:aws:iam::123456789012:role/service-role/JITR_Role");
    CHECK(role.id.rfind("AROA", 0) == 0);
    CHECK(role.id.size() == 21);
    CHECK(role.max_session_duration == 7200);
    const auto read = service.get_role("jitr_role");
    CHECK(read.arn == role.arn);
    CHECK(read.assume_role_policy_document == lambda_trust);
    CHECK(read.tags.at(0).value == "fleet");
}

TEST_CASE("role names are unique regardless of case") {
    iam::Service service("123456789012");
    make_role(service, "jitr");
    CHECK(error_code([&] { make_role(service, "JITR"); }) == "EntityAlreadyExists");
    CHECK(error_message([&] { make_role(service, "JITR"); }) ==
          "Role with name JITR already exists.");
}

TEST_CASE("CreateRole checks its members before anything else") {
    iam::Service service("123456789012");
    const auto [name, path, document, max_session,
                code] = GENERATE(table<std::string, std::string, std::string, std::int64_t,
                                       std::string>({
        {"bad name!", "/", lambda_trust, 3600, "ValidationError"},
        {std::string(65, 'r'), "/", lambda_trust, 3600, "ValidationError"},
        {"r", "no-slashes", lambda_trust, 3600, "ValidationError"},
        {"r", "/", lambda_trust, 60, "ValidationError"},
        {"r", "/", "{not json", 3600, "MalformedPolicyDocument"},
        {"r", "/", R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})", 3600,
         "MalformedPolicyDocument"},
        {"r", "/",
         R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]})",
         3600, "MalformedPolicyDocument"},
    }));
    CAPTURE(name, path, document);
    CHECK(error_code([&] {
              service.create_role({name, path, document, std::nullopt, max_session, {}});
          }) == code);
    CHECK(service.list_roles({}).items.empty());
}

TEST_CASE("an unknown role answers NoSuchEntity with IAM's message") {
    iam::Service service("123456789012");
    CHECK(error_code([&] { service.get_role("ghost"); }) == "NoSuchEntity");
    CHECK(error_message([&] { service.get_role("ghost"); }) ==
          "The role with name ghost cannot be found.");
    CHECK(error_code([&] { service.delete_role("ghost"); }) == "NoSuchEntity");
}

TEST_CASE("AWS managed policies exist from the start and attach to roles") {
    iam::Service service("123456789012");
    for (const auto* arn :
         {"arn:aws:iam::aws:policy/service-role/AWSIoTThingsRegistration",
          "arn:aws:iam::aws:policy/service-role/AWSIoTLogging",
          "arn:aws:iam::aws:policy/service-role/AWSIoTRuleActions", basic_execution}) {
        CAPTURE(arn);
        const auto policy = service.get_policy(arn);
        CHECK(policy.aws_managed);
        CHECK(policy.default_version_id == "v1");
        CHECK(service.get_policy_version(arn, "v1").document.find("\"Statement\"") !=
              std::string::npos);
    }
    make_role(service);
    service.attach_role_policy("jitr_role", basic_execution);
    service.attach_role_policy("jitr_role", basic_execution);  // again: no change
    const auto attached = service.list_attached_role_policies("jitr_role", {});
    REQUIRE(attached.items.size() == 1);
    CHECK(attached.items[0].name == "AWSLambdaBasicExecutionRole");
    CHECK(service.get_policy(basic_execution).attachment_count == 1);
    CHECK(error_code([&] { service.delete_policy(basic_execution); }) == "InvalidInput");
}

TEST_CASE("the boto3 script's role, policy and attachment") {
    iam::Service service("123456789012");
    const auto role = make_role(service);
    const auto policy = make_policy(service);
    CHECK(policy.arn == "arn:aws:iam::123456789012:policy/jitr_policy");
    CHECK(policy.id.rfind("ANPA", 0) == 0);
    service.attach_role_policy(role.name, policy.arn);
    CHECK(service.get_policy(policy.arn).attachment_count == 1);
    CHECK(error_code([&] { service.delete_role(role.name); }) == "DeleteConflict");
    CHECK(error_message([&] { service.delete_role(role.name); }) ==
          "Cannot delete entity, must detach all policies first.");
    CHECK(error_code([&] { service.delete_policy(policy.arn); }) == "DeleteConflict");
    service.detach_role_policy(role.name, policy.arn);
    CHECK(error_code([&] { service.detach_role_policy(role.name, policy.arn); }) == "NoSuchEntity");
    service.delete_policy(policy.arn);
    service.delete_role(role.name);
    CHECK(service.list_roles({}).items.empty());
}

TEST_CASE("attaching what does not exist, or a malformed ARN, is refused") {
    iam::Service service("123456789012");
    make_role(service);
    CHECK(error_code([&] {
              service.attach_role_policy("jitr_role", "arn:aws:iam::123456789012:policy/none");
          }) == "NoSuchEntity");
    CHECK(error_message([&] {
              service.attach_role_policy("jitr_role", "arn:aws:iam::123456789012:policy/none");
          }) ==
          "Policy arn:aws:iam::123456789012:policy/none does not exist or is not attachable.");
    CHECK(error_code([&] { service.get_policy("not-an-arn-but-long-enough"); }) == "InvalidInput");
    CHECK(error_code([&] { service.attach_role_policy("nobody", basic_execution); }) ==
          "NoSuchEntity");
}

TEST_CASE("a role takes at most ten managed policies") {
    iam::Service service("123456789012");
    make_role(service);
    for (int i = 0; i < 10; ++i)
        service.attach_role_policy("jitr_role", make_policy(service, "p" + std::to_string(i)).arn);
    const auto eleventh = make_policy(service, "p10").arn;
    CHECK(error_code([&] { service.attach_role_policy("jitr_role", eleventh); }) ==
          "LimitExceeded");
}

TEST_CASE("policy versions: five at most, one default, the default never deleted") {
    iam::Service service("123456789012");
    const auto arn = make_policy(service).arn;
    const auto v2 = service.create_policy_version(arn, jitr_policy, false);
    CHECK(v2.version_id == "v2");
    CHECK_FALSE(v2.is_default);
    const auto v3 = service.create_policy_version(arn, jitr_policy, true);
    CHECK(v3.is_default);
    CHECK(service.get_policy(arn).default_version_id == "v3");
    CHECK_FALSE(service.get_policy_version(arn, "v1").is_default);
    service.create_policy_version(arn, jitr_policy, false);
    service.create_policy_version(arn, jitr_policy, false);
    CHECK(error_code([&] { service.create_policy_version(arn, jitr_policy, false); }) ==
          "LimitExceeded");
    CHECK(error_code([&] { service.delete_policy_version(arn, "v3"); }) == "DeleteConflict");
    CHECK(error_code([&] { service.get_policy_version(arn, "v9"); }) == "NoSuchEntity");
    CHECK(error_code([&] { service.get_policy_version(arn, "version1"); }) == "ValidationError");
    const auto listed = service.list_policy_versions(arn, {});
    REQUIRE(listed.items.size() == 5);
    CHECK(listed.items.front().version_id == "v5");  // newest first
    CHECK(error_code([&] { service.delete_policy(arn); }) == "DeleteConflict");
    for (const auto* id : {"v1", "v2", "v4", "v5"}) service.delete_policy_version(arn, id);
    service.set_default_policy_version(arn, "v3");
    service.delete_policy(arn);
    CHECK(error_code([&] { service.get_policy(arn); }) == "NoSuchEntity");
}

TEST_CASE("policy documents are checked as IAM checks them") {
    iam::Service service("123456789012");
    const auto [document, message] = GENERATE(table<std::string, std::string>({
        {"[]", "Syntax errors in policy."},
        {"{\"Statement\": ", "This policy contains invalid Json"},
        {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]})",
         "Policy statement must contain actions."},
        {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*"}]})",
         "Policy statement must contain resources."},
        {R"({"Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*","Principal":"*"}]})",
         "Policy document should not specify a principal."},
        {R"({"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]})",
         "Syntax errors in policy."},
        {R"({"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]})",
         "The policy failed legacy parsing"},
    }));
    CAPTURE(document);
    CHECK(error_code([&] {
              service.create_policy({"p", std::nullopt, document, std::nullopt, {}});
          }) == "MalformedPolicyDocument");
    CHECK(error_message([&] {
              service.create_policy({"p", std::nullopt, document, std::nullopt, {}});
          }) == message);
}

TEST_CASE("inline role policies are put, read, listed and deleted") {
    iam::Service service("123456789012");
    make_role(service);
    service.put_role_policy("jitr_role", "logs", jitr_policy);
    service.put_role_policy("jitr_role", "logs", jitr_policy);  // replaces
    service.put_role_policy("jitr_role", "iot", jitr_policy);
    CHECK(service.get_role_policy("jitr_role", "logs") == jitr_policy);
    CHECK(service.list_role_policies("jitr_role", {}).items ==
          std::vector<std::string>{"iot", "logs"});
    CHECK(error_message([&] { service.delete_role("jitr_role"); }) ==
          "Cannot delete entity, must delete policies first.");
    service.delete_role_policy("jitr_role", "logs");
    CHECK(error_code([&] { service.get_role_policy("jitr_role", "logs"); }) == "NoSuchEntity");
    CHECK(error_code([&] { service.delete_role_policy("jitr_role", "logs"); }) == "NoSuchEntity");
}

TEST_CASE("lists page with Marker and MaxItems") {
    iam::Service service("123456789012");
    for (const auto* name : {"a", "b", "c", "d", "e"}) make_role(service, name);
    iam::PageRequest request;
    request.max_items = 2;
    std::vector<std::string> names;
    for (;;) {
        const auto page = service.list_roles(request);
        for (const auto& role : page.items) names.push_back(role.name);
        if (!page.marker) break;
        request.marker = page.marker;
    }
    CHECK(names == std::vector<std::string>{"a", "b", "c", "d", "e"});
    request = {};
    request.max_items = 0;
    CHECK(error_code([&] { service.list_roles(request); }) == "ValidationError");
    request = {};
    request.path_prefix = "/service-role/";
    CHECK(service.list_roles(request).items.empty());
}

TEST_CASE("ListPolicies filters by scope and attachment") {
    iam::Service service("123456789012");
    const auto mine = make_policy(service);
    const auto local = service.list_policies({}, iam::PolicyScope::local, false);
    REQUIRE(local.items.size() == 1);
    CHECK(local.items[0].arn == mine.arn);
    iam::PageRequest all;
    all.max_items = 1000;
    CHECK(service.list_policies(all, iam::PolicyScope::aws, false).items.size() >= 4);
    CHECK(service.list_policies(all, iam::PolicyScope::all, true).items.empty());
}
