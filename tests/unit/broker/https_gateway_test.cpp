// The HTTPS gateway without sockets: a request and the certificate the handshake presented in,
// AWS's answer (or a dropped connection) and what reached the bus out.
#include "broker/https_gateway.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "broker/broker_context.hpp"
#include "bus/message_recorder.hpp"
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry::testing;
using broker::HttpsGateway;

namespace {

struct Gateway {
    Fixture f;
    bus::Bus bus;
    broker::BrokerContext context{*f.registry, bus, {}};
    std::shared_ptr<bus::testing::MessageRecorder> seen =
        std::make_shared<bus::testing::MessageRecorder>();
    pki::Issuer ca = make_root_ca("Fleet CA");

    Gateway() {
        const auto id = bus.attach(seen);
        bus.subscribe(id, "#", mqtt::QoS::at_least_once);
        bus.subscribe(id, "$aws/events/#", mqtt::QoS::at_least_once);
        f.register_ca(ca, /*active=*/true, /*auto_registration=*/true);
    }

    // A device certificate of the fleet CA, registered ACTIVE, with `policy` attached if any.
    pki::X509Certificate active_device(const std::string& name, const char* policy = nullptr) {
        auto device = make_device(name, ca);
        registry::RegisterCertificateRequest request;
        request.certificate_pem = device.to_pem();
        request.status = model::CertificateStatus::active;
        const auto certificate = f.registry->register_certificate(request);
        if (policy) {
            f.registry->create_policy("policy-" + name, policy);
            f.registry->attach_policy("policy-" + name, certificate.arn);
        }
        return device;
    }

    std::optional<api::Response> post(std::vector<pki::X509Certificate> chain, std::string target,
                                      std::string body = "{}") {
        HttpsGateway gateway(context, std::move(chain), "127.0.0.1");
        api::Request request;
        request.method = "POST";
        request.target = std::move(target);
        request.body = std::move(body);
        return gateway.handle(request);
    }
};

std::string header(const api::Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers)
        if (key == name) return value;
    return {};
}

// The status and error type of an answer, and that its traceId is its x-amzn-RequestId.
void check_answer(const std::optional<api::Response>& answer, int status,
                  std::string_view error_type) {
    REQUIRE(answer);
    CHECK(answer->status == status);
    CHECK(header(*answer, "x-amzn-ErrorType") == error_type);
    const auto body = nlohmann::json::parse(answer->body);
    CHECK(body.contains("message"));
    CHECK(body.value("traceId", "") == header(*answer, "x-amzn-RequestId"));
    CHECK_FALSE(header(*answer, "x-amzn-RequestId").empty());
}

std::string policy_allowing(std::string_view action, std::string_view resource) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
           std::string(action) + R"(","Resource":")" + std::string(resource) + R"("}]})";
}

}  // namespace

TEST_CASE("An allowed publish is 200 OK and reaches the bus with the certificate as principal") {
    Gateway g;
    const auto device = g.active_device("d", allow_all_policy);
    const auto answer = g.post({device}, "/topics/hello/world?qos=1", R"({"hello":"world"})");
    check_answer(answer, 200, "");
    CHECK(nlohmann::json::parse(answer->body)["message"] == "OK");
    const auto messages = g.seen->messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].topic == "hello/world");
    CHECK(messages[0].payload == R"({"hello":"world"})");
    CHECK(messages[0].qos == mqtt::QoS::at_least_once);
    CHECK(messages[0].principal == device.id());
    CHECK_FALSE(messages[0].client_id);
}

TEST_CASE("The first request of an unknown certificate registers it and is dropped unanswered") {
    Gateway g;
    const auto device = make_device("newcomer", g.ca);
    CHECK_FALSE(g.post({device}, "/topics/hello/world"));
    CHECK(g.f.registry->describe_certificate(device.id()).status ==
          model::CertificateStatus::pending_activation);
    const auto messages = g.seen->messages();
    REQUIRE(messages.size() == 1);  // the registration event, not the request
    CHECK(messages[0].topic.starts_with("$aws/events/certificates/registered/"));

    CHECK_FALSE(g.post({device}, "/topics/hello/world"));  // still pending: event again, dropped
    CHECK(g.seen->messages().size() == 2);
}

TEST_CASE("A certificate of an unknown CA is dropped with nothing registered") {
    Gateway g;
    const auto stranger = make_root_ca("Stranger CA");
    CHECK_FALSE(g.post({make_device("d", stranger)}, "/topics/a"));
    CHECK(g.f.registry->list_certificates(registry::PageRequest{}).items.empty());
    CHECK(g.seen->messages().empty());
}

TEST_CASE("Each refused publish gets AWS's answer and publishes nothing") {
    using Row = std::tuple<std::string, const char*, std::string, int, std::string>;
    const auto [name, policy, target, status, error] =
        GENERATE(table<std::string, const char*, std::string, int, std::string>(
            {Row{"no-policy", nullptr, "/topics/a", 403, "ForbiddenException"},
             // No client id over HTTPS: a grant through ${iot:ClientId} never matches.
             Row{"client-id", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
              "Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}"}]})",
                 "/topics/a", 403, "ForbiddenException"},
             Row{"no-retain", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
              "Action":"iot:Publish","Resource":"*"}]})",
                 "/topics/a?retain=true", 403, "ForbiddenException"},
             Row{"wildcard", allow_all_policy, "/topics/a/%2B", 400, "InvalidRequestException"},
             Row{"bad-qos", allow_all_policy, "/topics/a?qos=7", 400, "InvalidRequestException"},
             Row{"reserved", allow_all_policy, "/topics/%24aws/events/x", 403,
                 "ForbiddenException"},
             Row{"websocket", allow_all_policy, "/mqtt", 404, "UnknownOperationException"}}));
    CAPTURE(name);
    Gateway g;
    check_answer(g.post({g.active_device(name, policy)}, target), status, error);
    CHECK(g.seen->messages().empty());
}

TEST_CASE("A retained publish needs iot:RetainPublish as well as iot:Publish") {
    Gateway g;
    const auto device =
        g.active_device("d", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                "Action":["iot:Publish","iot:RetainPublish"],"Resource":"*"}]})");
    check_answer(g.post({device}, "/topics/lamp?retain=true", "on"), 200, "");
    CHECK(g.bus.retained("lamp"));
}

TEST_CASE("A request without a client certificate is 401 and leaves the registry alone") {
    Gateway g;
    check_answer(g.post({}, "/topics/a"), 401, "UnauthorizedException");
    CHECK(g.f.registry->list_certificates(registry::PageRequest{}).items.empty());
    CHECK(g.seen->messages().empty());
}

TEST_CASE("A request that could not be read gets AWS's error shape with a traceId") {
    Gateway g;
    HttpsGateway gateway(g.context, {}, "127.0.0.1");
    check_answer(gateway.refuse(AwsError(aws_errors::request_entity_too_large, "too large")), 413,
                 "RequestEntityTooLargeException");
}

TEST_CASE("The topic must be one the policy names: a grant on another topic is denied") {
    Gateway g;
    const auto device = g.active_device(
        "d", policy_allowing("iot:Publish", "arn:aws:iot:us-east-1:123456789012:topic/hello/world")
                 .c_str());
    check_answer(g.post({device}, "/topics/hello/world"), 200, "");
    check_answer(g.post({device}, "/topics/hello/moon"), 403, "ForbiddenException");
}
