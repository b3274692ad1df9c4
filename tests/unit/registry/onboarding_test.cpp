// The connect-time decision on a client certificate chain (docs/aws/iot-core.md §3.3, §3.4): every
// row of the "other cases" table, just-in-time registration, and which registered CA counts as the
// signer.
#include <future>

#include "pki/fixtures.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::AutoRegistrationStatus;
using model::CaCertificateStatus;
using model::CertificateMode;
using model::CertificateStatus;

namespace {

using Chain = std::vector<pki::X509Certificate>;

// The device certificate alone (current docs: sending the CA is optional) or followed by its CA,
// as the JITR blog's `cat deviceCert.crt ca.pem` sends it (docs/aws/iot-core.md §3.2): the outcome
// is the same.
Chain chain_of(const pki::X509Certificate& device, const pki::Issuer& ca, bool append_ca) {
    Chain chain{device};
    if (append_ca) chain.push_back(ca.certificate);
    return chain;
}

// A device certificate whose key is of `key_type` (RSA-2048 or P-256).
pki::X509Certificate device_with_key(const std::string& common_name, const pki::Issuer& issuer,
                                     pki::KeyType key_type) {
    return pki::testing::make_device(common_name, issuer, pki::testing::shared_key(key_type));
}

// A refusal that registers nothing and saves nothing.
void check_refused(Fixture& f, const Chain& chain, const std::string& reason_fragment) {
    const int saves = f.store->saves;
    const auto result = f.registry->authenticate_device(chain);
    CHECK(result.verdict == DeviceVerdict::refused);
    CHECK_THAT(result.reason, Catch::Contains(reason_fragment));
    CHECK_FALSE(result.certificate);
    CHECK(f.registry->list_certificates(page_of(25)).items.empty());
    CHECK(f.store->saves == saves);
}

// A registry whose stored state already holds `device` in `status`: PENDING_TRANSFER and
// REGISTER_INACTIVE, and an ACTIVE certificate that has since expired, cannot be reached by the
// API.
State state_with(const pki::X509Certificate& device, CertificateStatus status) {
    State state;
    model::Certificate certificate;
    certificate.id = device.id();
    certificate.arn = account().arn("cert", device.id());
    certificate.pem = device.to_pem();
    certificate.status = status;
    state.certificates[certificate.id] =
        Entry<model::Certificate>{state.next_sequence++, certificate};
    return state;
}

}  // namespace

// ---- unknown certificates ---------------------------------------------------------------------

TEST_CASE("A connection without a client certificate is refused", "[registry][onboarding]") {
    Fixture f;
    check_refused(f, {}, "no client certificate");
}

TEST_CASE(
    "An unknown certificate signed by an ACTIVE CA with auto-registration is registered "
    "PENDING_ACTIVATION",
    "[registry][onboarding]") {
    const auto key_type = GENERATE(pki::KeyType::rsa_2048, pki::KeyType::ec_p256);
    const bool append_ca = GENERATE(false, true);
    CAPTURE(pki::testing::name_of(key_type), append_ca);
    Fixture f;
    const auto ca = make_root_ca("JITR CA");
    const auto registered_ca = f.register_ca(ca, /*active=*/true, /*auto_registration=*/true);
    const auto device = device_with_key("device-1", ca, key_type);
    const int saves = f.store->saves;

    const auto result = f.registry->authenticate_device(chain_of(device, ca, append_ca));

    REQUIRE(result.verdict == DeviceVerdict::registered);
    REQUIRE(result.certificate);
    CHECK(result.reason.empty());
    const auto described = f.registry->describe_certificate(device.id());
    CHECK(described.id == device.id());
    CHECK(described.arn == "arn:aws:iot:us-east-1:123456789012:cert/" + device.id());
    CHECK(described.status == CertificateStatus::pending_activation);
    CHECK(described.ca_certificate_id == registered_ca.id);
    CHECK(described.mode == CertificateMode::default_mode);
    CHECK(described.pem == device.to_pem());
    CHECK(described.owned_by == "123456789012");
    CHECK(described.customer_version == 1);
    CHECK(described.generation_id.size() == 36);
    CHECK(described.validity.not_after == device.validity().not_after);
    CHECK(result.certificate->generation_id == described.generation_id);
    CHECK(f.registry->list_certificates_by_ca(registered_ca.id, page_of(25)).items.size() == 1);
    CHECK(f.store->saves == saves + 1);
}

TEST_CASE("An auto-registered certificate inherits the CA's certificate mode",
          "[registry][onboarding]") {
    Fixture f;
    const auto ca = make_root_ca("SNI-only CA");
    RegisterCaCertificateRequest request;
    request.ca_certificate_pem = ca.certificate.to_pem();
    request.mode = CertificateMode::sni_only;
    request.set_as_active = true;
    request.allow_auto_registration = true;
    f.registry->register_ca_certificate(request);

    const auto result = f.registry->authenticate_device({make_device("device-1", ca)});

    REQUIRE(result.verdict == DeviceVerdict::registered);
    CHECK(result.certificate->mode == CertificateMode::sni_only);
}

