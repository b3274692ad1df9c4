// The registration code and CA certificates (docs/aws/iot-core.md §1): registration with proof of
// possession, each way it fails, updates, listing and deletion.
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::AutoRegistrationStatus;
using model::CaCertificateStatus;
using model::CertificateMode;

namespace {

RegisterCaCertificateRequest request_for(const pki::Issuer& ca,
                                         std::optional<std::string> verification) {
    RegisterCaCertificateRequest request;
    request.ca_certificate_pem = ca.certificate.to_pem();
    request.verification_certificate_pem = std::move(verification);
    return request;
}

}  // namespace

TEST_CASE("The registration code is minted once and kept until deleted", "[registry][ca]") {
    Fixture f;
    const auto code = f.registry->get_registration_code();
    CHECK(code.size() == 64);
    CHECK(code.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(f.registry->get_registration_code() == code);
    CHECK(f.store->saves == 1);

    f.registry->delete_registration_code();
    const auto next = f.registry->get_registration_code();
    CHECK(next != code);
}

TEST_CASE("Deleting a registration code that does not exist is ResourceNotFound",
          "[registry][ca]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->delete_registration_code(), "ResourceNotFoundException");
    f.registry->get_registration_code();
    f.registry->delete_registration_code();
    CHECK_AWS_ERROR(f.registry->delete_registration_code(), "ResourceNotFoundException");
}

TEST_CASE("A CA registered with a valid verification certificate is described as AWS does",
          "[registry][ca]") {
    Fixture f;
    const auto ca = make_root_ca("Root A");
    const auto before = now();
    const auto registered = f.register_ca(ca, /*active=*/false);

    CHECK(registered.id == ca.certificate.id());
    CHECK(registered.arn == "arn:aws:iot:us-east-1:123456789012:cacert/" + ca.certificate.id());
    const auto described = f.registry->describe_ca_certificate(registered.id);
    CHECK(described.status == CaCertificateStatus::inactive);  // docs/aws/iot-core.md §1.2 defaults
    CHECK(described.auto_registration_status == AutoRegistrationStatus::disable);
    CHECK(described.mode == CertificateMode::default_mode);
    CHECK(described.owned_by == "123456789012");
    CHECK(described.customer_version == 1);
    CHECK(described.generation_id.size() == 36);
    CHECK(described.subject == ca.certificate.subject().one_line());
    CHECK(described.creation_date >= before);
    CHECK(described.last_modified_date == described.creation_date);
    CHECK(described.validity.not_after == ca.certificate.validity().not_after);
    CHECK(described.pem.find("BEGIN CERTIFICATE") != std::string::npos);
}

TEST_CASE("setAsActive and allowAutoRegistration make the CA ACTIVE and ENABLE", "[registry][ca]") {
    Fixture f;
    const auto registered = f.register_ca(make_root_ca("Root"), true, true);
    CHECK(registered.status == CaCertificateStatus::active);
    CHECK(registered.auto_registration_status == AutoRegistrationStatus::enable);
}

TEST_CASE("An SNI_ONLY CA registers without a verification certificate", "[registry][ca]") {
    Fixture f;
    auto request = request_for(make_root_ca("Sni"), std::nullopt);
    request.mode = CertificateMode::sni_only;
    CHECK(f.registry->register_ca_certificate(request).mode == CertificateMode::sni_only);
}

TEST_CASE("RegisterCACertificate failures map to AWS's errors and register nothing",
          "[registry][ca]") {
    Fixture f;
    const auto ca = make_root_ca("Root");
    const auto other_ca = make_root_ca("Other");
    const auto code = f.registry->get_registration_code();
    const int saves = f.store->saves;

    SECTION("DEFAULT mode without a verification certificate") {
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request_for(ca, std::nullopt)),
                        "InvalidRequestException");
    }
    SECTION("SNI_ONLY mode with a verification certificate") {
        auto request = request_for(ca, verification_pem(ca, code));
        request.mode = CertificateMode::sni_only;
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request), "InvalidRequestException");
    }
    SECTION("a CA PEM that is not a certificate") {
        auto request = request_for(ca, verification_pem(ca, code));
        request.ca_certificate_pem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----";
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request),
                        "CertificateValidationException");
    }
    SECTION("a verification PEM that is not a certificate") {
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request_for(ca, "garbage")),
                        "CertificateValidationException");
    }
    SECTION("a certificate that is not a CA") {
        const pki::Issuer leaf{make_device("leaf", ca), shared_key()};
        CHECK_AWS_ERROR_MESSAGE(
            f.registry->register_ca_certificate(request_for(leaf, verification_pem(leaf, code))),
            "CertificateValidationException", "not a CA certificate");
    }
    SECTION("a verification certificate whose CN is not the registration code") {
        CHECK_AWS_ERROR(
            f.registry->register_ca_certificate(request_for(ca, verification_pem(ca, "wrong"))),
            "RegistrationCodeValidationException");
    }
    SECTION("a verification certificate signed by another key") {
        CHECK_AWS_ERROR(
            f.registry->register_ca_certificate(request_for(ca, verification_pem(other_ca, code))),
            "CertificateValidationException");
    }
    SECTION("a verification certificate made with a deleted registration code") {
        const auto request = request_for(ca, verification_pem(ca, code));
        f.registry->delete_registration_code();
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request),
                        "RegistrationCodeValidationException");
        f.registry->get_registration_code();  // a new code: the old proof is stale
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request),
                        "RegistrationCodeValidationException");
        CHECK(f.registry->list_ca_certificates(page_of(25), std::nullopt).items.empty());
        return;
    }
    SECTION("a registrationConfig naming a provisioning template") {
        auto request = request_for(ca, verification_pem(ca, code));
        request.registration_config.template_name = "my-template";
        CHECK_AWS_ERROR(f.registry->register_ca_certificate(request), "ResourceNotFoundException");
    }
    CHECK(f.registry->list_ca_certificates(page_of(25), std::nullopt).items.empty());
    CHECK(f.store->saves == saves);
}

