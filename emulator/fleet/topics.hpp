// The topics of fleet provisioning's MQTT API (docs/aws/provisioning-and-services.md §1.1): which
// request a topic names, in which payload format, and where its replies go. Pure functions over
// topic strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace iotemu::fleet {

enum class Operation {
    create_keys_and_certificate,  // $aws/certificates/create/<format>
    create_certificate_from_csr,  // $aws/certificates/create-from-csr/<format>
    register_thing,               // $aws/provisioning-templates/<template>/provision/<format>
};

// The payload encoding a request topic ends in; its replies use the same one (§1.3).
enum class Format { json, cbor };

struct RequestTopic {
    Operation operation;
    Format format;
    std::string template_name;  // RegisterThing only
};

// The request a topic names, or nothing for every other topic (replies included).
std::optional<RequestTopic> parse_request_topic(std::string_view topic);

// "<request topic>/accepted" or "<request topic>/rejected".
std::string reply_topic(std::string_view request_topic, bool accepted);

}  // namespace iotemu::fleet
