// One switch over the registry's DeviceVerdict: what the log says, and when the registration
// event goes out. The verdict itself (JITR, JITP, statuses) is the registry's.
#include "broker/onboarding.hpp"

#include "broker/broker_context.hpp"
#include "broker/events.hpp"
#include "common/log.hpp"

namespace iotemu::broker {

bool admit_device(BrokerContext& context, const std::vector<pki::X509Certificate>& chain,
                  std::string_view remote) {
    const auto verdict = context.registry.authenticate_device(chain);
    const std::string id = chain.empty() ? "(none)" : chain.front().id();
    auto& journal = *context.options.journal;
    switch (verdict.verdict) {
        case registry::DeviceVerdict::accepted:
            return true;
        case registry::DeviceVerdict::registered: {
            // JITP has provisioned (activated) it already when the CA carries a template.
            const auto now_known = context.registry.find_certificate(id);
            const auto status = now_known ? now_known->status : verdict.certificate->status;
            journal.record(
                "certificate.registered",
                {{"certificateId", id},
                 {"caCertificateId", verdict.certificate->ca_certificate_id.value_or("")},
                 {"status", std::string(model::to_string(status))},
                 {"how", status == model::CertificateStatus::active ? "jitp" : "jitr"},
                 {"remote", std::string(remote)}});
            [[fallthrough]];
        }
        case registry::DeviceVerdict::pending:
            log::info("broker", "certificate ", id,
                      verdict.verdict == registry::DeviceVerdict::registered
                          ? " auto-registered PENDING_ACTIVATION"
                          : " is PENDING_ACTIVATION",
                      " under CA ", verdict.certificate->ca_certificate_id.value_or("?"),
                      "; registration event published, connection from ", remote, " dropped");
            context.bus.publish(registration_event(*verdict.certificate,
                                                   context.registry.account().account_id, now()));
            journal.record("connect.refused",
                           {{"certificateId", id},
                            {"reason",
                             "certificate PENDING_ACTIVATION: registration event "
                             "published, connection dropped"},
                            {"remote", std::string(remote)}});
            return false;
        case registry::DeviceVerdict::refused:
            log::info("broker", "connection from ", remote, " with certificate ", id,
                      " refused: ", verdict.reason);
            journal.record("connect.refused", {{"certificateId", chain.empty() ? "" : id},
                                               {"reason", verdict.reason},
                                               {"remote", std::string(remote)}});
            return false;
    }
    return false;
}

}  // namespace iotemu::broker
