// Action: one kind of rule action (lambda, republish, http, …) [DG iot-rule-actions]. A kind is
// one .cpp file: it parses its JSON configuration once, when the rule is created (invalid →
// AwsError InvalidRequestException), and runs it per message on an engine worker thread. The
// kinds are listed once in action_kinds.cpp. Actions never see sockets of the broker, never block
// the publisher's thread and never throw from run().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "bus/bus.hpp"
#include "journal/journal.hpp"
#include "rules/engine/http_post.hpp"
#include "rules/engine/lambda_invoker.hpp"
#include "rules/sql/sql.hpp"

namespace iotemu::rules {

// One message a rule selected, as its actions see it.
struct Firing {
    std::string rule_name;
    sql::Context context;        // topic (Basic Ingest prefix removed), client id, principal, …
    std::string payload;         // the message as published: substitution templates read this
    std::string output;          // what the actions send: the SELECT output (or the error payload)
    bool output_is_json = true;  // false: the bytes of a non-JSON payload (`SELECT *`)
};

// How one action ended, for the errorAction's `failures` [DG rule-error-handling].
struct ActionResult {
    bool ok = true;
    std::string resource;  // what it acted on: the function ARN, the topic, the URL
    std::string error;     // why it failed
};

struct HttpOptions {
    bool allow_any_host = false;  // else only localhost, 127.0.0.1 and ::1
    std::chrono::milliseconds timeout{5000};
    std::size_t max_in_flight = 256;  // POSTs waiting for an answer at once; more fail at once
};

// What actions may use. Republish goes through `publish` (the engine guards against loops).
struct ActionEnv {
    std::function<void(bus::Message)> publish;
    std::shared_ptr<LambdaInvoker> lambda;  // null: no Lambda service wired in
    HttpOptions http;
    std::shared_ptr<detail::HttpPoster> http_poster;   // null: http actions fail
    journal::Recorder* journal = &journal::discard();  // rule.fired, rule.action_failed
};

class Action {
public:
    virtual ~Action() = default;
    // The Action member that configured it ("lambda") and the name AWS reports in an error
    // payload's failedAction ("LambdaAction").
    virtual std::string_view kind() const = 0;
    virtual std::string_view failed_action_name() const = 0;
    // Runs for one firing. `done` is called exactly once, on this thread or any other.
    virtual void run(const Firing& firing, const ActionEnv& env,
                     std::function<void(ActionResult)> done) const = 0;
};

// Parses one element of `actions` (or the `errorAction`): an object with exactly one member
// naming a kind the model knows. `where` names it in messages ("actions[1]"). Kinds the model
// knows but the emulator cannot run (s3, dynamoDB, …) are accepted and fail at run time, so a
// rule written for AWS still loads and its errorAction still fires. Throws AwsError
// InvalidRequestException.
std::shared_ptr<const Action> parse_action(const nlohmann::json& action, std::string_view where,
                                           sql::SqlVersion version);

}  // namespace iotemu::rules
