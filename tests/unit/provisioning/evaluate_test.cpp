// evaluate(): every intrinsic function, each override setting, each evaluation failure, and the
// JITP workshop's template verbatim — what the registry is then asked to do.
#include <catch2/catch.hpp>

#include "pki/digest.hpp"
#include "support.hpp"

using namespace iotemu;
using namespace iotemu::provisioning;
using namespace iotemu::provisioning::testing;

namespace {

// A template with parameter P (Default "dflt" when `with_default`), a mapping M, and a thing
// whose attribute "v" is `expression`.
std::string attribute_template(const std::string& expression, bool with_default = false) {
    return std::string(R"({"Parameters":{"P":{"Type":"String")") +
           (with_default ? R"(,"Default":"dflt")" : "") +
           R"(}},"Mappings":{"M":{"x":{"k":"from-map","n":42},"y":{"k":"other"}}},)"
           R"("Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t",)"
           R"("AttributePayload":{"v":)" +
           expression + "}}}}}";
}

std::string attribute_value(const std::string& expression, const Parameters& parameters) {
    const Plan plan = plan_of(attribute_template(expression), parameters);
    REQUIRE(plan.thing);
    REQUIRE(plan.thing->attributes);
    return plan.thing->attributes->at("v");
}

}  // namespace

TEST_CASE("The JITP workshop's template provisions a thing named after the certificate's CN",
          "[provisioning][evaluate]") {
    const Plan plan = plan_of(workshop_template("workshop-policy"),
                              {{"AWS::IoT::Certificate::Id", "abc123"},
                               {"AWS::IoT::Certificate::CommonName", "my-jitp-device"},
                               {"AWS::IoT::Certificate::Country", "DE"}});
    REQUIRE(plan.thing);
    CHECK(plan.thing->logical_id == "thing");
    CHECK(plan.thing->thing_name == "my-jitp-device");
    CHECK(plan.thing->attributes == model::Attributes{{"Country", "DE"}});
    CHECK(plan.thing->thing_groups == std::vector<std::string>{"bulk-group"});
    CHECK_FALSE(plan.thing->thing_type_name);
    CHECK_FALSE(plan.thing->billing_group);
    REQUIRE(plan.certificate);
    CHECK(plan.certificate->certificate_id == "abc123");
    CHECK(plan.certificate->status == model::CertificateStatus::active);
    REQUIRE(plan.policies.size() == 1);
    CHECK(plan.policies[0].policy_name == "workshop-policy");
    CHECK_FALSE(plan.policies[0].policy_document);
}

TEST_CASE("The workshop's template fails for a certificate without a Country",
          "[provisioning][evaluate]") {
    CHECK(evaluate_error(workshop_template("workshop-policy"),
                         {{"AWS::IoT::Certificate::Id", "abc123"},
                          {"AWS::IoT::Certificate::CommonName", "dev"}}) ==
          "Parameter 'AWS::IoT::Certificate::Country' has no value and no Default.");
}

TEST_CASE("Each intrinsic function evaluates as AWS documents it", "[provisioning][evaluate]") {
    using Row = std::tuple<std::string, std::string>;
    const auto [expression, expected] = GENERATE(table<std::string, std::string>({
        Row{R"({"Ref":"P"})", "p-value"},
        Row{R"({"Ref":"AWS::IoT::Certificate::Id"})", "cert-id"},  // supplied, not declared
        Row{R"("literal")", "literal"},
        Row{R"(7)", "7"},
        Row{R"({"Fn::Join":["-",["a",{"Ref":"P"},"b"]]})", "a-p-value-b"},
        Row{R"({"Fn::Join":["",["x",{"Ref":"P"}]]})", "xp-value"},
        Row{R"({"Fn::Join":[",",{"Fn::Split":["/","a/b/c"]}]})", "a,b,c"},
        Row{R"({"Fn::Select":[1,["a","b","c"]]})", "b"},
        Row{R"({"Fn::Select":["2",["a","b","c"]]})", "c"},
        Row{R"({"Fn::Select":[0,{"Fn::Split":["-",{"Ref":"P"}]}]})", "p"},
        Row{R"({"Fn::Select":[1,{"Fn::Split":["::","a::b::c"]}]})", "b"},
        Row{R"({"Fn::Select":[1,{"Fn::Split":[",","a,"]}]})", ""},
        Row{R"({"Fn::FindInMap":["M","x","k"]})", "from-map"},
        Row{R"({"Fn::FindInMap":["M",{"Fn::Select":[1,["x","y"]]},"k"]})", "other"},
        Row{R"({"Fn::FindInMap":["M","x","n"]})", "42"},
        Row{R"({"Fn::Sub":"${P}-suffix"})", "p-value-suffix"},
        Row{R"({"Fn::Sub":"id-${AWS::IoT::Certificate::Id}"})", "id-cert-id"},
        Row{R"({"Fn::Sub":["${a}:${P}",{"a":{"Fn::Join":["",["j","k"]]}}]})", "jk:p-value"},
        Row{R"({"Fn::Sub":"${!Literal}-${P}"})", "${Literal}-p-value"},
        Row{R"({"Fn::Sub":"no variables"})", "no variables"},
    }));
    CAPTURE(expression);
    CHECK(attribute_value(expression, {{"P", "p-value"},
                                       {"AWS::IoT::Certificate::Id", "cert-id"}}) == expected);
}

