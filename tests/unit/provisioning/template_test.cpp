// Template::parse: the bodies AWS documents are accepted, and every structural mistake is refused
// with a message naming it (what InvalidRequestException carries back to the user).
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace iotemu::provisioning;
using namespace iotemu::provisioning::testing;

namespace {

// A template whose only resource is a thing with these properties.
std::string thing_with(const std::string& properties, const std::string& extra = "") {
    return R"({"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":)" + properties + extra +
           "}}}";
}

}  // namespace

TEST_CASE("Templates as AWS documents them are accepted", "[provisioning][template]") {
    const std::string body = GENERATE(
        workshop_template("workshop-policy"),
        // The developer guide's fleet-provisioning example: Mappings, Fn::Join, BillingGroup,
        // OverrideSettings, an undeclared AWS::IoT::Certificate::Id, an inline policy object and
        // DeviceConfiguration with Fn::FindInMap.
        std::string(
            R"({"Parameters":{"SerialNumber":{"Type":"String"},)"
            R"("DeviceLocation":{"Type":"String"}},)"
            R"("Mappings":{"LocationTable":{"Seattle":{"LocationUrl":"https://example.aws"}}},)"
            R"("Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{)"
            R"("AttributePayload":{"version":"v1","serialNumber":"serialNumber"},)"
            R"("ThingTypeName":{"Fn::Join":["",["ThingPrefix_",{"Ref":"SerialNumber"}]]},)"
            R"("ThingGroups":["v1-lightbulbs","WA"],"BillingGroup":"LightBulbBillingGroup"},)"
            R"("OverrideSettings":{"AttributePayload":"MERGE","ThingTypeName":"REPLACE",)"
            R"("ThingGroups":"DO_NOTHING"}},)"
            R"("certificate":{"Type":"AWS::IoT::Certificate","Properties":{)"
            R"("CertificateId":{"Ref":"AWS::IoT::Certificate::Id"},"Status":"Active"}},)"
            R"("policy":{"Type":"AWS::IoT::Policy","Properties":{"PolicyDocument":{)"
            R"("Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
            R"("Action":["iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:topic/foo/bar"]}]}}}},)"
            R"("DeviceConfiguration":{"FallbackUrl":"https://www.example.com/test-site",)"
            R"("LocationUrl":{"Fn::FindInMap":["LocationTable",{"Ref":"DeviceLocation"},"LocationUrl"]}}})"),
        // OverrideSettings keys as the guide's prose spells them, and the CertificateID spelling.
        std::string(
            R"({"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"t"},)"
            R"("OverrideSettings":{"ATTRIBUTE_PAYLOAD":"REPLACE","THING_GROUPS":"MERGE"}},)"
            R"("certificate":{"Type":"AWS::IoT::Certificate","Properties":{"CertificateID":"x"},)"
            R"("OverrideSettings":{"STATUS":"FAIL"}}}})"),
        std::string(R"({"Resources":{}})"),
        std::string(
            R"({"AWSTemplateFormatVersion":"2010-09-09","Description":"d","Resources":{}})"));
    CAPTURE(body);
    CHECK(parse_error(body).empty());
}

