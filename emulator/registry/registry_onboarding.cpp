// The broker's questions (docs/aws/iot-core.md §3.4, §5): the connect-time verdict on a client
// chain with just-in-time registration and provisioning, a principal's compiled policies, and the
// certificate listener. Signature checks and template evaluation run outside the lock; the
// listener is never called with the lock held.
#include <algorithm>
#include <mutex>

#include "common/log.hpp"
#include "policy/document.hpp"
#include "provisioning/jitp_parameters.hpp"
#include "provisioning/template.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

using model::AutoRegistrationStatus;
using model::CaCertificateStatus;
using model::CertificateStatus;

DeviceAuthentication refused(std::string reason) {
    return {DeviceVerdict::refused, std::nullopt, std::move(reason)};
}

DeviceAuthentication outside_validity() { return refused("certificate expired or not yet valid"); }

// Spec §2.1, §3.4: only ACTIVE authenticates, whatever its CA's status is now (§1.6); a
// PENDING_ACTIVATION certificate has its registration event published again; the rest is refused.
DeviceAuthentication verdict_for_known(const model::Certificate& certificate,
                                       const pki::X509Certificate& presented) {
    switch (certificate.status) {
        case CertificateStatus::active:
            if (!presented.is_valid_at(now())) return outside_validity();
            return {DeviceVerdict::accepted, certificate, {}};
        case CertificateStatus::pending_activation:
            return {DeviceVerdict::pending, certificate, {}};
        case CertificateStatus::inactive:
        case CertificateStatus::revoked:
        case CertificateStatus::pending_transfer:
        case CertificateStatus::register_inactive:
            break;
    }
    return refused("certificate is " + std::string(model::to_string(certificate.status)));
}

// Why `ca` may not auto-register a certificate it signed (docs/aws/iot-core.md §3.1, §3.4, §1.6),
// if it may not. The same holds for JITP (docs/aws/iot-core.md §4.1), which registers first.
std::optional<std::string> registration_refusal(const model::CaCertificate& ca) {
    if (ca.status != CaCertificateStatus::active) return "CA " + ca.id + " is INACTIVE";
    if (ca.auto_registration_status != AutoRegistrationStatus::enable)
        return "CA " + ca.id + " has auto-registration DISABLE";
    return std::nullopt;
}

