// Just-in-time provisioning at connect (docs/aws/iot-core.md §4.2) and the one step that applies
// a plan (§4.4): what a device's first connection creates, what it leaves untouched when the
// template cannot be satisfied, and each OverrideSetting against things that already exist.
#include "pki/fixtures.hpp"
#include "provisioning/support.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;
using provisioning::Override;

namespace {

constexpr const char* role = "arn:aws:iam::123456789012:role/JITP";

// A template whose thing is named after the CN, with `thing_extra` added to its properties,
// whose certificate is the connecting one and whose one policy is `policy_properties`.
std::string template_with(
    const std::string& thing_extra,
    const std::string& policy_properties = R"({"PolicyName":"workshop-policy"})") {
    return R"({"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":)"
           R"({"Ref":"AWS::IoT::Certificate::CommonName"})" +
           thing_extra +
           R"(}},"certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":)"
           R"({"Ref":"AWS::IoT::Certificate::Id"}}},"policy":{"Type":"AWS::IoT::Policy",)"
           R"("Properties":)" +
           policy_properties + "}}}";
}

pki::X509Certificate device_with_subject(const pki::Issuer& ca,
                                         std::vector<pki::NameEntry> subject) {
    return pki::issue_certificate(profile(std::move(subject), false),
                                  pki::PublicKey::from_private(shared_key()), ca);
}

// A registry with the workshop's prerequisites (bulk-group, workshop-policy) and a CA registered
// with auto-registration and `config`.
struct JitpFixture : Fixture {
    pki::Issuer ca = make_root_ca("JITP CA");
    model::CaCertificate registered;

    explicit JitpFixture(model::RegistrationConfig config = {
                             provisioning::testing::workshop_template("workshop-policy"),
                             role,
                             {}}) {
        group("bulk-group");
        registry->create_policy("workshop-policy", allow_all_policy);
        registered = register_ca(ca, true, true, std::move(config));
    }

    pki::X509Certificate device(const std::string& common_name, bool with_country = true) {
        if (!with_country) return device_with_subject(ca, {{"CN", common_name}});
        return device_with_subject(ca, {{"C", "DE"}, {"CN", common_name}});
    }

    std::vector<std::string> policies_of(const std::string& certificate_arn) {
        std::vector<std::string> out;
        for (const auto& policy :
             registry->list_attached_policies(certificate_arn, page_of(25)).items)
            out.push_back(policy.name);
        return out;
    }
};

// Nothing but the PENDING_ACTIVATION certificate: no thing, no membership, no attachment.
void check_left_pending(JitpFixture& f, const pki::X509Certificate& device) {
    const auto certificate = f.registry->describe_certificate(device.id());
    CHECK(certificate.status == CertificateStatus::pending_activation);
    CHECK(f.registry->list_things({}, page_of(25)).items.empty());
    CHECK(f.registry->list_things_in_thing_group("bulk-group", false, page_of(25)).items.empty());
    CHECK(f.policies_of(certificate.arn).empty());
    CHECK(f.registry->list_policies(page_of(25)).items.size() == 1);
}

}  // namespace

TEST_CASE("The workshop's template provisions an unknown certificate at its first connection",
          "[registry][jitp]") {
    JitpFixture f;
    const auto device = f.device("my-jitp-device");

    const auto first = f.registry->authenticate_device({device});

    // The connection is dropped as on JITR; the event describes the registration.
    REQUIRE(first.verdict == DeviceVerdict::registered);
    CHECK(first.certificate->status == CertificateStatus::pending_activation);
    const auto certificate = f.registry->describe_certificate(device.id());
    CHECK(certificate.status == CertificateStatus::active);
    CHECK(certificate.ca_certificate_id == f.registered.id);
    const auto thing = f.registry->describe_thing("my-jitp-device");
    CHECK(thing.attributes == model::Attributes{{"Country", "DE"}});
    CHECK(f.registry->list_things_in_thing_group("bulk-group", false, page_of(25)).items ==
          std::vector<std::string>{"my-jitp-device"});
    CHECK(f.registry->list_thing_principals("my-jitp-device", page_of(25)).items ==
          std::vector<std::string>{certificate.arn});
    CHECK(f.policies_of(certificate.arn) == std::vector<std::string>{"workshop-policy"});

    // The next connection works under the template's policy, with the thing's variables.
    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::accepted);
    const auto principal = f.registry->principal_policies(certificate.arn, "my-jitp-device");
    CHECK(principal.policies.size() == 1);
    CHECK(principal.attached_thing->name == "my-jitp-device");
}

