// Fleet provisioning's MQTT API core (docs/aws/provisioning-and-services.md §1): topics, the
// three operations' accepted replies, every rejection with AWS's fields, the ownership token's
// lifecycle, templates (enabled, type, DeviceConfiguration, mappings) and the
// pre-provisioning hook's outcomes — over a real registry, in JSON and CBOR.
#include "fleet/fleet_provisioning.hpp"

#include <chrono>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fleet/payload.hpp"
#include "fleet/topics.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry::testing;
using fleet::Format;
using fleet::Operation;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

constexpr auto create_topic = "$aws/certificates/create/json";
constexpr auto csr_topic = "$aws/certificates/create-from-csr/json";

std::string provision_topic(const std::string& name, const std::string& format = "json") {
    return "$aws/provisioning-templates/" + name + "/provision/" + format;
}

// The template of AWS's fleet-provisioning sample: a thing named from a parameter, an inline
// policy, the certificate by the token's id, and a DeviceConfiguration read from a mapping.
const std::string sample_template = R"({
  "Parameters": {
    "SerialNumber": {"Type": "String"},
    "DeviceLocation": {"Type": "String", "Default": "Seattle"},
    "AWS::IoT::Certificate::Id": {"Type": "String"}
  },
  "Mappings": {"LocationTable": {"Seattle": {"LocationUrl": "https://example.aws"}}},
  "Resources": {
    "thing": {"Type": "AWS::IoT::Thing", "OverrideSettings": {"AttributePayload": "MERGE"},
      "Properties": {"ThingName": {"Fn::Join": ["", ["ThingPrefix_", {"Ref": "SerialNumber"}]]},
                     "AttributePayload": {"version": "v1", "serialNumber": {"Ref": "SerialNumber"}}}},
    "certificate": {"Type": "AWS::IoT::Certificate",
      "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "Active"}},
    "policy": {"Type": "AWS::IoT::Policy", "Properties": {"PolicyDocument":
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:*\",\"Resource\":\"*\"}]}"}}
  },
  "DeviceConfiguration": {
    "FallbackUrl": "https://www.example.com/test-site",
    "LocationUrl": {"Fn::FindInMap": ["LocationTable", {"Ref": "DeviceLocation"}, "LocationUrl"]}
  }
})";

struct World {
    Fixture f;
    fleet::FleetProvisioning core{*f.registry};
    model::Certificate claim = f.device_certificate("claim", model::CertificateStatus::active);
    Timestamp t0 = now();

    World() { add_template("sample", sample_template); }

    void add_template(const std::string& name, const std::string& body, bool enabled = true,
                      std::optional<model::ProvisioningHook> hook = {},
                      model::TemplateType type = model::TemplateType::fleet_provisioning) {
        registry::CreateProvisioningTemplateRequest request;
        request.template_name = name;
        request.template_body = body;
        request.enabled = enabled;
        request.provisioning_role_arn = "arn:aws:iam::123456789012:role/Provisioning";
        request.pre_provisioning_hook = std::move(hook);
        request.type = type;
        f.registry->create_provisioning_template(request);
    }

    fleet::Outcome ask(const std::string& topic, const std::string& payload, Timestamp when = {},
                       const std::string& certificate_id = {}) {
        return core.handle(
            {topic, payload, "device-1", certificate_id.empty() ? claim.id : certificate_id},
            when == Timestamp{} ? t0 : when);
    }

    fleet::Reply reply(const std::string& topic, const std::string& payload, Timestamp when = {},
                       const std::string& certificate_id = {}) {
        auto outcome = ask(topic, payload, when, certificate_id);
        REQUIRE(std::holds_alternative<fleet::Reply>(outcome));
        return std::get<fleet::Reply>(outcome);
    }

    // A certificate made by CreateKeysAndCertificate and its token.
    json created() {
        const auto r = reply(create_topic, "{}");
        REQUIRE(r.accepted);
        return json::parse(r.payload);
    }

