// MqttApi: a service AWS runs behind reserved request topics, such as fleet provisioning's
// (docs/aws/provisioning-and-services.md §1.1). The broker hands it every PUBLISH on a topic it
// serves — after the policy allowed the publish — instead of the bus, and delivers each reply only
// to the connection that asked, through that client's own subscriptions and iot:Receive.
// An interface: implementations decide where the work runs. Sans-I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace iotemu::broker {

class MqttApi {
public:
    struct Request {
        std::string topic;
        std::string payload;
        std::string client_id;
        std::string certificate_id;  // of the requesting connection
    };
    struct Reply {
        std::string topic;
        std::string payload;
    };
    using Respond = std::function<void(Reply)>;

    virtual ~MqttApi() = default;
    virtual bool serves(std::string_view topic) const = 0;
    // Must not block. `respond` may be called from any thread, once per reply.
    virtual void handle(Request request, Respond respond) = 0;
};

}  // namespace iotemu::broker
