// Device certificate registration variants and AWS-issued certificates (docs/aws/iot-core.md §2.4).
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateMode;
using model::CertificateStatus;

namespace {

RegisterCertificateRequest request_for(const pki::X509Certificate& certificate,
                                       std::optional<CertificateStatus> status = {}) {
    RegisterCertificateRequest request;
    request.certificate_pem = certificate.to_pem();
    request.status = status;
    return request;
}

}  // namespace

TEST_CASE("A certificate signed by a registered active CA registers INACTIVE by default",
          "[registry][certificates]") {
    Fixture f;
    const auto issuer = make_root_ca("Root");
    const auto ca = f.register_ca(issuer);
    const auto device = make_device("dev-1", issuer);

    const auto registered = f.registry->register_certificate(request_for(device));
    CHECK(registered.id == device.id());
    CHECK(registered.arn == "arn:aws:iot:us-east-1:123456789012:cert/" + device.id());
    CHECK(registered.status == CertificateStatus::inactive);
    CHECK(registered.ca_certificate_id == ca.id);
    CHECK(registered.mode == CertificateMode::default_mode);
    CHECK(registered.owned_by == "123456789012");
    CHECK(registered.customer_version == 1);
    CHECK(f.registry->describe_certificate(device.id()).pem == registered.pem);
    CHECK(f.registry->list_certificates_by_ca(ca.id, page_of(25)).items.size() == 1);
}

TEST_CASE("A registered certificate takes the requested status and its CA's mode",
          "[registry][certificates]") {
    Fixture f;
    const auto issuer = make_root_ca("Sni Root");
    RegisterCaCertificateRequest ca_request;
    ca_request.ca_certificate_pem = issuer.certificate.to_pem();
    ca_request.mode = CertificateMode::sni_only;
    ca_request.set_as_active = true;
    f.registry->register_ca_certificate(ca_request);

    const auto status = GENERATE(CertificateStatus::active, CertificateStatus::inactive,
                                 CertificateStatus::revoked);
    const auto registered =
        f.registry->register_certificate(request_for(make_device("dev", issuer), status));
    CHECK(registered.status == status);
    CHECK(registered.mode == CertificateMode::sni_only);
}

TEST_CASE("Internal statuses cannot be requested at registration", "[registry][certificates]") {
    Fixture f;
    const auto issuer = make_root_ca("Root");
    f.register_ca(issuer);
    const auto status =
        GENERATE(CertificateStatus::pending_activation, CertificateStatus::pending_transfer,
                 CertificateStatus::register_inactive);
    CHECK_AWS_ERROR(f.registry->register_certificate(request_for(make_device("d", issuer), status)),
                    "InvalidRequestException");
    CHECK(f.registry->list_certificates(page_of(25)).items.empty());
}

TEST_CASE("Only the direct signer counts, not a registered grandparent",
          "[registry][certificates]") {
    Fixture f;
    const auto root = make_root_ca("Root");
    const auto intermediate = make_intermediate_ca("Intermediate", root);
    f.register_ca(root);
    const auto device = make_device("dev", intermediate);

    CHECK_AWS_ERROR_MESSAGE(f.registry->register_certificate(request_for(device)),
                            "CertificateValidationException", "registered CA");
    const auto registered_intermediate = f.register_ca(intermediate);
    CHECK(f.registry->register_certificate(request_for(device)).ca_certificate_id ==
          registered_intermediate.id);
}

