// The table of action kinds: the model's Action members [M Action], the ones the emulator runs
// (one file each) and parse_action. Adding a kind is one file plus one line in `runnable`.
// Kinds the emulator does not run load fine and fail when they fire (see action.hpp).
#include <array>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "rules/engine/action_config.hpp"

namespace iotemu::rules {
namespace detail {

void invalid_action(std::string message) {
    throw AwsError(aws_errors::invalid_request, std::move(message));
}

namespace {

const nlohmann::json* member(const nlohmann::json& config, std::string_view name) {
    const auto it = config.find(name);
    return it == config.end() || it->is_null() ? nullptr : &*it;
}

[[noreturn]] void wrong_type(std::string_view where, std::string_view name,
                             std::string_view expected) {
    invalid_action("Invalid type for member '" + std::string(where) + "." + std::string(name) +
                   "': expected " + std::string(expected));
}

}  // namespace

std::optional<std::string> optional_string(const nlohmann::json& config, std::string_view name,
                                           std::string_view where) {
    const auto* value = member(config, name);
    if (!value) return std::nullopt;
    if (!value->is_string()) wrong_type(where, name, "a string");
    return value->get<std::string>();
}

std::string required_string(const nlohmann::json& config, std::string_view name,
                            std::string_view where) {
    auto value = optional_string(config, name, where);
    if (!value)
        invalid_action("1 validation error detected: Value null at '" + std::string(where) + "." +
                       std::string(name) +
                       "' failed to satisfy constraint: Member must not be null");
    return std::move(*value);
}

std::optional<std::int64_t> optional_int(const nlohmann::json& config, std::string_view name,
                                         std::string_view where) {
    const auto* value = member(config, name);
    if (!value) return std::nullopt;
    if (!value->is_number_integer()) wrong_type(where, name, "an integer");
    return value->get<std::int64_t>();
}

sql::Template template_of(const std::string& text, std::string_view name, std::string_view where,
                          sql::SqlVersion version) {
    auto parsed = sql::parse_template(text, version);
    if (!parsed)
        invalid_action("Invalid " + std::string(where) + "." + std::string(name) + " '" + text +
                       "': " + parsed.error().message);
    return std::move(*parsed);
}

}  // namespace detail

namespace {

// A kind of the model the emulator does not run: it loads, and fails each time it fires.
class UnsupportedAction final : public Action {
public:
    UnsupportedAction(std::string kind, std::string failed_name)
        : kind_(std::move(kind)), failed_name_(std::move(failed_name)) {}
    std::string_view kind() const override { return kind_; }
    std::string_view failed_action_name() const override { return failed_name_; }
    void run(const Firing&, const ActionEnv&,
             std::function<void(ActionResult)> done) const override {
        done(ActionResult{false, kind_, "the emulator does not run " + kind_ + " actions"});
    }

private:
    std::string kind_;
    std::string failed_name_;
};

struct Runnable {
    std::string_view kind;
    detail::ActionParser parse;
};

constexpr std::array<Runnable, 3> runnable{{
    {"lambda", detail::parse_lambda_action},
    {"republish", detail::parse_republish_action},
    {"http", detail::parse_http_action},
}};

// Every member of the model's Action shape (botocore iot 2015-05-28).
constexpr std::array<std::string_view, 23> model_kinds{
    "dynamoDB",      "dynamoDBv2",       "lambda",          "sns",
    "sqs",           "kinesis",          "republish",       "s3",
    "firehose",      "cloudwatchMetric", "cloudwatchAlarm", "cloudwatchLogs",
    "elasticsearch", "salesforce",       "iotAnalytics",    "iotEvents",
    "iotSiteWise",   "stepFunctions",    "timestream",      "http",
    "kafka",         "openSearch",       "location"};

}  // namespace

std::shared_ptr<const Action> parse_action(const nlohmann::json& action, std::string_view where,
                                           sql::SqlVersion version) {
    if (!action.is_object())
        detail::invalid_action("Invalid type for member '" + std::string(where) +
                               "': expected an object");
    if (action.size() != 1)
        detail::invalid_action(std::string(where) + " must configure exactly one action, not " +
                               std::to_string(action.size()));
    const std::string& kind = action.begin().key();
    const nlohmann::json& config = action.begin().value();
    const std::string path = std::string(where) + "." + kind;
    bool known = false;
    for (const auto name : model_kinds) known = known || name == kind;
    if (!known) detail::invalid_action("Unknown action '" + kind + "' in " + std::string(where));
    if (!config.is_object())
        detail::invalid_action("Invalid type for member '" + path + "': expected an object");
    for (const auto& entry : runnable)
        if (entry.kind == kind) return entry.parse(config, path, version);
    std::string failed_name = kind;
    failed_name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(failed_name[0])));
    return std::make_shared<UnsupportedAction>(kind, failed_name + "Action");
}

}  // namespace iotemu::rules
