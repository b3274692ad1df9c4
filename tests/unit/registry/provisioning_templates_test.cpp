// Provisioning templates in the registry (docs/aws/provisioning-and-services.md §2): creation
// with a checked body, versions (at most five, ids never reused, the default protected),
// updates, deletion, and what a CA's registrationConfig may name.
#include "pki/fixtures.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::TemplateType;

namespace {

constexpr const char* body_v1 = R"({"Resources":{}})";
constexpr const char* body_v2 =
    R"({"Parameters":{"Name":{"Type":"String"}},"Resources":{"thing":{"Type":"AWS::IoT::Thing",)"
    R"("Properties":{"ThingName":{"Ref":"Name"}}}}})";
constexpr const char* role = "arn:aws:iam::123456789012:role/Provisioning";

CreateProvisioningTemplateRequest template_request(const std::string& name,
                                                   TemplateType type = TemplateType::jitp) {
    CreateProvisioningTemplateRequest request;
    request.template_name = name;
    request.template_body = body_v1;
    request.provisioning_role_arn = role;
    request.type = type;
    return request;
}

// A JITP template "jitp" and a FLEET_PROVISIONING one "fleet".
void create_jitp_and_fleet(Fixture& f) {
    f.registry->create_provisioning_template(template_request("jitp"));
    f.registry->create_provisioning_template(
        template_request("fleet", TemplateType::fleet_provisioning));
}

model::ProvisioningHook hook() {
    return {"arn:aws:lambda:us-east-1:123456789012:function:hook", {}};
}

}  // namespace

TEST_CASE("A created template has version 1 as its default and is disabled unless enabled",
          "[registry][templates]") {
    Fixture f;
    auto request = template_request("fleet", TemplateType::fleet_provisioning);
    request.description = "the fleet";
    request.pre_provisioning_hook = hook();
    const auto created = f.registry->create_provisioning_template(request);
    CHECK(created.arn == "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/fleet");
    CHECK(created.default_version_id == 1);
    CHECK_FALSE(created.enabled);

    const auto described = f.registry->describe_provisioning_template("fleet");
    CHECK(described.description == "the fleet");
    CHECK(described.type == TemplateType::fleet_provisioning);
    CHECK(described.provisioning_role_arn == role);
    CHECK(described.pre_provisioning_hook->target_arn == hook().target_arn);
    CHECK(described.default_version().body == body_v1);
    CHECK(f.registry->list_provisioning_templates(page_of(25)).items.size() == 1);
}

TEST_CASE("Creating a template that breaks a rule changes nothing", "[registry][templates]") {
    Fixture f;
    f.registry->create_provisioning_template(template_request("taken"));
    const int saves = f.store->saves;
    SECTION("a body that is not JSON names the problem") {
        auto request = template_request("t");
        request.template_body = "{ nope";
        CHECK_AWS_ERROR_MESSAGE(f.registry->create_provisioning_template(request),
                                "InvalidRequestException",
                                "The provisioning template body is invalid: The template body is "
                                "not valid JSON");
    }
    SECTION("a body with an unknown resource type") {
        auto request = template_request("t");
        request.template_body = R"({"Resources":{"r":{"Type":"AWS::IoT::Role"}}})";
        CHECK_AWS_ERROR_MESSAGE(f.registry->create_provisioning_template(request),
                                "InvalidRequestException",
                                "Resources.r.Type is \"AWS::IoT::Role\"");
    }
    SECTION("a name already taken") {
        try {
            f.registry->create_provisioning_template(template_request("taken"));
            FAIL("created twice");
        } catch (const AwsError& error) {
            CHECK(error.code() == "ResourceAlreadyExistsException");
            CHECK(error.resource_arn() ==
                  "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/taken");
        }
    }
    SECTION("a pre-provisioning hook on a JITP template") {
        auto request = template_request("t");
        request.pre_provisioning_hook = hook();
        CHECK_AWS_ERROR(f.registry->create_provisioning_template(request),
                        "InvalidRequestException");
    }
    SECTION("a name outside the model's pattern") {
        CHECK_AWS_ERROR(f.registry->create_provisioning_template(template_request("a b")),
                        "InvalidRequestException");
    }
    CHECK(f.store->saves == saves);
    CHECK(f.registry->list_provisioning_templates(page_of(25)).items.size() == 1);
}

TEST_CASE("Template versions: at most five, ids never reused, the default protected",
          "[registry][templates]") {
    Fixture f;
    f.registry->create_provisioning_template(template_request("t"));
    const auto v2 = f.registry->create_provisioning_template_version("t", body_v2, false);
    CHECK(v2.version.version_id == 2);
    CHECK_FALSE(v2.is_default);
    CHECK(f.registry->describe_provisioning_template("t").default_version().body == body_v1);

    const auto v3 = f.registry->create_provisioning_template_version("t", body_v2, true);
    CHECK(v3.is_default);
    CHECK(f.registry->describe_provisioning_template("t").default_version_id == 3);
    CHECK_FALSE(f.registry->describe_provisioning_template_version("t", 1).is_default);

    f.registry->create_provisioning_template_version("t", body_v1, false);
    f.registry->create_provisioning_template_version("t", body_v1, false);
    CHECK_AWS_ERROR(f.registry->create_provisioning_template_version("t", body_v1, false),
                    "VersionsLimitExceededException");
    CHECK_AWS_ERROR(f.registry->delete_provisioning_template_version("t", 3),
                    "DeleteConflictException");
    CHECK_AWS_ERROR(f.registry->delete_provisioning_template_version("t", 9),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->create_provisioning_template_version("t", "[]", false),
                    "InvalidRequestException");

    f.registry->delete_provisioning_template_version("t", 2);
    CHECK(
        f.registry->create_provisioning_template_version("t", body_v1, false).version.version_id ==
        6);

    const auto first = f.registry->list_provisioning_template_versions("t", page_of(3));
    REQUIRE(first.items.size() == 3);
    CHECK(first.items[0].version.version_id == 1);
    CHECK(first.items[2].version.version_id == 4);
    const auto second =
        f.registry->list_provisioning_template_versions("t", page_of(3, first.next_marker));
    REQUIRE(second.items.size() == 2);
    CHECK(second.items[1].version.version_id == 6);
    CHECK_FALSE(second.next_marker);
}

