// The registry events AWS IoT publishes when they are enabled
// (docs/aws/provisioning-and-services.md §3.2–3.3): one committed registry change in, the message
// with AWS's topic and JSON payload out. Sans-I/O; no JSON types in this header.
#pragma once

#include <string_view>

#include "bus/bus.hpp"
#include "common/time.hpp"
#include "model/account.hpp"
#include "model/registry_events.hpp"

namespace iotemu::events {

// `event_id` is the payload's unique eventId (a UUID); `when` its timestamp (epoch ms).
bus::Message registry_event_message(const model::RegistryEvent& event,
                                    const model::Account& account, std::string_view event_id,
                                    Timestamp when);

}  // namespace iotemu::events
