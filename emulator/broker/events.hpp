// The messages AWS IoT itself publishes that the broker reproduces: the certificate registration
// event of JITR (docs/aws/iot-core.md §3.5). Values in, bus::Message out.
#pragma once

#include <string_view>

#include "bus/bus.hpp"
#include "common/time.hpp"
#include "model/certificate.hpp"

namespace iotemu::broker {

// `$aws/events/certificates/registered/<caCertificateId>` with the six documented keys:
// timestamp is a number of epoch ms, certificateRegistrationTimestamp a string of epoch ms.
bus::Message registration_event(const model::Certificate& certificate, std::string_view account_id,
                                Timestamp when);

}  // namespace iotemu::broker
