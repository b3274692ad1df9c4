// The enumerations of the IoT model (botocore `iot` 2015-05-28) and their wire spellings.
// Parsing returns false for a spelling AWS does not define. std only.
#pragma once

#include <optional>
#include <string_view>

namespace iotemu::model {

enum class CertificateStatus {
    active,
    inactive,
    revoked,
    pending_transfer,
    register_inactive,
    pending_activation,
};

enum class CaCertificateStatus { active, inactive };

enum class AutoRegistrationStatus { enable, disable };

enum class CertificateMode { default_mode, sni_only };

// A provisioning template's type, fixed at creation (CreateProvisioningTemplate `type`).
enum class TemplateType { fleet_provisioning, jitp };

std::string_view to_string(CertificateStatus status);
std::string_view to_string(CaCertificateStatus status);
std::string_view to_string(AutoRegistrationStatus status);
std::string_view to_string(CertificateMode mode);
std::string_view to_string(TemplateType type);

std::optional<CertificateStatus> parse_certificate_status(std::string_view text);
std::optional<CaCertificateStatus> parse_ca_certificate_status(std::string_view text);
std::optional<AutoRegistrationStatus> parse_auto_registration_status(std::string_view text);
std::optional<CertificateMode> parse_certificate_mode(std::string_view text);
std::optional<TemplateType> parse_template_type(std::string_view text);

}  // namespace iotemu::model