TEST_CASE("A certificate without a parameter the template declares stays PENDING_ACTIVATION",
          "[registry][jitp]") {
    JitpFixture f;
    const auto device = f.device("no-country", /*with_country=*/false);
    const int saves = f.store->saves;

    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::registered);

    check_left_pending(f, device);
    CHECK(f.store->saves == saves + 1);  // the registration, and nothing else
    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::pending);
    check_left_pending(f, device);
}

TEST_CASE("A template that cannot be satisfied creates nothing", "[registry][jitp]") {
    using Row = std::tuple<std::string, std::string>;
    const auto [why, body] = GENERATE(table<std::string, std::string>({
        Row{"an unknown policy name", template_with("", R"({"PolicyName":"missing-policy"})")},
        Row{"a malformed inline policy", template_with("", R"({"PolicyDocument":"{\"x\":1}"})")},
        Row{"a missing thing group", template_with(R"(,"ThingGroups":["bulk-group","nope"])")},
        Row{"a missing thing type", template_with(R"(,"ThingTypeName":"sensor")")},
        Row{"a billing group", template_with(R"(,"BillingGroup":"bills")")},
        Row{"too many attributes for a thing without a type",
            template_with(R"(,"AttributePayload":{"a":"1","b":"2","c":"3","d":"4"})")},
        Row{"an attribute value AWS refuses", template_with(R"(,"AttributePayload":{"a":"x y"})")},
        Row{"another certificate than the connecting one",
            R"({"Resources":{"certificate":{"Type":"AWS::IoT::Certificate","Properties":)"
            R"({"CertificateId":")" +
                std::string(64, 'a') + R"("}}}})"},
        Row{"no certificate resource",
            R"({"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t"}}}})"},
        Row{"an Fn::Select index out of bounds",
            template_with(R"(,"AttributePayload":{"a":{"Fn::Select":[5,["x"]]}})")},
    }));
    CAPTURE(why);
    JitpFixture f({body, role, {}});
    const auto device = f.device("device-1");

    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::registered);

    check_left_pending(f, device);
}

TEST_CASE("A certificate JITP could not provision is provisioned once the template can be",
          "[registry][jitp]") {
    JitpFixture f({template_with("", R"({"PolicyName":"late-policy"})"), role, {}});
    const auto device = f.device("late-device");
    f.registry->authenticate_device({device});
    check_left_pending(f, device);

    f.registry->create_policy("late-policy", allow_all_policy);
    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::pending);

    CHECK(f.registry->describe_certificate(device.id()).status == CertificateStatus::active);
    CHECK(f.registry->describe_thing("late-device").name == "late-device");
    CHECK(f.registry->authenticate_device({device}).verdict == DeviceVerdict::accepted);
}

TEST_CASE("A CA naming a JITP template provisions with that template's default version",
          "[registry][jitp]") {
    JitpFixture f(model::RegistrationConfig{});
    CreateProvisioningTemplateRequest request;
    request.template_name = "named-jitp";
    request.template_body = template_with(R"(,"AttributePayload":{"version":"v1"})");
    request.provisioning_role_arn = role;
    request.type = model::TemplateType::jitp;
    f.registry->create_provisioning_template(request);
    f.registry->create_provisioning_template_version(
        "named-jitp", template_with(R"(,"AttributePayload":{"version":"v2"})"), true);
    UpdateCaCertificateRequest attach;
    attach.registration_config = model::RegistrationConfig{{}, {}, "named-jitp"};
    f.registry->update_ca_certificate(f.registered.id, attach);

    f.registry->authenticate_device({f.device("named-device")});

    CHECK(f.registry->describe_thing("named-device").attributes.at("version") == "v2");
}

