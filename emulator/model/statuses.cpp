// One table per enumeration, read both ways, so a spelling lives in exactly one place.
#include "model/statuses.hpp"

#include <array>
#include <utility>

namespace iotemu::model {
namespace {

template <class Enum, std::size_t N>
using Table = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Table<CertificateStatus, 6> certificate_statuses{{
    {CertificateStatus::active, "ACTIVE"},
    {CertificateStatus::inactive, "INACTIVE"},
    {CertificateStatus::revoked, "REVOKED"},
    {CertificateStatus::pending_transfer, "PENDING_TRANSFER"},
    {CertificateStatus::register_inactive, "REGISTER_INACTIVE"},
    {CertificateStatus::pending_activation, "PENDING_ACTIVATION"},
}};
constexpr Table<CaCertificateStatus, 2> ca_statuses{{
    {CaCertificateStatus::active, "ACTIVE"},
    {CaCertificateStatus::inactive, "INACTIVE"},
}};
constexpr Table<AutoRegistrationStatus, 2> auto_registration_statuses{{
    {AutoRegistrationStatus::enable, "ENABLE"},
    {AutoRegistrationStatus::disable, "DISABLE"},
}};
constexpr Table<CertificateMode, 2> certificate_modes{{
    {CertificateMode::default_mode, "DEFAULT"},
    {CertificateMode::sni_only, "SNI_ONLY"},
}};
constexpr Table<TemplateType, 2> template_types{{
    {TemplateType::fleet_provisioning, "FLEET_PROVISIONING"},
    {TemplateType::jitp, "JITP"},
}};
constexpr Table<EventType, event_type_count> event_types{{
    {EventType::thing, "THING"},
    {EventType::thing_group, "THING_GROUP"},
    {EventType::thing_type, "THING_TYPE"},
    {EventType::thing_group_membership, "THING_GROUP_MEMBERSHIP"},
    {EventType::thing_group_hierarchy, "THING_GROUP_HIERARCHY"},
    {EventType::thing_type_association, "THING_TYPE_ASSOCIATION"},
    {EventType::job, "JOB"},
    {EventType::job_execution, "JOB_EXECUTION"},
    {EventType::policy, "POLICY"},
    {EventType::certificate, "CERTIFICATE"},
    {EventType::ca_certificate, "CA_CERTIFICATE"},
}};

template <class Enum, std::size_t N>
std::string_view spell(const Table<Enum, N>& table, Enum value) {
    for (const auto& [e, text] : table)
        if (e == value) return text;
    return "";
}

template <class Enum, std::size_t N>
std::optional<Enum> read(const Table<Enum, N>& table, std::string_view text) {
    for (const auto& [e, spelling] : table)
        if (spelling == text) return e;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(CertificateStatus s) { return spell(certificate_statuses, s); }
std::string_view to_string(CaCertificateStatus s) { return spell(ca_statuses, s); }
std::string_view to_string(AutoRegistrationStatus s) {
    return spell(auto_registration_statuses, s);
}
std::string_view to_string(CertificateMode m) { return spell(certificate_modes, m); }
std::string_view to_string(TemplateType t) { return spell(template_types, t); }
std::string_view to_string(EventType t) { return spell(event_types, t); }

std::optional<CertificateStatus> parse_certificate_status(std::string_view text) {
    return read(certificate_statuses, text);
}
std::optional<CaCertificateStatus> parse_ca_certificate_status(std::string_view text) {
    // REGISTER_INACTIVE is a deprecated CA status that AWS still accepts as INACTIVE.
    if (text == "REGISTER_INACTIVE") return CaCertificateStatus::inactive;
    return read(ca_statuses, text);
}
std::optional<AutoRegistrationStatus> parse_auto_registration_status(std::string_view text) {
    return read(auto_registration_statuses, text);
}
std::optional<CertificateMode> parse_certificate_mode(std::string_view text) {
    return read(certificate_modes, text);
}
std::optional<TemplateType> parse_template_type(std::string_view text) {
    return read(template_types, text);
}
std::optional<EventType> parse_event_type(std::string_view text) { return read(event_types, text); }

}  // namespace iotemu::model