TEST_CASE("An unknown certificate presented again is pending, registered only once",
          "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    const auto ca = make_root_ca("JITR CA");
    f.register_ca(ca, true, true);
    const auto chain = chain_of(make_device("device-1", ca), ca, append_ca);
    const auto first = f.registry->authenticate_device(chain);
    const int saves = f.store->saves;

    const auto second = f.registry->authenticate_device(chain);

    CHECK(second.verdict == DeviceVerdict::pending);
    REQUIRE(second.certificate);
    CHECK(second.certificate->generation_id == first.certificate->generation_id);
    CHECK(f.registry->list_certificates(page_of(25)).items.size() == 1);
    CHECK(f.store->saves == saves);
}

TEST_CASE("Concurrent first connections with one unknown certificate register it once",
          "[registry][onboarding]") {
    Fixture f;
    const auto ca = make_root_ca("JITR CA");
    f.register_ca(ca, true, true);
    const Chain chain{make_device("device-1", ca)};

    constexpr int connections = 8;
    std::vector<std::future<DeviceVerdict>> verdicts;
    for (int i = 0; i < connections; ++i)
        verdicts.push_back(std::async(
            std::launch::async, [&] { return f.registry->authenticate_device(chain).verdict; }));
    int registered = 0;
    int pending = 0;
    for (auto& verdict : verdicts) {
        const auto value = verdict.get();
        registered += value == DeviceVerdict::registered;
        pending += value == DeviceVerdict::pending;
    }
    CHECK(registered == 1);
    CHECK(pending == connections - 1);
    CHECK(f.registry->list_certificates(page_of(25)).items.size() == 1);
}

TEST_CASE("An unknown certificate whose CA is INACTIVE is refused", "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    const auto ca = make_root_ca("Inactive CA");
    const auto registered_ca = f.register_ca(ca, /*active=*/false, /*auto_registration=*/true);
    check_refused(f, chain_of(make_device("device-1", ca), ca, append_ca),
                  "CA " + registered_ca.id + " is INACTIVE");
}

TEST_CASE("An unknown certificate whose CA was deactivated is refused", "[registry][onboarding]") {
    Fixture f;
    const auto ca = make_root_ca("Deactivated CA");
    const auto registered_ca = f.register_ca(ca, true, true);
    UpdateCaCertificateRequest deactivate;
    deactivate.new_status = CaCertificateStatus::inactive;
    f.registry->update_ca_certificate(registered_ca.id, deactivate);
    check_refused(f, {make_device("device-1", ca)}, "is INACTIVE");
}

TEST_CASE("An unknown certificate whose CA has auto-registration DISABLE is refused",
          "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    const auto ca = make_root_ca("Manual CA");
    f.register_ca(ca, /*active=*/true, /*auto_registration=*/false);
    check_refused(f, chain_of(make_device("device-1", ca), ca, append_ca),
                  "auto-registration DISABLE");
}

TEST_CASE("An unknown certificate whose issuer is not a registered CA is refused",
          "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    f.register_ca(make_root_ca("Some other CA"), true, true);
    const auto unregistered = make_root_ca("Unregistered CA");
    check_refused(f, chain_of(make_device("device-1", unregistered), unregistered, append_ca),
                  "issuer not a registered CA");
}

TEST_CASE("A registered CA with the issuer's subject but another key is not the signer",
          "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    f.register_ca(make_root_ca("Twin CA"), true, true);
    const auto impostor = make_root_ca("Twin CA");  // same subject, fresh key
    check_refused(f, chain_of(make_device("device-1", impostor), impostor, append_ca),
                  "issuer not a registered CA");
}

TEST_CASE("A leaf signed by a registered intermediate CA is registered under the intermediate",
          "[registry][onboarding]") {
    const bool send_root_too = GENERATE(false, true);
    Fixture f;
    const auto root = make_root_ca("Root CA");
    const auto intermediate = make_intermediate_ca("Intermediate CA", root);
    const auto registered = f.register_ca(intermediate, true, true);
    Chain chain{make_device("device-1", intermediate), intermediate.certificate};
    if (send_root_too) chain.push_back(root.certificate);

    const auto result = f.registry->authenticate_device(chain);

    REQUIRE(result.verdict == DeviceVerdict::registered);
    CHECK(result.certificate->ca_certificate_id == registered.id);
}

TEST_CASE(
    "A registered root is not the direct signer of a leaf signed by an unregistered "
    "intermediate",
    "[registry][onboarding]") {
    const bool send_intermediate = GENERATE(false, true);
    Fixture f;
    const auto root = make_root_ca("Root CA");
    f.register_ca(root, true, true);
    const auto intermediate = make_intermediate_ca("Intermediate CA", root);
    Chain chain{make_device("device-1", intermediate)};
    if (send_intermediate) chain.push_back(intermediate.certificate);
    chain.push_back(root.certificate);
    check_refused(f, chain, "issuer not a registered CA");
}

