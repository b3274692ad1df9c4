// Shared by the provisioning tests: parse-and-evaluate helpers that report what a user would see
// (the plan, or the error message), and the JITP workshop's template as its shell command makes
// it. Test-only.
#pragma once

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "provisioning/template.hpp"

namespace iotemu::provisioning::testing {

inline Template parsed(std::string_view body) {
    auto tmpl = Template::parse(body);
    INFO(body);
    if (!tmpl) FAIL("the template was refused: " + tmpl.error().message);
    return *tmpl;
}

// The message a template body is refused with ("" when it is accepted).
inline std::string parse_error(std::string_view body) {
    const auto tmpl = Template::parse(body);
    return tmpl ? std::string() : tmpl.error().message;
}

inline Plan plan_of(std::string_view body, const Parameters& parameters = {}) {
    auto plan = evaluate(parsed(body), parameters);
    INFO(body);
    if (!plan) FAIL("evaluation failed: " + plan.error().message);
    return *plan;
}

// The message evaluation fails with ("" when it succeeds).
inline std::string evaluate_error(std::string_view body, const Parameters& parameters = {}) {
    const auto plan = evaluate(parsed(body), parameters);
    return plan ? std::string() : plan.error().message;
}

// The AWS IoT Device Management workshop's JITP template, exactly as its
// `TB="{ \\\"Parameters\\\" : …}"` shell line produces it with IOT_POLICY=workshop-policy.
inline constexpr std::string_view workshop_template =
    R"({ "Parameters" : { "AWS::IoT::Certificate::Id" : { "Type" : "String" }, )"
    R"("AWS::IoT::Certificate::CommonName" : { "Type" : "String" }, )"
    R"("AWS::IoT::Certificate::Country" : { "Type" : "String" } }, "Resources" : { "thing" : { )"
    R"("Type" : "AWS::IoT::Thing", "Properties" : { "ThingName" : {"Ref" : )"
    R"("AWS::IoT::Certificate::CommonName"}, "AttributePayload" : { "Country" :  {"Ref" : )"
    R"("AWS::IoT::Certificate::Country"} }, "ThingGroups" : ["bulk-group"] } }, "certificate" : )"
    R"({ "Type" : "AWS::IoT::Certificate", "Properties" : { "CertificateId": { "Ref": )"
    R"("AWS::IoT::Certificate::Id" }, "Status" : "ACTIVE" } }, "policy" : { "Type" : )"
    R"("AWS::IoT::Policy", "Properties" : { "PolicyName": "workshop-policy" } } } })";

}  // namespace iotemu::provisioning::testing