    // RegisterThing with SerialNumber 5 on a template whose hook is "hook".
    fleet::Outcome hooked_request(const json& created) {
        add_template("hooked", sample_template, true,
                     model::ProvisioningHook{"arn:aws:lambda:us-east-1:123456789012:function:hook",
                                             "2020-04-01"});
        return ask(provision_topic("hooked"),
                   json{{"certificateOwnershipToken", created["certificateOwnershipToken"]},
                        {"parameters", {{"SerialNumber", "5"}}}}
                       .dump());
    }

    fleet::Reply register_thing(const std::string& token, json parameters = {{"SerialNumber", "1"}},
                                const std::string& name = "sample", Timestamp when = {},
                                const std::string& certificate_id = {}) {
        return reply(provision_topic(name),
                     json{{"certificateOwnershipToken", token}, {"parameters", parameters}}.dump(),
                     when, certificate_id);
    }
};

json body_of(const fleet::Reply& reply) { return json::parse(reply.payload); }

}  // namespace

TEST_CASE("Request topics name their operation, format and template, other topics are not ours") {
    using Row = std::tuple<std::string, std::optional<Operation>, Format, std::string>;
    const auto row = GENERATE(table<std::string, std::optional<Operation>, Format, std::string>({
        Row{"$aws/certificates/create/json", Operation::create_keys_and_certificate, Format::json,
            ""},
        Row{"$aws/certificates/create/cbor", Operation::create_keys_and_certificate, Format::cbor,
            ""},
        Row{"$aws/certificates/create-from-csr/json", Operation::create_certificate_from_csr,
            Format::json, ""},
        Row{"$aws/provisioning-templates/my-template/provision/cbor", Operation::register_thing,
            Format::cbor, "my-template"},
        Row{"$aws/certificates/create/json/accepted", std::nullopt, Format::json, ""},
        Row{"$aws/certificates/create/xml", std::nullopt, Format::json, ""},
        Row{"$aws/provisioning-templates//provision/json", std::nullopt, Format::json, ""},
        Row{"$aws/provisioning-templates/t/provision/json/rejected", std::nullopt, Format::json,
            ""},
        Row{"$aws/provisioning-templates/t/versions", std::nullopt, Format::json, ""},
        Row{"certificates/create/json", std::nullopt, Format::json, ""},
    }));
    const auto& [topic, operation, format, name] = row;
    CAPTURE(topic);
    const auto parsed = fleet::parse_request_topic(topic);
    REQUIRE(parsed.has_value() == operation.has_value());
    if (!parsed) return;
    CHECK(parsed->operation == *operation);
    CHECK(parsed->format == format);
    CHECK(parsed->template_name == name);
}

TEST_CASE("CreateKeysAndCertificate mints a PENDING_ACTIVATION certificate, its key and a token") {
    World w;
    const auto payload = GENERATE(as<std::string>{}, "{}", "", R"({"unknown": 1})");
    const auto r = w.reply(create_topic, payload);
    CHECK(r.accepted);
    CHECK(r.topic == "$aws/certificates/create/json/accepted");
    const auto body = body_of(r);
    const auto certificate =
        w.f.registry->describe_certificate(body["certificateId"].get<std::string>());
    CHECK(certificate.status == model::CertificateStatus::pending_activation);
    CHECK(body["certificatePem"] == certificate.pem);
    CHECK(body["privateKey"].get<std::string>().find("PRIVATE KEY-----") != std::string::npos);
    CHECK_FALSE(body["certificateOwnershipToken"].get<std::string>().empty());
}

TEST_CASE("CreateCertificateFromCsr signs the CSR with the CSR's subject and returns a token") {
    World w;
    const auto csr = make_csr_pem(new_key(), {{"CN", "sensor-7"}});
    const auto r = w.reply(csr_topic, json{{"certificateSigningRequest", csr}}.dump());
    REQUIRE(r.accepted);
    CHECK(r.topic == "$aws/certificates/create-from-csr/json/accepted");
    const auto body = body_of(r);
    CHECK_FALSE(body.contains("privateKey"));
    const auto certificate =
        w.f.registry->describe_certificate(body["certificateId"].get<std::string>());
    CHECK(certificate.status == model::CertificateStatus::pending_activation);
    CHECK(pki::X509Certificate::from_pem(certificate.pem)->subject().one_line().find("sensor-7") !=
          std::string::npos);
}

