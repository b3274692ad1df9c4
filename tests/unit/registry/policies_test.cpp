// Policies, versions and attachments (docs/aws/iot-core.md §2.5).
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

const std::string deny_all = R"({"Statement":{"Effect":"Deny","Action":"iot:*","Resource":"*"}})";

std::vector<std::string> version_ids(const std::vector<PolicyVersionView>& versions) {
    std::vector<std::string> out;
    for (const auto& v : versions) out.push_back(v.version.version_id + (v.is_default ? "*" : ""));
    return out;
}

}  // namespace

TEST_CASE("CreatePolicy makes version 1 the default", "[registry][policies]") {
    Fixture f;
    const auto created = f.registry->create_policy("PubSub", allow_all_policy);
    CHECK(created.policy.arn == "arn:aws:iot:us-east-1:123456789012:policy/PubSub");
    CHECK(created.version.version_id == "1");
    CHECK(created.is_default);
    const auto policy = f.registry->get_policy("PubSub");
    CHECK(policy.default_version_id == "1");
    CHECK(policy.default_version().document == allow_all_policy);
    CHECK(policy.generation_id.size() == 36);
}

TEST_CASE("CreatePolicy rejects duplicates, malformed documents and bad names",
          "[registry][policies]") {
    Fixture f;
    f.registry->create_policy("p", allow_all_policy);
    CHECK_AWS_ERROR_MESSAGE(f.registry->create_policy("p", deny_all),
                            "ResourceAlreadyExistsException",
                            "Policy cannot be created - name already exists (name=p)");
    CHECK(f.registry->get_policy("p").default_version().document == allow_all_policy);
    CHECK_AWS_ERROR_MESSAGE(f.registry->create_policy("q", "{\"Statement\": []}"),
                            "MalformedPolicyException", "empty array");
    CHECK_AWS_ERROR(f.registry->create_policy("q", "not json"), "MalformedPolicyException");
    CHECK_AWS_ERROR(f.registry->create_policy("bad name", allow_all_policy),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->get_policy("q"), "ResourceNotFoundException");
    CHECK(f.store->saves == 1);
}

TEST_CASE("Policy versions count up, are never reused and stop at five", "[registry][policies]") {
    Fixture f;
    f.registry->create_policy("p", allow_all_policy);
    for (int i = 0; i < 4; ++i) f.registry->create_policy_version("p", deny_all, false);
    CHECK(version_ids(f.registry->list_policy_versions("p")) ==
          std::vector<std::string>{"5", "4", "3", "2", "1*"});
    CHECK_AWS_ERROR(f.registry->create_policy_version("p", deny_all, true),
                    "VersionsLimitExceededException");
    CHECK(f.registry->list_policy_versions("p").size() == 5);

    f.registry->delete_policy_version("p", "5");
    const auto sixth = f.registry->create_policy_version("p", deny_all, true);
    CHECK(sixth.version.version_id == "6");
    CHECK(sixth.is_default);
    CHECK(f.registry->get_policy("p").default_version_id == "6");
    CHECK_AWS_ERROR(f.registry->create_policy_version("p", "{}", false),
                    "MalformedPolicyException");
    CHECK_AWS_ERROR(f.registry->create_policy_version("ghost", deny_all, false),
                    "ResourceNotFoundException");
}