TEST_CASE("A template body that breaks a rule is refused with a message naming the problem",
          "[provisioning][template]") {
    using Row = std::tuple<std::string, std::string>;
    const auto [body, message] = GENERATE(table<std::string, std::string>({
        Row{"{ not json", "The template body is not valid JSON (syntax error at byte "},
        // Found by fuzzing: a number no double holds escaped as an exception.
        Row{R"({"Resources":{},"DeviceConfiguration":{"n":11.1e1133787587505}})",
            "The template body is not valid JSON (a number out of range)."},
        Row{R"(["Resources"])", "must be a JSON object"},
        Row{R"({})", "no Resources section"},
        Row{R"({"Resources":{},"Conditions":{}})", "Unknown template section 'Conditions'"},
        Row{R"({"Resources":[]})", "Resources must be a JSON object"},
        Row{R"({"Parameters":{"P":"String"},"Resources":{}})", "Parameters.P must be an object"},
        Row{R"({"Parameters":{"P":{"Default":{}}},"Resources":{}})", "Parameters.P.Default"},
        Row{R"({"Resources":{"r":{"Type":"AWS::IAM::Role"}}})",
            R"(Resources.r.Type is "AWS::IAM::Role": a template declares AWS::IoT::Thing)"},
        Row{R"({"Resources":{"r":{"Properties":{}}}})", "Resources.r.Type is missing"},
        Row{R"({"Resources":{"r":{"Type":"AWS::IoT::Policy","DependsOn":"x"}}})",
            "Resources.r.DependsOn: a resource has Type, Properties and OverrideSettings"},
        Row{thing_with(R"({"ThingName":"t","ThingGroup":["g"]})"),
            "Resources.thing.Properties.ThingGroup: AWS::IoT::Thing properties are ThingName, "
            "AttributePayload, ThingTypeName, ThingGroups, BillingGroup"},
        Row{thing_with(R"({"ThingName":{"Fn::If":["c","a","b"]}})"),
            "Unknown intrinsic function 'Fn::If' at Resources.thing.Properties.ThingName"},
        Row{thing_with(R"({"ThingName":{"Fn:Join":["",["a"]]}})"),
            "Unknown intrinsic function 'Fn:Join'"},
        Row{thing_with(R"({"ThingName":{"Fn::Base64":"a"}})"),
            "Unknown intrinsic function 'Fn::Base64'"},
        Row{thing_with(R"({"ThingName":{"Ref":"P","Default":"x"}})"),
            "Ref must be the only key of its object"},
        Row{thing_with(R"({"ThingName":{"Ref":["P"]}})"),
            "Ref at Resources.thing.Properties."
            "ThingName takes a parameter name"},
        Row{thing_with(R"({"ThingName":{"Fn::Join":["-"]}})"),
            "Fn::Join at Resources.thing."
            "Properties.ThingName takes "
            "[delimiter, [values…]]"},
        Row{thing_with(R"({"ThingName":{"Fn::Select":[-1,["a"]]}})"),
            "Fn::Select at Resources.thing.Properties.ThingName takes [index, [values…]]"},
        Row{thing_with(R"({"ThingName":{"Fn::Split":["","a,b"]}})"),
            "takes [non-empty delimiter, string]"},
        Row{thing_with(R"({"ThingName":{"Fn::FindInMap":["Nope","a","b"]}})"),
            "Fn::FindInMap at Resources.thing.Properties.ThingName refers to mapping 'Nope', which "
            "the Mappings section does not declare"},
        Row{thing_with(R"({"ThingName":{"Fn::FindInMap":["M","a"]}})"),
            "takes [map name, top-level key, second-level key]"},
        Row{thing_with(R"({"ThingName":{"Fn::Sub":["${a}"]}})"),
            "Fn::Sub at Resources.thing.Properties.ThingName takes a string, or [string"},
        Row{thing_with(R"({"ThingName":{"Fn::Join":["",[{"Fn::GetAtt":["a","b"]}]]}})"),
            "Unknown intrinsic function 'Fn::GetAtt' at "
            "Resources.thing.Properties.ThingName.Fn::Join[1][0]"},
        Row{R"({"Mappings":{"M":{"k":{"v":{"Ref":"P"}}}},"Resources":{}})",
            "Intrinsic functions cannot be used in Mappings (Mappings.M.k.v)"},
        Row{R"({"Mappings":{"M":{"k":"v"}},"Resources":{}})", "Mappings.M.k must be a JSON object"},
        Row{thing_with(R"({"ThingName":"t","AttributePayload":["a"]})"),
            "AttributePayload must be an object"},
        Row{thing_with(R"({"ThingName":"t","ThingGroups":"g"})"), "ThingGroups must be a list"},
        Row{thing_with(R"({"ThingName":"t"})", R"(,"OverrideSettings":{"ThingTypeName":"MERGE"})"),
            "ThingTypeName: MERGE applies only to AttributePayload and ThingGroups"},
        Row{thing_with(R"({"ThingName":"t"})", R"(,"OverrideSettings":{"ThingName":"REPLACE"})"),
            "AWS::IoT::Thing OverrideSettings apply to AttributePayload, ThingTypeName, "
            "ThingGroups"},
        Row{thing_with(R"({"ThingName":"t"})", R"(,"OverrideSettings":{"ThingGroups":"KEEP"})"),
            "ThingGroups must be DO_NOTHING, REPLACE, FAIL or MERGE"},
        Row{R"({"Resources":{"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"p"},)"
            R"("OverrideSettings":{}}}})",
            "OverrideSettings are not available for AWS::IoT::Policy resources"},
        Row{R"({"Resources":{"p":{"Type":"AWS::IoT::Policy","Properties":{"PolicyName":"p",)"
            R"("PolicyDocument":"{}"}}}})",
            "must give PolicyName (an existing policy) or PolicyDocument, not both"},
        Row{R"({"Resources":{"p":{"Type":"AWS::IoT::Policy"}}})", "not both and not neither"},
        Row{R"({"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":)"
            R"({"CertificateSigningRequest":{"Ref":"CSR"}}}}})",
            "CertificatePem and CertificateSigningRequest are for bulk registration"},
        Row{R"({"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":)"
            R"({"CertificateId":"a","CertificatePem":"b"}}}})",
            "must give exactly one of CertificateId, CertificatePem or CertificateSigningRequest"},
        Row{R"({"Resources":{"c":{"Type":"AWS::IoT::Certificate","Properties":)"
            R"({"CertificateId":"a","Status":"REVOKED"}}}})",
            "Status must be ACTIVE or INACTIVE, not 'REVOKED'"},
        Row{R"({"Resources":{"a":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a"}},)"
            R"("b":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"b"}}}})",
            "at most one AWS::IoT::Thing and one AWS::IoT::Certificate"},
        Row{R"({"Resources":{},"DeviceConfiguration":{"a":{"b":"c"}}})",
            "DeviceConfiguration.a must be a string or an intrinsic function"},
        Row{R"({"Resources":{},"DeviceConfiguration":{"a":{"Fn::FindInMap":["M","k","v"]}}})",
            "refers to mapping 'M'"},
    }));
    CAPTURE(body);
    CHECK_THAT(parse_error(body), Catch::Contains(message));
}
