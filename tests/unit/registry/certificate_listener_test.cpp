// The certificate listener the broker uses to drop connections (docs/aws/iot-core.md §2.2): which
// changes reach it, with what, and that it runs after the registry's lock is released.
#include <chrono>
#include <future>

#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

struct Notice {
    std::string certificate_id;
    CertificateStatus status;
    bool deleted;
};

// Records every notice; also checks, from another thread, that the registry's lock is free while
// the listener runs, then reads the registry itself as the broker's listener may.
struct Recorder {
    explicit Recorder(Registry& registry) : registry_(registry) {
        registry.on_certificate_change([this](const model::Certificate& certificate, bool deleted) {
            notices.push_back({certificate.id, certificate.status, deleted});
            // A writer would wait for a lock held by this thread; a deadline turns that into a
            // failed check instead of a hung test (the probe is kept, so its future does not wait
            // for it here). Its unknown id makes it fail after taking the lock, changing nothing.
            probes_.push_back(std::async(std::launch::async, [this] {
                registry_.update_certificate(std::string(64, '0'), CertificateStatus::inactive);
            }));
            lock_free_during_call =
                probes_.back().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
            if (lock_free_during_call && !deleted)
                described_status = registry_.describe_certificate(certificate.id).status;
        });
    }

    std::vector<Notice> notices;
    bool lock_free_during_call = false;
    std::optional<CertificateStatus> described_status;

private:
    Registry& registry_;
    std::vector<std::future<void>> probes_;
};

}  // namespace

TEST_CASE("UpdateCertificate tells the listener the new status, after the lock is released",
          "[registry][listener]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::active);
    Recorder recorder(*f.registry);

    f.registry->update_certificate(certificate.id, CertificateStatus::inactive);

    REQUIRE(recorder.notices.size() == 1);
    CHECK(recorder.notices[0].certificate_id == certificate.id);
    CHECK(recorder.notices[0].status == CertificateStatus::inactive);
    CHECK_FALSE(recorder.notices[0].deleted);
    CHECK(recorder.lock_free_during_call);
    CHECK(recorder.described_status == CertificateStatus::inactive);
}

TEST_CASE("An UpdateCertificate that changes nothing or fails tells the listener nothing",
          "[registry][listener]") {
    Fixture f;
    const auto active = f.device_certificate("device-1", CertificateStatus::active);
    const auto revoked = f.device_certificate("device-2", CertificateStatus::revoked);
    Recorder recorder(*f.registry);

    f.registry->update_certificate(active.id, CertificateStatus::active);
    CHECK_AWS_ERROR(f.registry->update_certificate(revoked.id, CertificateStatus::active),
                    "CertificateStateException");

    CHECK(recorder.notices.empty());
}

TEST_CASE("DeleteCertificate tells the listener the certificate is deleted",
          "[registry][listener]") {
    Fixture f;
    const auto certificate = f.device_certificate("device-1", CertificateStatus::inactive);
    const auto active = f.device_certificate("device-2", CertificateStatus::active);
    Recorder recorder(*f.registry);

    CHECK_AWS_ERROR(f.registry->delete_certificate(active.id, false), "CertificateStateException");
    CHECK(recorder.notices.empty());
    f.registry->delete_certificate(certificate.id, false);

    REQUIRE(recorder.notices.size() == 1);
    CHECK(recorder.notices[0].certificate_id == certificate.id);
    CHECK(recorder.notices[0].status == CertificateStatus::inactive);
    CHECK(recorder.notices[0].deleted);
    CHECK(recorder.lock_free_during_call);
}

TEST_CASE("Auto-registration tells the listener of the PENDING_ACTIVATION certificate once",
          "[registry][listener]") {
    Fixture f;
    const auto ca = make_root_ca("JITR CA");
    f.register_ca(ca, true, true);
    const auto device = make_device("device-1", ca);
    Recorder recorder(*f.registry);

    f.registry->authenticate_device({device});
    f.registry->authenticate_device({device});  // pending: nothing changes

    REQUIRE(recorder.notices.size() == 1);
    CHECK(recorder.notices[0].certificate_id == device.id());
    CHECK(recorder.notices[0].status == CertificateStatus::pending_activation);
    CHECK_FALSE(recorder.notices[0].deleted);
    CHECK(recorder.lock_free_during_call);
    CHECK(recorder.described_status == CertificateStatus::pending_activation);
}
