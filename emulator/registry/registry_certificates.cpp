// Device certificates (docs/aws/iot-core.md §2): the registration variants, AWS-issued
// certificates, status transitions and deletion. Key generation and signing run outside the lock,
// never under it.
#include <chrono>
#include <mutex>

#include "common/random.hpp"
#include "pki/csr.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using model::CertificateMode;
using model::CertificateStatus;

// Spec §2.2: PENDING_TRANSFER and PENDING_ACTIVATION are AWS-internal and REGISTER_INACTIVE is
// deprecated; a caller may not ask for them (InvalidRequestException is our [inf] choice).
void require_settable_status(CertificateStatus status) {
    if (status == CertificateStatus::pending_transfer ||
        status == CertificateStatus::pending_activation ||
        status == CertificateStatus::register_inactive)
        detail::throw_error(aws_errors::invalid_request,
                            "The status " + std::string(model::to_string(status)) +
                                " cannot be set by a caller; use ACTIVE, INACTIVE or REVOKED.");
}

CertificateStatus requested_status(std::optional<CertificateStatus> status) {
    if (status) require_settable_status(*status);
    return status.value_or(CertificateStatus::inactive);
}

// AWS's message for a device certificate whose key it does not take (docs/limits.md §7).
void require_supported_key(const pki::X509Certificate& certificate) {
    if (const auto problem = certificate.public_key().unsupported_by_aws_iot())
        detail::throw_error(aws_errors::certificate_validation,
                            "The key in the certificate is not valid (" + *problem +
                                "; AWS IoT takes RSA of 2048 bits or more, or ECDSA on P-256, "
                                "P-384 or P-521).");
}

void require_currently_valid(const pki::X509Certificate& certificate) {
    if (!certificate.is_valid_at(now()))
        detail::throw_error(aws_errors::certificate_validation,
                            "The certificate is expired or not yet valid.");
}

// The registered CA that directly signed `certificate` (docs/aws/iot-core.md §2.4: the direct
// signer, not an ancestor), or the one named by caCertificatePem.
const model::CaCertificate& find_signer(const State& state, const pki::X509Certificate& certificate,
                                        const std::optional<pki::X509Certificate>& named_ca) {
    if (named_ca) {
        const auto it = state.ca_certificates.find(named_ca->id());
        if (it == state.ca_certificates.end())
            detail::throw_error(aws_errors::certificate_validation,
                                "The caCertificatePem is not a registered CA certificate.");
        if (!certificate.is_signed_by(*named_ca))
            detail::throw_error(aws_errors::certificate_validation,
                                "The certificate is not signed by the given CA certificate.");
        return it->second.value;
    }
    const std::string issuer = certificate.issuer().one_line();
    const model::CaCertificate* signer = nullptr;
    for (const auto& [id, entry] : state.ca_certificates) {
        if (entry.value.subject != issuer || !detail::is_signed_by(certificate, entry.value))
            continue;
        // Several registered CAs with the same subject and key: the caller must pick
        // (docs/aws/iot-core.md §2.4).
        if (signer)
            detail::throw_error(aws_errors::certificate_conflict,
                                "More than one registered CA certificate signs this certificate; "
                                "pass caCertificatePem to choose one.");
        signer = &entry.value;
    }
    if (!signer)
        detail::throw_error(aws_errors::certificate_validation,
                            "The certificate is not signed by a registered CA certificate "
                            "(AWS IoT needs the direct signer registered, not an ancestor).");
    return *signer;
}

// Duplicate check and insert; the caller holds the write lock and commits.
void insert_certificate(State& state, const model::Certificate& record) {
    if (state.certificates.contains(record.id))
        throw AwsError(aws_errors::resource_already_exists,
                       "The certificate is already provisioned or registered", record.id,
                       record.arn);
    detail::insert_new(state, state.certificates, record.id, record);
}