TEST_CASE("RegisterCertificate failures map to AWS's errors and register nothing",
          "[registry][certificates]") {
    Fixture f;
    const auto issuer = make_root_ca("Root");
    const auto ca = f.register_ca(issuer);
    const int saves = f.store->saves;

    SECTION("unparsable PEM") {
        RegisterCertificateRequest request;
        request.certificate_pem = "not a certificate";
        CHECK_AWS_ERROR(f.registry->register_certificate(request),
                        "CertificateValidationException");
    }
    SECTION("an expired or not yet valid certificate") {
        auto p = profile({{"CN", "out-of-date"}}, false);
        const bool expired = GENERATE(true, false);
        CAPTURE(expired);
        p.backdate = std::chrono::hours{expired ? 48 : -1};  // notBefore = now - backdate
        p.lifetime = std::chrono::hours{expired ? -1 : 24};  // notAfter = now + lifetime
        const auto certificate =
            pki::issue_certificate(p, pki::PublicKey::from_private(shared_key()), issuer);
        CHECK_AWS_ERROR_MESSAGE(f.registry->register_certificate(request_for(certificate)),
                                "CertificateValidationException", "expired or not yet valid");
    }
    SECTION("a signer that is not registered") {
        const auto stranger = make_root_ca("Stranger");
        CHECK_AWS_ERROR(f.registry->register_certificate(request_for(make_device("d", stranger))),
                        "CertificateValidationException");
    }
    SECTION("a caCertificatePem that is not registered") {
        const auto stranger = make_root_ca("Root");  // same subject, other key
        auto request = request_for(make_device("d", issuer));
        request.ca_certificate_pem = stranger.certificate.to_pem();
        CHECK_AWS_ERROR(f.registry->register_certificate(request),
                        "CertificateValidationException");
    }
    SECTION("a caCertificatePem that did not sign the certificate") {
        const auto other = make_root_ca("Other");
        f.register_ca(other);
        const int after_other = f.store->saves;
        auto request = request_for(make_device("d", issuer));
        request.ca_certificate_pem = other.certificate.to_pem();
        CHECK_AWS_ERROR(f.registry->register_certificate(request),
                        "CertificateValidationException");
        CHECK(f.store->saves == after_other);
        CHECK(f.registry->list_certificates(page_of(25)).items.empty());
        return;
    }
    SECTION("an INACTIVE CA") {
        UpdateCaCertificateRequest deactivate;
        deactivate.new_status = model::CaCertificateStatus::inactive;
        f.registry->update_ca_certificate(ca.id, deactivate);
        const int after_update = f.store->saves;
        CHECK_AWS_ERROR(f.registry->register_certificate(request_for(make_device("d", issuer))),
                        "CertificateStateException");
        CHECK(f.store->saves == after_update);
        CHECK(f.registry->list_certificates(page_of(25)).items.empty());
        return;
    }
    CHECK(f.store->saves == saves);
    CHECK(f.registry->list_certificates(page_of(25)).items.empty());
}

TEST_CASE("A caCertificatePem picks among registered CAs that share subject and key",
          "[registry][certificates]") {
    Fixture f;
    const auto key = new_key();
    const auto first = make_root_ca("Shared", key);
    const auto second = make_root_ca("Shared", key);  // a re-issue: same subject and key
    f.register_ca(first);
    const auto second_ca = f.register_ca(second);
    const auto device = make_device("dev", first);

    CHECK_AWS_ERROR(f.registry->register_certificate(request_for(device)),
                    "CertificateConflictException");
    auto request = request_for(device);
    request.ca_certificate_pem = second.certificate.to_pem();
    CHECK(f.registry->register_certificate(request).ca_certificate_id == second_ca.id);
}

TEST_CASE("Registering the same certificate twice is ResourceAlreadyExists",
          "[registry][certificates]") {
    Fixture f;
    const auto issuer = make_root_ca("Root");
    f.register_ca(issuer);
    const auto device = make_device("dev", issuer);
    const auto first = f.registry->register_certificate(request_for(device));
    try {
        f.registry->register_certificate(request_for(device, CertificateStatus::active));
        FAIL("the second registration succeeded");
    } catch (const AwsError& error) {
        CHECK(error.code() == "ResourceAlreadyExistsException");
        CHECK(std::string(error.message()) ==
              "The certificate is already provisioned or registered");
        CHECK(error.resource_id() == first.id);
        CHECK(error.resource_arn() == first.arn);
    }
    CHECK(f.registry->describe_certificate(first.id).status == CertificateStatus::inactive);
    CHECK_AWS_ERROR(f.registry->register_certificate_without_ca(device.to_pem(), std::nullopt),
                    "ResourceAlreadyExistsException");
}

