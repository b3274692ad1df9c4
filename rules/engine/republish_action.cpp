// The republish action {"topic": "…", "qos": 0|1, "roleArn": "…"} [DG republish-rule-action]:
// the SELECT output published on the bus under a topic that may hold substitution templates, as
// no client (clientid() of the republished message is "n/a"). `$$` at the start of the topic
// spells a reserved `$` topic. roleArn is not checked: the emulator has no IAM.
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "mqtt/topic.hpp"
#include "rules/engine/action_config.hpp"

namespace iotemu::rules::detail {
namespace {

class RepublishAction final : public Action {
public:
    RepublishAction(sql::Template topic, mqtt::QoS qos) : topic_(std::move(topic)), qos_(qos) {}

    std::string_view kind() const override { return "republish"; }
    std::string_view failed_action_name() const override { return "RepublishAction"; }

    void run(const Firing& firing, const ActionEnv& env,
             std::function<void(ActionResult)> done) const override {
        std::string topic = sql::render(topic_, firing.payload, firing.context);
        if (topic.starts_with("$$")) topic.erase(0, 1);
        if (!mqtt::is_valid_topic_name(topic) || !mqtt::within_aws_topic_limits(topic))
            return done({false, topic, "'" + topic + "' is not a valid topic to republish to"});
        bus::Message message;
        message.topic = topic;
        message.payload = firing.output;
        message.qos = qos_;
        message.timestamp_ms = epoch_millis(now());
        env.publish(std::move(message));
        done({true, std::move(topic), {}});
    }

private:
    sql::Template topic_;
    mqtt::QoS qos_;
};

}  // namespace

std::shared_ptr<const Action> parse_republish_action(const nlohmann::json& config,
                                                     std::string_view where,
                                                     sql::SqlVersion version) {
    const auto topic = required_string(config, "topic", where);
    optional_string(config, "roleArn", where);  // type-checked only
    const auto qos = optional_int(config, "qos", where).value_or(0);
    if (qos < 0 || qos > 1)
        invalid_action("1 validation error detected: Value '" + std::to_string(qos) + "' at '" +
                       std::string(where) +
                       ".qos' failed to satisfy constraint: Member must have value less than or "
                       "equal to 1");
    return std::make_shared<RepublishAction>(
        template_of(topic, "topic", where, version),
        qos == 1 ? mqtt::QoS::at_least_once : mqtt::QoS::at_most_once);
}

}  // namespace iotemu::rules::detail
