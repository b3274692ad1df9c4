// shadow::Service: the shadow service on the bus (docs/aws/data-plane.md §4.2). Every request
// published to a shadow request topic — by a device over MQTT or HTTPS, or by iot-data's Publish,
// after the publisher's policy allowed it — goes to the Shadows core, and the replies are
// published on the bus like any message, so subscribers (under their own iot:Receive) and topic
// rules see /accepted, /rejected, /delta and /documents. Sans-I/O: it runs on the publisher's
// thread and never blocks (the core is memory and one mutex).
#pragma once

#include <memory>

#include "bus/bus.hpp"
#include "shadow/shadows.hpp"

namespace iotemu::shadow {

class Service final : public bus::Subscriber {
public:
    // Subscribes to every classic and named shadow's request topics. `bus` and `shadows` outlive
    // the service; it detaches from the bus when destroyed.
    static std::shared_ptr<Service> start(bus::Bus& bus, Shadows& shadows);
    ~Service() override;

    // A request published on the bus.
    void deliver(const bus::Message& message, mqtt::QoS qos, bool retain) override;

    // A request from the REST API (§4.8): answered like one over MQTT; when accepted, what AWS
    // publishes for it (/update/accepted, /update/delta, /update/documents, /delete/accepted) is
    // published; a rejection publishes nothing, nor does a get.
    Outcome handle(const Request& request, Timestamp now);

    Shadows& shadows() { return shadows_; }

private:
    Service(bus::Bus& bus, Shadows& shadows) : bus_(bus), shadows_(shadows) {}
    void publish(const ShadowId& shadow, const Message& message, Timestamp now);

    bus::Bus& bus_;
    Shadows& shadows_;
    bus::SubscriberId id_ = 0;
};

}  // namespace iotemu::shadow