TEST_CASE("An inline PolicyDocument is created once, named by its hash, and reused",
          "[registry][jitp]") {
    const std::string document = R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":)"
                                 R"(\"Allow\",\"Action\":\"iot:Connect\",\"Resource\":\"*\"}]})";
    JitpFixture f({template_with("", R"({"PolicyDocument":")" + document + R"("})"), role, {}});
    const auto one = f.device("one");
    const auto two = f.device("two");
    f.registry->authenticate_device({one});
    f.registry->authenticate_device({two});

    const auto policies = f.registry->list_policies(page_of(25)).items;
    REQUIRE(policies.size() == 2);  // workshop-policy and the inline one
    const std::string hashed = policies[1].name;
    CHECK(hashed.size() == 64);
    const auto arn_of = [&](const pki::X509Certificate& c) {
        return account().arn("cert", c.id());
    };
    CHECK(f.policies_of(arn_of(one)) == std::vector<std::string>{hashed});
    CHECK(f.policies_of(arn_of(two)) == std::vector<std::string>{hashed});
}

// ---- provision(): OverrideSettings against what exists (§4.4) --------------------------------

namespace {

// A registry with thing "t" (attribute old=1, type "old-type", in group "g1") and a
// PENDING_ACTIVATION certificate to provision.
struct ExistingThingFixture : Fixture {
    model::Certificate certificate;

    ExistingThingFixture() {
        create_type("old-type");
        create_type("new-type");
        group("g1");
        group("g2");
        CreateThingRequest request;
        request.thing_name = "t";
        request.thing_type_name = "old-type";
        request.attribute_payload = AttributePayload{{{"old", "1"}}, false};
        registry->create_thing(request);
        registry->add_thing_to_thing_group("g1", "t");
        certificate = device_certificate("device", CertificateStatus::inactive);
    }

    void create_type(const std::string& name) {
        CreateThingTypeRequest request;
        request.thing_type_name = name;
        registry->create_thing_type(request);
    }

    provisioning::Plan plan_for_thing(Override setting) const {
        provisioning::ThingPlan thing;
        thing.logical_id = "thing";
        thing.thing_name = "t";
        thing.attributes = model::Attributes{{"new", "2"}};
        thing.thing_type_name = "new-type";
        thing.thing_groups = std::vector<std::string>{"g2"};
        thing.attribute_payload_override = setting;
        thing.thing_type_name_override = setting == Override::merge ? Override::replace : setting;
        thing.thing_groups_override = setting;
        provisioning::Plan plan;
        plan.thing = thing;
        return plan;
    }

    std::vector<std::string> groups() const {
        std::vector<std::string> out;
        for (const std::string group : {"g1", "g2"})
            if (!registry->list_things_in_thing_group(group, false, page_of(25)).items.empty())
                out.push_back(group);
        return out;
    }
};

}  // namespace

TEST_CASE("OverrideSettings decide what happens to a thing that exists", "[registry][jitp]") {
    using Row = std::tuple<Override, model::Attributes, std::string, std::vector<std::string>>;
    const auto [setting, attributes, type, groups] =
        GENERATE(table<Override, model::Attributes, std::string, std::vector<std::string>>({
            Row{Override::do_nothing, {{"old", "1"}}, "old-type", {"g1"}},
            Row{Override::replace, {{"new", "2"}}, "new-type", {"g2"}},
            Row{Override::merge, {{"new", "2"}, {"old", "1"}}, "new-type", {"g1", "g2"}},
        }));
    ExistingThingFixture f;

    const auto resources = f.registry->provision(f.plan_for_thing(setting));

    CHECK(resources.at("thing") == account().arn("thing", "t"));
    const auto thing = f.registry->describe_thing("t");
    CHECK(thing.attributes == attributes);
    CHECK(thing.thing_type_name == type);
    CHECK(f.groups() == groups);
    CHECK(thing.version == (setting == Override::do_nothing ? 1 : 2));
}

