// jitp_parameters: the subject attributes JITP offers, under AWS's parameter names, and the
// certificate's IoT id — nothing else of the certificate.
#include "provisioning/jitp_parameters.hpp"

#include <catch2/catch.hpp>

#include "pki/fixtures.hpp"

using namespace iotemu;
using namespace iotemu::provisioning;

namespace {

pki::X509Certificate device_with_subject(std::vector<pki::NameEntry> subject) {
    static const auto ca =
        pki::testing::make_root_ca("JITP CA", pki::testing::shared_key(pki::KeyType::ec_p256));
    pki::CertificateProfile profile;
    profile.subject = std::move(subject);
    profile.client_auth = true;
    return pki::issue_certificate(
        profile, pki::PublicKey::from_private(pki::testing::shared_key(pki::KeyType::ec_p256)), ca);
}

}  // namespace

TEST_CASE("JITP offers the seven subject attributes and the certificate id",
          "[provisioning][jitp]") {
    const auto device = device_with_subject({{"C", "DE"},
                                             {"ST", "Bavaria"},
                                             {"L", "Munich"},  // Locality: not a JITP parameter
                                             {"O", "Acme"},
                                             {"OU", "Sensors"},
                                             {"OU", "Second unit"},
                                             {"dnQualifier", "q1"},
                                             {"serialNumber", "SN-0001"},
                                             {"CN", "my-jitp-device"}});
    CHECK(jitp_parameters(device) ==
          Parameters{{"AWS::IoT::Certificate::Country", "DE"},
                     {"AWS::IoT::Certificate::StateName", "Bavaria"},
                     {"AWS::IoT::Certificate::Organization", "Acme"},
                     {"AWS::IoT::Certificate::OrganizationalUnit", "Sensors"},
                     {"AWS::IoT::Certificate::DistinguishedNameQualifier", "q1"},
                     {"AWS::IoT::Certificate::SerialNumber", "SN-0001"},
                     {"AWS::IoT::Certificate::CommonName", "my-jitp-device"},
                     {"AWS::IoT::Certificate::Id", device.id()}});
}

TEST_CASE("A subject without an attribute offers no parameter for it", "[provisioning][jitp]") {
    const auto device = device_with_subject({{"CN", "bare"}});
    CHECK(jitp_parameters(device) == Parameters{{"AWS::IoT::Certificate::CommonName", "bare"},
                                                {"AWS::IoT::Certificate::Id", device.id()}});
}
