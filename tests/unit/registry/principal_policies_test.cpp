// What the broker evaluates a connection against (docs/aws/iot-core.md §5.1, §5.2): the compiled
// default versions of the policies attached to its certificate, the thing its client id names when
// attached, and the generation counter it caches them by.
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

const std::string deny_all =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:*","Resource":"*"}]})";

// What the policies decide for one publish: tells a version that allows from one that denies.
policy::Decision decide(const PrincipalPolicies& principal) {
    std::vector<const policy::CompiledPolicy*> compiled;
    for (const auto& p : principal.policies) compiled.push_back(p.get());
    const policy::Request request{"iot:Publish",
                                  "arn:aws:iot:us-east-1:123456789012:topic/foo/bar"};
    return policy::evaluate(compiled, request, policy::Variables{});
}

}  // namespace

TEST_CASE("A certificate's policies are the default versions of those attached to it",
          "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    const auto other = f.device_certificate("device-2", CertificateStatus::active);
    f.registry->create_policy("Allow", allow_all_policy);
    f.registry->create_policy_version("Allow", deny_all, /*set_as_default=*/false);
    f.registry->create_policy("Unattached", deny_all);
    f.registry->create_policy("OtherCertificate", deny_all);
    f.registry->attach_policy("Allow", certificate.arn);
    f.registry->attach_policy("OtherCertificate", other.arn);

    const auto principal = f.registry->principal_policies(certificate.arn, "device-1");

    CHECK(principal.policies.size() == 1);
    CHECK(decide(principal) == policy::Decision::allow);
    CHECK_FALSE(principal.attached_thing);
}

TEST_CASE("SetDefaultPolicyVersion switches the version a certificate is held to",
          "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    f.registry->create_policy("P", allow_all_policy);
    f.registry->create_policy_version("P", deny_all, false);
    f.registry->attach_policy("P", certificate.arn);
    REQUIRE(decide(f.registry->principal_policies(certificate.arn, "")) == policy::Decision::allow);

    f.registry->set_default_policy_version("P", "2");
    CHECK(decide(f.registry->principal_policies(certificate.arn, "")) ==
          policy::Decision::explicit_deny);

    f.registry->set_default_policy_version("P", "1");
    CHECK(decide(f.registry->principal_policies(certificate.arn, "")) == policy::Decision::allow);
}

TEST_CASE("A detached policy no longer applies", "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    f.registry->create_policy("P", allow_all_policy);
    f.registry->attach_policy("P", certificate.arn);
    REQUIRE(f.registry->principal_policies(certificate.arn, "").policies.size() == 1);

    f.registry->detach_policy("P", certificate.arn);

    const auto principal = f.registry->principal_policies(certificate.arn, "");
    CHECK(principal.policies.empty());
    CHECK(decide(principal) == policy::Decision::implicit_deny);
}

TEST_CASE("A policy version is compiled once and shared", "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    const auto other = f.device_certificate("device-2", CertificateStatus::active);
    f.registry->create_policy("P", allow_all_policy);
    f.registry->attach_policy("P", certificate.arn);
    f.registry->attach_policy("P", other.arn);

    const auto first = f.registry->principal_policies(certificate.arn, "");
    const auto second = f.registry->principal_policies(certificate.arn, "");
    const auto for_other = f.registry->principal_policies(other.arn, "");

    REQUIRE(first.policies.size() == 1);
    REQUIRE(second.policies.size() == 1);
    CHECK(first.policies[0] == second.policies[0]);
    CHECK(first.policies[0] == for_other.policies[0]);
}

TEST_CASE("A policy deleted and created again under its name applies its new document",
          "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    f.registry->create_policy("P", allow_all_policy);
    f.registry->attach_policy("P", certificate.arn);
    REQUIRE(decide(f.registry->principal_policies(certificate.arn, "")) == policy::Decision::allow);
    f.registry->detach_policy("P", certificate.arn);
    f.registry->delete_policy("P");

    f.registry->create_policy("P", deny_all);  // version "1" again, another document
    f.registry->attach_policy("P", certificate.arn);

    CHECK(decide(f.registry->principal_policies(certificate.arn, "")) ==
          policy::Decision::explicit_deny);
}

TEST_CASE(
    "The thing is returned only when the client id names a thing attached to the "
    "certificate",
    "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    const auto other = f.device_certificate("device-2", CertificateStatus::active);
    f.thing("lamp");
    f.thing("fan");
    f.thing("door");
    f.registry->attach_thing_principal("lamp", certificate.arn);
    f.registry->attach_thing_principal("door", other.arn);

    const auto attached = f.registry->principal_policies(certificate.arn, "lamp");
    REQUIRE(attached.attached_thing);
    CHECK(attached.attached_thing->name == "lamp");
    CHECK(attached.attached_thing->arn == f.registry->describe_thing("lamp").arn);

    CHECK_FALSE(f.registry->principal_policies(certificate.arn, "fan").attached_thing);
    CHECK_FALSE(f.registry->principal_policies(certificate.arn, "door").attached_thing);
    CHECK_FALSE(f.registry->principal_policies(certificate.arn, "no-such-thing").attached_thing);
    CHECK_FALSE(f.registry->principal_policies(certificate.arn, "").attached_thing);

    f.registry->detach_thing_principal("lamp", certificate.arn);
    CHECK_FALSE(f.registry->principal_policies(certificate.arn, "lamp").attached_thing);
}

TEST_CASE("An unknown or malformed principal has no policies and no thing",
          "[registry][principal_policies]") {
    Fixture f;
    f.thing("lamp");
    const auto principal =
        GENERATE(as<std::string>{}, "",
                 "arn:aws:iot:us-east-1:123456789012:cert/" + std::string(64, 'a'), "not an arn");
    const auto result = f.registry->principal_policies(principal, "lamp");
    CHECK(result.policies.empty());
    CHECK_FALSE(result.attached_thing);
}

// ---- generation ---------------------------------------------------------------------------------

TEST_CASE("The generation grows with every change and never with a read",
          "[registry][principal_policies]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    auto generation = f.registry->generation();
    const auto grew = [&] {
        const auto now = f.registry->generation();
        const bool result = now > generation;
        generation = now;
        return result;
    };

    f.registry->create_policy("P", allow_all_policy);
    CHECK(grew());
    f.registry->attach_policy("P", certificate.arn);
    CHECK(grew());
    f.thing("lamp");
    CHECK(grew());
    f.registry->attach_thing_principal("lamp", certificate.arn);
    CHECK(grew());
    f.registry->update_certificate(certificate.id, CertificateStatus::inactive);
    CHECK(grew());

    f.registry->describe_certificate(certificate.id);
    f.registry->list_certificates(page_of(25));
    f.registry->get_policy("P");
    f.registry->principal_policies(certificate.arn, "lamp");
    f.registry->update_certificate(certificate.id, CertificateStatus::inactive);  // no-op
    f.registry->attach_policy("P", certificate.arn);                              // no-op
    f.registry->authenticate_device({make_device("stranger", make_root_ca("Unknown CA"))});
    CHECK_FALSE(grew());
}
