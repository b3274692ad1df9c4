// MQTT over WebSocket's opening request without sockets (docs/aws/data-plane.md §2): the presigned
// query and the handshake headers in, the granted upgrade or AWS's refusal out; then what the
// HTTPS gateway answers, and what a SigV4 identity may do.
#include "broker/websocket_upgrade.hpp"

#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/url.hpp"
#include "broker/authorizer.hpp"
#include "broker/broker_context.hpp"
#include "broker/https_gateway.hpp"
#include "common/aws_error.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using broker::check_websocket_upgrade;

namespace {

// What aws-crt's signer sends (docs/aws/data-plane.md §2.2), parameter by parameter.
const std::vector<std::pair<std::string, std::string>> presigned{
    {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
    {"X-Amz-Credential", "AKIDEXAMPLE%2F20261202%2Feu-west-1%2Fiotdevicegateway%2Faws4_request"},
    {"X-Amz-Date", "20261202T212409Z"},
    {"X-Amz-SignedHeaders", "host"},
    {"X-Amz-Signature", std::string(64, 'a')},
};

const std::vector<std::pair<std::string, std::string>> handshake{
    {"host", "iotemu-ats.iot.eu-west-1.localhost:8443"},
    {"upgrade", "websocket"},
    {"connection", "Upgrade"},
    {"sec-websocket-version", "13"},
    {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
    {"sec-websocket-protocol", "mqtt"},
};

// The request with `name` (a query parameter or a header) replaced by `value`, or left out when
// `value` is null.
api::Request upgrade_request(const std::string& name = "", const char* value = nullptr) {
    api::Request request;
    request.method = "GET";
    request.target = "/mqtt";
    char separator = '?';
    for (const auto& [key, v] : presigned) {
        if (key == name && !value) continue;
        request.target += separator + key + "=" + (key == name ? std::string(value) : v);
        separator = '&';
    }
    for (const auto& [key, v] : handshake) {
        if (key == name && !value) continue;
        request.headers.emplace_back(key, key == name ? std::string(value) : v);
    }
    return request;
}

broker::WebSocketUpgrade check(const api::Request& request) {
    const auto question = request.target.find('?');
    api::Call call(request, {},
                   question == std::string::npos
                       ? api::Parameters{}
                       : api::parse_query(std::string_view(request.target).substr(question + 1)));
    return check_websocket_upgrade(call);
}

std::string refusal(const api::Request& request) {
    try {
        check(request);
    } catch (const AwsError& error) {
        return std::string(error.code());
    }
    return "granted";
}

}  // namespace

TEST_CASE("A presigned upgrade names its signer and region and gets the mqtt subprotocol") {
    const auto upgrade = check(upgrade_request());
    CHECK(upgrade.principal == broker::SigV4Principal{"AKIDEXAMPLE", "eu-west-1"});
    CHECK(upgrade.subprotocol == "mqtt");
}

TEST_CASE("The session token, X-Amz-Expires and the iotdata signing name are accepted") {
    auto request =
        upgrade_request("X-Amz-Credential", "AKID%2F20261202%2Fus-east-1%2Fiotdata%2Faws4_request");
    request.target += "&X-Amz-Expires=86400&X-Amz-Security-Token=FwoGZXIvYXdzE%2B%2F%3D";
    CHECK(check(request).principal == broker::SigV4Principal{"AKID", "us-east-1"});
}

TEST_CASE("The subprotocol answered is the first of MQTT's that the client offered") {
    const auto [offered, answered] = GENERATE(table<const char*, std::string>({
        {"mqtt", "mqtt"},
        {"mqttv3.1", "mqttv3.1"},            // MQTT.js with protocolVersion 3
        {"chat, mqttv3.1.1", "mqttv3.1.1"},  // a list, with spaces
        {nullptr, ""},                       // none offered: none answered
    }));
    CAPTURE(offered ? offered : "(none)");
    CHECK(check(upgrade_request("sec-websocket-protocol", offered)).subprotocol == answered);
}

TEST_CASE("Each malformed or missing part of the upgrade is refused as AWS refuses it") {
    using Row = std::tuple<std::string, const char*, std::string>;
    const auto [name, value, error] = GENERATE(table<std::string, const char*, std::string>({
        // The presigned query: 403 ForbiddenException.
        Row{"X-Amz-Algorithm", nullptr, "ForbiddenException"},
        Row{"X-Amz-Algorithm", "AWS4-HMAC-SHA1", "ForbiddenException"},
        Row{"X-Amz-Credential", nullptr, "ForbiddenException"},
        Row{"X-Amz-Credential", "AKID%2F20261202%2Fus-east-1%2Fiotdevicegateway",
            "ForbiddenException"},
        Row{"X-Amz-Credential", "AKID%2F2026-12-02%2Fus-east-1%2Fiotdevicegateway%2Faws4_request",
            "ForbiddenException"},
        Row{"X-Amz-Credential", "AKID%2F20261202%2Fus-east-1%2Fs3%2Faws4_request",
            "ForbiddenException"},
        Row{"X-Amz-Credential", "%2F20261202%2Fus-east-1%2Fiotdevicegateway%2Faws4_request",
            "ForbiddenException"},
        Row{"X-Amz-Date", nullptr, "ForbiddenException"},
        Row{"X-Amz-Date", "2026-12-02T21:24:09Z", "ForbiddenException"},
        Row{"X-Amz-Date", "20261203T000000Z", "ForbiddenException"},  // not the credential's day
        Row{"X-Amz-SignedHeaders", nullptr, "ForbiddenException"},
        Row{"X-Amz-SignedHeaders", "x-amz-date", "ForbiddenException"},
        Row{"X-Amz-Signature", nullptr, "ForbiddenException"},
        Row{"X-Amz-Signature", "abc123", "ForbiddenException"},
        Row{"X-Amz-Signature", "", "ForbiddenException"},
        // The opening handshake: 400 InvalidRequestException.
        Row{"upgrade", nullptr, "InvalidRequestException"},
        Row{"upgrade", "h2c", "InvalidRequestException"},
        Row{"connection", "keep-alive", "InvalidRequestException"},
        Row{"sec-websocket-version", "8", "InvalidRequestException"},
        Row{"sec-websocket-key", nullptr, "InvalidRequestException"},
        Row{"sec-websocket-protocol", "chat, superchat", "InvalidRequestException"},
    }));
    CAPTURE(name, value ? value : "(absent)");
    CHECK(refusal(upgrade_request(name, value)) == error);
}

TEST_CASE("The handshake headers are read as RFC 6455 says: tokens, any case") {
    auto request = upgrade_request("connection", "keep-alive, Upgrade");
    for (auto& [key, value] : request.headers)
        if (key == "upgrade") value = "WebSocket";
    CHECK(refusal(request) == "granted");
}

// ---- Through the HTTPS gateway ------------------------------------------------------------

namespace {

struct Gateway {
    registry::testing::Fixture f;
    bus::Bus bus;
    broker::BrokerContext context{*f.registry, bus, {}};
    broker::HttpsGateway gateway{context, {}, "127.0.0.1"};
};

}  // namespace

TEST_CASE("A granted upgrade is left for the session to carry out, with no answer of its own") {
    Gateway g;
    CHECK_FALSE(g.gateway.handle(upgrade_request()));
    const auto upgrade = g.gateway.take_upgrade();
    REQUIRE(upgrade);
    CHECK(upgrade->principal.access_key_id == "AKIDEXAMPLE");
    CHECK_FALSE(g.gateway.take_upgrade());  // taken once
}

TEST_CASE("A refused upgrade is answered in AWS's error shape and upgrades nothing") {
    Gateway g;
    const auto answer = g.gateway.handle(upgrade_request("X-Amz-Signature", nullptr));
    REQUIRE(answer);
    CHECK(answer->status == 403);
    CHECK(nlohmann::json::parse(answer->body).contains("traceId"));
    CHECK_FALSE(g.gateway.take_upgrade());

    auto plain = upgrade_request();
    plain.headers.clear();  // `curl https://…/mqtt?<presigned>`
    const auto not_upgrade = g.gateway.handle(plain);
    REQUIRE(not_upgrade);
    CHECK(not_upgrade->status == 400);
    CHECK_FALSE(g.gateway.take_upgrade());
}

// ---- What a SigV4 identity may do ---------------------------------------------------------

TEST_CASE("A SigV4 identity may do anything unless a policy is named, then what it allows") {
    registry::testing::Fixture f;
    const broker::SigV4Principal principal{"AKID", "us-east-1"};

    broker::Authorizer open(*f.registry, principal, "127.0.0.1", std::nullopt);
    open.set_client_id("any");
    CHECK(open.may_connect());
    CHECK(open.may_publish("a/b"));
    CHECK(open.may_subscribe("#"));
    CHECK(open.principal_identifier() == "123456789012/AKID");
    CHECK(open.certificate_id().empty());

    f.registry->create_policy("ws", R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["iot:Connect","iot:Publish"],"Resource":"*"},
        {"Effect":"Deny","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/secret"}]})");
    broker::Authorizer held(*f.registry, principal, "127.0.0.1", "ws");
    held.set_client_id("any");
    CHECK(held.may_connect());
    CHECK(held.may_publish("a/b"));
    CHECK_FALSE(held.may_publish("secret"));
    CHECK_FALSE(held.may_subscribe("a/b"));

    broker::Authorizer missing(*f.registry, principal, "127.0.0.1", "no-such-policy");
    missing.set_client_id("any");
    CHECK_FALSE(missing.may_connect());
}
