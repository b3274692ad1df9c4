// Onboarding: the registry's verdict on a client certificate, carried out alike for MQTT and the
// HTTPS data plane (docs/aws/iot-core.md §3.3, §3.4). Sans-I/O: it publishes on the bus and logs;
// dropping the connection is the caller's business. Internal to the broker.
#pragma once

#include <string_view>
#include <vector>

#include "pki/certificate.hpp"

namespace iotemu::broker {

struct BrokerContext;

// Whether the client presenting `chain` (its own certificate first; empty without one) may go
// on: only an ACTIVE certificate may. Otherwise an unknown certificate of an auto-registering CA
// has just been registered PENDING_ACTIVATION, or the certificate was
// already PENDING_ACTIVATION, and the registration event is published (JITR); anything else is
// refused with nothing registered. Either way the reason is logged, and the caller drops the
// connection without an answer, as AWS does.
bool admit_device(BrokerContext& context, const std::vector<pki::X509Certificate>& chain,
                  std::string_view remote);

}  // namespace iotemu::broker
