// The Engine with a real bus::Bus and a fake LambdaInvoker: what a rule's actions receive for a
// published message, when nothing runs, errorAction's payload, and that publish() never waits for
// an action.
#include <set>

#include "common/base64.hpp"
#include "rules_engine/engine_support.hpp"

using namespace engine_test;

namespace {

const std::string ca_id = "7ad8d0bd7ad2f46e7fa5aa8e2e6b6e3d0a1d8e1e4c2b1b0a9f8e7d6c5b4a3f2e";
const std::string function_arn = "arn:aws:lambda:us-east-1:123456789012:function:jitr";

// The JITR registration event as the broker publishes it (docs/aws/iot-core.md §3.5,
// broker/events.cpp).
iotemu::bus::Message registration_event(const std::string& status = "PENDING_ACTIVATION") {
    const json payload{{"certificateId", std::string(64, 'b')},
                       {"caCertificateId", ca_id},
                       {"timestamp", 1623724243659},
                       {"certificateStatus", status},
                       {"awsAccountId", "123456789012"},
                       {"certificateRegistrationTimestamp", "1623723165331"}};
    auto m = message("$aws/events/certificates/registered/" + ca_id, payload.dump(), std::nullopt);
    m.principal.reset();
    m.qos = iotemu::mqtt::QoS::at_least_once;
    return m;
}

}  // namespace

TEST_CASE("every seed's rule hands its Lambda exactly the registration event") {
    // The blog rules (`SELECT *` on the CA's topic, 2016-03-23 or as the console's old
    // 2016-03-23-beta became `beta`) and the workshop rule (no version: 2015-10-08).
    const auto seeds = rows<std::string, std::string>({
        {"SELECT * FROM '$aws/events/certificates/registered/" + ca_id + "'", "2016-03-23"},
        {"SELECT * FROM '$aws/events/certificates/registered/" + ca_id + "' ", "beta"},
        {R"(SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION")",
         "2015-10-08"},
    });
    for (const auto& [sql, version] : seeds) {
        INFO(sql << " / " << version);
        Rig rig;
        rig.store.create_topic_rule(
            "JITRRule", rule_payload(sql, json::array({lambda_action(function_arn)}), version));
        const auto event = registration_event();
        rig.bus.publish(event);
        const auto calls = rig.lambda->wait_for_calls(1);
        REQUIRE(calls.size() == 1);
        CHECK(calls[0].function_arn == function_arn);
        CHECK(calls[0].event == json::parse(event.payload));
    }
}

TEST_CASE("a WHERE that is not true runs nothing") {
    Rig rig;
    rig.store.create_topic_rule(
        "JITRRule",
        rule_payload(
            R"(SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION")",
            json::array({lambda_action(function_arn)}), "2015-10-08"));
    rig.bus.publish(registration_event("ACTIVE"));
    rig.idle();
    CHECK(rig.lambda->calls().empty());
}

TEST_CASE("disabled and deleted rules stop firing and enabled ones start again") {
    Rig rig;
    rig.store.create_topic_rule(
        "r", rule_payload("SELECT * FROM 'a/+'", json::array({lambda_action(function_arn)})));
    rig.store.disable_topic_rule("r");
    rig.bus.publish(message("a/1", "{}"));
    rig.idle();
    CHECK(rig.lambda->calls().empty());
    rig.store.enable_topic_rule("r");
    rig.bus.publish(message("a/2", "{}"));
    CHECK(rig.lambda->wait_for_calls(1).size() == 1);
    rig.store.delete_topic_rule("r");
    rig.bus.publish(message("a/3", "{}"));
    rig.idle();
    CHECK(rig.lambda->calls().size() == 1);
}

TEST_CASE("republish reaches a bus subscriber with a substituted topic and the SELECT output") {
    Rig rig;
    const auto watcher = rig.subscribe("out/#");
    rig.store.create_topic_rule(
        "r", rule_payload("SELECT temp, clientid() AS who FROM 'sensors/+/temp'",
                          json::array({republish_action("out/${topic(2)}/${device}", 1)})));
    rig.bus.publish(message("sensors/dev-7/temp", R"({"temp":21,"device":"d1","other":1})"));
    const auto got = watcher->wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == "out/dev-7/d1");
    CHECK(json::parse(got[0].payload) == json{{"temp", 21}, {"who", "device-1"}});
    CHECK_FALSE(got[0].client_id);
    CHECK(got[0].qos == iotemu::mqtt::QoS::at_least_once);
}

TEST_CASE("republish with $$ reaches a reserved topic") {
    Rig rig;
    const auto watcher = rig.subscribe("$aws/things/t1/shadow/update");
    rig.store.create_topic_rule(
        "r", rule_payload("SELECT * FROM 'in'",
                          json::array({republish_action("$$aws/things/t1/shadow/update")})));
    rig.bus.publish(message("in", R"({"state":{}})"));
    const auto got = watcher->wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == "$aws/things/t1/shadow/update");
}

