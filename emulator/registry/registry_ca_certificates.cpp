// CA certificates (docs/aws/iot-core.md §1): registration with proof of possession, updates,
// listing, deletion. Device certificates signed by a CA live in registry_certificates.cpp.
#include <mutex>

#include "common/random.hpp"
#include "pki/verification.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using model::CaCertificateStatus;
using model::CertificateMode;

// "You can register up to 10 CA certificates with the same CA subject field per account"
// (RegisterCACertificate model doc, docs/aws/iot-core.md §1.2).
constexpr int max_ca_certificates_per_subject = 10;

// A JITP configuration (docs/aws/iot-core.md §4.1): an inline templateBody with the roleArn
// AWS would provision with, or the templateName of a JITP template. The body is checked here,
// outside the lock; the named template in require_jitp_template, under it.
void require_valid_registration_config(const model::RegistrationConfig& config) {
    if (config.template_body && config.template_name)
        detail::throw_error(aws_errors::invalid_request,
                            "registrationConfig takes templateBody with roleArn, or "
                            "templateName, not both.");
    if (config.template_body && !config.role_arn)
        detail::throw_error(aws_errors::invalid_request,
                            "registrationConfig.templateBody needs the roleArn of a role JITP "
                            "may provision with.");
    if (config.role_arn && !config.template_body && !config.template_name)
        detail::throw_error(aws_errors::invalid_request,
                            "registrationConfig.roleArn goes with a templateBody.");
    if (config.template_body) detail::require_valid_template(*config.template_body);
}

void require_jitp_template(const State& state, const model::RegistrationConfig& config) {
    if (!config.template_name) return;
    const auto& tmpl = detail::find_or_throw(state.provisioning_templates, *config.template_name,
                                             "Provisioning template")
                           .value;
    if (tmpl.type != model::TemplateType::jitp)
        detail::throw_error(aws_errors::invalid_request,
                            "Provisioning template " + tmpl.name + " is of type " +
                                std::string(model::to_string(tmpl.type)) +
                                "; a CA's registrationConfig names a JITP template.");
}

// Spec §1.2: DEFAULT (or no mode) needs a verification certificate; SNI_ONLY forbids one.
void require_verification_matches_mode(CertificateMode mode, bool has_verification) {
    if (mode == CertificateMode::default_mode && !has_verification)
        detail::throw_error(aws_errors::invalid_request,
                            "A verificationCertificate is required when certificateMode is "
                            "DEFAULT; omit it only with certificateMode SNI_ONLY.");
    if (mode == CertificateMode::sni_only && has_verification)
        detail::throw_error(aws_errors::invalid_request,
                            "The verificationCertificate must be empty when certificateMode is "
                            "SNI_ONLY.");
}

// Proof of possession against the code current at this moment (docs/aws/iot-core.md §1.2); the
// error names are our [inf] choice: a wrong CN is a RegistrationCodeValidationException, a wrong
// signer a CertificateValidationException.
void require_proof_of_possession(const pki::X509Certificate& ca,
                                 const pki::X509Certificate& verification,
                                 const std::optional<std::string>& registration_code) {
    if (!registration_code)
        detail::throw_error(aws_errors::registration_code_validation,
                            "There is no registration code: call GetRegistrationCode and use it "
                            "as the verification certificate's subject CN.");
    const auto checked = pki::check_verification_certificate(ca, verification, *registration_code);
    if (checked) return;
    switch (checked.error()) {
        case pki::VerificationFailure::code_mismatch:
            detail::throw_error(aws_errors::registration_code_validation,
                                "The verification certificate's subject CN is not the current "
                                "registration code.");
        case pki::VerificationFailure::not_signed_by_ca:
            detail::throw_error(aws_errors::certificate_validation,
                                "The verification certificate is not signed by the CA "
                                "certificate's private key.");
    }
}

}  // namespace

