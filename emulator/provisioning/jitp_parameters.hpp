// The parameters JITP offers a template (docs/aws/iot-core.md §4.3): seven attributes of the
// device certificate's subject and its IoT certificate id. Pure.
#pragma once

#include "pki/certificate.hpp"
#include "provisioning/template.hpp"

namespace iotemu::provisioning {

// AWS::IoT::Certificate::{Country, Organization, OrganizationalUnit, DistinguishedNameQualifier,
// StateName, CommonName, SerialNumber} for each attribute the subject has (its first value), and
// AWS::IoT::Certificate::Id always.
Parameters jitp_parameters(const pki::X509Certificate& certificate);

}  // namespace iotemu::provisioning
