// Policy variables: what each `${…}` becomes for one connection, and when it cannot be resolved
// (docs/aws/iot-core.md §5.2; DG basic-, thing- and cert-policy-variables).
#include "policy/variables.hpp"

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policy/pattern.hpp"

using iotemu::policy::key_values;
using iotemu::policy::Template;
using iotemu::policy::Variables;
using iotemu::policy::wildcard_match;

namespace {

// A device whose client id is the name of the thing attached to its certificate.
Variables attached_device() {
    Variables v;
    v.client_id = "dev-1";
    v.thing_name = "dev-1";
    v.thing_type_name = "lamp";
    v.thing_attributes = {{"color", "red"}, {"floor", "3"}};
    v.thing_is_attached = true;
    v.subject = {{"CommonName", "device-cn"},
                 {"Organization", "Org A"},
                 {"Organization", "Org B"},
                 {"OrganizationalUnit", "a+b"},
                 {"Country", "US"}};
    v.issuer = {{"CommonName", "Test CA"}, {"Country", "DE"}};
    v.subject_alternative_names = {{"DNSName", "dev.example.com"}, {"DNSName", "alt.example"}};
    v.certificate_serial_number = "0a1b2c";
    v.source_ip = "203.0.113.7";
    v.connect_attributes = {"PersistentConnect"};
    return v;
}

std::optional<std::string> render(const std::string& text, const Variables& variables) {
    return Template(text).render_pattern(variables);
}

}  // namespace

TEST_CASE("Each policy variable is substituted with the connection's value", "[policy]") {
    using Expected = std::optional<std::string>;
    const auto [text, expected] = GENERATE(table<std::string, Expected>({
        {"client/${iot:ClientId}", "client/dev-1"},
        {"${iot:Connection.Thing.ThingName}", "dev-1"},
        {"${iot:Connection.Thing.ThingTypeName}", "lamp"},
        {"${iot:Connection.Thing.Attributes[color]}", "red"},
        {"${iot:Connection.Thing.IsAttached}", "true"},
        {"${iot:Certificate.Subject.CommonName}", "device-cn"},
        {"${iot:Certificate.Subject.Country}", "US"},
        {"${iot:Certificate.Issuer.CommonName}", "Test CA"},
        {"${iot:Certificate.Issuer.Country}", "DE"},
        {"${iot:Certificate.SerialNumber}", "0a1b2c"},
        {"${iot:Certificate.Subject.AlternativeName.DNSName}", "dev.example.com"},
        {"${iot:Certificate.Subject.AlternativeName.DNSName.1}", "alt.example"},
        {"${aws:SourceIp}", "203.0.113.7"},
        {"topic/${iot:ClientId}/${iot:Connection.Thing.ThingTypeName}/x", "topic/dev-1/lamp/x"},
        {"${IOT:clientid}", "dev-1"},  // variable names are case-insensitive
        {"no variables at all", "no variables at all"},
        {"${iot:ClientId", "${iot:ClientId"},    // unterminated: plain text
        {"a${*}b${?}c${$}", "a$(*)b$(?)c$($)"},  // IAM's escapes become IoT's
    }));
    CAPTURE(text);
    CHECK(render(text, attached_device()) == expected);
}

TEST_CASE("Multi-valued certificate attributes: first value, .N after the first N, .List",
          "[policy]") {
    const Variables v = attached_device();
    CHECK(render("${iot:Certificate.Subject.Organization}", v) == "Org A");
    CHECK(render("${iot:Certificate.Subject.Organization.0}", v) == "Org A");
    CHECK(render("${iot:Certificate.Subject.Organization.1}", v) == "Org B");
    CHECK(render("${iot:Certificate.Subject.Organization.2}", v) == std::nullopt);
    // .List is for conditions only: as text it does not resolve.
    CHECK(render("${iot:Certificate.Subject.Organization.List}", v) == std::nullopt);
    CHECK(key_values("iot:Certificate.Subject.Organization.List", v) ==
          std::vector<std::string>{"Org A", "Org B"});
    CHECK(key_values("iot:certificate.subject.organization.list", v).size() == 2);
}

TEST_CASE("Only the first five values of a certificate attribute exist for policies", "[policy]") {
    Variables v;
    for (const char* unit : {"u0", "u1", "u2", "u3", "u4", "u5"})
        v.subject.emplace_back("OrganizationalUnit", unit);
    CHECK(render("${iot:Certificate.Subject.OrganizationalUnit.4}", v) == "u4");
    CHECK(render("${iot:Certificate.Subject.OrganizationalUnit.5}", v) == std::nullopt);
    CHECK(key_values("iot:Certificate.Subject.OrganizationalUnit.List", v).size() == 5);
}