// What AWS issues for CreateKeysAndCertificate / CreateCertificateFromCsr: a client certificate
// valid until the end of 2049, as AWS IoT's own are.
pki::CertificateProfile aws_issued_profile(std::vector<pki::NameEntry> subject) {
    using namespace std::chrono;
    pki::CertificateProfile profile;
    profile.subject = subject.empty() ? std::vector<pki::NameEntry>{{"CN", "AWS IoT Certificate"}}
                                      : std::move(subject);
    const auto end = sys_days{year{2049} / December / 31} + hours{23};
    profile.lifetime = duration_cast<hours>(end - system_clock::now());
    profile.client_auth = true;
    return profile;
}

}  // namespace

void Registry::add_certificate(const model::Certificate& record) {
    std::unique_lock lock(mutex_);
    insert_certificate(state_, record);
    commit();
}

model::Certificate Registry::register_certificate(const RegisterCertificateRequest& request) {
    const CertificateStatus status = requested_status(request.status);
    const auto certificate = detail::parse_certificate(request.certificate_pem, "certificate");
    require_supported_key(certificate);
    require_currently_valid(certificate);
    std::optional<pki::X509Certificate> named_ca;
    if (request.ca_certificate_pem)
        named_ca = detail::parse_certificate(*request.ca_certificate_pem, "caCertificatePem");

    std::unique_lock lock(mutex_);
    const model::CaCertificate& ca = find_signer(state_, certificate, named_ca);
    // [inf] The model lists CertificateStateException; an INACTIVE CA is the state it fits.
    if (ca.status != model::CaCertificateStatus::active)
        detail::throw_error(aws_errors::certificate_state,
                            "The CA certificate " + ca.id +
                                " is INACTIVE; activate it before registering certificates "
                                "signed by it.");
    const auto record = detail::new_certificate(account_, certificate, status, ca.mode, ca.id);
    insert_certificate(state_, record);
    commit();
    return record;
}

model::Certificate Registry::register_certificate_without_ca(
    std::string_view certificate_pem, std::optional<model::CertificateStatus> status) {
    const CertificateStatus initial = requested_status(status);
    const auto certificate = detail::parse_certificate(certificate_pem, "certificate");
    require_supported_key(certificate);
    require_currently_valid(certificate);
    const auto record = detail::new_certificate(account_, certificate, initial,
                                                CertificateMode::sni_only, std::nullopt);
    add_certificate(record);
    return record;
}

KeysAndCertificate Registry::create_keys_and_certificate(CertificateStatus status) {
    // Key generation and signing first, with no lock held (registry.hpp's promise).
    const auto key = pki::PrivateKey::generate(pki::KeyType::rsa_2048);
    const auto certificate = pki::issue_certificate(aws_issued_profile({}),
                                                    pki::PublicKey::from_private(key), aws_issuer_);
    const auto record = detail::new_certificate(account_, certificate, status,
                                                CertificateMode::default_mode, std::nullopt);
    add_certificate(record);
    return {record, key.public_key_pem(), key.to_pem()};
}

model::Certificate Registry::create_certificate_from_csr(std::string_view csr_pem,
                                                         CertificateStatus status) {
    const auto csr = pki::CertificateRequest::from_pem(csr_pem);
    if (!csr)
        detail::throw_error(aws_errors::invalid_request,
                            "The certificate signing request is not valid: " + csr.error().message);
    if (const auto problem = csr->public_key().unsupported_by_aws_iot())
        detail::throw_error(aws_errors::invalid_request,
                            "The certificate signing request's key is not supported (" + *problem +
                                "; AWS IoT takes RSA of 2048 bits or more, or ECDSA on P-256, "
                                "P-384 or P-521).");
    // Signed outside the lock; the same CSR twice gives two distinct certificates (model doc).
    const auto certificate = pki::issue_certificate(aws_issued_profile(csr->subject().entries),
                                                    csr->public_key(), aws_issuer_);
    const auto record = detail::new_certificate(account_, certificate, status,
                                                CertificateMode::default_mode, std::nullopt);
    add_certificate(record);
    return record;
}

model::Certificate Registry::describe_certificate(std::string_view certificate_id) const {
    detail::require_valid_name(detail::NameKind::certificate_id, certificate_id);
    std::shared_lock lock(mutex_);
    return detail::find_or_throw(state_.certificates, certificate_id, "Certificate").value;
}

std::optional<model::Certificate> Registry::find_certificate(
    std::string_view certificate_id) const {
    std::shared_lock lock(mutex_);
    return detail::find_value(state_.certificates, certificate_id);
}