TEST_CASE("RegisterThing applies the template: thing, policy, ACTIVE certificate, configuration") {
    World w;
    const auto created = w.created();
    const auto r = w.register_thing(created["certificateOwnershipToken"].get<std::string>(),
                                    {{"SerialNumber", "42"}, {"templateName", "ignored"}});
    REQUIRE(r.accepted);
    CHECK(r.topic == "$aws/provisioning-templates/sample/provision/json/accepted");
    CHECK(body_of(r) == json{{"thingName", "ThingPrefix_42"},
                             {"deviceConfiguration",
                              {{"FallbackUrl", "https://www.example.com/test-site"},
                               {"LocationUrl", "https://example.aws"}}}});
    const std::string id = created["certificateId"];
    const auto certificate = w.f.registry->describe_certificate(id);
    CHECK(certificate.status == model::CertificateStatus::active);
    CHECK(w.f.registry->describe_thing("ThingPrefix_42").attributes.at("serialNumber") == "42");
    const auto things = w.f.registry->list_principal_things(certificate.arn, {});
    CHECK(things.items == std::vector<std::string>{"ThingPrefix_42"});
    CHECK(w.f.registry->list_attached_policies(certificate.arn, {}).items.size() == 1);
}

TEST_CASE("A template without a thing answers without thingName") {
    World w;
    w.add_template("no-thing", R"({"Parameters": {"AWS::IoT::Certificate::Id": {"Type": "String"}},
      "Resources": {"certificate": {"Type": "AWS::IoT::Certificate",
        "Properties": {"CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}, "Status": "ACTIVE"}}}})");
    const auto r = w.register_thing(w.created()["certificateOwnershipToken"].get<std::string>(),
                                    json::object(), "no-thing");
    REQUIRE(r.accepted);
    CHECK(body_of(r) == json{{"deviceConfiguration", json::object()}});
}

TEST_CASE("Bad requests are rejected on /rejected with statusCode, errorCode and errorMessage") {
    World w;
    w.add_template("disabled", sample_template, /*enabled=*/false);
    w.add_template("jitp", sample_template, true, {}, model::TemplateType::jitp);
    w.add_template("needs-location", R"({"Parameters": {"Location": {"Type": "String"}},
      "Resources": {"thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": {"Ref": "Location"}}}}})");
    w.add_template("other-certificate",
                   R"({"Resources": {"certificate": {"Type": "AWS::IoT::Certificate",
      "Properties": {"CertificateId": "0000000000000000000000000000000000000000000000000000000000000000"}}}})");
    w.add_template("missing-group",
                   R"({"Parameters": {"AWS::IoT::Certificate::Id": {"Type": "String"}},
      "Resources": {"thing": {"Type": "AWS::IoT::Thing", "Properties": {"ThingName": "t", "ThingGroups": ["nowhere"]}}}})");
    // Rows are made once for all runs, so they name the token of each run's World as "$token".
    const auto with_token = [](json extra = json::object()) {
        json body{{"certificateOwnershipToken", "$token"}, {"parameters", {{"SerialNumber", "1"}}}};
        body.update(extra);
        return body.dump();
    };
    using Row = std::tuple<std::string, std::string, int, std::string, std::string>;
    const auto row = GENERATE_COPY(table<std::string, std::string, int, std::string, std::string>({
        Row{create_topic, "not json", 400, "InvalidPayload", "not a JSON object"},
        Row{create_topic, "[1, 2]", 400, "InvalidPayload", "not a JSON object"},
        Row{csr_topic, "{}", 400, "InvalidPayload", "certificateSigningRequest"},
        Row{csr_topic, R"({"certificateSigningRequest": "-----BEGIN CERTIFICATE REQUEST-----"})",
            400, "InvalidPayload", "not valid"},
        Row{provision_topic("sample"), "{\"certificateOwnershipToken\": ", 400, "InvalidPayload",
            "not a JSON object"},
        Row{provision_topic("sample"), "{}", 400, "InvalidCertificateOwnershipToken",
            "Certificate ownership token cannot be empty."},
        Row{provision_topic("sample"), R"({"certificateOwnershipToken": ""})", 400,
            "InvalidCertificateOwnershipToken", "cannot be empty"},
        Row{provision_topic("sample"), R"({"certificateOwnershipToken": 7})", 400, "InvalidPayload",
            "must be a string"},
        Row{provision_topic("sample"), R"({"certificateOwnershipToken": "bogus"})", 400,
            "InvalidCertificateOwnershipToken", "not valid"},
        Row{provision_topic("sample"), with_token({{"parameters", {{"SerialNumber", {1}}}}}), 400,
            "InvalidPayload", "parameters.SerialNumber must be a string"},
        Row{provision_topic("nope"), with_token(), 404, "ResourceNotFound", "nope does not exist"},
        Row{provision_topic("disabled"), with_token(), 400, "InvalidRequest", "disabled"},
        Row{provision_topic("jitp"), with_token(), 400, "InvalidRequest", "FLEET_PROVISIONING"},
        Row{provision_topic("needs-location"), with_token(), 400, "InvalidParameters", "Location"},
        Row{provision_topic("other-certificate"), with_token(), 400, "InvalidParameters",
            "not the one of the ownership token"},
        Row{provision_topic("missing-group"), with_token(), 404, "ResourceNotFound", "nowhere"},
    }));
    auto [topic, payload, status, code, fragment] = row;
    if (const auto at = payload.find("$token"); at != std::string::npos)
        payload.replace(at, 6, w.created()["certificateOwnershipToken"].get<std::string>());
    CAPTURE(topic, payload);
    const auto r = w.reply(topic, payload);
    CHECK_FALSE(r.accepted);
    CHECK(r.topic == topic + "/rejected");
    const auto body = body_of(r);
    CHECK(body["statusCode"] == status);
    CHECK(body["errorCode"] == code);
    CHECK_THAT(body["errorMessage"].get<std::string>(), Catch::Contains(fragment));
    // Nothing was provisioned by a rejected request.
    CHECK(w.f.registry->list_things({}, {}).items.empty());
}