TEST_CASE("an action failure triggers errorAction with AWS's error payload") {
    Rig rig;
    const auto errors = rig.subscribe("errors/#");
    json payload = rule_payload(
        "SELECT * FROM 'sensors/+/+'",
        json::array({lambda_action("arn:aws:lambda:us-east-1:123456789012:function:fail_me"),
                     lambda_action(function_arn), json{{"s3", {{"bucketName", "b"}}}}}));
    payload["errorAction"] = republish_action("errors/${topic(2)}", 1);
    rig.store.create_topic_rule("rule_thrower", payload);
    rig.bus.publish(message("sensors/thrower/1", R"({"device":"d1"})"));

    const auto got = errors->wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].topic == "errors/thrower");
    const auto error = json::parse(got[0].payload);
    CHECK(error["ruleName"] == "rule_thrower");
    CHECK(error["topic"] == "sensors/thrower/1");
    CHECK(error["clientId"] == "device-1");
    CHECK(error["cloudwatchTraceId"].get<std::string>().size() == 36);
    CHECK(error["base64OriginalPayload"] == iotemu::base64_encode(R"({"device":"d1"})"));
    REQUIRE(error["failures"].size() == 2);  // one message for both failures
    std::set<std::string> failed;
    for (const auto& failure : error["failures"]) failed.insert(failure["failedAction"]);
    CHECK(failed == std::set<std::string>{"LambdaAction", "S3Action"});
    for (const auto& failure : error["failures"]) {
        if (failure["failedAction"] != "LambdaAction") continue;
        CHECK(failure["failedResource"] ==
              "arn:aws:lambda:us-east-1:123456789012:function:fail_me");
        CHECK_THAT(failure["errorMessage"].get<std::string>(), Catch::Contains("refusing"));
    }
    CHECK(rig.lambda->wait_for_calls(2).size() == 2);  // the good action still ran
}

TEST_CASE("a slow action does not block publish()") {
    iotemu::rules::EngineOptions options;
    options.worker_threads = 1;
    Rig rig(options);
    const auto watcher = rig.subscribe("traffic/#");
    rig.store.create_topic_rule(
        "slow",
        rule_payload("SELECT * FROM 'traffic/#'",
                     json::array({lambda_action("arn:aws:lambda:us-east-1:1:function:slow")})));
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) rig.bus.publish(message("traffic/" + std::to_string(i), "{}"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < 1s);
    CHECK(watcher->wait_for(50).size() == 50);  // subscribers got everything meanwhile
    rig.lambda->release();
    CHECK(rig.lambda->wait_for_calls(50).size() == 50);
}

TEST_CASE("a full queue drops messages instead of blocking the publisher") {
    iotemu::rules::EngineOptions options;
    options.worker_threads = 1;
    options.queue_capacity = 2;
    Rig rig(options);
    rig.store.create_topic_rule(
        "slow",
        rule_payload("SELECT * FROM 't'",
                     json::array({lambda_action("arn:aws:lambda:us-east-1:1:function:slow")})));
    for (int i = 0; i < 10; ++i) rig.bus.publish(message("t", "{}"));
    CHECK(rig.engine.dropped() >= 7);
    rig.lambda->release();
}

TEST_CASE("Basic Ingest reaches only the named rule, and topic() drops the prefix") {
    Rig rig;
    const auto watcher = rig.subscribe("seen/#");
    for (const auto* name : {"BuildingManager", "Other"})
        rig.store.create_topic_rule(
            name, rule_payload("SELECT topic() AS t FROM 'Buildings/#'",
                               json::array({republish_action(std::string("seen/") + name)})));
    rig.bus.publish(message("$aws/rules/BuildingManager/Buildings/Building5/Lights", "{}"));
    const auto got = watcher->wait_for(1);
    rig.idle();
    REQUIRE(watcher->wait_for(1, 0ms).size() == 1);
    CHECK(got[0].topic == "seen/BuildingManager");
    CHECK(json::parse(got[0].payload) == json{{"t", "Buildings/Building5/Lights"}});
}

TEST_CASE("a rule republishing into its own FROM stops after a bounded number of hops") {
    iotemu::rules::EngineOptions options;
    options.max_republish_hops = 3;
    Rig rig(options);
    rig.store.create_topic_rule(
        "loop",
        rule_payload("SELECT * FROM 'loop/#'", json::array({republish_action("loop/again")})));
    rig.bus.publish(message("loop/start", "{}"));
    rig.idle();
    CHECK(rig.engine.dropped() == 1);
}

TEST_CASE("a non-JSON payload fails the lambda action but republishes as bytes") {
    Rig rig;
    const auto watcher = rig.subscribe("raw/out");
    json payload =
        rule_payload("SELECT * FROM 'raw/in'",
                     json::array({lambda_action(function_arn), republish_action("raw/out")}));
    rig.store.create_topic_rule("raw", payload);
    rig.bus.publish(message("raw/in", std::string("\x01\x02\xff", 3)));
    const auto got = watcher->wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload == std::string("\x01\x02\xff", 3));
    rig.idle();
    CHECK(rig.lambda->calls().empty());
}
