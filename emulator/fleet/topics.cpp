#include "fleet/topics.hpp"

namespace iotemu::fleet {
namespace {

constexpr std::string_view create_prefix = "$aws/certificates/create/";
constexpr std::string_view csr_prefix = "$aws/certificates/create-from-csr/";
constexpr std::string_view templates_prefix = "$aws/provisioning-templates/";
constexpr std::string_view provision_level = "/provision/";

std::optional<Format> format_of(std::string_view level) {
    if (level == "json") return Format::json;
    if (level == "cbor") return Format::cbor;
    return std::nullopt;
}

}  // namespace

std::optional<RequestTopic> parse_request_topic(std::string_view topic) {
    const auto operation = [&](Operation op, std::string_view rest,
                               std::string name = {}) -> std::optional<RequestTopic> {
        if (const auto format = format_of(rest)) return RequestTopic{op, *format, std::move(name)};
        return std::nullopt;
    };
    if (topic.starts_with(create_prefix))
        return operation(Operation::create_keys_and_certificate,
                         topic.substr(create_prefix.size()));
    if (topic.starts_with(csr_prefix))
        return operation(Operation::create_certificate_from_csr, topic.substr(csr_prefix.size()));
    if (!topic.starts_with(templates_prefix)) return std::nullopt;
    const auto rest = topic.substr(templates_prefix.size());
    const auto slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    const auto tail = rest.substr(slash);
    if (!tail.starts_with(provision_level)) return std::nullopt;
    return operation(Operation::register_thing, tail.substr(provision_level.size()),
                     std::string(rest.substr(0, slash)));
}

std::string reply_topic(std::string_view request_topic, bool accepted) {
    return std::string(request_topic) + (accepted ? "/accepted" : "/rejected");
}

}  // namespace iotemu::fleet
