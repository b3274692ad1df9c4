// Fleet provisioning's MQTT API (docs/aws/provisioning-and-services.md §1) served to the broker:
// the sans-I/O core (fleet/) runs on the worker pool, since key generation and signing are slow;
// a template's pre-provisioning hook runs through the Lambda service under AWS's 5-second limit
// (§1.8); replies go back through the broker's callback. I/O wiring only.
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "broker/mqtt_api.hpp"
#include "registry/registry.hpp"
#include "rules/lambda/service.hpp"

namespace iotemu::app {

// `workers` runs the requests; `timers` (the I/O threads, on a strand per hook) times the hooks
// out.
std::shared_ptr<broker::MqttApi> make_fleet_provisioning_api(registry::Registry& registry,
                                                             lambda::Service& functions,
                                                             boost::asio::any_io_executor workers,
                                                             boost::asio::any_io_executor timers);

}  // namespace iotemu::app
