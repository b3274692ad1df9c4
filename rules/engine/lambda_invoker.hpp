// LambdaInvoker: how the rules engine's lambda action reaches a Lambda implementation without
// depending on it. The app adapts the real Lambda service (rules/lambda) to this interface; tests
// use a fake. Owns no state; std only.
#pragma once

#include <functional>
#include <string>

namespace iotemu::rules {

struct InvocationOutcome {
    bool ok = true;
    std::string error;  // why it failed (handler error, timeout, unknown function)
};

class LambdaInvoker {
public:
    virtual ~LambdaInvoker() = default;
    // Asynchronous ("Event") invocation (docs/aws/iot-core.md §7); `done` is called exactly once,
    // on any thread.
    virtual void invoke_event(std::string function_arn, std::string event_json,
                              std::function<void(InvocationOutcome)> done) = 0;
};

}  // namespace iotemu::rules
