// Shadow topic names: parsing a request topic, building reply topics. No validation of names.
#include "shadow/topics.hpp"

namespace iotemu::shadow {

namespace {

constexpr std::string_view things_prefix = "$aws/things/";

// Removes and returns the text up to the next '/' (or to the end).
std::string_view next_level(std::string_view& rest) {
    const auto slash = rest.find('/');
    const std::string_view level = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    return level;
}

std::optional<Operation> operation_named(std::string_view segment) {
    if (segment == "get") return Operation::get;
    if (segment == "update") return Operation::update;
    if (segment == "delete") return Operation::delete_shadow;
    return std::nullopt;
}

}  // namespace

std::optional<RequestTopic> parse_request_topic(std::string_view topic) {
    if (!topic.starts_with(things_prefix)) return std::nullopt;
    std::string_view rest = topic.substr(things_prefix.size());
    const bool nothing_after_thing = rest.find('/') == std::string_view::npos;
    const std::string_view thing = next_level(rest);
    if (nothing_after_thing || next_level(rest) != "shadow") return std::nullopt;
    std::string_view shadow_name;
    if (rest.starts_with("name/")) {
        next_level(rest);
        if (rest.find('/') == std::string_view::npos) return std::nullopt;
        shadow_name = next_level(rest);
        if (shadow_name.empty()) return std::nullopt;
    }
    // What is left must be the operation alone: "update/accepted" and the like are replies.
    if (rest.find('/') != std::string_view::npos) return std::nullopt;
    const auto operation = operation_named(rest);
    if (!operation || thing.empty()) return std::nullopt;
    return RequestTopic{{std::string{thing}, std::string{shadow_name}}, *operation};
}

std::string shadow_topic(const ShadowId& shadow, std::string_view suffix) {
    std::string topic{things_prefix};
    topic += shadow.thing_name;
    topic += "/shadow/";
    if (!shadow.shadow_name.empty()) {
        topic += "name/";
        topic += shadow.shadow_name;
        topic += '/';
    }
    topic += suffix;
    return topic;
}

std::string_view operation_segment(Operation operation) {
    switch (operation) {
        case Operation::get:
            return "get";
        case Operation::update:
            return "update";
        case Operation::delete_shadow:
            return "delete";
    }
    return "get";
}

}  // namespace iotemu::shadow
