// The three operations of the fleet-provisioning MQTT API and their rejections
// (docs/aws/provisioning-and-services.md §1.2–§1.8). Every failure inside is a Rejection, turned
// into the /rejected reply in one place (reply_for).
#include "fleet/fleet_provisioning.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "fleet/payload.hpp"

namespace iotemu::fleet {
namespace {

using nlohmann::json;

// A /rejected reply's three fields (§1.4).
struct Rejection {
    int status_code;
    std::string error_code;
    std::string error_message;
};

[[noreturn]] void reject(int status_code, std::string error_code, std::string error_message) {
    throw Rejection{status_code, std::move(error_code), std::move(error_message)};
}

[[noreturn]] void invalid_payload(const std::string& message) {
    reject(400, "InvalidPayload", message);
}

// Only the request's reply topic and encoding depend on the request; everything else is data.
Reply reply_for(std::string_view request_topic, Format format, bool accepted, const json& body) {
    return {reply_topic(request_topic, accepted), encode_payload(format, body), accepted};
}

Reply rejected(std::string_view request_topic, Format format, const Rejection& rejection) {
    return reply_for(request_topic, format, false,
                     {{"statusCode", rejection.status_code},
                      {"errorCode", rejection.error_code},
                      {"errorMessage", rejection.error_message}});
}

// What no rule explains (OpenSSL failing, say): logged once here, and the device still gets
// an answer.
Reply internal_failure(std::string_view request_topic, Format format, const std::exception& e) {
    log::error("fleet", "request on '", request_topic, "' failed: ", e.what());
    return rejected(request_topic, format, {500, "InternalFailure", "An internal error occurred."});
}

json decoded(const Request& request, Format format) {
    auto body = decode_payload(format, request.payload);
    if (!body)
        invalid_payload(std::string("The request payload is not a ") +
                        (format == Format::json ? "JSON" : "CBOR") + " object.");
    return std::move(*body);
}

// A string-to-string map (`parameters`, `parameterOverrides`): the SDKs send strings; numbers
// and booleans are taken as their text.
provisioning::Parameters string_map(const json& node, std::string_view name) {
    provisioning::Parameters out;
    if (node.is_null()) return out;
    if (!node.is_object()) invalid_payload(std::string(name) + " must be an object.");
    for (const auto& [key, value] : node.items()) {
        if (value.is_string())
            out[key] = value.get<std::string>();
        else if (value.is_number() || value.is_boolean())
            out[key] = value.dump();
        else
            invalid_payload(std::string(name) + "." + key + " must be a string.");
    }
    return out;
}

const json& member(const json& body, const char* name) {
    static const json absent;
    const auto found = body.find(name);
    return found == body.end() ? absent : *found;
}

// An AwsError from the registry while applying a template, as a rejection: its code without the
// "Exception" suffix, 404/409 where the control plane answers so, 400 otherwise.
Rejection registration_failure(const AwsError& error) {
    std::string code = error.code();
    if (code.ends_with("Exception")) code.resize(code.size() - 9);
    const int status = error.code() == aws_errors::resource_not_found            ? 404
                       : error.code() == aws_errors::conflicting_resource_update ? 409
                                                                                 : 400;
    return {status, code, std::string(error.message())};
}

// A hook's answer (§1.8): anything but a result with allowProvisioning true denies.
provisioning::Parameters hook_overrides(const HookAnswer& answer) {
    if (!answer.invoked)
        reject(403, "AccessDenied", "The pre-provisioning hook failed: " + answer.payload);
    const auto result = json::parse(answer.payload, nullptr, false);
    const json& allow = result.is_object() ? member(result, "allowProvisioning") : json();
    if (allow != true && allow != "true")
        reject(403, "AccessDenied", "The pre-provisioning hook did not allow provisioning.");
    try {
        return string_map(member(result, "parameterOverrides"), "parameterOverrides");
    } catch (const Rejection& bad) {
        reject(403, "AccessDenied",
               "The pre-provisioning hook's answer is invalid: " + bad.error_message);
    }
}

}  // namespace

FleetProvisioning::FleetProvisioning(registry::Registry& registry,
                                     std::chrono::seconds token_lifetime)
    : registry_(registry), tokens_(token_lifetime) {}

Outcome FleetProvisioning::handle(const Request& request, Timestamp now) {
    delete_unclaimed(now);
    const auto topic = parse_request_topic(request.topic);
    if (!topic) throw std::invalid_argument("not a fleet provisioning topic: " + request.topic);
    try {
        switch (topic->operation) {
            case Operation::create_keys_and_certificate: {
                decoded(request, topic->format);  // any object; its keys are ignored
                const auto created = registry_.create_keys_and_certificate(
                    model::CertificateStatus::pending_activation);
                const auto& certificate = created.certificate;
                return reply_for(request.topic, topic->format, true,
                                 {{"certificateId", certificate.id},
                                  {"certificatePem", certificate.pem},
                                  {"privateKey", created.private_key_pem},
                                  {"certificateOwnershipToken",
                                   tokens_.issue(certificate.id, request.certificate_id, now)}});
            }
            case Operation::create_certificate_from_csr: {
                const json body = decoded(request, topic->format);
                const json& csr = member(body, "certificateSigningRequest");
                if (!csr.is_string() || csr.get_ref<const std::string&>().empty())
                    invalid_payload("certificateSigningRequest must be a PEM CSR.");
                model::Certificate certificate;
                try {
                    certificate = registry_.create_certificate_from_csr(
                        csr.get<std::string>(), model::CertificateStatus::pending_activation);
                } catch (const AwsError& error) {
                    invalid_payload(std::string(error.message()));
                }
                return reply_for(request.topic, topic->format, true,
                                 {{"certificateOwnershipToken",
                                   tokens_.issue(certificate.id, request.certificate_id, now)},
                                  {"certificateId", certificate.id},
                                  {"certificatePem", certificate.pem}});
            }
            case Operation::register_thing:
                return register_thing(request, *topic, now);
        }
    } catch (const Rejection& rejection) {
        return rejected(request.topic, topic->format, rejection);
    } catch (const std::exception& e) {
        return internal_failure(request.topic, topic->format, e);
    }
    throw std::logic_error("unreachable");
}

Outcome FleetProvisioning::register_thing(const Request& request, const RequestTopic& topic,
                                          Timestamp now) {
    const json body = decoded(request, topic.format);
    const json& token = member(body, "certificateOwnershipToken");
    if (!token.is_null() && !token.is_string())
        invalid_payload("certificateOwnershipToken must be a string.");
    if (token.is_null() || token.get_ref<const std::string&>().empty())
        reject(400, "InvalidCertificateOwnershipToken",
               "Certificate ownership token cannot be empty.");

    HookCall call;
    call.request_topic = request.topic;
    call.topic = topic;
    call.token = token.get<std::string>();
    call.claim_certificate_id = request.certificate_id;
    call.parameters = string_map(member(body, "parameters"), "parameters");

    // The template first, so that a device aiming at the wrong one learns so; then the token.
    model::ProvisioningTemplate tmpl;
    try {
        tmpl = registry_.describe_provisioning_template(topic.template_name);
    } catch (const AwsError&) {
        reject(404, "ResourceNotFound",
               "The provisioning template " + topic.template_name + " does not exist.");
    }
    if (tmpl.type != model::TemplateType::fleet_provisioning)
        reject(400, "InvalidRequest",
               "The provisioning template " + tmpl.name +
                   " is of type JITP; RegisterThing needs a FLEET_PROVISIONING template.");
    if (!tmpl.enabled)
        reject(400, "InvalidRequest", "The provisioning template " + tmpl.name + " is disabled.");
    const auto certificate_id = tokens_.check(call.token, request.certificate_id, now);
    if (!certificate_id) reject(400, "InvalidCertificateOwnershipToken", certificate_id.error());
    const auto certificate = registry_.find_certificate(*certificate_id);
    if (!certificate)
        reject(400, "InvalidCertificateOwnershipToken",
               "The certificate of this ownership token no longer exists.");

    if (!tmpl.pre_provisioning_hook) return finish_registration(call, {}, now);
    call.function_arn = tmpl.pre_provisioning_hook->target_arn;
    call.event = json{{"claimCertificateId", request.certificate_id},
                      {"certificateId", certificate->id},
                      {"certificatePem", certificate->pem},
                      {"templateArn", tmpl.arn},
                      {"clientId", request.client_id},
                      {"parameters", call.parameters}}
                     .dump();
    return call;
}

Reply FleetProvisioning::resume(const HookCall& call, const HookAnswer& answer, Timestamp now) {
    try {
        return finish_registration(call, hook_overrides(answer), now);
    } catch (const Rejection& rejection) {
        return rejected(call.request_topic, call.topic.format, rejection);
    } catch (const std::exception& e) {
        return internal_failure(call.request_topic, call.topic.format, e);
    }
}

// The template's default version evaluated with the request's parameters, the hook's overrides
// (they win, §1.8) and the new certificate's id, and applied in one step (§1.7).
Reply FleetProvisioning::finish_registration(const HookCall& call,
                                             const provisioning::Parameters& overrides,
                                             Timestamp now) {
    // Checked again: the template or the token may have changed while the hook ran.
    const auto certificate_id = tokens_.check(call.token, call.claim_certificate_id, now);
    if (!certificate_id) reject(400, "InvalidCertificateOwnershipToken", certificate_id.error());
    std::string body;
    try {
        const auto tmpl = registry_.describe_provisioning_template(call.topic.template_name);
        if (!tmpl.enabled) throw AwsError(aws_errors::invalid_request, "disabled");
        body = tmpl.default_version().body;
    } catch (const AwsError&) {
        reject(404, "ResourceNotFound",
               "The provisioning template " + call.topic.template_name +
                   " no longer exists or is disabled.");
    }
    provisioning::Parameters parameters = call.parameters;
    for (const auto& [name, value] : overrides) parameters[name] = value;
    parameters["AWS::IoT::Certificate::Id"] = *certificate_id;

    const auto parsed = provisioning::Template::parse(body);
    if (!parsed) reject(400, "InvalidParameters", parsed.error().message);
    const auto plan = provisioning::evaluate(*parsed, parameters);
    if (!plan) reject(400, "InvalidParameters", plan.error().message);
    // Only the certificate the token stands for may be provisioned by it (§1.7).
    if (plan->certificate && plan->certificate->certificate_id != *certificate_id)
        reject(400, "InvalidParameters",
               "The template's AWS::IoT::Certificate resource names certificate " +
                   plan->certificate->certificate_id +
                   ", not the one of the ownership token; use \"CertificateId\": {\"Ref\": "
                   "\"AWS::IoT::Certificate::Id\"}.");
    try {
        registry_.provision(*plan);
    } catch (const AwsError& error) {
        throw registration_failure(error);
    }
    tokens_.mark_used(call.token);
    log::info("fleet", "RegisterThing with template ", call.topic.template_name,
              " provisioned certificate ", *certificate_id,
              plan->thing ? " as thing " + plan->thing->thing_name : std::string());

    json reply{{"deviceConfiguration", plan->device_configuration}};
    // No thing in the template: no thingName at all rather than an empty one (§1.2).
    if (plan->thing) reply["thingName"] = plan->thing->thing_name;
    return reply_for(call.request_topic, call.topic.format, true, reply);
}

// AWS deletes a minted certificate whose token expired before any RegisterThing, unless it was
// activated or attached meanwhile (§1.5).
void FleetProvisioning::delete_unclaimed(Timestamp now) {
    for (const auto& id : tokens_.expire(now)) {
        const auto certificate = registry_.find_certificate(id);
        if (!certificate || certificate->status != model::CertificateStatus::pending_activation)
            continue;
        try {
            registry_.delete_certificate(id, /*force_delete=*/false);
            log::info("fleet", "certificate ", id,
                      " deleted: its ownership token expired before any RegisterThing");
        } catch (const AwsError& error) {
            log::info("fleet", "certificate ", id,
                      " kept after its ownership token expired: ", error.what());
        }
    }
}

}  // namespace iotemu::fleet
