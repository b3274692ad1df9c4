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
    switch (verdict.verdict) {
        case registry::DeviceVerdict::accepted:
            return true;
        case registry::DeviceVerdict::registered:
        case registry::DeviceVerdict::pending:
            log::info("broker", "certificate ", id,
                      verdict.verdict == registry::DeviceVerdict::registered
                          ? " auto-registered PENDING_ACTIVATION"
                          : " is PENDING_ACTIVATION",
                      " under CA ", verdict.certificate->ca_certificate_id.value_or("?"),
                      "; registration event published, connection from ", remote, " dropped");
            context.bus.publish(registration_event(*verdict.certificate,
                                                   context.registry.account().account_id, now()));
            return false;
        case registry::DeviceVerdict::refused:
            log::info("broker", "connection from ", remote, " with certificate ", id,
                      " refused: ", verdict.reason);
            return false;
    }
    return false;
}

}  // namespace iotemu::broker
