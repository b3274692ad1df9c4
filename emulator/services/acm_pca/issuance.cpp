// IssueCertificate and GetCertificate: a CSR, a template and a validity become a certificate
// signed by the CA's key — or, for a ROOT CA still PENDING_CERTIFICATE, its own self-signed
// certificate from its own CSR (the bootstrap every root CA goes through).
#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "pki/csr.hpp"
#include "pki/issue.hpp"
#include "services/acm_pca/authority.hpp"
#include "services/acm_pca/templates.hpp"
#include "services/acm_pca/validity.hpp"

namespace iotemu::services::acm_pca {
namespace {

[[noreturn]] void invalid_args(std::string message) {
    throw AwsError(aws_errors::invalid_args, std::move(message));
}

pki::CertificateRequest parse_csr(std::string_view pem) {
    auto csr = pki::CertificateRequest::from_pem(pem);
    if (!csr)
        throw AwsError(aws_errors::malformed_csr,
                       "The CSR is not a PEM-encoded PKCS#10 certificate signing request: " +
                           csr.error().message);
    if (csr->subject().entries.empty() && !csr->subject_alt_name_der())
        throw AwsError(aws_errors::malformed_csr,
                       "The CSR has neither a subject nor a subject alternative name");
    return std::move(csr).value();
}

Template template_for(const std::optional<std::string>& arn) {
    const auto found =
        find_template(arn.value_or("arn:aws:acm-pca:::template/" + std::string(default_template)));
    if (!found)
        invalid_args("The template " + *arn + " is not supported by iot-emulator (supported: " +
                     std::string(supported_templates()) + ")");
    return *found;
}

}  // namespace

std::string Service::issue_certificate(const IssueInput& input) {
    const auto& signing = signing_algorithm(input.signing_algorithm);
    const auto chosen = template_for(input.template_arn);
    const auto csr = parse_csr(input.csr_pem);
    const auto issued_at = now();
    const auto not_after = validity_end(input.validity, issued_at);
    std::optional<Timestamp> not_before;
    if (input.validity_not_before) {
        const auto& type = input.validity_not_before->type;
        if (type != "ABSOLUTE" && type != "END_DATE")
            invalid_args("ValidityNotBefore must be of Type ABSOLUTE or END_DATE");
        not_before = validity_end(*input.validity_not_before, issued_at);
    }
    if (not_after <= not_before.value_or(issued_at))
        invalid_args("The certificate's validity ends before it begins");

    // What signing needs, copied out under the lock; the signature is made outside it.
    std::optional<pki::Issuer> issuer;  // none: the root signs its own CSR
    std::optional<pki::PrivateKey> self_key;
    std::string ca_arn, chain;
    {
        std::lock_guard lock(mutex_);
        auto& authority = existing(input.certificate_authority_arn);
        const auto& ca = authority.description;
        if (auto arn = recall(authority.issue_tokens, input.idempotency_token)) return *arn;
        const bool own_csr = csr.public_key() == pki::PublicKey::from_private(authority.key);
        const bool root_template = chosen.name == root_ca_template;
        const auto status = authority.status();
        if (root_template && !(ca.type == CaType::root && own_csr))
            invalid_args(
                "RootCACertificate/V1 issues a ROOT certificate authority's certificate "
                "from its own CSR (GetCertificateAuthorityCsr) only");
        if (status == CaStatus::pending_certificate && root_template) {
            self_key = authority.key;
        } else if (status == CaStatus::active) {
            issuer = pki::Issuer{*authority.certificate, authority.key};
            if (ca.not_after && not_after > *ca.not_after)
                invalid_args(
                    "The certificate's validity ends after its certificate authority's "
                    "(" +
                    std::to_string(std::chrono::system_clock::to_time_t(*ca.not_after)) + ")");
            chain = authority.certificate->to_pem() + authority.chain_pem;
        } else {
            throw AwsError(aws_errors::invalid_state,
                           "The certificate authority " + ca.arn + " is " +
                               std::string(to_string(status)) +
                               ": only an ACTIVE certificate authority issues certificates");
        }
        if (authority.key.family() != signing.family)
            invalid_args("SigningAlgorithm " + input.signing_algorithm +
                         " does not match the certificate authority's key algorithm " +
                         ca.configuration.key_algorithm);
        ca_arn = ca.arn;
    }

    pki::CertificateProfile profile;
    profile.subject = csr.subject().entries;
    profile.is_ca = chosen.ca;
    profile.path_length = chosen.path_length;
    profile.key_usage = chosen.key_usage;
    profile.server_auth = chosen.server_auth;
    profile.client_auth = chosen.client_auth;
    profile.basic_constraints_critical = chosen.basic_constraints_critical;
    profile.authority_key_identifier = chosen.authority_key_identifier;
    profile.subject_alt_name_der = csr.subject_alt_name_der();
    profile.digest = signing.digest;
    profile.not_before = not_before;  // default: an hour back, as AWS does
    profile.not_after = not_after;
    const auto certificate = self_key ? pki::issue_self_signed(profile, *self_key)
                                      : pki::issue_certificate(profile, csr.public_key(), *issuer);
    const std::string arn = ca_arn + "/certificate/" + certificate.serial_number_hex();

    std::lock_guard lock(mutex_);
    auto& authority = existing(ca_arn);
    authority.issued[arn] = {certificate.to_pem(),
                             chain.empty() ? std::nullopt : std::optional(chain)};
    remember(authority.issue_tokens, input.idempotency_token, arn);
    log::info("acm-pca", "issued ", chosen.name, " certificate ", arn);
    return arn;
}

CertificateAndChain Service::get_certificate(std::string_view ca_arn,
                                             std::string_view certificate_arn) const {
    std::lock_guard lock(mutex_);
    const auto& authority = existing(ca_arn);
    const std::string prefix = std::string(ca_arn) + "/certificate/";
    if (certificate_arn.substr(0, prefix.size()) != prefix)
        throw AwsError(aws_errors::invalid_arn, "The ARN " + std::string(certificate_arn) +
                                                    " is not a certificate issued by " +
                                                    std::string(ca_arn));
    const auto it = authority.issued.find(std::string(certificate_arn));
    if (it == authority.issued.end())
        throw AwsError(aws_errors::resource_not_found,
                       "Could not find certificate " + std::string(certificate_arn) + ".");
    return it->second;
}

}  // namespace iotemu::services::acm_pca
