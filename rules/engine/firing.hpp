// One rule over one message: evaluate its SQL, run its actions, and when any fails hand the
// errorAction its input — AWS's error payload, one per rule and message [DG
// rule-error-handling]. Internal to rules/engine; runs on an engine worker thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bus/bus.hpp"
#include "rules/engine/action.hpp"
#include "rules/engine/topic_rules.hpp"

namespace iotemu::rules::detail {

// Receives the errorAction's firing once a rule's actions have all ended and some failed (on
// whichever thread ended last); the engine queues it rather than running it there.
using ErrorSink = std::function<void(std::shared_ptr<const TopicRule>, Firing)>;

// `topic` is what topic() sees: the message's topic, without a Basic Ingest prefix.
void run_rule(const std::shared_ptr<const TopicRule>& rule, const bus::Message& message,
              std::string topic, const std::string& account_id, const ActionEnv& env,
              const ErrorSink& on_failures);

void run_error_action(const TopicRule& rule, const Firing& firing, const ActionEnv& env);

// AWS's error-action message: ruleName, topic, cloudwatchTraceId, clientId,
// base64OriginalPayload, failures[{failedAction, failedResource, errorMessage}].
struct ActionFailure {
    std::string failed_action;
    std::string failed_resource;
    std::string error_message;
};
std::string error_payload(const Firing& firing, const std::vector<ActionFailure>& failures);

}  // namespace iotemu::rules::detail