TEST_CASE("Of several registered CAs with one subject and key, the ACTIVE one decides",
          "[registry][onboarding]") {
    const bool active_registered_first = GENERATE(false, true);
    Fixture f;
    const auto key = new_key();
    const auto first = make_root_ca("Rotated CA", key);
    const auto second = make_root_ca("Rotated CA", key);  // same subject and key, new serial
    const auto a = f.register_ca(first, active_registered_first, true);
    const auto b = f.register_ca(second, !active_registered_first, true);
    const auto& active = active_registered_first ? a : b;

    const auto result = f.registry->authenticate_device({make_device("device-1", first)});

    REQUIRE(result.verdict == DeviceVerdict::registered);
    CHECK(result.certificate->ca_certificate_id == active.id);
}

TEST_CASE("An unknown certificate outside its validity period is refused",
          "[registry][onboarding]") {
    const bool expired = GENERATE(false, true);
    CAPTURE(expired);
    Fixture f;
    const auto ca = make_root_ca("JITR CA");
    f.register_ca(ca, true, true);
    auto profile = pki::testing::device_profile("device-1");
    profile.backdate = std::chrono::hours{expired ? 48 : -24};
    profile.lifetime = std::chrono::hours{expired ? -24 : 48};
    const auto device =
        pki::issue_certificate(profile, pki::PublicKey::from_private(shared_key()), ca);
    check_refused(f, {device}, "expired or not yet valid");
}

// ---- known certificates -----------------------------------------------------------------------

TEST_CASE("A known certificate's status decides its connection", "[registry][onboarding]") {
    using Row = std::tuple<CertificateStatus, DeviceVerdict, std::string>;
    const auto [status, verdict, reason] =
        GENERATE(table<CertificateStatus, DeviceVerdict, std::string>({
            Row{CertificateStatus::active, DeviceVerdict::accepted, ""},
            Row{CertificateStatus::pending_activation, DeviceVerdict::pending, ""},
            Row{CertificateStatus::inactive, DeviceVerdict::refused, "certificate is INACTIVE"},
            Row{CertificateStatus::revoked, DeviceVerdict::refused, "certificate is REVOKED"},
            Row{CertificateStatus::pending_transfer, DeviceVerdict::refused,
                "certificate is PENDING_TRANSFER"},
            Row{CertificateStatus::register_inactive, DeviceVerdict::refused,
                "certificate is REGISTER_INACTIVE"},
        }));
    CAPTURE(model::to_string(status));
    const auto ca = make_root_ca("Any CA");
    const auto device = make_device("device-1", ca);
    Fixture f(state_with(device, status));

    const auto result = f.registry->authenticate_device({device});

    CHECK(result.verdict == verdict);
    CHECK(result.reason == reason);
    CHECK(result.certificate.has_value() == (verdict != DeviceVerdict::refused));
    CHECK(f.store->saves == 0);
}

TEST_CASE("An ACTIVE certificate whose CA is now INACTIVE is still accepted",
          "[registry][onboarding]") {
    const bool append_ca = GENERATE(false, true);
    Fixture f;
    const auto ca = make_root_ca("Retired CA");
    const auto registered_ca = f.register_ca(ca);
    const auto device = make_device("device-1", ca);
    RegisterCertificateRequest request;
    request.certificate_pem = device.to_pem();
    request.status = CertificateStatus::active;
    f.registry->register_certificate(request);
    UpdateCaCertificateRequest deactivate;
    deactivate.new_status = CaCertificateStatus::inactive;
    f.registry->update_ca_certificate(registered_ca.id, deactivate);

    const auto result = f.registry->authenticate_device(chain_of(device, ca, append_ca));

    CHECK(result.verdict == DeviceVerdict::accepted);
    REQUIRE(result.certificate);
    CHECK(result.certificate->id == device.id());
}

TEST_CASE("An ACTIVE certificate that has expired is refused", "[registry][onboarding]") {
    const auto ca = make_root_ca("Any CA");
    const auto device = make_device("device-1", ca, std::chrono::hours{-1});
    Fixture f(state_with(device, CertificateStatus::active));

    const auto result = f.registry->authenticate_device({device});

    CHECK(result.verdict == DeviceVerdict::refused);
    CHECK(result.reason == "certificate expired or not yet valid");
}

TEST_CASE("An INACTIVE or REVOKED certificate registered through the API is refused",
          "[registry][onboarding]") {
    const auto status = GENERATE(CertificateStatus::inactive, CertificateStatus::revoked);
    CAPTURE(model::to_string(status));
    Fixture f;
    const auto certificate = f.device_certificate("device-1", status);
    const auto device = pki::X509Certificate::from_pem(certificate.pem);
    REQUIRE(device);

    const auto result = f.registry->authenticate_device({*device});

    CHECK(result.verdict == DeviceVerdict::refused);
    CHECK(result.reason == "certificate is " + std::string(model::to_string(status)));
}
