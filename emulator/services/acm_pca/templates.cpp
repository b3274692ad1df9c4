// The template table (AWS Private CA User Guide, "Template definitions"): basicConstraints,
// keyUsage, extendedKeyUsage and authorityKeyIdentifier per template. Subject and
// subjectAltName come from the CSR and the subjectKeyIdentifier from its key, for every template.
#include "services/acm_pca/templates.hpp"

#include <array>
#include <string>

#include "common/aws_error.hpp"

namespace iotemu::services::acm_pca {
namespace {

constexpr pki::KeyUsage ca_usage{
    .digital_signature = true, .key_cert_sign = true, .crl_sign = true};
constexpr pki::KeyUsage end_entity_usage{.digital_signature = true, .key_encipherment = true};

constexpr std::array<Template, 8> templates{{
    {"RootCACertificate/V1", true, std::nullopt, ca_usage, false, false, true, false},
    {"SubordinateCACertificate_PathLen0/V1", true, 0, ca_usage, false, false, true, true},
    {"SubordinateCACertificate_PathLen1/V1", true, 1, ca_usage, false, false, true, true},
    {"SubordinateCACertificate_PathLen2/V1", true, 2, ca_usage, false, false, true, true},
    {"SubordinateCACertificate_PathLen3/V1", true, 3, ca_usage, false, false, true, true},
    {"EndEntityCertificate/V1", false, std::nullopt, end_entity_usage, true, true, false, true},
    {"EndEntityClientAuthCertificate/V1", false, std::nullopt, end_entity_usage, false, true, false,
     true},
    {"EndEntityServerAuthCertificate/V1", false, std::nullopt, end_entity_usage, true, false, false,
     true},
}};

}  // namespace

std::optional<Template> find_template(std::string_view template_arn) {
    // arn:<partition>:acm-pca:::template/<Name>/V<n>
    const auto marker = template_arn.find(":acm-pca:::template/");
    if (template_arn.substr(0, 4) != "arn:" || marker == std::string_view::npos)
        throw AwsError(aws_errors::invalid_arn,
                       "The template ARN " + std::string(template_arn) +
                           " is not valid: expected arn:aws:acm-pca:::template/<Name>/V1");
    const auto name = template_arn.substr(marker + std::string_view(":acm-pca:::template/").size());
    for (const auto& known : templates)
        if (known.name == name) return known;
    return std::nullopt;
}

std::string_view supported_templates() {
    return "RootCACertificate/V1, SubordinateCACertificate_PathLen0/V1 to _PathLen3/V1, "
           "EndEntityCertificate/V1, EndEntityClientAuthCertificate/V1, "
           "EndEntityServerAuthCertificate/V1";
}

}  // namespace iotemu::services::acm_pca
