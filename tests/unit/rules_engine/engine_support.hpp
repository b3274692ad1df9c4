// Helpers for the rules engine tests: a fake LambdaInvoker that records its events, a bus
// subscriber that records deliveries, and rule payloads. Test-only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bus/bus.hpp"
#include "rules/engine/engine.hpp"
#include "rules/engine/lambda_invoker.hpp"
#include "rules/engine/topic_rules.hpp"

namespace engine_test {

using namespace std::chrono_literals;
using nlohmann::json;

// A table of cases to loop over (Catch's table<> is a GENERATE source, one test run per row).
template <class... Columns>
std::vector<std::tuple<Columns...>> rows(std::initializer_list<std::tuple<Columns...>> list) {
    return list;
}

// Records every invocation; fails the ones whose ARN contains "fail"; sleeps in the ones whose
// ARN contains "slow" (synchronously, as a badly behaved invoker would) until released.
class FakeLambda final : public iotemu::rules::LambdaInvoker {
public:
    struct Call {
        std::string function_arn;
        json event;
    };

    void invoke_event(std::string function_arn, std::string event_json,
                      std::function<void(iotemu::rules::InvocationOutcome)> done) override {
        if (function_arn.find("slow") != std::string::npos) {
            std::unique_lock lock(mutex_);
            released_.wait_for(lock, 10s, [this] { return release_; });
        }
        {
            const std::lock_guard lock(mutex_);
            calls_.push_back({function_arn, json::parse(event_json)});
        }
        changed_.notify_all();
        if (function_arn.find("fail") != std::string::npos)
            done({false, "Unhandled: refusing " + function_arn});
        else
            done({true, {}});
    }

    void release() {
        {
            const std::lock_guard lock(mutex_);
            release_ = true;
        }
        released_.notify_all();
    }

    std::vector<Call> wait_for_calls(std::size_t count, std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return calls_.size() >= count; });
        return calls_;
    }

    std::vector<Call> calls() {
        const std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::condition_variable released_;
    std::vector<Call> calls_;
    bool release_ = false;
};

// A bus subscriber that keeps what it receives.
class Recorder final : public iotemu::bus::Subscriber {
public:
    void deliver(const iotemu::bus::Message& message, iotemu::mqtt::QoS qos, bool) override {
        {
            const std::lock_guard lock(mutex_);
            messages_.push_back(message);
            qos_.push_back(qos);
        }
        changed_.notify_all();
    }

    std::vector<iotemu::bus::Message> wait_for(std::size_t count,
                                               std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
        return messages_;
    }

    std::vector<iotemu::mqtt::QoS> qos() {
        const std::lock_guard lock(mutex_);
        return qos_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<iotemu::bus::Message> messages_;
    std::vector<iotemu::mqtt::QoS> qos_;
};

inline json lambda_action(const std::string& arn) { return {{"lambda", {{"functionArn", arn}}}}; }

inline json republish_action(const std::string& topic, int qos = 0) {
    return {{"republish",
             {{"topic", topic}, {"qos", qos}, {"roleArn", "arn:aws:iam::123456789012:role/r"}}}};
}

inline json rule_payload(const std::string& sql, json actions,
                         const std::string& version = "2016-03-23") {
    return {{"sql", sql}, {"awsIotSqlVersion", version}, {"actions", std::move(actions)}};
}

inline iotemu::bus::Message message(std::string topic, std::string payload,
                                    std::optional<std::string> client_id = "device-1") {
    iotemu::bus::Message m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.client_id = std::move(client_id);
    m.principal = "cert-1";
    m.timestamp_ms = 1700000000000;
    return m;
}

// Everything a test needs: a store, a real bus, a fake Lambda and the engine over them.
struct Rig {
    iotemu::rules::TopicRuleStore store{iotemu::model::Account{}};
    iotemu::bus::Bus bus;
    std::shared_ptr<FakeLambda> lambda = std::make_shared<FakeLambda>();
    iotemu::rules::Engine engine;

    explicit Rig(iotemu::rules::EngineOptions options = {}) : engine(store, bus, lambda, options) {}

    void idle() { REQUIRE(engine.wait_idle(5s)); }

    // A subscriber attached to the bus with `filter`; keep the returned pointer alive.
    std::shared_ptr<Recorder> subscribe(const std::string& filter) {
        auto recorder = std::make_shared<Recorder>();
        const auto id = bus.attach(recorder);
        (void)bus.subscribe(id, filter, iotemu::mqtt::QoS::at_least_once);
        return recorder;
    }
};

}  // namespace engine_test
