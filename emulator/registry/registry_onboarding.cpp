// The broker's questions (docs/aws/iot-core.md §3.4, §5): the connect-time verdict on a client
// chain with just-in-time registration, a principal's compiled policies, and the certificate
// listener. Signature checks run outside the lock; the listener is never called with the lock held.
#include <algorithm>
#include <mutex>

#include "common/log.hpp"
#include "policy/document.hpp"
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
// if it may not. A CA with a JITP template (registrationConfig, docs/aws/iot-core.md §4) is treated
// as plain JITR for now: the certificate becomes PENDING_ACTIVATION and no template is applied.
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
    std::vector<model::CaCertificate> signers;
    {
        std::shared_lock lock(mutex_);
        known = detail::find_value(state_.certificates, device.id());
        if (!known)
            for (const auto& [id, entry] : state_.ca_certificates)
                if (entry.value.subject == issuer) signers.push_back(entry.value);
    }
    if (known) return verdict_for_known(*known, device);

    // Signature checks without the lock. A registered intermediate is the direct signer of the
    // leaves it signed; a registered root is not, for a leaf signed by an intermediate.
    std::erase_if(signers, [&](const auto& ca) { return !detail::is_signed_by(device, ca); });
    if (signers.empty()) return refused("issuer not a registered CA");
    const model::CaCertificate& ca = preferred_signer(signers);
    if (!device.is_valid_at(now())) return outside_validity();
    if (auto refusal = registration_refusal(ca)) return refused(std::move(*refusal));
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
    return {DeviceVerdict::registered, record, {}};
}

// ---- a principal's policies (docs/aws/iot-core.md §5.1, §5.2) -----------------------------------

PrincipalPolicies Registry::principal_policies(std::string_view principal_arn,
                                               std::string_view client_id) const {
    const std::string arn(principal_arn);
    const std::string thing_name(client_id);
    PrincipalPolicies out;
    std::shared_lock lock(mutex_);
    for (const auto& [name, targets] : state_.policy_targets) {
        if (!targets.contains(arn)) continue;
        const auto policy = state_.policies.find(name);
        if (policy == state_.policies.end()) continue;
        if (auto compiled = compiled_default_version(policy->second.value))
            out.policies.push_back(std::move(compiled));
    }
    // Thing variables resolve only for a client id that names a thing attached to this
    // certificate (docs/aws/iot-core.md §5.2).
    const auto principals = state_.thing_principals.find(thing_name);
    if (principals != state_.thing_principals.end() && principals->second.contains(arn))
        out.attached_thing = detail::find_value(state_.things, thing_name);
    return out;
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
