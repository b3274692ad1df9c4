// The Device Shadow service's reserved MQTT topics (docs/aws/data-plane.md §4.2): which shadow
// and operation a request topic names, and where its replies go. Pure functions over strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::shadow {

enum class Operation { get, update, delete_shadow };

// The shadow a request is about: a thing's classic shadow when `shadow_name` is empty.
struct ShadowId {
    std::string thing_name;
    std::string shadow_name;

    bool operator==(const ShadowId&) const = default;
};

struct RequestTopic {
    ShadowId shadow;
    Operation operation;
};

// $aws/things/<thing>/shadow[/name/<shadow>]/(get|update|delete), or nothing for every other
// topic, replies included. Names are not validated here (the service answers a bad one).
std::optional<RequestTopic> parse_request_topic(std::string_view topic);

// "$aws/things/<thing>/shadow" or "$aws/things/<thing>/shadow/name/<shadow>", then "/" and
// `suffix` ("update/accepted", "get/rejected", …).
std::string shadow_topic(const ShadowId& shadow, std::string_view suffix);

// "get", "update" or "delete": the operation's segment in its topics.
std::string_view operation_segment(Operation operation);

}  // namespace iotemu::shadow
