// CA and device certificates as the registry keeps them (docs/aws/iot-core.md §1.4, §2.4). Plain
// values; std only.
#pragma once

#include <optional>
#include <string>

#include "common/time.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace iotemu::model {

struct Validity {
    Timestamp not_before;
    Timestamp not_after;

    bool operator==(const Validity&) const = default;
};

// A CA's JITP configuration (RegistrationConfig in the IoT model).
struct RegistrationConfig {
    std::optional<std::string> template_body;
    std::optional<std::string> role_arn;
    std::optional<std::string> template_name;

    bool empty() const { return !template_body && !role_arn && !template_name; }

    bool operator==(const RegistrationConfig&) const = default;
};

struct CaCertificate {
    std::string id;  // lowercase hex SHA-256 of the DER (docs/aws/iot-core.md §0.2)
    std::string arn;
    std::string pem;
    // One-line subject, for the same-subject limit (docs/aws/iot-core.md §1.2).
    std::string subject;
    CaCertificateStatus status = CaCertificateStatus::inactive;
    AutoRegistrationStatus auto_registration_status = AutoRegistrationStatus::disable;
    CertificateMode mode = CertificateMode::default_mode;
    std::string owned_by;
    Timestamp creation_date;
    Timestamp last_modified_date;
    int customer_version = 1;
    std::string generation_id;
    Validity validity;
    RegistrationConfig registration_config;
    Tags tags;

    bool operator==(const CaCertificate&) const = default;
};

struct Certificate {
    std::string id;
    std::string arn;
    std::string pem;
    std::optional<std::string> ca_certificate_id;  // absent for AWS-signed and no-CA certificates
    CertificateStatus status = CertificateStatus::inactive;
    CertificateMode mode = CertificateMode::default_mode;
    std::string owned_by;
    std::optional<std::string> previous_owned_by;
    Timestamp creation_date;
    Timestamp last_modified_date;
    int customer_version = 1;
    std::string generation_id;
    Validity validity;

    bool operator==(const Certificate&) const = default;
};

}  // namespace iotemu::model
