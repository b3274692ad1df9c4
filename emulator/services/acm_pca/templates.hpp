// ACM PCA's certificate templates the emulator issues with, as the extensions each puts in
// (docs/aws/provisioning-and-services.md §5.3). Internal to acm_pca/. std only.
#pragma once

#include <optional>
#include <string_view>

#include "pki/issue.hpp"

namespace iotemu::services::acm_pca {

struct Template {
    std::string_view name;  // "EndEntityCertificate/V1"
    bool ca = false;
    std::optional<int> path_length;
    pki::KeyUsage key_usage;
    bool server_auth = false;
    bool client_auth = false;
    bool basic_constraints_critical = true;
    bool authority_key_identifier = true;
};

inline constexpr std::string_view root_ca_template = "RootCACertificate/V1";
inline constexpr std::string_view default_template = "EndEntityCertificate/V1";

// The template an ARN (arn:<partition>:acm-pca:::template/<Name>) names; nullopt when it is not
// one of the supported templates. Throws InvalidArnException when it is not a template ARN.
std::optional<Template> find_template(std::string_view template_arn);

// The names of the supported templates, for messages: "RootCACertificate/V1, …".
std::string_view supported_templates();

}  // namespace iotemu::services::acm_pca
