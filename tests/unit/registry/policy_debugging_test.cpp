// The policy debugging operations (docs/aws/provisioning-and-services.md §4): GetEffectivePolicies
// with thing groups, TestAuthorization over the broker's own policy set with policies added and
// skipped, and ListPolicyPrincipals.
#include "policy/statement.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

using iotemu::testing::arn;
using iotemu::testing::statement;

std::vector<std::string> names(const std::vector<model::Policy>& policies) {
    std::vector<std::string> out;
    for (const auto& policy : policies) out.push_back(policy.name);
    return out;
}

// A certificate with policy Pub (publish to topic/a/*) and Deny (no publish to topic/a/secret)
// attached, attached to thing "device-1" in group "leaf" under "root"; group policies RootPol
// (publish to topic/root) on root.
struct Debugging {
    Fixture f;
    model::Certificate certificate = f.device_certificate("device-1", CertificateStatus::active);

    Debugging() {
        f.registry->create_policy("Pub", statement("Allow", "iot:Publish", arn + "topic/a/*"));
        f.registry->create_policy("Deny", statement("Deny", "iot:Publish", arn + "topic/a/secret"));
        f.registry->create_policy("Extra", statement("Allow", "iot:Publish", arn + "topic/b"));
        f.registry->create_policy("RootPol", statement("Allow", "iot:Publish", arn + "topic/root"));
        f.registry->attach_policy("Pub", certificate.arn);
        f.registry->attach_policy("Deny", certificate.arn);
        f.thing("device-1");
        f.registry->attach_thing_principal("device-1", certificate.arn);
        f.group("root");
        f.group("leaf", "root");
        f.registry->add_thing_to_thing_group("leaf", "device-1");
        f.registry->attach_policy("RootPol", arn + "thinggroup/root");
    }

    AuthResult publish(const std::string& topic, std::optional<std::string> client_id = {},
                       std::vector<std::string> add = {}, std::vector<std::string> skip = {}) {
        TestAuthorizationRequest request;
        request.principal = certificate.arn;
        request.client_id = std::move(client_id);
        request.auth_infos = {{"iot:Publish", {arn + "topic/" + topic}}};
        request.policy_names_to_add = std::move(add);
        request.policy_names_to_skip = std::move(skip);
        const auto results = f.registry->test_authorization(request);
        REQUIRE(results.size() == 1);
        return results.front();
    }
};

}  // namespace

TEST_CASE("TestAuthorization: allowed, explicit deny and implicit deny with the deciding policies",
          "[registry][test_authorization]") {
    Debugging d;
    const auto allowed = d.publish("a/b");
    CHECK(allowed.decision == policy::Decision::allow);
    CHECK(names(allowed.allowed) == std::vector<std::string>{"Pub"});
    CHECK(names(allowed.implicit_deny) == std::vector<std::string>{"Deny"});

    const auto denied = d.publish("a/secret");
    CHECK(denied.decision == policy::Decision::explicit_deny);
    CHECK(names(denied.explicit_deny) == std::vector<std::string>{"Deny"});
    CHECK(names(denied.allowed) == std::vector<std::string>{"Pub"});

    const auto silent = d.publish("elsewhere");
    CHECK(silent.decision == policy::Decision::implicit_deny);
    CHECK(names(silent.implicit_deny) == std::vector<std::string>{"Deny", "Pub"});
}

TEST_CASE("TestAuthorization honours policyNamesToAdd and policyNamesToSkip",
          "[registry][test_authorization]") {
    Debugging d;
    CHECK(d.publish("b").decision == policy::Decision::implicit_deny);
    CHECK(d.publish("b", {}, {"Extra"}).decision == policy::Decision::allow);
    CHECK(d.publish("a/secret", {}, {}, {"Deny"}).decision == policy::Decision::allow);
    CHECK(d.publish("a/b", {}, {}, {"Pub"}).decision == policy::Decision::implicit_deny);
    CHECK(d.publish("a/b", {}, {"Pub"}).decision == policy::Decision::allow);  // added twice: once
    CHECK_AWS_ERROR(d.publish("a/b", {}, {"Missing"}), "ResourceNotFoundException");
    CHECK_AWS_ERROR(d.publish("a/b", {}, {"bad name!"}), "InvalidRequestException");
}

TEST_CASE("TestAuthorization applies thing-group policies when the client id names the thing",
          "[registry][test_authorization]") {
    Debugging d;
    CHECK(d.publish("root").decision == policy::Decision::implicit_deny);
    CHECK(d.publish("root", "someone-else").decision == policy::Decision::implicit_deny);
    const auto as_thing = d.publish("root", "device-1");
    CHECK(as_thing.decision == policy::Decision::allow);
    CHECK(names(as_thing.allowed) == std::vector<std::string>{"RootPol"});
    // The broker is held to the same set.
    CHECK(d.f.registry->principal_policies(d.certificate.arn, "device-1").policies.size() == 3);
    CHECK(d.f.registry->principal_policies(d.certificate.arn, "nobody").policies.size() == 2);
}

TEST_CASE("TestAuthorization refuses an unknown or malformed principal",
          "[registry][test_authorization]") {
    Debugging d;
    TestAuthorizationRequest request;
    request.auth_infos = {{"iot:Connect", {arn + "client/c"}}};
    request.principal = arn + "cert/" + std::string(64, 'a');
    CHECK_AWS_ERROR(d.f.registry->test_authorization(request), "ResourceNotFoundException");
    request.principal = "us-east-1:1234abcd-cognito";
    CHECK_AWS_ERROR(d.f.registry->test_authorization(request), "InvalidRequestException");
}

TEST_CASE("GetEffectivePolicies adds the policies of a thing's groups and their ancestors",
          "[registry][effective_policies]") {
    Debugging d;
    auto& registry = *d.f.registry;
    CHECK(names(registry.get_effective_policies(d.certificate.arn, std::nullopt)) ==
          std::vector<std::string>{"Deny", "Pub"});
    CHECK(names(registry.get_effective_policies(std::nullopt, std::string("device-1"))) ==
          std::vector<std::string>{"RootPol"});
    CHECK(names(registry.get_effective_policies(d.certificate.arn, std::string("device-1"))) ==
          std::vector<std::string>{"Deny", "Pub", "RootPol"});
    CHECK(names(registry.get_effective_policies(arn + "thinggroup/leaf", std::nullopt)) ==
          std::vector<std::string>{"RootPol"});
    CHECK_AWS_ERROR(registry.get_effective_policies(std::nullopt, std::nullopt),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(registry.get_effective_policies(std::nullopt, std::string("ghost")),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(
        registry.get_effective_policies(arn + "cert/" + std::string(64, 'b'), std::nullopt),
        "ResourceNotFoundException");
}

TEST_CASE("ListPolicyPrincipals lists the certificates a policy is attached to, not groups",
          "[registry][effective_policies]") {
    Debugging d;
    d.f.registry->attach_policy("RootPol", d.certificate.arn);
    const auto page = d.f.registry->list_policy_principals("RootPol", page_of(25));
    CHECK(page.items == std::vector<std::string>{d.certificate.arn});
    CHECK(d.f.registry->list_targets_for_policy("RootPol", page_of(25)).items.size() == 2);
    CHECK_AWS_ERROR(d.f.registry->list_policy_principals("Nope", page_of(25)),
                    "ResourceNotFoundException");
}
