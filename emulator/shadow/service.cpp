// The shadow service between the bus and the Shadows core: request topics in, replies out.
#include "shadow/service.hpp"

#include "shadow/topics.hpp"

namespace iotemu::shadow {

namespace {

// The request topics of classic and named shadows (§4.2); replies have more levels.
constexpr std::string_view request_filters[] = {"$aws/things/+/shadow/+",
                                                "$aws/things/+/shadow/name/+/+"};

}  // namespace

std::shared_ptr<Service> Service::start(bus::Bus& bus, Shadows& shadows) {
    std::shared_ptr<Service> service{new Service(bus, shadows)};
    service->id_ = bus.attach(service);
    for (const auto filter : request_filters)
        bus.subscribe(service->id_, filter, {mqtt::QoS::at_least_once});
    return service;
}

Service::~Service() { bus_.detach(id_); }

void Service::deliver(const bus::Message& message, mqtt::QoS, bool) {
    const auto topic = parse_request_topic(message.topic);
    if (!topic) return;
    const Timestamp now = iotemu::now();
    const auto outcome = shadows_.handle({topic->operation, topic->shadow, message.payload}, now);
    publish(topic->shadow, outcome.reply, now);
    for (const auto& event : outcome.events) publish(topic->shadow, event, now);
}

Outcome Service::handle(const Request& request, Timestamp now) {
    auto outcome = shadows_.handle(request, now);
    if (!outcome.rejection && request.operation != Operation::get) {
        publish(request.shadow, outcome.reply, now);
        for (const auto& event : outcome.events) publish(request.shadow, event, now);
    }
    return outcome;
}

void Service::publish(const ShadowId& shadow, const Message& message, Timestamp now) {
    bus_.publish({shadow_topic(shadow, message.suffix), message.payload, mqtt::QoS::at_least_once,
                  false, std::nullopt, std::nullopt, epoch_millis(now)});
}

}  // namespace iotemu::shadow
