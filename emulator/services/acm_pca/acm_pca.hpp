// acm_pca::Service: ACM Private CA for one account and region
// (docs/aws/provisioning-and-services.md §5.3) — certificate authorities (ROOT and SUBORDINATE, RSA
// and EC keys) through their status lifecycle, their CSRs and imported certificates, and the
// certificates they issue from CSRs with AWS's templates, all real X.509 made by the pki layer.
// Work that AWS does asynchronously is done at once, so waiters succeed on their first poll. Values
// in, values out; a broken rule throws AwsError with the model's exception name, and a failed call
// changes nothing. Thread-safe; key generation and signing happen outside the lock (they are
// CPU-heavy: call from worker threads).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.hpp"

namespace iotemu::services::acm_pca {

enum class CaType { root, subordinate };
enum class CaStatus { creating, pending_certificate, active, deleted, disabled, expired, failed };

std::string_view to_string(CaType type);
std::string_view to_string(CaStatus status);
std::optional<CaType> parse_ca_type(std::string_view text);
std::optional<CaStatus> parse_ca_status(std::string_view text);

// ASN1Subject members by their model names ("Country", "CommonName", …), in the order given.
using Subject = std::vector<std::pair<std::string, std::string>>;

struct Configuration {
    std::string
        key_algorithm;  // RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, EC_secp521r1
    std::string signing_algorithm;  // SHA256WITHRSA, …, SHA512WITHECDSA
    Subject subject;
};

struct CertificateAuthority {
    std::string arn;  // arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>
    std::string owner_account;
    Timestamp created_at;
    Timestamp last_state_change_at;
    CaType type = CaType::root;
    CaStatus status = CaStatus::creating;
    std::optional<std::string> serial;  // of the imported certificate, hex
    std::optional<Timestamp> not_before;
    std::optional<Timestamp> not_after;
    Configuration configuration;
    std::string revocation_configuration;  // the request's JSON, echoed; empty when none
    std::optional<Timestamp> restorable_until;
    std::string key_storage_security_standard = "FIPS_140_2_LEVEL_3_OR_HIGHER";
    std::string usage_mode = "GENERAL_PURPOSE";
};

struct CreateInput {
    Configuration configuration;
    CaType type = CaType::root;
    std::string revocation_configuration;
    std::optional<std::string> idempotency_token;
    std::optional<std::string> key_storage_security_standard;
    std::optional<std::string> usage_mode;
};

// IssueCertificate's Validity and ValidityNotBefore.
struct Validity {
    std::int64_t value = 0;
    std::string type;  // END_DATE (yyyyMMddHHmmss), ABSOLUTE (epoch seconds), DAYS, MONTHS, YEARS
};

struct IssueInput {
    std::string certificate_authority_arn;
    std::string csr_pem;
    std::string signing_algorithm;
    std::optional<std::string> template_arn;  // default EndEntityCertificate/V1
    Validity validity;
    std::optional<Validity> validity_not_before;
    std::optional<std::string> idempotency_token;
};

struct CertificateAndChain {
    std::string certificate;           // PEM
    std::optional<std::string> chain;  // PEM, issuer first; none for a root's own certificate
};

struct CaPage {
    std::vector<CertificateAuthority> authorities;
    std::optional<std::string> next_token;
};

class Service {
public:
    Service(std::string region, std::string account_id);
    ~Service();

    std::string create_certificate_authority(const CreateInput& input);
    CertificateAuthority describe_certificate_authority(std::string_view arn) const;
    CaPage list_certificate_authorities(const std::optional<std::string>& next_token,
                                        std::optional<std::int64_t> max_results) const;
    void update_certificate_authority(std::string_view arn, std::optional<CaStatus> status,
                                      const std::optional<std::string>& revocation_configuration);
    void delete_certificate_authority(std::string_view arn,
                                      std::optional<std::int64_t> permanent_deletion_days);
    void restore_certificate_authority(std::string_view arn);

    std::string get_certificate_authority_csr(std::string_view arn) const;
    void import_certificate_authority_certificate(std::string_view arn,
                                                  std::string_view certificate_pem,
                                                  const std::optional<std::string>& chain_pem);
    CertificateAndChain get_certificate_authority_certificate(std::string_view arn) const;

    std::string issue_certificate(const IssueInput& input);  // the certificate's ARN
    CertificateAndChain get_certificate(std::string_view ca_arn,
                                        std::string_view certificate_arn) const;

private:
    struct Authority;
    Authority& existing(std::string_view arn);
    const Authority& existing(std::string_view arn) const;
    void forget_expired_deletions();

    std::string region_;
    std::string account_id_;
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Authority>> authorities_;                     // in creation order
    std::map<std::string, std::pair<std::string, Timestamp>> create_tokens_;  // token → ARN, until
};

}  // namespace iotemu::services::acm_pca