TEST_CASE("An ownership token is good once, for its claim certificate, for one hour") {
    World w;
    const std::string token = w.created()["certificateOwnershipToken"];
    const std::string late = w.created()["certificateOwnershipToken"];
    const auto other_claim = w.f.device_certificate("other", model::CertificateStatus::active);
    const json serial{{"SerialNumber", "1"}};
    const auto rejection = [](const fleet::Reply& r) {
        CHECK_FALSE(r.accepted);
        CHECK(body_of(r)["errorCode"] == "InvalidCertificateOwnershipToken");
        return body_of(r)["errorMessage"].get<std::string>();
    };

    CHECK_THAT(
        rejection(w.register_thing(token, serial, "sample", w.t0 + minutes(1), other_claim.id)),
        Catch::Contains("another certificate"));
    CHECK(w.register_thing(token, serial, "sample", w.t0 + minutes(59)).accepted);
    CHECK_THAT(rejection(w.register_thing(token, serial, "sample", w.t0 + minutes(59))),
               Catch::Contains("already been used"));
    CHECK_THAT(rejection(w.register_thing(late, serial, "sample", w.t0 + hours(1))),
               Catch::Contains("expired"));
}

TEST_CASE("A certificate whose token expired unused is deleted, a provisioned one is kept") {
    World w;
    const std::string unused = w.created()["certificateId"];
    const auto used = w.created();
    REQUIRE(w.register_thing(used["certificateOwnershipToken"].get<std::string>()).accepted);
    // Any later request sweeps what expired.
    w.reply(provision_topic("sample"), R"({"certificateOwnershipToken": "x"})", w.t0 + hours(1));
    CHECK_FALSE(w.f.registry->find_certificate(unused));
    CHECK(w.f.registry->find_certificate(used["certificateId"].get<std::string>()));
}

TEST_CASE("A token whose certificate was deleted is refused") {
    World w;
    const auto created = w.created();
    w.f.registry->delete_certificate(created["certificateId"].get<std::string>(), false);
    const auto r = w.register_thing(created["certificateOwnershipToken"].get<std::string>());
    CHECK_FALSE(r.accepted);
    CHECK_THAT(body_of(r)["errorMessage"].get<std::string>(), Catch::Contains("no longer exists"));
}

