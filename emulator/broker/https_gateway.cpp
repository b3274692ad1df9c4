// The order of a publish is AWS's: the certificate (checked at connect time by AWS, so before
// anything in the request), then the request's shape, then the policy. Every answer leaves here
// through with_trace_id.
#include "broker/https_gateway.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "api/errors.hpp"
#include "api/iot_data_publish.hpp"
#include "api/iot_data_shadows.hpp"
#include "broker/broker_context.hpp"
#include "broker/onboarding.hpp"
#include "common/log.hpp"
#include "common/random.hpp"

namespace iotemu::broker {
namespace {

constexpr std::string_view request_id_header = "x-amzn-RequestId";

// The device gateway puts the request id in the body of its own answers too: {"message": …,
// "traceId": <id>} (docs/aws/data-plane.md §5.4); a shadow document is left as the service wrote
// it.
api::Response with_trace_id(api::Response response) {
    std::string id;
    for (const auto& [name, value] : response.headers)
        if (name == request_id_header) id = value;
    if (id.empty()) {
        id = random_uuid();
        response.headers.emplace_back(request_id_header, id);
    }
    auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_object() && body.contains("message")) {
        body["traceId"] = id;
        response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return response;
}

}  // namespace

HttpsGateway::HttpsGateway(BrokerContext& context, std::vector<pki::X509Certificate> chain,
                           std::string remote)
    : context_(context), chain_(std::move(chain)), remote_(std::move(remote)) {
    api::add_publish_route(router_, [this](api::Call& call) { return publish(call); });
    router_.add("GET", "/mqtt", [this](api::Call& call) { return upgrade(call); });
    if (context_.shadows)
        api::add_shadow_routes(router_, *context_.shadows,
                               [this](std::string_view action, const shadow::ShadowId& shadow) {
                                   authorize_shadow_call(action, shadow);
                               });
}

std::optional<api::Response> HttpsGateway::handle(const api::Request& request) {
    drop_ = false;
    upgrade_.reset();
    auto response = router_.dispatch(request);
    if (drop_ || upgrade_) return std::nullopt;
    return with_trace_id(std::move(response));
}

std::optional<WebSocketUpgrade> HttpsGateway::take_upgrade() {
    return std::exchange(upgrade_, std::nullopt);
}

api::Response HttpsGateway::refuse(const AwsError& error) const {
    return with_trace_id(api::error_response(error));
}

// MQTT over WebSocket (docs/aws/data-plane.md §2.1, §2.2): the upgrade needs no client
// certificate, only a presigned query of the right shape.
api::Response HttpsGateway::upgrade(api::Call& call) {
    try {
        upgrade_ = check_websocket_upgrade(call);
    } catch (const AwsError& error) {
        log::info("broker", "WebSocket upgrade from ", remote_, " refused: ", error.what());
        throw;
    }
    log::info("broker", "WebSocket upgrade from ", remote_, " signed by ",
              upgrade_->principal.access_key_id, " (", upgrade_->principal.region, ")");
    return {};
}

// Over mutual TLS the client certificate is the credential; AWS asks for it in the handshake, we
// per request, so that an MQTT-over-WebSocket upgrade (signed with SigV4) on the same listener can
// do without one.
bool HttpsGateway::admit(std::string_view what) {
    if (chain_.empty())
        throw AwsError(aws_errors::unauthorized,
                       std::string(what) + " over HTTPS requires a client certificate");
    if (!admit_device(context_, chain_, remote_)) {
        drop_ = true;
        return false;
    }
    if (!authorizer_) authorizer_.emplace(context_.registry, chain_.front(), remote_);
    return true;
}

// iot:GetThingShadow and the others on thing/<thing>, or thing/<thing>/<shadow> for a named
// shadow; an IoT policy that allows only the MQTT topics does not allow these (§4.8).
void HttpsGateway::authorize_shadow_call(std::string_view action, const shadow::ShadowId& shadow) {
    if (!admit("A shadow request")) throw AwsError(aws_errors::forbidden, "Forbidden");
    std::string resource = shadow.thing_name;
    if (!shadow.shadow_name.empty()) resource += "/" + shadow.shadow_name;
    if (!authorizer_->may_act_on_thing(action, resource)) {
        log::info("broker", action, " on '", resource, "' with certificate ",
                  authorizer_->certificate_id(), " from ", remote_, " denied by policy");
        throw AwsError(aws_errors::forbidden, "Forbidden");
    }
}

api::Response HttpsGateway::publish(api::Call& call) {
    if (!admit("Publishing")) return {};

    auto message = api::publish_request(call, context_.options.limits.max_payload_bytes);
    // HTTPS has no client id: ${iot:ClientId} and the thing variables never resolve
    // (docs/aws/iot-core.md §6.5).
    const bool allowed = authorizer_->may_publish(message.topic) &&
                         (!message.retain || authorizer_->may_retain(message.topic));
    if (!allowed) {
        log::info("broker", "HTTPS publish to '", message.topic, "' with certificate ",
                  authorizer_->certificate_id(), " from ", remote_, " denied by policy");
        throw AwsError(aws_errors::forbidden, "Forbidden");
    }
    message.principal = authorizer_->certificate_id();
    context_.bus.publish(message);
    return api::published();
}

}  // namespace iotemu::broker
