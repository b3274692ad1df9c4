// The enumerations of the IoT model (botocore `iot` 2015-05-28) and their wire spellings.
// Parsing returns false for a spelling AWS does not define. std only.
#pragma once

#include <cstddef>
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

// The keys of UpdateEventConfigurations (docs/aws/provisioning-and-services.md §3.1).
enum class EventType {
    thing,
    thing_group,
    thing_type,
    thing_group_membership,
    thing_group_hierarchy,
    thing_type_association,
    job,
    job_execution,
    policy,
    certificate,
    ca_certificate,
};
inline constexpr std::size_t event_type_count = 11;

std::string_view to_string(CertificateStatus status);
std::string_view to_string(CaCertificateStatus status);
std::string_view to_string(AutoRegistrationStatus status);
std::string_view to_string(CertificateMode mode);
std::string_view to_string(TemplateType type);
std::string_view to_string(EventType type);

std::optional<CertificateStatus> parse_certificate_status(std::string_view text);
std::optional<CaCertificateStatus> parse_ca_certificate_status(std::string_view text);
std::optional<AutoRegistrationStatus> parse_auto_registration_status(std::string_view text);
std::optional<CertificateMode> parse_certificate_mode(std::string_view text);
std::optional<TemplateType> parse_template_type(std::string_view text);
std::optional<EventType> parse_event_type(std::string_view text);

}  // namespace iotemu::model