TEST_CASE("CBOR requests get CBOR replies, rejections with an integer statusCode") {
    World w;
    const auto created = w.reply("$aws/certificates/create/cbor", "");
    REQUIRE(created.accepted);
    CHECK(created.topic == "$aws/certificates/create/cbor/accepted");
    const auto keys = json::from_cbor(created.payload);
    const json request{{"certificateOwnershipToken", keys["certificateOwnershipToken"]},
                       {"parameters", {{"SerialNumber", "9"}}}};
    const auto registered =
        w.reply(provision_topic("sample", "cbor"), fleet::encode_payload(Format::cbor, request));
    REQUIRE(registered.accepted);
    CHECK(json::from_cbor(registered.payload)["thingName"] == "ThingPrefix_9");

    const auto bad = w.reply(provision_topic("sample", "cbor"), "{\"not\": \"cbor\"}");
    CHECK_FALSE(bad.accepted);
    const auto rejection = json::from_cbor(bad.payload);
    CHECK(rejection["statusCode"].is_number_integer());
    CHECK(rejection["errorCode"] == "InvalidPayload");
}

TEST_CASE("A template's pre-provisioning hook is called first, with AWS's event") {
    World w;
    const auto created = w.created();
    const auto outcome = w.hooked_request(created);
    REQUIRE(std::holds_alternative<fleet::HookCall>(outcome));
    const auto& call = std::get<fleet::HookCall>(outcome);
    CHECK(call.function_arn == "arn:aws:lambda:us-east-1:123456789012:function:hook");
    const auto event = json::parse(call.event);
    CHECK(event["claimCertificateId"] == w.claim.id);
    CHECK(event["certificateId"] == created["certificateId"]);
    CHECK(event["certificatePem"] == created["certificatePem"]);
    CHECK(event["templateArn"] == w.f.registry->describe_provisioning_template("hooked").arn);
    CHECK(event["clientId"] == "device-1");
    CHECK(event["parameters"] == json{{"SerialNumber", "5"}});
    // Nothing happens before the hook answers.
    CHECK(w.f.registry->list_things({}, {}).items.empty());
}

TEST_CASE(
    "The hook's answer decides: overrides apply, anything but allowProvisioning true denies") {
    using Row = std::tuple<bool, std::string, bool, std::string>;
    const auto row = GENERATE(table<bool, std::string, bool, std::string>({
        Row{true, R"({"allowProvisioning": true})", true, "ThingPrefix_5"},
        Row{true, R"({"allowProvisioning": "true"})", true, "ThingPrefix_5"},
        Row{true,
            R"({"allowProvisioning": true, "parameterOverrides": {"SerialNumber": "override"}})",
            true, "ThingPrefix_override"},
        Row{true, R"({"allowProvisioning": false})", false, "did not allow"},
        Row{true, R"({"parameterOverrides": {}})", false, "did not allow"},
        Row{true, "null", false, "did not allow"},
        Row{true, R"({"allowProvisioning": true, "parameterOverrides": [1]})", false, "invalid"},
        Row{false, "Unhandled: {\"errorMessage\": \"boom\"}", false, "boom"},
        Row{false, "it did not answer within 5 seconds", false, "5 seconds"},
    }));
    const auto& [invoked, payload, accepted, expected] = row;
    CAPTURE(payload);
    World w;
    const auto created = w.created();
    const auto outcome = w.hooked_request(created);
    REQUIRE(std::holds_alternative<fleet::HookCall>(outcome));
    const auto r = w.core.resume(std::get<fleet::HookCall>(outcome), {invoked, payload}, w.t0);
    CHECK(r.accepted == accepted);
    const auto body = body_of(r);
    if (accepted) {
        CHECK(body["thingName"] == expected);
    } else {
        CHECK(r.topic == provision_topic("hooked") + "/rejected");
        CHECK(body["statusCode"] == 403);
        CHECK(body["errorCode"] == "AccessDenied");
        CHECK_THAT(body["errorMessage"].get<std::string>(), Catch::Contains(expected));
        CHECK(w.f.registry->describe_certificate(created["certificateId"].get<std::string>())
                  .status == model::CertificateStatus::pending_activation);
    }
}
