// The http action at run time against a loopback server: what it POSTs, how a refusal and a
// silent server reach errorAction, and that a server which never answers holds neither the
// engine's worker nor the rules behind it.
#include "rules_engine/engine_support.hpp"
#include "rules_engine/http_server.hpp"

using namespace engine_test;

namespace {

const std::string function_arn = "arn:aws:lambda:us-east-1:123456789012:function:jitr";

json http_action(const std::string& url, json headers = json::array()) {
    return {{"http", {{"url", url}, {"headers", std::move(headers)}}}};
}

}  // namespace

TEST_CASE("an http action POSTs the SELECT output with its substituted headers") {
    HttpServer server(HttpServer::Mode::answer);
    Rig rig;
    rig.store.create_topic_rule(
        "to_http",
        rule_payload("SELECT temp FROM 'sensors/+'",
                     json::array({http_action(
                         server.url("/ingest?from=${topic(2)}"),
                         json::array({{{"key", "x-device"}, {"value", "${clientid()}"}}}))})));
    rig.bus.publish(message("sensors/s1", R"({"temp":21,"humidity":40})"));
    const auto requests = server.wait_for(1);
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    CHECK(request.starts_with("POST /ingest?from=s1 HTTP/1.1\r\n"));
    CHECK_THAT(request, Catch::Contains("x-device: device-1\r\n"));
    CHECK_THAT(request, Catch::Contains("content-type: application/json\r\n"));
    CHECK(request.ends_with("\r\n\r\n{\"temp\":21}"));
}

TEST_CASE("an http refusal and a server that never answers both reach errorAction") {
    const auto cases = rows<HttpServer::Mode, std::string>({
        {HttpServer::Mode::answer, "HTTP 503"},
        {HttpServer::Mode::silent, "timed out after 200 ms"},
    });
    for (const auto& [mode, error] : cases) {
        INFO(error);
        HttpServer server(mode, 503);
        iotemu::rules::EngineOptions options;
        options.http.timeout = 200ms;
        Rig rig(options);
        const auto errors = rig.subscribe("errors");
        json payload = rule_payload("SELECT * FROM 'in'", json::array({http_action(server.url())}));
        payload["errorAction"] = republish_action("errors");
        rig.store.create_topic_rule("r", payload);
        rig.bus.publish(message("in", "{}"));
        const auto got = errors->wait_for(1);
        REQUIRE(got.size() == 1);
        const auto failure = json::parse(got[0].payload)["failures"][0];
        CHECK(failure["failedAction"] == "HttpAction");
        CHECK(failure["failedResource"] == server.url());
        CHECK_THAT(failure["errorMessage"].get<std::string>(), Catch::Contains(error));
    }
}

TEST_CASE("a server that never answers holds neither the worker nor the other rules") {
    HttpServer silent(HttpServer::Mode::silent);
    iotemu::rules::EngineOptions options;
    options.worker_threads = 1;
    options.http.timeout = 60s;  // far longer than the wait below: only concurrency can pass it
    auto rig = std::make_unique<Rig>(options);
    rig->store.create_topic_rule(
        "hangs", rule_payload("SELECT * FROM 'slow'", json::array({http_action(silent.url())})));
    rig->store.create_topic_rule(
        "jitr", rule_payload("SELECT * FROM 'fast'", json::array({lambda_action(function_arn)})));
    for (int i = 0; i < 20; ++i) rig->bus.publish(message("slow", "{}"));
    rig->bus.publish(message("fast", "{}"));
    CHECK(rig->lambda->wait_for_calls(1, 5s).size() == 1);
    rig.reset();  // and the engine stops with twenty POSTs still waiting
}

TEST_CASE("POSTs beyond the in-flight bound fail at once instead of queueing") {
    HttpServer silent(HttpServer::Mode::silent);
    iotemu::rules::EngineOptions options;
    options.http.timeout = 60s;
    options.http.max_in_flight = 2;
    Rig rig(options);
    const auto errors = rig.subscribe("errors");
    json payload = rule_payload("SELECT * FROM 'in'", json::array({http_action(silent.url())}));
    payload["errorAction"] = republish_action("errors");
    rig.store.create_topic_rule("r", payload);
    for (int i = 0; i < 3; ++i) rig.bus.publish(message("in", "{}"));
    const auto got = errors->wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK_THAT(json::parse(got[0].payload)["failures"][0]["errorMessage"].get<std::string>(),
               Catch::Contains("2 http requests are already waiting"));
}