TEST_CASE("A conflicting thing with FAIL refuses the whole plan", "[registry][jitp]") {
    ExistingThingFixture f;
    auto plan = f.plan_for_thing(Override::fail);
    plan.certificate = provisioning::CertificatePlan{"certificate", f.certificate.id,
                                                     CertificateStatus::active, Override::replace};
    plan.policies.push_back({"policy", "new-policy", std::string(allow_all_policy)});
    const int saves = f.store->saves;

    CHECK_AWS_ERROR_MESSAGE(f.registry->provision(plan), "ConflictingResourceUpdateException",
                            "Thing t already exists and the template's OverrideSettings for "
                            "AttributePayload is FAIL");

    CHECK(f.store->saves == saves);
    CHECK(f.registry->describe_thing("t").attributes == model::Attributes{{"old", "1"}});
    CHECK(f.registry->describe_certificate(f.certificate.id).status == CertificateStatus::inactive);
    CHECK_AWS_ERROR(f.registry->get_policy("new-policy"), "ResourceNotFoundException");
    CHECK(f.registry->list_thing_principals("t", page_of(25)).items.empty());
}

TEST_CASE("A provisioned certificate's status follows the Status OverrideSetting",
          "[registry][jitp]") {
    using Row = std::tuple<Override, CertificateStatus>;
    const auto [setting, expected] = GENERATE(table<Override, CertificateStatus>({
        Row{Override::do_nothing, CertificateStatus::inactive},
        Row{Override::replace, CertificateStatus::active},
    }));
    ExistingThingFixture f;
    provisioning::Plan plan;
    plan.certificate = provisioning::CertificatePlan{"certificate", f.certificate.id,
                                                     CertificateStatus::active, setting};
    f.registry->provision(plan);
    CHECK(f.registry->describe_certificate(f.certificate.id).status == expected);

    plan.certificate->status = CertificateStatus::inactive;
    plan.certificate->status_override = Override::fail;
    if (expected == CertificateStatus::active)
        CHECK_AWS_ERROR(f.registry->provision(plan), "ConflictingResourceUpdateException");
    else
        f.registry->provision(plan);  // already INACTIVE: nothing to override
}

TEST_CASE("Provisioning more policies than a certificate may hold changes nothing",
          "[registry][jitp]") {
    ExistingThingFixture f;
    for (int i = 0; i < 9; ++i) {
        f.registry->create_policy("p" + std::to_string(i), allow_all_policy);
        f.registry->attach_policy("p" + std::to_string(i), f.certificate.arn);
    }
    provisioning::Plan plan;
    plan.certificate = provisioning::CertificatePlan{"certificate", f.certificate.id,
                                                     CertificateStatus::active, Override::replace};
    plan.policies.push_back({"a", "p0", {}});  // attached already: does not count
    plan.policies.push_back({"b", "extra-1", std::string(allow_all_policy)});
    plan.policies.push_back({"c", "extra-2", std::string(allow_all_policy)});

    CHECK_AWS_ERROR(f.registry->provision(plan), "LimitExceededException");
    CHECK_AWS_ERROR(f.registry->get_policy("extra-1"), "ResourceNotFoundException");
    CHECK(f.registry->describe_certificate(f.certificate.id).status == CertificateStatus::inactive);

    plan.policies.pop_back();
    const auto resources = f.registry->provision(plan);
    CHECK(resources.at("b") == account().arn("policy", "extra-1"));
    CHECK(f.registry->describe_certificate(f.certificate.id).status == CertificateStatus::active);
}