model::CaCertificate Registry::register_ca_certificate(
    const RegisterCaCertificateRequest& request) {
    const CertificateMode mode = request.mode.value_or(CertificateMode::default_mode);
    require_verification_matches_mode(mode, request.verification_certificate_pem.has_value());
    const auto ca = detail::parse_certificate(request.ca_certificate_pem, "CA certificate");
    if (!ca.is_ca())
        detail::throw_error(aws_errors::certificate_validation,
                            "The certificate is not a CA certificate (basicConstraints CA:TRUE "
                            "is missing).");
    if (!ca.is_valid_at(now()))
        detail::throw_error(aws_errors::certificate_validation,
                            "The CA certificate is expired or not yet valid.");
    std::optional<pki::X509Certificate> verification;
    if (request.verification_certificate_pem)
        verification = detail::parse_certificate(*request.verification_certificate_pem,
                                                 "verification certificate");
    require_valid_registration_config(request.registration_config);

    std::unique_lock lock(mutex_);
    if (verification) require_proof_of_possession(ca, *verification, state_.registration_code);
    require_jitp_template(state_, request.registration_config);

    const std::string arn = account_.arn("cacert", ca.id());
    if (state_.ca_certificates.contains(ca.id()))
        throw AwsError(aws_errors::resource_already_exists,
                       "The CA certificate is already registered.", ca.id(), arn);
    const std::string subject = ca.subject().one_line();
    const auto same_subject =
        std::count_if(state_.ca_certificates.begin(), state_.ca_certificates.end(),
                      [&](const auto& entry) { return entry.second.value.subject == subject; });
    if (same_subject >= max_ca_certificates_per_subject)
        detail::throw_error(aws_errors::limit_exceeded,
                            "Limit reached for number of CA Certificates with same subject");

    model::CaCertificate record;
    record.id = ca.id();
    record.arn = arn;
    record.pem = ca.to_pem();
    record.subject = subject;
    record.status =
        request.set_as_active ? CaCertificateStatus::active : CaCertificateStatus::inactive;
    record.auto_registration_status = request.allow_auto_registration
                                          ? model::AutoRegistrationStatus::enable
                                          : model::AutoRegistrationStatus::disable;
    record.mode = mode;
    record.owned_by = account_.account_id;
    record.creation_date = record.last_modified_date = now();
    record.generation_id = random_uuid();
    record.validity = ca.validity();
    record.registration_config = request.registration_config;
    record.tags = request.tags;
    detail::insert_new(state_, state_.ca_certificates, record.id, record);
    commit();
    return record;
}

void Registry::update_ca_certificate(std::string_view ca_certificate_id,
                                     const UpdateCaCertificateRequest& request) {
    detail::require_valid_name(detail::NameKind::certificate_id, ca_certificate_id);
    if (request.registration_config)
        require_valid_registration_config(*request.registration_config);
    if (request.registration_config && request.remove_auto_registration)
        detail::throw_error(aws_errors::invalid_request,
                            "registrationConfig and removeAutoRegistration cannot be used "
                            "together.");

    std::unique_lock lock(mutex_);
    auto& ca =
        detail::find_or_throw(state_.ca_certificates, ca_certificate_id, "CA certificate").value;
    if (request.registration_config) require_jitp_template(state_, *request.registration_config);
    if (request.new_status) ca.status = *request.new_status;
    if (request.new_auto_registration_status)
        ca.auto_registration_status = *request.new_auto_registration_status;
    if (request.registration_config) ca.registration_config = *request.registration_config;
    // removeAutoRegistration clears the JITP template and role (docs/aws/iot-core.md §1.3); the
    // auto-registration status itself changes only through newAutoRegistrationStatus.
    if (request.remove_auto_registration) ca.registration_config = {};
    ca.last_modified_date = now();
    ++ca.customer_version;
    commit();
}

model::CaCertificate Registry::describe_ca_certificate(std::string_view ca_certificate_id) const {
    detail::require_valid_name(detail::NameKind::certificate_id, ca_certificate_id);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.ca_certificates, ca_certificate_id, "CA certificate").value;
}

std::optional<model::CaCertificate> Registry::find_ca_certificate(
    std::string_view ca_certificate_id) const {
    std::shared_lock lock(mutex_);
    return detail::find_value(state_.ca_certificates, ca_certificate_id);
}

Page<model::CaCertificate> Registry::list_ca_certificates(
    const PageRequest& page, const std::optional<std::string>& template_name) const {
    std::shared_lock lock(mutex_);
    return detail::paginate(detail::collect(state_.ca_certificates,
                                            [&](const model::CaCertificate& ca) {
                                                return !template_name ||
                                                       ca.registration_config.template_name ==
                                                           template_name;
                                            }),
                            page);
}

// Spec §1.5: an ACTIVE CA must be deactivated first. The model does not say that device
// certificates registered under the CA block its deletion, so they do not: they keep their
// caCertificateId and keep working ([inf], like a deactivated CA, docs/aws/iot-core.md §1.6).
void Registry::delete_ca_certificate(std::string_view ca_certificate_id) {
    detail::require_valid_name(detail::NameKind::certificate_id, ca_certificate_id);
    std::unique_lock lock(mutex_);
    const auto& ca =
        detail::find_or_throw(state_.ca_certificates, ca_certificate_id, "CA certificate").value;
    if (ca.status == CaCertificateStatus::active)
        detail::throw_error(aws_errors::certificate_state,
                            "The CA certificate must be deactivated (not ACTIVE) before deletion.");
    state_.ca_certificates.erase(std::string(ca_certificate_id));
    commit();
}

}  // namespace iotemu::registry