TEST_CASE("Registering the same CA twice is ResourceAlreadyExists naming the existing CA",
          "[registry][ca]") {
    Fixture f;
    const auto ca = make_root_ca("Root");
    const auto first = f.register_ca(ca);
    try {
        f.register_ca(ca);
        FAIL("the second registration succeeded");
    } catch (const AwsError& error) {
        CHECK(error.code() == "ResourceAlreadyExistsException");
        CHECK(error.resource_id() == first.id);
        CHECK(error.resource_arn() == first.arn);
    }
    CHECK(f.registry->list_ca_certificates(page_of(25), std::nullopt).items.size() == 1);
}

TEST_CASE("The eleventh CA with the same subject exceeds the limit", "[registry][ca]") {
    Fixture f;
    for (int i = 0; i < 10; ++i) f.register_ca(make_root_ca("Same Subject"));
    CHECK_AWS_ERROR_MESSAGE(f.register_ca(make_root_ca("Same Subject")), "LimitExceededException",
                            "Limit reached for number of CA Certificates with same subject");
    CHECK(f.registry->list_ca_certificates(page_of(250), std::nullopt).items.size() == 10);
    f.register_ca(make_root_ca("Different Subject"));  // the limit is per subject
}

TEST_CASE("UpdateCACertificate changes status, auto-registration and config, bumping the version",
          "[registry][ca]") {
    Fixture f;
    const auto ca = f.register_ca(make_root_ca("Root"), false);

    UpdateCaCertificateRequest update;
    update.new_status = CaCertificateStatus::active;
    update.new_auto_registration_status = AutoRegistrationStatus::enable;
    update.registration_config = model::RegistrationConfig{"{\"Resources\":{}}", "arn:role", {}};
    f.registry->update_ca_certificate(ca.id, update);
    auto described = f.registry->describe_ca_certificate(ca.id);
    CHECK(described.status == CaCertificateStatus::active);
    CHECK(described.auto_registration_status == AutoRegistrationStatus::enable);
    CHECK(described.registration_config.role_arn == "arn:role");
    CHECK(described.customer_version == 2);
    CHECK(described.last_modified_date >= described.creation_date);

    UpdateCaCertificateRequest remove;
    remove.remove_auto_registration = true;
    f.registry->update_ca_certificate(ca.id, remove);
    described = f.registry->describe_ca_certificate(ca.id);
    CHECK(described.registration_config.empty());
    CHECK(described.customer_version == 3);
}

TEST_CASE("UpdateCACertificate of an unknown CA or to a template name changes nothing",
          "[registry][ca]") {
    Fixture f;
    const auto ca = f.register_ca(make_root_ca("Root"), false);
    UpdateCaCertificateRequest update;
    update.new_status = CaCertificateStatus::active;
    CHECK_AWS_ERROR(f.registry->update_ca_certificate(std::string(64, 'a'), update),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->update_ca_certificate("not-an-id", update),
                    "InvalidRequestException");
    update.registration_config = model::RegistrationConfig{{}, {}, "missing-template"};
    CHECK_AWS_ERROR(f.registry->update_ca_certificate(ca.id, update), "ResourceNotFoundException");
    CHECK(f.registry->describe_ca_certificate(ca.id).status == CaCertificateStatus::inactive);
    CHECK(f.registry->describe_ca_certificate(ca.id).customer_version == 1);
}

TEST_CASE("An ACTIVE CA must be deactivated before deletion", "[registry][ca]") {
    Fixture f;
    const auto ca = f.register_ca(make_root_ca("Root"), true);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_ca_certificate(ca.id), "CertificateStateException",
                            "deactivated");
    CHECK(f.registry->find_ca_certificate(ca.id));

    UpdateCaCertificateRequest deactivate;
    deactivate.new_status = CaCertificateStatus::inactive;
    f.registry->update_ca_certificate(ca.id, deactivate);
    f.registry->delete_ca_certificate(ca.id);
    CHECK_FALSE(f.registry->find_ca_certificate(ca.id));
    CHECK_AWS_ERROR(f.registry->describe_ca_certificate(ca.id), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->delete_ca_certificate(ca.id), "ResourceNotFoundException");
}

TEST_CASE("An INACTIVE CA with device certificates can be deleted and they keep working",
          "[registry][ca]") {
    Fixture f;
    const auto issuer = make_root_ca("Root");
    const auto ca = f.register_ca(issuer, true);
    RegisterCertificateRequest request;
    request.certificate_pem = make_device("dev", issuer).to_pem();
    const auto device = f.registry->register_certificate(request);
    UpdateCaCertificateRequest deactivate;
    deactivate.new_status = CaCertificateStatus::inactive;
    f.registry->update_ca_certificate(ca.id, deactivate);
    f.registry->delete_ca_certificate(ca.id);
    CHECK(f.registry->describe_certificate(device.id).ca_certificate_id == ca.id);
}

TEST_CASE("ListCACertificates can filter by template name", "[registry][ca]") {
    Fixture f;
    f.register_ca(make_root_ca("Root"));
    CHECK(f.registry->list_ca_certificates(page_of(25), std::nullopt).items.size() == 1);
    CHECK(f.registry->list_ca_certificates(page_of(25), "some-template").items.empty());
}
