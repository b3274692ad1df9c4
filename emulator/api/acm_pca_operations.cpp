// ACM PCA's operations: the request shape → one acm_pca::Service call → the output shape.
// Blobs (Csr, Certificate, CertificateChain) arrive base64-encoded in the JSON; PEMs go out as
// plain strings (docs/aws/provisioning-and-services.md §5.3).
#include <nlohmann/json.hpp>

#include "api/acm_pca_routes.hpp"
#include "api/json_members.hpp"
#include "common/aws_error.hpp"
#include "common/base64.hpp"

namespace iotemu::api {
namespace {

namespace pca = services::acm_pca;
using nlohmann::json;

const RpcService acm_pca_service{.name = "acm-pca",
                                 .signing_name = "acm-pca",
                                 .protocol = Protocol::json,
                                 .target_prefix = "ACMPrivateCA",
                                 // Room for the model's 2 MB CertificateChain after base64.
                                 .body_limit = 4 * 1024 * 1024};

// ---- request members ----------------------------------------------------------------------

[[noreturn]] void validation(std::string_view member, std::string_view value,
                             std::string_view constraint) {
    throw AwsError(aws_errors::validation,
                   "1 validation error detected: Value '" + std::string(value) + "' at '" +
                       std::string(member) +
                       "' failed to satisfy constraint: " + std::string(constraint));
}

std::string required(const json& object, std::string_view member) {
    auto value = string_member(object, member);
    if (!value) validation(member, "null", "Member must not be null");
    return std::move(*value);
}

std::string arn(const Call& call, std::string_view member = "CertificateAuthorityArn") {
    return required(call.body(), member);
}

// A blob member: base64 in the JSON, its bytes (here: PEM text) out.
std::optional<std::string> blob(const Call& call, std::string_view member) {
    const auto text = call.body_string(member);
    if (!text) return std::nullopt;
    auto bytes = base64_decode(*text);
    if (!bytes)
        throw AwsError(aws_errors::serialization,
                       "Member " + std::string(member) + " is not base64-encoded binary data");
    return bytes;
}

std::string required_blob(const Call& call, std::string_view member) {
    auto value = blob(call, member);
    if (!value) validation(member, "null", "Member must not be null");
    return std::move(*value);
}

pca::Validity validity(const json& shape, std::string_view member) {
    const auto value = int_member(shape, "Value", std::string(member) + ".Value");
    if (!value) validation(std::string(member) + ".value", "null", "Member must not be null");
    return {*value, required(shape, "Type")};
}

pca::Configuration configuration(const Call& call) {
    const json* shape = call.body_object("CertificateAuthorityConfiguration");
    if (!shape) validation("certificateAuthorityConfiguration", "null", "Member must not be null");
    pca::Configuration out{
        required(*shape, "KeyAlgorithm"), required(*shape, "SigningAlgorithm"), {}};
    const json* subject = object_member(*shape, "Subject", "Subject");
    if (!subject) validation("subject", "null", "Member must not be null");
    for (const auto& [name, value] : subject->items())
        out.subject.emplace_back(name, value.is_string() ? value.get<std::string>() : "");
    return out;
}

// ---- response shapes ----------------------------------------------------------------------

json timestamp(Timestamp t) { return epoch_seconds_ms(t); }

json certificate_authority(const pca::CertificateAuthority& ca) {
    json subject = json::object();
    for (const auto& [name, value] : ca.configuration.subject) subject[name] = value;
    json out = {{"Arn", ca.arn},
                {"OwnerAccount", ca.owner_account},
                {"CreatedAt", timestamp(ca.created_at)},
                {"LastStateChangeAt", timestamp(ca.last_state_change_at)},
                {"Type", pca::to_string(ca.type)},
                {"Status", pca::to_string(ca.status)},
                {"CertificateAuthorityConfiguration",
                 {{"KeyAlgorithm", ca.configuration.key_algorithm},
                  {"SigningAlgorithm", ca.configuration.signing_algorithm},
                  {"Subject", std::move(subject)}}},
                {"KeyStorageSecurityStandard", ca.key_storage_security_standard},
                {"UsageMode", ca.usage_mode}};
    if (ca.serial) out["Serial"] = *ca.serial;
    if (ca.not_before) out["NotBefore"] = timestamp(*ca.not_before);
    if (ca.not_after) out["NotAfter"] = timestamp(*ca.not_after);
    if (ca.restorable_until) out["RestorableUntil"] = timestamp(*ca.restorable_until);
    if (!ca.revocation_configuration.empty())
        out["RevocationConfiguration"] = json::parse(ca.revocation_configuration, nullptr, false);
    return out;
}

json certificate_and_chain(const pca::CertificateAndChain& pems) {
    json out = {{"Certificate", pems.certificate}};
    if (pems.chain) out["CertificateChain"] = *pems.chain;
    return out;
}

std::string revocation_configuration(const Call& call) {
    const json* shape = call.body_object("RevocationConfiguration");
    return shape ? shape->dump() : std::string();
}

// ---- operations ---------------------------------------------------------------------------

using Operation = json (*)(pca::Service&, Call&);

struct Entry {
    std::string_view name;
    Operation operation;
};

const Entry operations[] = {
    {"CreateCertificateAuthority",
     [](pca::Service& service, Call& call) -> json {
         pca::CreateInput input;
         input.configuration = configuration(call);
         const auto type = required(call.body(), "CertificateAuthorityType");
         const auto parsed = pca::parse_ca_type(type);
         if (!parsed)
             validation("certificateAuthorityType", type,
                        "Member must satisfy enum value set: [ROOT, SUBORDINATE]");
         input.type = *parsed;
         input.revocation_configuration = revocation_configuration(call);
         input.idempotency_token = call.body_string("IdempotencyToken");
         input.key_storage_security_standard = call.body_string("KeyStorageSecurityStandard");
         input.usage_mode = call.body_string("UsageMode");
         // Tags: accepted and not kept (the emulator has no ListTags for PCA).
         return {{"CertificateAuthorityArn", service.create_certificate_authority(input)}};
     }},
    {"DescribeCertificateAuthority",
     [](pca::Service& service, Call& call) -> json {
         return {{"CertificateAuthority",
                  certificate_authority(service.describe_certificate_authority(arn(call)))}};
     }},
    {"ListCertificateAuthorities",
     [](pca::Service& service, Call& call) -> json {
         const auto page = service.list_certificate_authorities(call.body_string("NextToken"),
                                                                call.body_int("MaxResults"));
         json authorities = json::array();
         for (const auto& ca : page.authorities) authorities.push_back(certificate_authority(ca));
         json out = {{"CertificateAuthorities", std::move(authorities)}};
         if (page.next_token) out["NextToken"] = *page.next_token;
         return out;
     }},
    {"UpdateCertificateAuthority",
     [](pca::Service& service, Call& call) -> json {
         std::optional<pca::CaStatus> status;
         if (const auto text = call.body_string("Status")) {
             status = pca::parse_ca_status(*text);
             if (!status) validation("status", *text, "Member must satisfy enum value set");
         }
         std::optional<std::string> revocation;
         if (call.body_object("RevocationConfiguration"))
             revocation = revocation_configuration(call);
         service.update_certificate_authority(arn(call), status, revocation);
         return json::object();
     }},
    {"DeleteCertificateAuthority",
     [](pca::Service& service, Call& call) -> json {
         service.delete_certificate_authority(arn(call),
                                              call.body_int("PermanentDeletionTimeInDays"));
         return json::object();
     }},
    {"RestoreCertificateAuthority",
     [](pca::Service& service, Call& call) -> json {
         service.restore_certificate_authority(arn(call));
         return json::object();
     }},
    {"GetCertificateAuthorityCsr",
     [](pca::Service& service, Call& call) -> json {
         return {{"Csr", service.get_certificate_authority_csr(arn(call))}};
     }},
    {"ImportCertificateAuthorityCertificate",
     [](pca::Service& service, Call& call) -> json {
         service.import_certificate_authority_certificate(
             arn(call), required_blob(call, "Certificate"), blob(call, "CertificateChain"));
         return json::object();
     }},
    {"GetCertificateAuthorityCertificate",
     [](pca::Service& service, Call& call) -> json {
         return certificate_and_chain(service.get_certificate_authority_certificate(arn(call)));
     }},
    {"IssueCertificate",
     [](pca::Service& service, Call& call) -> json {
         if (call.body().contains("ApiPassthrough"))
             throw AwsError(aws_errors::invalid_args,
                            "iot-emulator does not support ApiPassthrough: the certificate takes "
                            "its subject and subjectAltName from the CSR");
         pca::IssueInput input;
         input.certificate_authority_arn = arn(call);
         input.csr_pem = required_blob(call, "Csr");
         input.signing_algorithm = required(call.body(), "SigningAlgorithm");
         input.template_arn = call.body_string("TemplateArn");
         const json* shape = call.body_object("Validity");
         if (!shape) validation("validity", "null", "Member must not be null");
         input.validity = validity(*shape, "Validity");
         if (const json* before = call.body_object("ValidityNotBefore"))
             input.validity_not_before = validity(*before, "ValidityNotBefore");
         input.idempotency_token = call.body_string("IdempotencyToken");
         return {{"CertificateArn", service.issue_certificate(input)}};
     }},
    {"GetCertificate",
     [](pca::Service& service, Call& call) -> json {
         return certificate_and_chain(
             service.get_certificate(arn(call), arn(call, "CertificateArn")));
     }},
};

}  // namespace

void add_acm_pca_operations(Router& router, pca::Service& service) {
    for (const auto& [name, operation] : operations)
        router.add_json_operation(
            acm_pca_service, std::string(name),
            [&service, operation = operation](Call& call) { return operation(service, call); });
}

}  // namespace iotemu::api
