// Engine: the rules engine at run time. Subscribes to the bus with every enabled rule's FROM
// filter (kept in sync with the TopicRuleStore), queues each delivered message, and on its own
// worker threads evaluates the rules' SQL and runs their actions, then the errorAction of a rule
// whose actions failed. deliver() runs on the publisher's thread (the broker's I/O thread) and
// only enqueues: a slow or failing action never stalls MQTT. std threads; no Asio in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "bus/bus.hpp"
#include "rules/engine/action.hpp"
#include "rules/engine/lambda_invoker.hpp"
#include "rules/engine/topic_rules.hpp"

namespace iotemu::rules {

struct EngineOptions {
    std::size_t worker_threads = 2;
    std::size_t queue_capacity = 10000;  // messages waiting; beyond it they are dropped (warned)
    HttpOptions http;
    // A republish that leads back into rules counts one hop; past this the message is dropped
    // (warned), so a rule republishing into its own FROM cannot loop forever [inf].
    int max_republish_hops = 8;
    // Where firings and action failures are recorded for the harness (docs/harness.md); must
    // outlive the engine.
    journal::Recorder* journal = &journal::discard();
};

class Engine {
public:
    // `lambda` may be null (lambda actions then fail). `rules` and `bus` must outlive the engine.
    Engine(TopicRuleStore& rules, bus::Bus& bus, std::shared_ptr<LambdaInvoker> lambda,
           EngineOptions options = {});
    // Detaches from the bus, lets each worker finish the message at hand, drops the rest and
    // ends the http POSTs still waiting for an answer.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Waits until no message is queued or being processed (asynchronous Lambda invocations may
    // still be running). For tests and orderly shutdown; false on timeout.
    bool wait_idle(std::chrono::milliseconds timeout) const;
    std::size_t dropped() const;  // messages dropped because the queue was full or looping

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace iotemu::rules