Page<model::Certificate> Registry::list_certificates(const PageRequest& page) const {
    std::shared_lock lock(mutex_);
    return detail::paginate(detail::collect(state_.certificates, [](const auto&) { return true; }),
                            page);
}

// The model lists no ResourceNotFoundException here: an unknown CA simply signs nothing.
Page<model::Certificate> Registry::list_certificates_by_ca(std::string_view ca_certificate_id,
                                                           const PageRequest& page) const {
    detail::require_valid_name(detail::NameKind::certificate_id, ca_certificate_id);
    std::shared_lock lock(mutex_);
    return detail::paginate(detail::collect(state_.certificates,
                                            [&](const model::Certificate& certificate) {
                                                return certificate.ca_certificate_id ==
                                                       ca_certificate_id;
                                            }),
                            page);
}

// Spec §2.2: idempotent; REVOKED is terminal ([inf] CertificateStateException). A real change
// reaches the certificate listener once the lock is released (the broker drops its connections).
void Registry::update_certificate(std::string_view certificate_id,
                                  model::CertificateStatus new_status) {
    detail::require_valid_name(detail::NameKind::certificate_id, certificate_id);
    require_settable_status(new_status);
    model::Certificate changed;
    {
        std::unique_lock lock(mutex_);
        auto& certificate =
            detail::find_or_throw(state_.certificates, certificate_id, "Certificate").value;
        if (certificate.status == new_status) return;
        if (certificate.status == CertificateStatus::revoked)
            detail::throw_error(aws_errors::certificate_state,
                                "The certificate is REVOKED; a revoked certificate's status "
                                "cannot be changed.");
        certificate.status = new_status;
        certificate.last_modified_date = now();
        commit();
        changed = certificate;
    }
    notify_certificate_change(changed, /*deleted=*/false);
}

// Spec §2.3, checks in moto's order: status, things, then policies unless forced.
void Registry::delete_certificate(std::string_view certificate_id, bool force_delete) {
    detail::require_valid_name(detail::NameKind::certificate_id, certificate_id);
    model::Certificate deleted;
    {
        std::unique_lock lock(mutex_);
        const auto& certificate =
            detail::find_or_throw(state_.certificates, certificate_id, "Certificate").value;
        if (certificate.status == CertificateStatus::active)
            detail::throw_error(aws_errors::certificate_state,
                                "Certificate must be deactivated (not ACTIVE) before deletion.");
        const std::string arn = certificate.arn;
        if (detail::contains_anywhere(state_.thing_principals, arn))
            detail::throw_error(aws_errors::delete_conflict,
                                "Things must be detached before deletion (arn: " + arn + ")");
        if (!force_delete && detail::contains_anywhere(state_.policy_targets, arn))
            detail::throw_error(
                aws_errors::delete_conflict,
                "Certificate policies must be detached before deletion (arn: " + arn + ")");
        deleted = certificate;
        detail::erase_everywhere(state_.policy_targets, arn);  // forced, or none
        state_.certificates.erase(std::string(certificate_id));
        commit();
    }
    notify_certificate_change(deleted, /*deleted=*/true);
}

namespace detail {

model::Certificate new_certificate(const model::Account& account,
                                   const pki::X509Certificate& certificate,
                                   CertificateStatus status, CertificateMode mode,
                                   std::optional<std::string> ca_certificate_id) {
    model::Certificate record;
    record.id = certificate.id();
    record.arn = account.arn("cert", record.id);
    record.pem = certificate.to_pem();
    record.ca_certificate_id = std::move(ca_certificate_id);
    record.status = status;
    record.mode = mode;
    record.owned_by = account.account_id;
    record.creation_date = record.last_modified_date = now();
    record.generation_id = random_uuid();
    record.validity = certificate.validity();
    return record;
}

bool is_signed_by(const pki::X509Certificate& certificate, const model::CaCertificate& ca) {
    const auto parsed = pki::X509Certificate::from_pem(ca.pem);
    return parsed && certificate.is_signed_by(*parsed);
}

}  // namespace detail
}  // namespace iotemu::registry
