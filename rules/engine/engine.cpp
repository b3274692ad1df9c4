// Engine (engine.hpp): the bus subscription kept in step with the store, the hand-off queue, the
// workers, Basic Ingest and the republish hop count. Evaluating a rule is firing.cpp's business.
#include "rules/engine/engine.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "common/log.hpp"
#include "mqtt/topic.hpp"
#include "rules/engine/firing.hpp"
#include "rules/engine/work_queue.hpp"

namespace iotemu::rules {
namespace {

// Every rule the engine runs hears Basic Ingest: `$aws/rules/<rule>/<topic>` reaches only the
// named rule, whose topic() is <topic> [DG iot-basic-ingest] (docs/aws/iot-core.md §7).
constexpr std::string_view basic_ingest_filter = "$aws/rules/#";

struct MessageJob {
    bus::Message message;
    int hops = 0;
};
struct ErrorJob {
    std::shared_ptr<const TopicRule> rule;
    Firing firing;
    int hops = 0;
};
using Job = std::variant<MessageJob, ErrorJob>;
using Queue = detail::WorkQueue<Job>;

// Republish hops of the job this worker is running; a message a worker publishes reaches
// deliver() on the same thread, synchronously, and inherits it plus one.
thread_local int current_hops = 0;

struct Counters {
    std::atomic<std::size_t> dropped{0};
};

// What the bus holds (weakly): deliver() only enqueues, on the publisher's thread.
class Inbox final : public bus::Subscriber {
public:
    Inbox(std::shared_ptr<Queue> queue, std::shared_ptr<Counters> counters)
        : queue_(std::move(queue)), counters_(std::move(counters)) {}

    void deliver(const bus::Message& message, mqtt::QoS, bool) override {
        if (queue_->push(MessageJob{message, current_hops})) return;
        ++counters_->dropped;
        log::warn("rules", "rules engine queue full: message on '", message.topic, "' dropped");
    }

private:
    std::shared_ptr<Queue> queue_;
    std::shared_ptr<Counters> counters_;
};

}  // namespace

struct Engine::Impl : std::enable_shared_from_this<Engine::Impl> {
    TopicRuleStore& rules;
    bus::Bus& bus;
    EngineOptions options;
    std::shared_ptr<Queue> queue;
    std::shared_ptr<Counters> counters = std::make_shared<Counters>();
    std::shared_ptr<Inbox> inbox;
    bus::SubscriberId bus_id = 0;
    ActionEnv env;
    std::mutex sync_mutex;
    std::set<std::string, std::less<>> subscribed;  // filters held on the bus
    std::vector<std::thread> workers;

    Impl(TopicRuleStore& store, bus::Bus& bus_, std::shared_ptr<LambdaInvoker> lambda,
         EngineOptions opts)
        : rules(store),
          bus(bus_),
          options(opts),
          queue(std::make_shared<Queue>(opts.queue_capacity)) {
        env.publish = [this](bus::Message message) { bus.publish(message); };
        env.lambda = std::move(lambda);
        env.http = options.http;
        env.journal = options.journal;
        env.http_poster = std::make_shared<detail::HttpPoster>(options.http.max_in_flight);
        inbox = std::make_shared<Inbox>(queue, counters);
        bus_id = bus.attach(inbox);
    }

    // The bus subscriptions the enabled rules need, added and removed to match.
    void sync() {
        const std::lock_guard lock(sync_mutex);
        std::set<std::string, std::less<>> wanted;
        const auto current = rules.snapshot();  // kept alive while a change replaces it
        for (const auto& rule : *current)
            if (!rule->rule_disabled) wanted.insert(rule->statement.topic_filter());
        if (!wanted.empty()) wanted.insert(std::string(basic_ingest_filter));
        for (const auto& filter : subscribed)
            if (!wanted.contains(filter)) bus.unsubscribe(bus_id, filter);
        for (const auto& filter : wanted) {
            if (subscribed.contains(filter)) continue;
            try {
                (void)bus.subscribe(bus_id, filter, mqtt::QoS::at_least_once);
            } catch (const std::invalid_argument& e) {
                log::warn("rules", "cannot subscribe the rules engine to '", filter,
                          "': ", e.what());
            }
        }
        subscribed = std::move(wanted);
    }

    detail::ErrorSink error_sink(int hops) {
        return [weak = std::weak_ptr<Queue>(queue), counters = counters, hops](
                   std::shared_ptr<const TopicRule> rule, Firing firing) {
            const auto queue = weak.lock();
            if (!queue) return;  // the engine is gone
            const std::string name = rule->rule_name;
            if (!queue->push(ErrorJob{std::move(rule), std::move(firing), hops})) {
                ++counters->dropped;
                log::warn("rules", "rules engine queue full: errorAction of rule '", name,
                          "' dropped");
            }
        };
    }

    void run(const MessageJob& job) {
        const auto& message = job.message;
        if (job.hops > options.max_republish_hops) {
            ++counters->dropped;
            log::warn("rules", "message on '", message.topic, "' dropped: republished ", job.hops,
                      " times in a row by rules (a rule republishing into its own FROM?)");
            return;
        }
        std::string_view topic = message.topic;
        std::string_view ingest_rule;
        if (topic.starts_with(mqtt::basic_ingest_prefix)) {
            const auto rest = topic.substr(mqtt::basic_ingest_prefix.size());
            const auto slash = rest.find('/');
            if (slash == std::string_view::npos || slash == 0) return;
            ingest_rule = rest.substr(0, slash);
            topic = rest.substr(slash + 1);
        }
        const auto sink = error_sink(job.hops);
        const auto current = rules.snapshot();  // kept alive while a change replaces it
        for (const auto& rule : *current) {
            if (rule->rule_disabled) continue;
            if (!ingest_rule.empty() && rule->rule_name != ingest_rule) continue;
            if (!mqtt::topic_matches(rule->statement.topic_filter(), topic)) continue;
            detail::run_rule(rule, message, std::string(topic), rules.account().account_id, env,
                             sink);
        }
    }

    void run(const ErrorJob& job) { detail::run_error_action(*job.rule, job.firing, env); }

    void work() {
        while (auto job = queue->pop()) {
            current_hops = std::visit([](const auto& j) { return j.hops; }, *job) + 1;
            try {
                std::visit([this](const auto& j) { run(j); }, *job);
            } catch (const std::exception& e) {
                log::error("rules", "rules engine: a message ended with an error: ", e.what());
            }
            current_hops = 0;
            queue->finished();
        }
    }
};

Engine::Engine(TopicRuleStore& rules, bus::Bus& bus, std::shared_ptr<LambdaInvoker> lambda,
               EngineOptions options)
    : impl_(std::make_shared<Impl>(rules, bus, std::move(lambda), options)) {
    rules.on_change([weak = std::weak_ptr<Impl>(impl_)] {
        if (const auto impl = weak.lock()) impl->sync();
    });
    impl_->sync();
    const auto threads = std::max<std::size_t>(1, options.worker_threads);
    for (std::size_t i = 0; i < threads; ++i)
        impl_->workers.emplace_back([impl = impl_.get()] { impl->work(); });
}

Engine::~Engine() {
    impl_->bus.detach(impl_->bus_id);
    impl_->queue->stop();
    for (auto& worker : impl_->workers) worker.join();
    impl_->env.http_poster.reset();  // ends the POSTs still waiting for an answer
}

bool Engine::wait_idle(std::chrono::milliseconds timeout) const {
    return impl_->queue->wait_idle(timeout);
}

std::size_t Engine::dropped() const { return impl_->counters->dropped; }

}  // namespace iotemu::rules