TEST_CASE("UpdateProvisioningTemplate changes what it is given and checks the rest",
          "[registry][templates]") {
    Fixture f;
    create_jitp_and_fleet(f);
    f.registry->create_provisioning_template_version("jitp", body_v2, false);

    UpdateProvisioningTemplateRequest update;
    update.enabled = true;
    update.description = "now enabled";
    update.default_version_id = 2;
    f.registry->update_provisioning_template("jitp", update);
    const auto updated = f.registry->describe_provisioning_template("jitp");
    CHECK(updated.enabled);
    CHECK(updated.description == "now enabled");
    CHECK(updated.default_version().body == body_v2);
    CHECK(updated.provisioning_role_arn == role);

    UpdateProvisioningTemplateRequest bad_version;
    bad_version.default_version_id = 7;
    CHECK_AWS_ERROR(f.registry->update_provisioning_template("jitp", bad_version),
                    "ResourceNotFoundException");
    UpdateProvisioningTemplateRequest jitp_hook;
    jitp_hook.pre_provisioning_hook = hook();
    CHECK_AWS_ERROR(f.registry->update_provisioning_template("jitp", jitp_hook),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->update_provisioning_template("missing", update),
                    "ResourceNotFoundException");

    UpdateProvisioningTemplateRequest set_hook;
    set_hook.pre_provisioning_hook = hook();
    f.registry->update_provisioning_template("fleet", set_hook);
    CHECK(f.registry->describe_provisioning_template("fleet").pre_provisioning_hook);
    UpdateProvisioningTemplateRequest remove_hook;
    remove_hook.remove_pre_provisioning_hook = true;
    f.registry->update_provisioning_template("fleet", remove_hook);
    CHECK_FALSE(f.registry->describe_provisioning_template("fleet").pre_provisioning_hook);
}

TEST_CASE("A CA's registrationConfig names an existing JITP template or carries a valid body",
          "[registry][templates]") {
    Fixture f;
    create_jitp_and_fleet(f);
    const auto ca = f.register_ca(make_root_ca("JITP CA"));
    const int saves = f.store->saves;

    using Config = model::RegistrationConfig;
    using Row = std::tuple<Config, std::string, std::string>;
    const auto [config, code, message] = GENERATE(table<Config, std::string, std::string>({
        Row{Config{{}, {}, "missing"}, "ResourceNotFoundException", "missing cannot be found"},
        Row{Config{{}, {}, "fleet"}, "InvalidRequestException", "is of type FLEET_PROVISIONING"},
        Row{Config{"not json", role, {}}, "InvalidRequestException", "not valid JSON"},
        Row{Config{R"({"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":)"
                   R"({"ThingName":{"Fn::If":[]}}}}})",
                   role,
                   {}},
            "InvalidRequestException", "Unknown intrinsic function 'Fn::If'"},
        Row{Config{body_v1, {}, {}}, "InvalidRequestException", "needs the roleArn"},
        Row{Config{body_v1, role, "jitp"}, "InvalidRequestException", "not both"},
        Row{Config{{}, role, {}}, "InvalidRequestException", "roleArn goes with a templateBody"},
    }));
    UpdateCaCertificateRequest update;
    update.registration_config = config;
    CHECK_AWS_ERROR_MESSAGE(f.registry->update_ca_certificate(ca.id, update), code, message);
    CHECK(f.store->saves == saves);
    CHECK(f.registry->describe_ca_certificate(ca.id).registration_config.empty());
}

TEST_CASE("A template a CA names cannot be deleted until the CA lets go of it",
          "[registry][templates]") {
    Fixture f;
    f.registry->create_provisioning_template(template_request("jitp"));
    const auto ca = f.register_ca(make_root_ca("JITP CA"));
    UpdateCaCertificateRequest attach;
    attach.registration_config = model::RegistrationConfig{{}, {}, "jitp"};
    f.registry->update_ca_certificate(ca.id, attach);
    CHECK(f.registry->list_ca_certificates(page_of(25), "jitp").items.size() == 1);

    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_provisioning_template("jitp"),
                            "DeleteConflictException", "is used by CA certificate " + ca.id);
    UpdateCaCertificateRequest detach;
    detach.remove_auto_registration = true;
    f.registry->update_ca_certificate(ca.id, detach);
    f.registry->delete_provisioning_template("jitp");
    CHECK_AWS_ERROR(f.registry->describe_provisioning_template("jitp"),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->delete_provisioning_template("jitp"), "ResourceNotFoundException");
}
