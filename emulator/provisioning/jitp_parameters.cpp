// Subject attributes → JITP parameter names, one table; nothing else of the certificate (not its
// extensions, not Locality) is offered, as AWS offers nothing else.
#include "provisioning/jitp_parameters.hpp"

#include <array>
#include <utility>

namespace iotemu::provisioning {
namespace {

// OpenSSL short names of the subject attributes.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> subject_parameters{{
    {"AWS::IoT::Certificate::Country", "C"},
    {"AWS::IoT::Certificate::Organization", "O"},
    {"AWS::IoT::Certificate::OrganizationalUnit", "OU"},
    {"AWS::IoT::Certificate::DistinguishedNameQualifier", "dnQualifier"},
    {"AWS::IoT::Certificate::StateName", "ST"},
    {"AWS::IoT::Certificate::CommonName", "CN"},
    {"AWS::IoT::Certificate::SerialNumber", "serialNumber"},
}};

}  // namespace

Parameters jitp_parameters(const pki::X509Certificate& certificate) {
    Parameters parameters;
    const pki::DistinguishedName subject = certificate.subject();
    for (const auto& [parameter, attribute] : subject_parameters)
        if (auto value = subject.first(attribute)) parameters.emplace(parameter, std::move(*value));
    parameters.emplace("AWS::IoT::Certificate::Id", certificate.id());
    return parameters;
}

}  // namespace iotemu::provisioning