TEST_CASE("Versions can be read, made default and deleted unless default", "[registry][policies]") {
    Fixture f;
    f.registry->create_policy("p", allow_all_policy);
    f.registry->create_policy_version("p", deny_all, false);
    const auto v2 = f.registry->get_policy_version("p", "2");
    CHECK(v2.version.document == deny_all);
    CHECK_FALSE(v2.is_default);
    CHECK_AWS_ERROR(f.registry->get_policy_version("p", "9"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->get_policy_version("p", "x"), "InvalidRequestException");

    f.registry->set_default_policy_version("p", "2");
    CHECK(f.registry->get_policy_version("p", "2").is_default);
    CHECK_AWS_ERROR(f.registry->set_default_policy_version("p", "7"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->delete_policy_version("p", "2"), "DeleteConflictException");
    f.registry->delete_policy_version("p", "1");
    CHECK(version_ids(f.registry->list_policy_versions("p")) == std::vector<std::string>{"2*"});
    CHECK_AWS_ERROR(f.registry->delete_policy_version("p", "1"), "ResourceNotFoundException");
}

TEST_CASE("DeletePolicy is refused while versions or attachments remain", "[registry][policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    f.registry->create_policy("p", allow_all_policy);
    f.registry->create_policy_version("p", deny_all, false);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_policy("p"), "DeleteConflictException",
                            "non-default versions");
    f.registry->delete_policy_version("p", "2");
    f.registry->attach_policy("p", certificate.arn);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_policy("p"), "DeleteConflictException", "attached");
    CHECK(f.registry->get_policy("p").name == "p");

    f.registry->detach_policy("p", certificate.arn);
    f.registry->delete_policy("p");
    CHECK_AWS_ERROR(f.registry->get_policy("p"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->delete_policy("p"), "ResourceNotFoundException");
    // A policy created again under the same name starts over at version 1.
    CHECK(f.registry->create_policy("p", deny_all).version.version_id == "1");
}

TEST_CASE("Policies attach idempotently to certificates and thing groups", "[registry][policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    const auto group = f.group("g");
    f.registry->create_policy("a", allow_all_policy);
    f.registry->create_policy("b", deny_all);

    f.registry->attach_policy("a", certificate.arn);
    const int saves = f.store->saves;
    f.registry->attach_policy("a", certificate.arn);
    CHECK(f.store->saves == saves);
    f.registry->attach_policy("b", certificate.arn);
    f.registry->attach_policy("a", group.arn);

    const auto attached = f.registry->list_attached_policies(certificate.arn, page_of(25)).items;
    REQUIRE(attached.size() == 2);
    CHECK(attached[0].name == "a");
    CHECK(attached[1].name == "b");
    CHECK(f.registry->list_targets_for_policy("a", page_of(25)).items ==
          std::vector<std::string>{certificate.arn, group.arn});

    f.registry->detach_policy("a", certificate.arn);
    f.registry->detach_policy("a", certificate.arn);  // not attached: success
    f.registry->detach_policy("ghost", certificate.arn);
    CHECK(f.registry->list_targets_for_policy("a", page_of(25)).items ==
          std::vector<std::string>{group.arn});
}

TEST_CASE("Attaching needs an existing policy and target", "[registry][policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    f.registry->create_policy("p", allow_all_policy);
    const int saves = f.store->saves;
    CHECK_AWS_ERROR(f.registry->attach_policy("ghost", certificate.arn),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->attach_policy("p", account().arn("cert", std::string(64, 'd'))),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->attach_policy("p", account().arn("thinggroup", "ghost")),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->attach_policy("p", "us-east-1:cognito-id"),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(
        f.registry->list_attached_policies(account().arn("thinggroup", "ghost"), page_of(25)),
        "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->list_targets_for_policy("ghost", page_of(25)),
                    "ResourceNotFoundException");
    CHECK(f.store->saves == saves);
    CHECK(f.registry->list_targets_for_policy("p", page_of(25)).items.empty());
}

TEST_CASE("A target takes at most ten policies", "[registry][policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    for (int i = 0; i < 11; ++i) f.registry->create_policy("p" + std::to_string(i), deny_all);
    for (int i = 0; i < 10; ++i)
        f.registry->attach_policy("p" + std::to_string(i), certificate.arn);
    CHECK_AWS_ERROR(f.registry->attach_policy("p10", certificate.arn), "LimitExceededException");
    f.registry->attach_policy("p9", certificate.arn);  // re-attaching is still fine
    CHECK(f.registry->list_attached_policies(certificate.arn, page_of(25)).items.size() == 10);
}