TEST_CASE("A parameter's Default applies only when no value is supplied",
          "[provisioning][evaluate]") {
    const std::string body = attribute_template(R"({"Ref":"P"})", /*with_default=*/true);
    CHECK(plan_of(body).thing->attributes->at("v") == "dflt");
    CHECK(plan_of(body, {{"P", "given"}}).thing->attributes->at("v") == "given");
}

TEST_CASE("A template that cannot be satisfied fails with the precise reason",
          "[provisioning][evaluate]") {
    using Row = std::tuple<std::string, std::string>;
    const auto [expression, message] = GENERATE(table<std::string, std::string>({
        Row{R"({"Ref":"Missing"})",
            "Ref 'Missing' at Resources.thing.Properties.AttributePayload.v "
            "has no value"},
        Row{R"({"Fn::Select":[3,["a","b"]]})",
            "Fn::Select at Resources.thing.Properties."
            "AttributePayload.v: index 3 is out of bounds of a "
            "list of 2."},
        Row{R"({"Fn::Select":["one",["a"]]})", "the index \"one\" is not a non-negative integer"},
        Row{R"({"Fn::Select":[0,[null]]})", "element 0 is null"},
        Row{R"({"Fn::Select":[0,{"Ref":"P"}]})",
            "Fn::Select at Resources.thing.Properties."
            "AttributePayload.v needs a list"},
        Row{R"({"Fn::FindInMap":["M","z","k"]})", "mapping 'M' has no key 'z'"},
        Row{R"({"Fn::FindInMap":["M","x","nope"]})", "mapping 'M' key 'x' has no entry 'nope'"},
        Row{R"({"Fn::FindInMap":[{"Ref":"P"},"x","k"]})", "there is no mapping 'p-value'"},
        Row{R"({"Fn::Sub":"${P"})", "'${' without a closing '}'"},
        Row{R"({"Fn::Sub":"${Nope}"})", "Ref 'Nope'"},
        Row{R"({"Fn::Join":["",[{"a":"b"}]]})", "expected a string but the value is {\"a\":\"b\"}"},
        Row{R"(["a"])", "expected a string but the value is [\"a\"]"},
    }));
    CAPTURE(expression);
    CHECK_THAT(evaluate_error(attribute_template(expression), {{"P", "p-value"}}),
               Catch::Contains(message));
}

TEST_CASE("Resource properties of the wrong kind fail evaluation", "[provisioning][evaluate]") {
    using Row = std::tuple<std::string, std::string>;
    const auto [resources, message] = GENERATE(table<std::string, std::string>({
        Row{R"("thing":{"Type":"AWS::IoT::Thing","Properties":{}})",
            "Resources.thing: the AWS::IoT::Thing resource needs ThingName"},
        Row{R"("thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t",)"
            R"("ThingGroups":{"Ref":"P"}}})",
            "Resources.thing.Properties.ThingGroups must evaluate to a list"},
        Row{R"("c":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateId":"x",)"
            R"("Status":{"Ref":"P"}}})",
            "Resources.c.Properties.Status must be ACTIVE or INACTIVE, not 'p-value'"},
        Row{R"("p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":["x"]}})",
            "must be a policy document"},
    }));
    CAPTURE(resources);
    CHECK_THAT(evaluate_error(R"({"Resources":{)" + resources + "}}", {{"P", "p-value"}}),
               Catch::Contains(message));
}

