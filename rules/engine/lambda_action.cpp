// The lambda action {"functionArn": "…"} [DG lambda-rule-action]: an asynchronous ("Event")
// invocation whose event is the SELECT output (docs/aws/iot-core.md §7). The ARN may hold
// substitution templates. Knows Lambda only through LambdaInvoker.
#include <nlohmann/json.hpp>

#include "rules/engine/action_config.hpp"

namespace iotemu::rules::detail {
namespace {

class LambdaAction final : public Action {
public:
    explicit LambdaAction(sql::Template function_arn) : function_arn_(std::move(function_arn)) {}

    std::string_view kind() const override { return "lambda"; }
    std::string_view failed_action_name() const override { return "LambdaAction"; }

    void run(const Firing& firing, const ActionEnv& env,
             std::function<void(ActionResult)> done) const override {
        std::string arn = sql::render(function_arn_, firing.payload, firing.context);
        if (!env.lambda)
            return done({false, arn, "no Lambda service is available to invoke " + arn});
        // Lambda takes JSON only; binary payloads need encode(*, 'base64') [DG binary-payloads].
        if (!firing.output_is_json)
            return done({false, arn,
                         "the message is not JSON; Lambda needs a JSON event "
                         "(SELECT encode(*, 'base64') AS data …)"});
        env.lambda->invoke_event(arn, firing.output,
                                 [done = std::move(done), arn](InvocationOutcome outcome) {
                                     done({outcome.ok, arn, std::move(outcome.error)});
                                 });
    }

private:
    sql::Template function_arn_;
};

}  // namespace

std::shared_ptr<const Action> parse_lambda_action(const nlohmann::json& config,
                                                  std::string_view where, sql::SqlVersion version) {
    const auto arn = required_string(config, "functionArn", where);
    return std::make_shared<LambdaAction>(template_of(arn, "functionArn", where, version));
}

}  // namespace iotemu::rules::detail
