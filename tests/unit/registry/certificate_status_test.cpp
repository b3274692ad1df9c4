// UpdateCertificate's transitions (docs/aws/iot-core.md §2.2) and DeleteCertificate's refusals
// (docs/aws/iot-core.md §2.3).
#include <array>

#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

const std::string seeded_id(64, 'c');

// A registry whose stored state already holds one certificate in `status`: the internal statuses
// (PENDING_ACTIVATION from auto-registration, PENDING_TRANSFER) cannot be reached by the API.
State state_with_certificate(CertificateStatus status) {
    State state;
    model::Certificate certificate;
    certificate.id = seeded_id;
    certificate.arn = account().arn("cert", seeded_id);
    certificate.status = status;
    state.certificates[seeded_id] = Entry<model::Certificate>{state.next_sequence++, certificate};
    return state;
}

constexpr std::array all_statuses{
    CertificateStatus::active,
    CertificateStatus::inactive,
    CertificateStatus::revoked,
    CertificateStatus::pending_transfer,
    CertificateStatus::register_inactive,
    CertificateStatus::pending_activation,
};

}  // namespace

TEST_CASE("UpdateCertificate follows AWS's transition rules for every status pair",
          "[registry][certificates]") {
    const auto from = GENERATE(from_range(all_statuses));
    const auto to = GENERATE(from_range(all_statuses));
    CAPTURE(model::to_string(from), model::to_string(to));
    Fixture f(state_with_certificate(from));

    const bool internal_target = to == CertificateStatus::pending_transfer ||
                                 to == CertificateStatus::pending_activation ||
                                 to == CertificateStatus::register_inactive;
    if (internal_target) {
        CHECK_AWS_ERROR(f.registry->update_certificate(seeded_id, to), "InvalidRequestException");
        CHECK(f.registry->describe_certificate(seeded_id).status == from);
    } else if (from == to) {  // idempotent: success, nothing to save
        f.registry->update_certificate(seeded_id, to);
        CHECK(f.registry->describe_certificate(seeded_id).status == to);
        CHECK(f.store->saves == 0);
    } else if (from == CertificateStatus::revoked) {  // REVOKED is final
        CHECK_AWS_ERROR(f.registry->update_certificate(seeded_id, to), "CertificateStateException");
        CHECK(f.registry->describe_certificate(seeded_id).status == from);
        CHECK(f.store->saves == 0);
    } else {
        f.registry->update_certificate(seeded_id, to);
        const auto described = f.registry->describe_certificate(seeded_id);
        CHECK(described.status == to);
        CHECK(described.last_modified_date > described.creation_date);
        CHECK(f.store->saves == 1);
    }
}

TEST_CASE("UpdateCertificate of an unknown certificate is ResourceNotFound",
          "[registry][certificates]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->update_certificate(seeded_id, CertificateStatus::active),
                    "ResourceNotFoundException");
}

TEST_CASE("An ACTIVE certificate must be deactivated before deletion", "[registry][certificates]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_certificate(certificate.id, true),
                            "CertificateStateException",
                            "Certificate must be deactivated (not ACTIVE) before deletion.");
    CHECK(f.registry->find_certificate(certificate.id));
}

TEST_CASE("Every non-ACTIVE status can be deleted once detached", "[registry][certificates]") {
    const auto status =
        GENERATE(CertificateStatus::inactive, CertificateStatus::revoked,
                 CertificateStatus::pending_activation, CertificateStatus::pending_transfer);
    Fixture f(state_with_certificate(status));
    f.registry->delete_certificate(seeded_id, false);
    CHECK_FALSE(f.registry->find_certificate(seeded_id));
    CHECK_AWS_ERROR(f.registry->delete_certificate(seeded_id, false), "ResourceNotFoundException");
}

TEST_CASE("A certificate attached to a thing cannot be deleted, even when forced",
          "[registry][certificates]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::inactive);
    f.thing("thing-1");
    f.registry->attach_thing_principal("thing-1", certificate.arn);
    const int saves = f.store->saves;

    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_certificate(certificate.id, true),
                            "DeleteConflictException",
                            "Things must be detached before deletion (arn: " + certificate.arn);
    CHECK(f.registry->find_certificate(certificate.id));
    CHECK(f.store->saves == saves);

    f.registry->detach_thing_principal("thing-1", certificate.arn);
    f.registry->delete_certificate(certificate.id, false);
    CHECK_FALSE(f.registry->find_certificate(certificate.id));
}

TEST_CASE("A certificate with policies needs forceDelete, which detaches them",
          "[registry][certificates]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::revoked);
    f.registry->create_policy("p1", allow_all_policy);
    f.registry->attach_policy("p1", certificate.arn);

    CHECK_AWS_ERROR_MESSAGE(
        f.registry->delete_certificate(certificate.id, false), "DeleteConflictException",
        "Certificate policies must be detached before deletion (arn: " + certificate.arn);
    CHECK(f.registry->list_targets_for_policy("p1", page_of(25)).items.size() == 1);

    f.registry->delete_certificate(certificate.id, true);
    CHECK_FALSE(f.registry->find_certificate(certificate.id));
    CHECK(f.registry->list_targets_for_policy("p1", page_of(25)).items.empty());
    f.registry->delete_policy("p1");  // no longer attached anywhere
}