TEST_CASE("A certificate value with a wildcard or over 1024 characters is not substituted",
          "[policy]") {
    Variables v = attached_device();
    CHECK(render("${iot:Certificate.Subject.OrganizationalUnit}", v) == std::nullopt);  // "a+b"
    const char wildcard = GENERATE('*', '$', '+', '?', '#');
    v.subject = {{"CommonName", std::string("cn") + wildcard}};
    CAPTURE(wildcard);
    CHECK(render("${iot:Certificate.Subject.CommonName}", v) == std::nullopt);

    v.subject = {{"CommonName", std::string(1024, 'c')}};
    CHECK(render("${iot:Certificate.Subject.CommonName}", v) == std::string(1024, 'c'));
    v.subject = {{"CommonName", std::string(1025, 'c')}};
    CHECK(render("${iot:Certificate.Subject.CommonName}", v) == std::nullopt);
}

TEST_CASE("Without an attached thing the thing variables do not resolve", "[policy]") {
    Variables v;
    v.client_id = "dev-1";
    CHECK(render("${iot:Connection.Thing.ThingName}", v) == std::nullopt);
    CHECK(render("${iot:Connection.Thing.ThingTypeName}", v) == std::nullopt);
    CHECK(render("${iot:Connection.Thing.Attributes[color]}", v) == std::nullopt);
    CHECK(render("${iot:Connection.Thing.IsAttached}", v) == "false");
}

TEST_CASE("Variables that name nothing on this connection do not resolve", "[policy]") {
    // No client id over HTTPS (docs/aws/iot-core.md §6.5), no certificate fields.
    const Variables https_publisher;
    const auto text = GENERATE(as<std::string>{}, "topic/${iot:ClientId}",
                               "${iot:Certificate.Subject.CommonName}", "${aws:SourceIp}",
                               "${iot:Certificate.SerialNumber}", "${iot:NoSuchVariable}",
                               "${iot:ConnectAttributes}", "${}");
    CAPTURE(text);
    CHECK(render(text, https_publisher) == std::nullopt);
    CHECK(render("${iot:Connection.Thing.Attributes[Color]}", attached_device()) == std::nullopt);
}

TEST_CASE("A client id of + widens a topic filter grant: AWS's documented foot-gun", "[policy]") {
    Variables v;
    v.client_id = "+";
    const Template grant("arn:aws:iot:us-east-1:123456789012:topicfilter/my/${iot:ClientId}/topic");
    CHECK(grant.render_pattern(v) == "arn:aws:iot:us-east-1:123456789012:topicfilter/my/+/topic");
    CHECK(grant.matches("arn:aws:iot:us-east-1:123456789012:topicfilter/my/+/topic", v));

    v.client_id = "#";
    const Template prefix("arn:aws:iot:us-east-1:123456789012:topicfilter/${iot:ClientId}");
    CHECK(prefix.matches("arn:aws:iot:us-east-1:123456789012:topicfilter/#", v));
}

TEST_CASE("A substituted value is literal: a client id of * grants no wildcard", "[policy]") {
    Variables v;
    v.client_id = "*";
    const Template grant("topic/my/${iot:ClientId}");
    CHECK(grant.matches("topic/my/*", v));
    CHECK_FALSE(grant.matches("topic/my/anything", v));
    v.client_id = "a?";
    CHECK_FALSE(grant.matches("topic/my/ab", v));
    CHECK(wildcard_match(*grant.render_pattern(v), "topic/my/a?"));
}

TEST_CASE("As plain text, escapes become characters and values are inserted verbatim", "[policy]") {
    Variables v;
    v.client_id = "x*";
    CHECK(Template("a$(*)-${iot:ClientId}").render_text(v) == "a*-x*");
    CHECK(Template("${iot:Connection.Thing.ThingName}").render_text(v) == std::nullopt);
}

TEST_CASE("iot:ConnectAttributes is a multi-valued condition key", "[policy]") {
    Variables v;
    v.connect_attributes = {"PersistentConnect", "LastWill"};
    CHECK(key_values("iot:ConnectAttributes", v) ==
          std::vector<std::string>{"PersistentConnect", "LastWill"});
}
