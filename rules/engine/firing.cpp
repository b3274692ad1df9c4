// run_rule and the error payload (firing.hpp). Actions end asynchronously (Lambda answers on its
// own threads), so a small shared tracker counts them down and collects their failures.
#include "rules/engine/firing.hpp"

#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/time.hpp"

namespace iotemu::rules::detail {
namespace {

class Tracker {
public:
    Tracker(std::shared_ptr<const TopicRule> rule, Firing firing, std::size_t actions,
            ErrorSink on_failures, journal::Recorder& journal)
        : rule_(std::move(rule)),
          firing_(std::move(firing)),
          remaining_(actions),
          on_failures_(std::move(on_failures)),
          journal_(journal) {}

    void finish(const Action& action, ActionResult result) {
        std::unique_lock lock(mutex_);
        if (!result.ok) {
            log::warn("rules", "rule '", rule_->rule_name, "': ", action.kind(), " action on '",
                      result.resource, "' failed: ", result.error);
            journal_.record("rule.action_failed", {{"ruleName", rule_->rule_name},
                                                   {"topic", firing_.context.topic},
                                                   {"action", std::string(action.kind())},
                                                   {"resource", result.resource},
                                                   {"error", result.error}});
            failures_.push_back(ActionFailure{std::string(action.failed_action_name()),
                                              std::move(result.resource), std::move(result.error)});
        }
        if (remaining_ == 0 || --remaining_ > 0) return;
        if (failures_.empty() || !rule_->error_action) return;
        Firing error = firing_;
        error.output = error_payload(firing_, failures_);
        error.output_is_json = true;
        lock.unlock();
        on_failures_(rule_, std::move(error));
    }

private:
    std::mutex mutex_;
    std::shared_ptr<const TopicRule> rule_;
    Firing firing_;
    std::size_t remaining_;
    std::vector<ActionFailure> failures_;
    ErrorSink on_failures_;
    journal::Recorder& journal_;
};

std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string error_payload(const Firing& firing, const std::vector<ActionFailure>& failures) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& failure : failures)
        list.push_back({{"failedAction", failure.failed_action},
                        {"failedResource", failure.failed_resource},
                        {"errorMessage", failure.error_message}});
    return dump({{"ruleName", firing.rule_name},
                 {"topic", firing.context.topic},
                 {"cloudwatchTraceId", firing.context.trace_id.value_or("")},
                 {"clientId", firing.context.client_id.value_or("n/a")},
                 {"base64OriginalPayload", base64_encode(firing.payload)},
                 {"failures", std::move(list)}});
}

void run_rule(const std::shared_ptr<const TopicRule>& rule, const bus::Message& message,
              std::string topic, const std::string& account_id, const ActionEnv& env,
              const ErrorSink& on_failures) {
    sql::Context context;
    context.topic = std::move(topic);
    context.client_id = message.client_id;
    context.principal = message.principal;
    context.timestamp_ms = message.timestamp_ms != 0 ? message.timestamp_ms : epoch_millis(now());
    context.account_id = account_id;
    context.trace_id = random_uuid();
    context.properties = message.properties;
    const auto output = sql::evaluate(rule->statement, std::string_view(message.payload), context);
    if (!output) {
        log::debug("rules", "rule '", rule->rule_name, "' not fired by '", context.topic,
                   "': WHERE is not true");
        return;
    }
    Firing firing{rule->rule_name, std::move(context), message.payload, {}, true};
    if (output->is_binary()) {
        const auto& bytes = output->get_binary();
        firing.output.assign(bytes.begin(), bytes.end());
        firing.output_is_json = false;
    } else {
        firing.output = dump(*output);
    }
    log::debug("rules", "rule '", rule->rule_name, "' fired by '", firing.context.topic,
               "': ", rule->actions.size(), " action(s)");
    env.journal->record("rule.fired",
                        {{"ruleName", rule->rule_name},
                         {"topic", firing.context.topic},
                         {"clientId", firing.context.client_id.value_or("")},
                         {"actions", static_cast<std::int64_t>(rule->actions.size())}});
    if (rule->actions.empty()) return;
    auto tracker =
        std::make_shared<Tracker>(rule, firing, rule->actions.size(), on_failures, *env.journal);
    for (const auto& action : rule->actions) {
        try {
            action->run(firing, env, [tracker, action](ActionResult result) {
                tracker->finish(*action, std::move(result));
            });
        } catch (const std::exception& e) {  // a bug in an action must not end the worker
            tracker->finish(*action, ActionResult{false, {}, e.what()});
        }
    }
}

void run_error_action(const TopicRule& rule, const Firing& firing, const ActionEnv& env) {
    log::debug("rules", "rule '", rule.rule_name, "': running its errorAction (",
               rule.error_action->kind(), ")");
    rule.error_action->run(firing, env,
                           [name = rule.rule_name,
                            kind = std::string(rule.error_action->kind())](ActionResult result) {
                               if (!result.ok)
                                   log::warn("rules", "rule '", name, "': errorAction ", kind,
                                             " on '", result.resource,
                                             "' failed too: ", result.error);
                           });
}

}  // namespace iotemu::rules::detail
