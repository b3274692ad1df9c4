// Routes for device certificates (docs/aws/iot-core.md §2): registration variants, AWS-issued
// certificates, describe/list/update/delete. Request shape → one registry call → response shape;
// the registry owns every status rule.
#include <nlohmann/json.hpp>

#include "api/iot_requests.hpp"
#include "api/iot_routes.hpp"
#include "api/render.hpp"
#include "model/statuses.hpp"

namespace iotemu::api {
namespace {

using nlohmann::json;

constexpr std::string_view certificate_statuses =
    "[ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE, PENDING_ACTIVATION]";
constexpr std::size_t max_pem = 65536;
constexpr std::size_t max_csr = 4096;

const std::string& certificate_id(const Call& call) {
    return named_path(call, "certificateId", NameKind::certificate_id);
}

std::string certificate_pem(const Call& call) {
    auto pem = call.required_body_string("certificatePem");
    check_length("certificatePem", pem, 1, max_pem);
    return pem;
}

std::optional<model::CertificateStatus> status_member(const Call& call) {
    return enum_member(call.body_string("status"), "status", model::parse_certificate_status,
                       certificate_statuses);
}

Response register_certificate(registry::Registry& registry, Call& call) {
    registry::RegisterCertificateRequest request;
    request.certificate_pem = certificate_pem(call);
    request.ca_certificate_pem = call.body_string("caCertificatePem");
    if (request.ca_certificate_pem)
        check_length("caCertificatePem", *request.ca_certificate_pem, 1, max_pem);
    request.status = status_member(call);
    // setAsActive is deprecated; an explicit status wins over it.
    if (!request.status && call.query_bool("setAsActive").value_or(false))
        request.status = model::CertificateStatus::active;
    const auto certificate = registry.register_certificate(request);
    return json_response(render::certificate_reference(certificate.arn, certificate.id));
}

Response register_certificate_without_ca(registry::Registry& registry, Call& call) {
    const auto pem = certificate_pem(call);
    const auto certificate = registry.register_certificate_without_ca(pem, status_member(call));
    return json_response(render::certificate_reference(certificate.arn, certificate.id));
}

// The control plane's AWS-signed certificates: INACTIVE unless setAsActive.
model::CertificateStatus set_as_active(Call& call) {
    return call.query_bool("setAsActive").value_or(false) ? model::CertificateStatus::active
                                                          : model::CertificateStatus::inactive;
}

Response create_keys_and_certificate(registry::Registry& registry, Call& call) {
    const auto created = registry.create_keys_and_certificate(set_as_active(call));
    auto out = render::certificate_reference(created.certificate.arn, created.certificate.id);
    out["certificatePem"] = created.certificate.pem;
    out["keyPair"] = {{"PublicKey", created.public_key_pem},
                      {"PrivateKey", created.private_key_pem}};
    return json_response(out);
}

Response create_certificate_from_csr(registry::Registry& registry, Call& call) {
    const auto csr = call.required_body_string("certificateSigningRequest");
    check_length("certificateSigningRequest", csr, 1, max_csr);
    const auto certificate = registry.create_certificate_from_csr(csr, set_as_active(call));
    auto out = render::certificate_reference(certificate.arn, certificate.id);
    out["certificatePem"] = certificate.pem;
    return json_response(out);
}

Response update_certificate(registry::Registry& registry, Call& call) {
    const auto& id = certificate_id(call);
    const auto status = enum_member(call.query("newStatus"), "newStatus",
                                    model::parse_certificate_status, certificate_statuses);
    if (!status) throw_validation_error("newStatus", "null", "Member must not be null");
    registry.update_certificate(id, *status);
    return empty_response();
}

}  // namespace

void add_certificate_routes(Router& router, registry::Registry& registry) {
    router.add("POST", "/certificate/register",
               [&registry](Call& call) { return register_certificate(registry, call); });
    router.add("POST", "/certificate/register-no-ca",
               [&registry](Call& call) { return register_certificate_without_ca(registry, call); });
    router.add("POST", "/keys-and-certificate",
               [&registry](Call& call) { return create_keys_and_certificate(registry, call); });
    router.add("POST", "/certificates",
               [&registry](Call& call) { return create_certificate_from_csr(registry, call); });
    router.add("GET", "/certificates/{certificateId}", [&registry](Call& call) {
        return json_response(
            {{"certificateDescription", render::certificate_description(
                                            registry.describe_certificate(certificate_id(call)))}});
    });
    router.add("GET", "/certificates", [&registry](Call& call) {
        return json_response(
            render::certificate_page(registry.list_certificates(marker_page_request(call))));
    });
    router.add("GET", "/certificates-by-ca/{caCertificateId}", [&registry](Call& call) {
        const auto& ca_id = named_path(call, "caCertificateId", NameKind::certificate_id);
        return json_response(render::certificate_page(
            registry.list_certificates_by_ca(ca_id, marker_page_request(call))));
    });
    router.add("PUT", "/certificates/{certificateId}",
               [&registry](Call& call) { return update_certificate(registry, call); });
    router.add("DELETE", "/certificates/{certificateId}", [&registry](Call& call) {
        const auto& id = certificate_id(call);
        registry.delete_certificate(id, call.query_bool("forceDelete").value_or(false));
        return empty_response();
    });
}

}  // namespace iotemu::api
