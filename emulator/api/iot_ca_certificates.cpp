// Routes for the registration code and CA certificates (docs/aws/iot-core.md §1): request shape →
// one registry call → response shape. Never decides an AWS rule; the registry does.
#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"
#include "model/statuses.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::string_view ca_statuses = "[ACTIVE, INACTIVE]";
constexpr std::string_view auto_registration_statuses = "[ENABLE, DISABLE]";
constexpr std::string_view certificate_modes = "[DEFAULT, SNI_ONLY]";
constexpr std::size_t max_pem = 65536;

const std::string& ca_certificate_id(const Call& call) {
    return named_path(call, "caCertificateId", NameKind::certificate_id, "certificateId");
}

Response register_ca_certificate(registry::Registry& registry, Call& call) {
    registry::RegisterCaCertificateRequest request;
    request.ca_certificate_pem = call.required_body_string("caCertificate");
    check_length("caCertificate", request.ca_certificate_pem, 1, max_pem);
    request.verification_certificate_pem = call.body_string("verificationCertificate");
    if (request.verification_certificate_pem)
        check_length("verificationCertificate", *request.verification_certificate_pem, 1, max_pem);
    request.set_as_active = call.query_bool("setAsActive").value_or(false);
    request.allow_auto_registration = call.query_bool("allowAutoRegistration").value_or(false);
    request.registration_config = registration_config(call).value_or(model::RegistrationConfig{});
    request.mode = enum_member(call.body_string("certificateMode"), "certificateMode",
                               model::parse_certificate_mode, certificate_modes);
    request.tags = tags(call);  // the registry keeps CA tags
    const auto ca = registry.register_ca_certificate(request);
    return json_response(render::certificate_reference(ca.arn, ca.id));
}

Response update_ca_certificate(registry::Registry& registry, Call& call) {
    const auto& id = ca_certificate_id(call);
    registry::UpdateCaCertificateRequest request;
    request.new_status = enum_member(call.query("newStatus"), "newStatus",
                                     model::parse_ca_certificate_status, ca_statuses);
    request.new_auto_registration_status =
        enum_member(call.query("newAutoRegistrationStatus"), "newAutoRegistrationStatus",
                    model::parse_auto_registration_status, auto_registration_statuses);
    request.registration_config = registration_config(call);
    request.remove_auto_registration = call.body_bool("removeAutoRegistration").value_or(false);
    registry.update_ca_certificate(id, request);
    return empty_response();
}

Response describe_ca_certificate(registry::Registry& registry, Call& call) {
    const auto ca = registry.describe_ca_certificate(ca_certificate_id(call));
    // registrationConfig is always present ({} when the CA has none), so clients can index it.
    return json_response(
        {{"certificateDescription", render::ca_certificate_description(ca)},
         {"registrationConfig", render::registration_config(ca.registration_config)}});
}

Response list_ca_certificates(registry::Registry& registry, Call& call) {
    const auto page = marker_page_request(call);
    const auto template_name = named_query(call, "templateName", NameKind::template_name);
    return json_response(
        render::ca_certificate_page(registry.list_ca_certificates(page, template_name)));
}

}  // namespace

void add_ca_certificate_routes(Router& router, registry::Registry& registry) {
    router.add("GET", "/registrationcode", [&registry](Call&) {
        return json_response({{"registrationCode", registry.get_registration_code()}});
    });
    router.add("DELETE", "/registrationcode", [&registry](Call&) {
        registry.delete_registration_code();
        return empty_response();
    });
    router.add("POST", "/cacertificate",
               [&registry](Call& call) { return register_ca_certificate(registry, call); });
    router.add("PUT", "/cacertificate/{caCertificateId}",
               [&registry](Call& call) { return update_ca_certificate(registry, call); });
    router.add("GET", "/cacertificate/{caCertificateId}",
               [&registry](Call& call) { return describe_ca_certificate(registry, call); });
    router.add("GET", "/cacertificates",
               [&registry](Call& call) { return list_ca_certificates(registry, call); });
    router.add("DELETE", "/cacertificate/{caCertificateId}", [&registry](Call& call) {
        registry.delete_ca_certificate(ca_certificate_id(call));
        return empty_response();
    });
}

}  // namespace iotemu::api
