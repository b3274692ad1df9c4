// FleetProvisioning: AWS IoT's fleet-provisioning MQTT API (docs/aws/provisioning-and-services.md
// §1) as a sans-I/O core. It takes one request — a PUBLISH on a request topic, with who sent it —
// and returns its one reply for /accepted or /rejected, or, for a RegisterThing whose template
// has a pre-provisioning hook, the Lambda call to make first and then the reply once resumed with
// its answer. It mints certificates, checks ownership tokens and applies templates through the
// registry; it never touches a socket, a thread or a timer (the caller runs it off the I/O thread:
// key generation is slow).
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "common/time.hpp"
#include "fleet/ownership_tokens.hpp"
#include "fleet/topics.hpp"
#include "provisioning/template.hpp"
#include "registry/registry.hpp"

namespace iotemu::fleet {

struct Request {
    std::string topic;  // a request topic (parse_request_topic)
    std::string payload;
    std::string client_id;
    std::string certificate_id;  // the certificate the requesting connection presented
};

struct Reply {
    std::string topic;    // the request's topic + /accepted or /rejected
    std::string payload;  // encoded like the request
    bool accepted = false;
};

// A RegisterThing waiting for its template's pre-provisioning hook (§1.8).
struct HookCall {
    std::string function_arn;
    std::string event;  // JSON: claimCertificateId, certificateId, certificatePem, templateArn, …

    // What resume() needs to finish the request.
    std::string request_topic;
    RequestTopic topic;
    std::string token;
    std::string claim_certificate_id;
    provisioning::Parameters parameters;
};

// How the hook's invocation ended: its result (JSON text) or why it failed (an error, a timeout).
struct HookAnswer {
    bool invoked = false;  // the handler ran and returned a result
    std::string payload;   // the result, or the failure's description
};

using Outcome = std::variant<Reply, HookCall>;

class FleetProvisioning {
public:
    explicit FleetProvisioning(registry::Registry& registry,
                               std::chrono::seconds token_lifetime = std::chrono::hours{1});

    // One request at `now`. Also deletes the certificates whose ownership token expired unused
    // (§1.5).
    Outcome handle(const Request& request, Timestamp now);
    // Finishes a RegisterThing once its hook answered.
    Reply resume(const HookCall& call, const HookAnswer& answer, Timestamp now);

private:
    Outcome register_thing(const Request& request, const RequestTopic& topic, Timestamp now);
    Reply finish_registration(const HookCall& call, const provisioning::Parameters& overrides,
                              Timestamp now);
    void delete_unclaimed(Timestamp now);

    registry::Registry& registry_;
    OwnershipTokens tokens_;
};

}  // namespace iotemu::fleet
