// Provisioning by trusted user and the control plane's RegisterThing
// (docs/aws/provisioning-and-services.md §1.10, §2): temporary claim certificates authenticate,
// carry only their template's fleet-provisioning topics and stay out of the certificate list;
// RegisterThing applies a template body with the caller's parameters.
#include <chrono>

#include <catch2/catch.hpp>

#include "policy/evaluate.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;

namespace {

const std::string fleet_template = R"({
  "Parameters": {"SerialNumber": {"Type": "String"}, "AWS::IoT::Certificate::Id": {"Type": "String"}},
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing",
              "Properties": {"ThingName": {"Fn::Join": ["", ["Fleet_", {"Ref": "SerialNumber"}]]}}},
    "certificate": {"Type": "AWS::IoT::Certificate",
      "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}},
    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyName": "device"}}
  }
})";

void add_template(Fixture& f, const std::string& name,
                  model::TemplateType type = model::TemplateType::fleet_provisioning) {
    CreateProvisioningTemplateRequest request;
    request.template_name = name;
    request.template_body = fleet_template;
    request.enabled = true;
    request.provisioning_role_arn = "arn:aws:iam::123456789012:role/Provisioning";
    request.type = type;
    f.registry->create_provisioning_template(request);
}

policy::Decision decide(const PrincipalPolicies& policies, const std::string& action,
                        const std::string& resource) {
    std::vector<const policy::CompiledPolicy*> compiled;
    for (const auto& p : policies.policies) compiled.push_back(p.get());
    return policy::evaluate(compiled,
                            {action, account().arn(resource.substr(0, resource.find('/')),
                                                   resource.substr(resource.find('/') + 1))},
                            {});
}

}  // namespace

TEST_CASE("A provisioning claim connects for five minutes, unlisted, on its template's topics") {
    Fixture f;
    add_template(f, "FleetTemplate");
    const auto claim = f.registry->create_provisioning_claim("FleetTemplate");
    const auto certificate = pki::X509Certificate::from_pem(claim.certificate.pem);
    REQUIRE(certificate);
    CHECK(certificate->id() == claim.certificate.id);
    CHECK(claim.private_key_pem.find("PRIVATE KEY-----") != std::string::npos);
    const auto lifetime = claim.expiration - now();
    CHECK(lifetime > std::chrono::minutes{4});
    CHECK(lifetime <= std::chrono::minutes{5});
    CHECK(certificate->is_valid_at(now()));
    CHECK_FALSE(certificate->is_valid_at(claim.expiration + std::chrono::seconds{1}));

    CHECK(f.registry->list_certificates({}).items.empty());
    const auto verdict = f.registry->authenticate_device({*certificate});
    CHECK(verdict.verdict == DeviceVerdict::accepted);

    const auto policies = f.registry->principal_policies(claim.certificate.arn, "any-client");
    using policy::Decision;
    using Row = std::tuple<std::string, std::string, Decision>;
    const auto row = GENERATE(table<std::string, std::string, Decision>({
        Row{"iot:Connect", "client/any-client", Decision::allow},
        Row{"iot:Publish", "topic/$aws/certificates/create/json", Decision::allow},
        Row{"iot:Publish", "topic/$aws/certificates/create-from-csr/cbor", Decision::allow},
        Row{"iot:Receive", "topic/$aws/certificates/create/json/accepted", Decision::allow},
        Row{"iot:Subscribe", "topicfilter/$aws/certificates/create/json/rejected", Decision::allow},
        Row{"iot:Publish", "topic/$aws/provisioning-templates/FleetTemplate/provision/json",
            Decision::allow},
        Row{"iot:Publish", "topic/$aws/provisioning-templates/Other/provision/json",
            Decision::implicit_deny},
        Row{"iot:Publish", "topic/devices/anything", Decision::implicit_deny},
        Row{"iot:Subscribe", "topicfilter/#", Decision::implicit_deny},
    }));
    const auto& [action, resource, expected] = row;
    CAPTURE(action, resource);
    CHECK(decide(policies, action, resource) == expected);
}

TEST_CASE("CreateProvisioningClaim needs an existing FLEET_PROVISIONING template") {
    Fixture f;
    add_template(f, "JitpTemplate", model::TemplateType::jitp);
    CHECK_AWS_ERROR(f.registry->create_provisioning_claim("Missing"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->create_provisioning_claim("JitpTemplate"),
                    "InvalidRequestException");
}

TEST_CASE("RegisterThing applies a template body with the caller's parameters") {
    Fixture f;
    f.registry->create_policy("device", R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]})");
    const auto certificate =
        f.registry->create_keys_and_certificate(model::CertificateStatus::pending_activation)
            .certificate;
    const auto registered = f.registry->register_thing(
        fleet_template, {{"SerialNumber", "7"}, {"AWS::IoT::Certificate::Id", certificate.id}});
    CHECK(registered.certificate_pem == certificate.pem);
    CHECK(registered.resource_arns ==
          ProvisionedResources{{"thing", account().arn("thing", "Fleet_7")},
                               {"certificate", certificate.arn},
                               {"policy", account().arn("policy", "device")}});
    CHECK(f.registry->describe_certificate(certificate.id).status ==
          model::CertificateStatus::active);
}

TEST_CASE("RegisterThing refuses a bad body and a template it cannot satisfy") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", model::CertificateStatus::active);
    CHECK_AWS_ERROR(f.registry->register_thing("{not json", {}), "InvalidRequestException");
    // No SerialNumber.
    CHECK_AWS_ERROR_MESSAGE(
        f.registry->register_thing(fleet_template, {{"AWS::IoT::Certificate::Id", certificate.id}}),
        "ResourceRegistrationFailureException", "SerialNumber");
    // The policy "device" does not exist.
    CHECK_AWS_ERROR_MESSAGE(
        f.registry->register_thing(
            fleet_template, {{"SerialNumber", "7"}, {"AWS::IoT::Certificate::Id", certificate.id}}),
        "ResourceRegistrationFailureException", "device");
    CHECK(f.registry->list_things({}, {}).items.empty());
}