TEST_CASE("A certificate registered without a CA is SNI_ONLY and has no CA id",
          "[registry][certificates]") {
    Fixture f;
    const auto stranger = make_root_ca("Unregistered");
    const auto registered = f.registry->register_certificate_without_ca(
        make_device("dev", stranger).to_pem(), CertificateStatus::active);
    CHECK(registered.mode == CertificateMode::sni_only);
    CHECK(registered.status == CertificateStatus::active);
    CHECK_FALSE(registered.ca_certificate_id);
    CHECK_AWS_ERROR(f.registry->register_certificate_without_ca("junk", std::nullopt),
                    "CertificateValidationException");
    CHECK_AWS_ERROR(
        f.registry->register_certificate_without_ca(make_device("dev2", stranger).to_pem(),
                                                    CertificateStatus::pending_transfer),
        "InvalidRequestException");
}

TEST_CASE("CreateKeysAndCertificate issues an RSA key and an AWS-signed certificate",
          "[registry][certificates]") {
    Fixture f;
    const bool active = GENERATE(true, false);
    const auto created = f.registry->create_keys_and_certificate(
        active ? CertificateStatus::active : CertificateStatus::inactive);
    CHECK(created.certificate.status ==
          (active ? CertificateStatus::active : CertificateStatus::inactive));
    CHECK_FALSE(created.certificate.ca_certificate_id);
    CHECK(created.private_key_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
    CHECK(created.public_key_pem.find("BEGIN PUBLIC KEY") != std::string::npos);

    const auto parsed = pki::X509Certificate::from_pem(created.certificate.pem);
    REQUIRE(parsed);
    CHECK(parsed->subject().first("CN") == "AWS IoT Certificate");
    CHECK(parsed->is_signed_by(aws_issuer().certificate));
    CHECK(parsed->id() == created.certificate.id);
    const auto key = pki::PrivateKey::from_pem(created.private_key_pem);
    REQUIRE(key);
    CHECK(pki::PublicKey::from_private(*key).to_pem() ==
          pki::PublicKey::from_native(X509_get0_pubkey(parsed->native())).to_pem());
    CHECK(f.registry->describe_certificate(created.certificate.id).id == created.certificate.id);
}

TEST_CASE("CreateCertificateFromCsr signs the CSR's key and subject, distinct each time",
          "[registry][certificates]") {
    Fixture f;
    const auto key = new_key();
    const auto csr = make_csr_pem(key, {{"CN", "my-device"}, {"O", "Acme"}});
    const auto first = f.registry->create_certificate_from_csr(csr, CertificateStatus::active);
    const auto second = f.registry->create_certificate_from_csr(csr, CertificateStatus::inactive);
    CHECK(first.id != second.id);
    CHECK(first.status == CertificateStatus::active);
    CHECK(second.status == CertificateStatus::inactive);

    const auto parsed = pki::X509Certificate::from_pem(first.pem);
    REQUIRE(parsed);
    CHECK(parsed->subject().first("CN") == "my-device");
    CHECK(parsed->is_signed_by(aws_issuer().certificate));
    CHECK(pki::PublicKey::from_native(X509_get0_pubkey(parsed->native())).to_pem() ==
          pki::PublicKey::from_private(key).to_pem());
}

TEST_CASE("A CSR that does not parse is InvalidRequest", "[registry][certificates]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->create_certificate_from_csr("garbage", CertificateStatus::active),
                    "InvalidRequestException");
    CHECK(f.registry->list_certificates(page_of(25)).items.empty());
    CHECK(f.store->saves == 0);
}

TEST_CASE("Describing an unknown or malformed certificate id fails", "[registry][certificates]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->describe_certificate(std::string(64, 'b')),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->describe_certificate("abc"), "InvalidRequestException");
    CHECK_FALSE(f.registry->find_certificate(std::string(64, 'b')));
}
