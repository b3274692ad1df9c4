// HttpsGateway: one HTTPS data-plane connection's requests, answered as AWS's device gateway does
// (docs/aws/data-plane.md §5.3, §5.4): Publish (POST /topics/{topic}) authenticates the client
// certificate as an MQTT connect would (JITR included), checks iot:Publish (and
// iot:RetainPublish) under the certificate's policies with no client id, and publishes on the
// bus; iot-data's shadow operations (docs/aws/data-plane.md §4.8) authenticate the same way and
// check their iot:*ThingShadow action on the thing; another method on /topics/… answers
// MethodNotAllowedException, any other path AWS's
// unknown-operation error. `GET /mqtt` with a WebSocket upgrade and a SigV4 presigned query
// (docs/aws/data-plane.md §2) is granted for https_session.cpp to carry out. Every answer carries
// a traceId equal to its x-amzn-RequestId. Sans-I/O: https_session.cpp reads and writes; one per
// connection, used on its strand.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/message.hpp"
#include "api/router.hpp"
#include "broker/authorizer.hpp"
#include "broker/websocket_upgrade.hpp"
#include "common/aws_error.hpp"
#include "pki/certificate.hpp"
#include "shadow/topics.hpp"

namespace iotemu::broker {

struct BrokerContext;

class HttpsGateway {
public:
    // `chain`: what the client presented in the handshake, its own certificate first (empty
    // without one: whether a request needs one is the request's business).
    HttpsGateway(BrokerContext& context, std::vector<pki::X509Certificate> chain,
                 std::string remote);
    HttpsGateway(const HttpsGateway&) = delete;  // its routes point at it
    HttpsGateway& operator=(const HttpsGateway&) = delete;

    // The answer to one request, or nullopt when the connection must be dropped without one:
    // AWS's answer to a certificate it just registered, one PENDING_ACTIVATION, or one it
    // refuses (docs/aws/iot-core.md §3.3, §3.4).
    std::optional<api::Response> handle(const api::Request& request);

    // The answer to a request that could not be read whole (too large, malformed).
    api::Response refuse(const AwsError& error) const;

    // Set by handle() instead of an answer when the request was a WebSocket upgrade it grants.
    std::optional<WebSocketUpgrade> take_upgrade();

private:
    api::Response publish(api::Call& call);
    api::Response upgrade(api::Call& call);
    // The client certificate admitted as an MQTT connect would admit it; false when the
    // connection must be dropped unanswered (drop_ is set). Throws UnauthorizedException without
    // one.
    bool admit(std::string_view what);
    void authorize_shadow_call(std::string_view action, const shadow::ShadowId& shadow);

    BrokerContext& context_;
    std::vector<pki::X509Certificate> chain_;
    std::string remote_;
    std::optional<Authorizer> authorizer_;  // once the certificate was first admitted
    api::Router router_;
    bool drop_ = false;  // set by a handler: answer nothing, drop the connection
    std::optional<WebSocketUpgrade> upgrade_;  // set by upgrade(): answer with the handshake
};

}  // namespace iotemu::broker