TEST_CASE("OverrideSettings reach the plan, DO_NOTHING when absent", "[provisioning][evaluate]") {
    using Row = std::tuple<std::string, Override>;
    const auto [spelling, setting] = GENERATE(table<std::string, Override>({
        Row{"DO_NOTHING", Override::do_nothing},
        Row{"REPLACE", Override::replace},
        Row{"FAIL", Override::fail},
        Row{"MERGE", Override::merge},
    }));
    CAPTURE(spelling);
    const Plan plan =
        plan_of(R"({"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t"},)"
                R"("OverrideSettings":{"AttributePayload":")" +
                spelling + R"(","ThingGroups":")" + spelling + R"("}}}})");
    CHECK(plan.thing->attribute_payload_override == setting);
    CHECK(plan.thing->thing_groups_override == setting);
    CHECK(plan.thing->thing_type_name_override == Override::do_nothing);
    CHECK_FALSE(plan.thing->attributes);  // no AttributePayload: the thing's stay as they are
}

TEST_CASE("A certificate's Status is read in any case and defaults to ACTIVE",
          "[provisioning][evaluate]") {
    using Row = std::tuple<std::string, model::CertificateStatus>;
    const auto [status, expected] = GENERATE(table<std::string, model::CertificateStatus>({
        Row{"", model::CertificateStatus::active},
        Row{R"(,"Status":"ACTIVE")", model::CertificateStatus::active},
        Row{R"(,"Status":"Active")", model::CertificateStatus::active},
        Row{R"(,"Status":"INACTIVE")", model::CertificateStatus::inactive},
    }));
    CAPTURE(status);
    const Plan plan = plan_of(R"({"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":{)"
                              R"("CertificateId":{"Ref":"AWS::IoT::Certificate::Id"})" +
                                  status + R"(},"OverrideSettings":{"Status":"REPLACE"}}}})",
                              {{"AWS::IoT::Certificate::Id", "abc"}});
    REQUIRE(plan.certificate);
    CHECK(plan.certificate->certificate_id == "abc");
    CHECK(plan.certificate->status == expected);
    CHECK(plan.certificate->status_override == Override::replace);
}

TEST_CASE("Policies are named, or named after their document's hash", "[provisioning][evaluate]") {
    // Keys in order, so the object form's compact JSON text is the string form.
    const std::string document = R"({"Statement":[],"Version":"2012-10-17"})";
    const Plan plan = plan_of(
        R"({"Parameters":{"Name":{"Type":"String"}},"Resources":{)"
        R"("existing":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":{"Ref":"Name"}}},)"
        R"("inline":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":)"
        R"("{\"Statement\":[],\"Version\":\"2012-10-17\"}"}},"object":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":)" +
            document + "}}}}",
        {{"Name", "device-policy"}});
    REQUIRE(plan.policies.size() == 3);
    // Resources is a JSON object: its members come in key order.
    CHECK(plan.policies[0].logical_id == "existing");
    CHECK(plan.policies[0].policy_name == "device-policy");
    CHECK_FALSE(plan.policies[0].policy_document);
    CHECK(plan.policies[1].logical_id == "inline");
    CHECK(plan.policies[1].policy_document == document);
    CHECK(plan.policies[1].policy_name == pki::sha256_hex(document));
    CHECK(plan.policies[2].policy_document == document);  // the object, as compact JSON
    CHECK(plan.policies[2].policy_name == plan.policies[1].policy_name);
}

TEST_CASE("DeviceConfiguration is evaluated into flat strings", "[provisioning][evaluate]") {
    const Plan plan = plan_of(
        R"({"Parameters":{"Location":{"Type":"String"}},)"
        R"("Mappings":{"LocationTable":{"Seattle":{"LocationUrl":"https://example.aws"}}},)"
        R"("Resources":{},"DeviceConfiguration":{"FallbackUrl":"https://www.example.com",)"
        R"("LocationUrl":{"Fn::FindInMap":["LocationTable",{"Ref":"Location"},"LocationUrl"]},)"
        R"("Retries":3}})",
        {{"Location", "Seattle"}});
    CHECK(plan.device_configuration ==
          std::map<std::string, std::string>{{"FallbackUrl", "https://www.example.com"},
                                             {"LocationUrl", "https://example.aws"},
                                             {"Retries", "3"}});
}