// Among registered CAs that all directly signed the certificate (same subject and key, spec
// §2.4), the one that decides: ACTIVE with auto-registration first, then ACTIVE, then any.
const model::CaCertificate& preferred_signer(const std::vector<model::CaCertificate>& signers) {
    const auto rank = [](const model::CaCertificate& ca) {
        return (ca.status == CaCertificateStatus::active ? 2 : 0) +
               (ca.auto_registration_status == AutoRegistrationStatus::enable ? 1 : 0);
    };
    return *std::max_element(signers.begin(), signers.end(),
                             [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

}  // namespace

// ---- connect-time authentication (docs/aws/iot-core.md §3.3, §3.4) ------------------------------

DeviceAuthentication Registry::authenticate_device(const std::vector<pki::X509Certificate>& chain) {
    if (chain.empty()) return refused("no client certificate");
    const pki::X509Certificate& device = chain.front();
    const std::string issuer = device.issuer().one_line();

    // A snapshot: the certificate if known, else the registered CAs that could be its direct
    // signer. What the device sent after its certificate (chain[1..], docs/aws/iot-core.md §3.2) is
    // only a hint: the registered CA is what counts, so it is not consulted.
    std::optional<model::Certificate> known;
    std::optional<model::Certificate> claim;  // a temporary claim certificate (§1.10)
    std::vector<model::CaCertificate> signers;
    {
        std::shared_lock lock(mutex_);
        known = detail::find_value(state_.certificates, device.id());
        if (const auto found = state_.provisioning_claims.find(device.id());
            !known && found != state_.provisioning_claims.end())
            claim = found->second.certificate;
        if (!known && !claim)
            for (const auto& [id, entry] : state_.ca_certificates)
                if (entry.value.subject == issuer) signers.push_back(entry.value);
    }
    // Its validity ends at its expiration (docs/aws/provisioning-and-services.md §1.10).
    if (claim) return verdict_for_known(*claim, device);
    if (known) {
        auto verdict = verdict_for_known(*known, device);
        // [inf] A certificate JITP could not provision is tried again on every connection, so a
        // fixed template (or a policy created since) provisions it (docs/aws/iot-core.md §4.2).
        if (verdict.verdict == DeviceVerdict::pending) provision_just_in_time(*known, device);
        return verdict;
    }

    // Signature checks without the lock. A registered intermediate is the direct signer of the
    // leaves it signed; a registered root is not, for a leaf signed by an intermediate.
    std::erase_if(signers, [&](const auto& ca) { return !detail::is_signed_by(device, ca); });
    if (signers.empty()) return refused("issuer not a registered CA");
    const model::CaCertificate& ca = preferred_signer(signers);
    if (!device.is_valid_at(now())) return outside_validity();
    if (auto refusal = registration_refusal(ca)) return refused(std::move(*refusal));
    // A key AWS does not take is never registered (docs/limits.md §7).
    if (auto problem = device.public_key().unsupported_by_aws_iot())
        return refused("the certificate's key is not supported: " + std::move(*problem));
    const auto record = detail::new_certificate(
        account_, device, CertificateStatus::pending_activation, ca.mode, ca.id);

    {
        std::unique_lock lock(mutex_);
        // Since the snapshot another connection may have registered the same certificate (it
        // then counts as known: registered once, the second sees `pending`), or the CA changed.
        known = detail::find_value(state_.certificates, record.id);
        if (!known) {
            const auto current = detail::find_value(state_.ca_certificates, ca.id);
            if (!current) return refused("issuer not a registered CA");
            if (auto refusal = registration_refusal(*current)) return refused(std::move(*refusal));
            detail::insert_new(state_, state_.certificates, record.id, record);
            commit();
        }
    }
    if (known) return verdict_for_known(*known, device);
    notify_certificate_change(record, /*deleted=*/false);
    provision_just_in_time(record, device);
    return {DeviceVerdict::registered, record, {}};
}

// ---- just-in-time provisioning (docs/aws/iot-core.md §4.2) -------------------------------------

void Registry::provision_just_in_time(const model::Certificate& certificate,
                                      const pki::X509Certificate& device) {
    // The CA's template: its inline templateBody, or the default version of the JITP template it
    // names (§4.1). A CA without one is plain JITR; a certificate another connection provisioned
    // meanwhile is left alone.
    std::string source;
    std::optional<std::string> body;
    {
        std::shared_lock lock(mutex_);
        const auto current = detail::find_value(state_.certificates, certificate.id);
        if (!current || current->status != CertificateStatus::pending_activation) return;
        const auto ca =
            detail::find_value(state_.ca_certificates, certificate.ca_certificate_id.value_or(""));
        if (!ca || registration_refusal(*ca)) return;
        const model::RegistrationConfig& config = ca->registration_config;
        if (config.template_body) {
            source = "the templateBody of CA " + ca->id;
            body = config.template_body;
        } else if (config.template_name) {
            source = "provisioning template " + *config.template_name;
            if (const auto tmpl =
                    detail::find_value(state_.provisioning_templates, *config.template_name)) {
                source += " version " + std::to_string(tmpl->default_version_id);
                body = tmpl->default_version().body;
            }
        } else {
            return;
        }
    }
    const auto failed = [&](std::string_view reason) {
        log::warn("registry", "JITP of certificate ", certificate.id, " with ", source,
                  " failed; the certificate stays PENDING_ACTIVATION: ", reason);
    };
    if (!body) return failed("the template no longer exists");
    const auto tmpl = provisioning::Template::parse(*body);
    if (!tmpl) return failed(tmpl.error().message);
    const auto plan = provisioning::evaluate(*tmpl, provisioning::jitp_parameters(device));
    if (!plan) return failed(plan.error().message);
    // "A JITP template must use CertificateId" referring to the connecting certificate (§4.3).
    constexpr std::string_view by_id = R"("CertificateId": {"Ref": "AWS::IoT::Certificate::Id"})";
    if (!plan->certificate)
        return failed("the template has no AWS::IoT::Certificate resource; JITP needs one with " +
                      std::string(by_id));
    if (plan->certificate->certificate_id != certificate.id)
        return failed("the template's AWS::IoT::Certificate resource names certificate " +
                      plan->certificate->certificate_id + ", not the connecting one; use " +
                      std::string(by_id));
    try {
        provision(*plan);
    } catch (const AwsError& error) {
        return failed(error.code() + ": " + std::string(error.message()));
    }
    log::info("registry", "JITP provisioned certificate ", certificate.id, " with ", source,
              ": status ", model::to_string(plan->certificate->status),
              plan->thing ? ", thing " + plan->thing->thing_name : std::string());
}

// ---- a principal's policies (docs/aws/iot-core.md §5.1, §5.2)
// -------------------------------------------------

PrincipalPolicies Registry::principal_policies(std::string_view principal_arn,
                                               std::string_view client_id) const {
    const std::string arn(principal_arn);
    const std::string thing_name(client_id);
    PrincipalPolicies out;
    std::shared_lock lock(mutex_);
    // A temporary claim certificate has its implicit policy and nothing else (§1.10).
    const auto claim = state_.provisioning_claims.find(arn.substr(arn.rfind('/') + 1));
    if (claim != state_.provisioning_claims.end() && claim->second.certificate.arn == arn) {
        if (auto compiled = compiled_claim_policy(claim->second.template_name))
            out.policies.push_back(std::move(compiled));
        return out;
    }
    auto governing = governing_policies(arn, thing_name);
    for (const model::Policy* policy : governing.policies)
        if (auto compiled = compiled_default_version(*policy))
            out.policies.push_back(std::move(compiled));
    out.attached_thing = std::move(governing.attached_thing);
    return out;
}

std::shared_ptr<const policy::CompiledPolicy> Registry::compiled_policy(
    std::string_view policy_name) const {
    std::shared_lock lock(mutex_);
    const auto policy = state_.policies.find(std::string(policy_name));
    if (policy == state_.policies.end()) return nullptr;
    return compiled_default_version(policy->second.value);
}

std::shared_ptr<const policy::CompiledPolicy> Registry::compiled_default_version(
    const model::Policy& policy) const {
    const model::PolicyVersion& version = policy.default_version();
    const std::string key = policy.name + "/" + version.version_id;
    std::lock_guard lock(compiled_mutex_);
    if (const auto it = compiled_.find(key); it != compiled_.end()) return it->second;
    // CreatePolicy validated the document, so this parse fails only for a hand-edited store. That
    // version then grants nothing; the null is cached so the warning is logged once.
    std::shared_ptr<const policy::CompiledPolicy> compiled;
    if (const auto document = policy::parse_document(version.document))
        compiled = std::make_shared<const policy::CompiledPolicy>(*document);
    else
        log::warn("registry", "policy ", policy.name, " version ", version.version_id,
                  " does not parse and is ignored: ", document.error().message);
    compiled_.emplace(key, compiled);
    return compiled;
}

void Registry::forget_compiled(std::string_view policy_name,
                               std::optional<std::string_view> version_id) {
    const std::string prefix = std::string(policy_name) + "/";
    std::lock_guard lock(compiled_mutex_);
    if (version_id) {
        compiled_.erase(prefix + std::string(*version_id));
        return;
    }
    // Policy names have no '/', so the prefix selects exactly this policy's versions.
    auto it = compiled_.lower_bound(prefix);
    while (it != compiled_.end() && it->first.starts_with(prefix)) it = compiled_.erase(it);
}

// ---- the certificate listener -----------------------------------------------------------------

void Registry::on_certificate_change(CertificateListener listener) {
    certificate_listener_ = std::move(listener);
}

void Registry::notify_certificate_change(const model::Certificate& certificate,
                                         bool deleted) const {
    if (certificate_listener_) certificate_listener_(certificate, deleted);
}

}  // namespace iotemu::registry
