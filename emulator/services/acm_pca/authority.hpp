// What the service keeps per certificate authority beyond its description: its key, CSR,
// certificate and chain, and the certificates it issued. Internal to acm_pca/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "pki/certificate.hpp"
#include "pki/key.hpp"
#include "services/acm_pca/acm_pca.hpp"

namespace iotemu::services::acm_pca {

struct Service::Authority {
    CertificateAuthority description;
    pki::PrivateKey key;
    std::string csr_pem;
    std::optional<pki::X509Certificate> certificate{};  // once imported
    std::string chain_pem{};  // above the CA's own certificate: empty for a root
    CaStatus status_before_deletion = CaStatus::pending_certificate;
    std::map<std::string, CertificateAndChain> issued{};                      // by certificate ARN
    std::map<std::string, std::pair<std::string, Timestamp>> issue_tokens{};  // token → ARN, until

    // ACTIVE turns EXPIRED once the CA's certificate has run out.
    CaStatus status() const {
        if (description.status == CaStatus::active && description.not_after &&
            *description.not_after < now())
            return CaStatus::expired;
        return description.status;
    }
};

// Key and signing algorithms as the model names them, mapped onto the pki layer.
struct KeyAlgorithm {
    std::string_view name;
    pki::KeyType type;
};
const KeyAlgorithm& key_algorithm(std::string_view name);  // InvalidArgsException if unknown

struct SigningAlgorithm {
    std::string_view name;
    pki::KeyFamily family;
    pki::Digest digest;
};
const SigningAlgorithm& signing_algorithm(std::string_view name);

// Idempotency tokens collapse repeats for five minutes (docs/aws/provisioning-and-services.md
// §5.3): the ARN a token already produced, if it is still live.
std::optional<std::string> recall(std::map<std::string, std::pair<std::string, Timestamp>>& tokens,
                                  const std::optional<std::string>& token);
void remember(std::map<std::string, std::pair<std::string, Timestamp>>& tokens,
              const std::optional<std::string>& token, const std::string& arn);

}  // namespace iotemu::services::acm_pca
