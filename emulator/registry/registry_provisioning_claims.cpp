// Provisioning by trusted user (docs/aws/provisioning-and-services.md §1.10): the temporary claim
// certificates CreateProvisioningClaim issues, which connect and use one template's
// fleet-provisioning topics for five minutes, and never show in the certificate list. Key
// generation and signing happen outside the lock.
#include <mutex>
#include <stdexcept>

#include "common/random.hpp"
#include "policy/document.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace iotemu::registry {
namespace {

// AWS's temporary claim certificates expire five minutes after they are issued (§1.10).
constexpr std::chrono::minutes claim_lifetime{5};

// What a temporary claim certificate may do (§1.10, [inf]): connect with any client id, and
// use the fleet-provisioning topics of its template and nothing else — the claim policy of
// AWS's guide (§1.9), CreateCertificateFromCsr included.
std::string claim_policy(const model::Account& account, const std::string& template_name) {
    const auto topics = [&](std::string_view kind) {
        const std::string prefix = account.arn(std::string(kind), "$aws/");
        return "[\"" + prefix + "certificates/create/*\",\"" + prefix +
               "certificates/create-from-csr/*\",\"" + prefix + "provisioning-templates/" +
               template_name + "/provision/*\"]";
    };
    return R"({"Version":"2012-10-17","Statement":[)"
           R"({"Effect":"Allow","Action":"iot:Connect","Resource":"*"},)"
           R"({"Effect":"Allow","Action":["iot:Publish","iot:Receive"],"Resource":)" +
           topics("topic") + R"(},{"Effect":"Allow","Action":"iot:Subscribe","Resource":)" +
           topics("topicfilter") + "}]}";
}

}  // namespace

ProvisioningClaimCredentials Registry::create_provisioning_claim(std::string_view template_name) {
    detail::require_valid_name(detail::NameKind::template_name, template_name);
    {
        std::shared_lock lock(mutex_);
        const auto& tmpl = detail::find_or_throw(state_.provisioning_templates, template_name,
                                                 "Provisioning template")
                               .value;
        if (tmpl.type != model::TemplateType::fleet_provisioning)
            detail::throw_error(aws_errors::invalid_request,
                                "The provisioning template " + tmpl.name +
                                    " is of type JITP; provisioning claims need a "
                                    "FLEET_PROVISIONING template.");
    }
    // The CLI example's certificate: valid from two minutes before it was issued to its
    // expiration, its subject a 64-hex-digit common name.
    const auto issued = now();
    const auto expiration = issued + claim_lifetime;
    pki::CertificateProfile profile;
    profile.subject = {{"CN", random_hex(32)}};
    profile.not_before = issued - std::chrono::minutes{2};
    profile.not_after = expiration;
    profile.client_auth = true;
    const auto key = pki::PrivateKey::generate(pki::KeyType::rsa_2048);
    const auto certificate =
        pki::issue_certificate(profile, pki::PublicKey::from_private(key), aws_issuer_);
    auto record = detail::new_certificate(account_, certificate, model::CertificateStatus::active,
                                          model::CertificateMode::default_mode, std::nullopt);
    std::unique_lock lock(mutex_);
    state_.provisioning_claims.erase_if(
        [&](const auto& entry) { return entry.second.expiration <= issued; });
    state_.provisioning_claims[record.id] = {record, std::string(template_name), expiration};
    commit();
    return {record, key.public_key_pem(), key.to_pem(), expiration};
}

std::shared_ptr<const policy::CompiledPolicy> Registry::compiled_claim_policy(
    const std::string& template_name) const {
    // Policy names have no '$', so this key never meets a policy's "<name>/<version>".
    const std::string key = "$claim/" + template_name;
    std::lock_guard lock(compiled_mutex_);
    if (const auto it = compiled_.find(key); it != compiled_.end()) return it->second;
    const auto document = policy::parse_document(claim_policy(account_, template_name));
    if (!document)
        throw std::logic_error("the claim policy does not parse: " + document.error().message);
    auto compiled = std::make_shared<const policy::CompiledPolicy>(*document);
    compiled_.emplace(key, compiled);
    return compiled;
}

}  // namespace iotemu::registry
