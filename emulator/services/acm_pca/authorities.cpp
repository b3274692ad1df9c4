// Certificate authorities: creation (key and CSR made at once, so CREATING is never seen), the
// status lifecycle, CSR and certificate import, deletion with its restore window, listing.
#include <algorithm>
#include <array>
#include <charconv>

#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "pki/csr.hpp"
#include "services/acm_pca/authority.hpp"
#include "services/acm_pca/subject.hpp"

namespace iotemu::services::acm_pca {
namespace {

constexpr std::size_t max_authorities = 200;  // AWS's default quota per region
constexpr auto token_lifetime = std::chrono::minutes(5);

constexpr std::array<KeyAlgorithm, 6> key_algorithms{{
    {"RSA_2048", pki::KeyType::rsa_2048},
    {"RSA_3072", pki::KeyType::rsa_3072},
    {"RSA_4096", pki::KeyType::rsa_4096},
    {"EC_prime256v1", pki::KeyType::ec_p256},
    {"EC_secp384r1", pki::KeyType::ec_p384},
    {"EC_secp521r1", pki::KeyType::ec_p521},
}};

constexpr std::array<SigningAlgorithm, 6> signing_algorithms{{
    {"SHA256WITHRSA", pki::KeyFamily::rsa, pki::Digest::sha256},
    {"SHA384WITHRSA", pki::KeyFamily::rsa, pki::Digest::sha384},
    {"SHA512WITHRSA", pki::KeyFamily::rsa, pki::Digest::sha512},
    {"SHA256WITHECDSA", pki::KeyFamily::ec, pki::Digest::sha256},
    {"SHA384WITHECDSA", pki::KeyFamily::ec, pki::Digest::sha384},
    {"SHA512WITHECDSA", pki::KeyFamily::ec, pki::Digest::sha512},
}};

[[noreturn]] void invalid_state(const CertificateAuthority& ca, std::string_view doing) {
    throw AwsError(aws_errors::invalid_state, "The certificate authority " + ca.arn + " is " +
                                                  std::string(to_string(ca.status)) +
                                                  ": it cannot " + std::string(doing) + ".");
}

void check_arn(std::string_view arn) {
    constexpr std::string_view kind = ":certificate-authority/";
    const auto at = arn.find(kind);
    if (arn.substr(0, 16) != "arn:aws:acm-pca:" || at == std::string_view::npos ||
        arn.size() == at + kind.size() || arn.find('/', at + kind.size()) != std::string_view::npos)
        throw AwsError(aws_errors::invalid_arn,
                       "The ARN " + std::string(arn) +
                           " is not a certificate authority's (arn:aws:acm-pca:<region>:<account>:"
                           "certificate-authority/<id>)");
}

void check_enum(std::string_view member, const std::optional<std::string>& value,
                std::initializer_list<std::string_view> allowed) {
    if (value && std::find(allowed.begin(), allowed.end(), *value) == allowed.end())
        throw AwsError(aws_errors::invalid_args,
                       std::string(member) + " " + *value + " is not a valid value");
}

void set_status(CertificateAuthority& ca, CaStatus status) {
    ca.status = status;
    ca.last_state_change_at = now();
}

// The PEM blocks of `text` as certificates, in order; MalformedCertificateException otherwise.
std::vector<pki::X509Certificate> certificates(std::string_view text, std::string_view what) {
    auto parsed = pki::X509Certificate::chain_from_pem(text);
    if (!parsed || parsed->empty())
        throw AwsError(aws_errors::malformed_certificate,
                       "The " + std::string(what) + " is not PEM-encoded X.509: " +
                           (parsed ? std::string("no certificate found") : parsed.error().message));
    return std::move(parsed).value();
}

}  // namespace

std::string_view to_string(CaType type) { return type == CaType::root ? "ROOT" : "SUBORDINATE"; }

constexpr std::array<std::pair<CaStatus, std::string_view>, 7> status_names{{
    {CaStatus::creating, "CREATING"},
    {CaStatus::pending_certificate, "PENDING_CERTIFICATE"},
    {CaStatus::active, "ACTIVE"},
    {CaStatus::deleted, "DELETED"},
    {CaStatus::disabled, "DISABLED"},
    {CaStatus::expired, "EXPIRED"},
    {CaStatus::failed, "FAILED"},
}};

std::string_view to_string(CaStatus status) {
    for (const auto& [value, name] : status_names)
        if (value == status) return name;
    return "FAILED";
}

std::optional<CaType> parse_ca_type(std::string_view text) {
    if (text == "ROOT") return CaType::root;
    if (text == "SUBORDINATE") return CaType::subordinate;
    return std::nullopt;
}

std::optional<CaStatus> parse_ca_status(std::string_view text) {
    for (const auto& [value, name] : status_names)
        if (name == text) return value;
    return std::nullopt;
}

const KeyAlgorithm& key_algorithm(std::string_view name) {
    for (const auto& known : key_algorithms)
        if (known.name == name) return known;
    throw AwsError(aws_errors::invalid_args,
                   "KeyAlgorithm " + std::string(name) +
                       " is not supported by iot-emulator (RSA_2048, RSA_3072, RSA_4096, "
                       "EC_prime256v1, EC_secp384r1, EC_secp521r1)");
}

const SigningAlgorithm& signing_algorithm(std::string_view name) {
    for (const auto& known : signing_algorithms)
        if (known.name == name) return known;
    throw AwsError(aws_errors::invalid_args,
                   "SigningAlgorithm " + std::string(name) +
                       " is not supported by iot-emulator (SHA256/384/512WITHRSA, "
                       "SHA256/384/512WITHECDSA)");
}

std::optional<std::string> recall(std::map<std::string, std::pair<std::string, Timestamp>>& tokens,
                                  const std::optional<std::string>& token) {
    std::erase_if(tokens, [](const auto& entry) { return entry.second.second <= now(); });
    if (!token) return std::nullopt;
    const auto it = tokens.find(*token);
    if (it == tokens.end()) return std::nullopt;
    return it->second.first;
}

void remember(std::map<std::string, std::pair<std::string, Timestamp>>& tokens,
              const std::optional<std::string>& token, const std::string& arn) {
    if (token) tokens[*token] = {arn, now() + token_lifetime};
}

Service::Service(std::string region, std::string account_id)
    : region_(std::move(region)), account_id_(std::move(account_id)) {}

Service::~Service() = default;

Service::Authority& Service::existing(std::string_view arn) {
    return const_cast<Authority&>(std::as_const(*this).existing(arn));
}

const Service::Authority& Service::existing(std::string_view arn) const {
    check_arn(arn);
    for (const auto& authority : authorities_)
        if (authority->description.arn == arn) return *authority;
    throw AwsError(aws_errors::resource_not_found,
                   "Could not find certificate authority " + std::string(arn) + ".");
}

void Service::forget_expired_deletions() {
    std::erase_if(authorities_, [](const auto& authority) {
        const auto& ca = authority->description;
        return ca.status == CaStatus::deleted && ca.restorable_until &&
               *ca.restorable_until <= now();
    });
}

std::string Service::create_certificate_authority(const CreateInput& input) {
    const auto& key_type = key_algorithm(input.configuration.key_algorithm);
    const auto& signing = signing_algorithm(input.configuration.signing_algorithm);
    const bool rsa_key = input.configuration.key_algorithm.rfind("RSA_", 0) == 0;
    if ((signing.family == pki::KeyFamily::rsa) != rsa_key)
        throw AwsError(aws_errors::invalid_args,
                       "SigningAlgorithm " + input.configuration.signing_algorithm +
                           " does not match KeyAlgorithm " + input.configuration.key_algorithm);
    const auto subject = name_entries(input.configuration.subject);
    check_enum(
        "KeyStorageSecurityStandard", input.key_storage_security_standard,
        {"FIPS_140_2_LEVEL_2_OR_HIGHER", "FIPS_140_2_LEVEL_3_OR_HIGHER", "CCPC_LEVEL_1_OR_HIGHER"});
    check_enum("UsageMode", input.usage_mode, {"GENERAL_PURPOSE", "SHORT_LIVED_CERTIFICATE"});
    {
        std::lock_guard lock(mutex_);
        if (auto arn = recall(create_tokens_, input.idempotency_token)) return *arn;
    }

    // The key is made here, outside the lock: RSA-4096 takes a while.
    auto key = pki::PrivateKey::generate(key_type.type);
    auto csr = pki::CertificateRequest::create(subject, key, signing.digest);

    std::lock_guard lock(mutex_);
    if (auto arn = recall(create_tokens_, input.idempotency_token)) return *arn;
    forget_expired_deletions();
    if (authorities_.size() >= max_authorities)
        throw AwsError(aws_errors::limit_exceeded, "You have reached the limit of " +
                                                       std::to_string(max_authorities) +
                                                       " certificate authorities in this region");
    auto authority = std::make_unique<Authority>(
        Authority{.description = {}, .key = std::move(key), .csr_pem = csr.to_pem()});
    auto& ca = authority->description;
    ca.arn = "arn:aws:acm-pca:" + region_ + ":" + account_id_ + ":certificate-authority/" +
             random_uuid();
    ca.owner_account = account_id_;
    ca.created_at = ca.last_state_change_at = now();
    ca.type = input.type;
    ca.status = CaStatus::pending_certificate;  // CREATING ends before the call returns
    ca.configuration = input.configuration;
    ca.revocation_configuration = input.revocation_configuration;
    if (input.key_storage_security_standard)
        ca.key_storage_security_standard = *input.key_storage_security_standard;
    if (input.usage_mode) ca.usage_mode = *input.usage_mode;
    const std::string arn = ca.arn;
    remember(create_tokens_, input.idempotency_token, arn);
    authorities_.push_back(std::move(authority));
    log::info("acm-pca", "created ", to_string(input.type), " certificate authority ", arn);
    return arn;
}

CertificateAuthority Service::describe_certificate_authority(std::string_view arn) const {
    std::lock_guard lock(mutex_);
    const auto& authority = existing(arn);
    auto description = authority.description;
    description.status = authority.status();
    return description;
}

CaPage Service::list_certificate_authorities(const std::optional<std::string>& next_token,
                                             std::optional<std::int64_t> max_results) const {
    if (max_results && (*max_results < 1 || *max_results > 1000))
        throw AwsError(aws_errors::invalid_args, "MaxResults must be between 1 and 1000");
    std::size_t start = 0;
    if (next_token) {
        const auto [end, error] =
            std::from_chars(next_token->data(), next_token->data() + next_token->size(), start);
        if (next_token->empty() || error != std::errc{} ||
            end != next_token->data() + next_token->size())
            throw AwsError(aws_errors::invalid_next_token,
                           "The token " + *next_token + " is not valid");
    }
    std::lock_guard lock(mutex_);
    CaPage page;
    const std::size_t limit = max_results ? static_cast<std::size_t>(*max_results) : 1000;
    for (std::size_t i = start; i < authorities_.size(); ++i) {
        if (page.authorities.size() == limit) {
            page.next_token = std::to_string(i);
            break;
        }
        auto description = authorities_[i]->description;
        description.status = authorities_[i]->status();
        page.authorities.push_back(std::move(description));
    }
    return page;
}

void Service::update_certificate_authority(
    std::string_view arn, std::optional<CaStatus> status,
    const std::optional<std::string>& revocation_configuration) {
    std::lock_guard lock(mutex_);
    auto& authority = existing(arn);
    auto& ca = authority.description;
    if (status) {
        const auto current = authority.status();
        const bool can_toggle = current == CaStatus::active || current == CaStatus::disabled;
        if (*status != CaStatus::active && *status != CaStatus::disabled)
            throw AwsError(aws_errors::invalid_args,
                           "Status can only be set to ACTIVE or DISABLED");
        if (!can_toggle) invalid_state(ca, "change its status");
    }
    if (revocation_configuration) ca.revocation_configuration = *revocation_configuration;
    if (status && *status != ca.status) set_status(ca, *status);
}

void Service::delete_certificate_authority(std::string_view arn,
                                           std::optional<std::int64_t> permanent_deletion_days) {
    const auto days = permanent_deletion_days.value_or(30);
    if (days < 7 || days > 30)
        throw AwsError(aws_errors::invalid_args, "PermanentDeletionTimeInDays must be 7 to 30");
    std::lock_guard lock(mutex_);
    auto& authority = existing(arn);
    auto& ca = authority.description;
    switch (authority.status()) {
        case CaStatus::active:
            invalid_state(ca, "be deleted before it is disabled");
        case CaStatus::deleted:
            invalid_state(ca, "be deleted again");
        case CaStatus::creating:
        case CaStatus::failed:
            // Never activated: gone at once, with nothing to restore.
            std::erase_if(authorities_, [&](const auto& a) { return a->description.arn == arn; });
            return;
        default:
            break;
    }
    authority.status_before_deletion =
        authority.certificate ? CaStatus::disabled : CaStatus::pending_certificate;
    set_status(ca, CaStatus::deleted);
    ca.restorable_until = now() + std::chrono::days(days);
}

void Service::restore_certificate_authority(std::string_view arn) {
    std::lock_guard lock(mutex_);
    auto& authority = existing(arn);
    auto& ca = authority.description;
    if (ca.status != CaStatus::deleted) invalid_state(ca, "be restored (it is not DELETED)");
    ca.restorable_until.reset();
    set_status(ca, authority.status_before_deletion);
}

std::string Service::get_certificate_authority_csr(std::string_view arn) const {
    std::lock_guard lock(mutex_);
    const auto& authority = existing(arn);
    const auto status = authority.status();
    if (status == CaStatus::deleted || status == CaStatus::failed)
        invalid_state(authority.description, "give its CSR");
    return authority.csr_pem;
}

void Service::import_certificate_authority_certificate(
    std::string_view arn, std::string_view certificate_pem,
    const std::optional<std::string>& chain_pem) {
    const auto certificate = certificates(certificate_pem, "certificate").front();
    std::vector<pki::X509Certificate> chain;
    if (chain_pem && !chain_pem->empty()) chain = certificates(*chain_pem, "certificate chain");
    if (!certificate.is_ca())
        throw AwsError(aws_errors::malformed_certificate,
                       "The certificate is not a CA certificate (basicConstraints CA:TRUE)");

    std::lock_guard lock(mutex_);
    auto& authority = existing(arn);
    auto& ca = authority.description;
    const auto status = authority.status();
    if (status == CaStatus::deleted || status == CaStatus::failed || status == CaStatus::creating)
        invalid_state(ca, "import a certificate");
    if (!(certificate.public_key() == pki::PublicKey::from_private(authority.key)))
        throw AwsError(aws_errors::certificate_mismatch,
                       "The certificate's public key is not the key of certificate authority " +
                           ca.arn + " (sign the CSR from GetCertificateAuthorityCsr)");
    if (ca.type == CaType::root) {
        if (!certificate.is_self_signed())
            throw AwsError(aws_errors::invalid_request,
                           "A ROOT certificate authority's certificate must be self-signed");
        if (!chain.empty())
            throw AwsError(aws_errors::invalid_request,
                           "A ROOT certificate authority's certificate has no chain");
    } else {
        if (certificate.is_self_signed())
            throw AwsError(aws_errors::invalid_request,
                           "A SUBORDINATE certificate authority's certificate cannot be "
                           "self-signed");
        if (chain.empty())
            throw AwsError(aws_errors::invalid_request,
                           "A SUBORDINATE certificate authority needs the CertificateChain of "
                           "its issuer, up to the root");
        // The chain starts with the issuer, each certificate signed by the next, ending at a root.
        bool linked = certificate.is_signed_by(chain.front());
        for (std::size_t i = 0; linked && i + 1 < chain.size(); ++i)
            linked = chain[i].is_signed_by(chain[i + 1]);
        if (!linked || !chain.back().is_self_signed())
            throw AwsError(aws_errors::certificate_mismatch,
                           "The CertificateChain does not lead from the certificate's issuer to "
                           "a self-signed root");
    }
    authority.certificate = certificate;
    authority.chain_pem.clear();
    for (const auto& link : chain) authority.chain_pem += link.to_pem();
    const auto validity = certificate.validity();
    ca.serial = certificate.serial_number_hex();
    ca.not_before = validity.not_before;
    ca.not_after = validity.not_after;
    if (ca.status == CaStatus::pending_certificate) set_status(ca, CaStatus::active);
    log::info("acm-pca", "certificate authority ", ca.arn, " has its certificate; it is ",
              to_string(ca.status));
}

CertificateAndChain Service::get_certificate_authority_certificate(std::string_view arn) const {
    std::lock_guard lock(mutex_);
    const auto& authority = existing(arn);
    if (!authority.certificate || authority.status() == CaStatus::deleted)
        invalid_state(authority.description, "give its certificate (none is imported)");
    CertificateAndChain out{authority.certificate->to_pem(), std::nullopt};
    if (!authority.chain_pem.empty()) out.chain = authority.chain_pem;
    return out;
}

}  // namespace iotemu::services::acm_pca
