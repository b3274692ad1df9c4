// Topic syntax, AWS limits and matching, all by walking levels in place (no splitting into
// strings), so the broker can call them on every PUBLISH.
#include "mqtt/topic.hpp"

#include <algorithm>

#include "mqtt/utf8.hpp"

namespace iotemu::mqtt {
namespace {

// Yields the '/'-separated levels of a string; "a/" has two levels, "a" and "".
class Levels {
public:
    explicit Levels(std::string_view text) : rest_(text) {}
    bool done() const { return done_; }
    std::string_view next() {
        const auto slash = rest_.find('/');
        if (slash == std::string_view::npos) {
            done_ = true;
            return rest_;
        }
        const auto level = rest_.substr(0, slash);
        rest_.remove_prefix(slash + 1);
        return level;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

bool is_mqtt_string(std::string_view text) {
    return !text.empty() && text.size() <= max_mqtt_string_bytes && is_valid_mqtt_utf8(text);
}

bool is_valid_plain_filter(std::string_view filter) {
    if (!is_mqtt_string(filter)) return false;
    Levels levels{filter};
    while (!levels.done()) {
        const auto level = levels.next();
        if (level == "#") return levels.done();  // '#' must be the last level
        if (level == "+") continue;
        if (level.find_first_of("+#") != std::string_view::npos) return false;
    }
    return true;
}

// What remains after a prefix that AWS does not count (docs/aws/iot-core.md §6.3).
std::string_view without_uncounted_prefix(std::string_view text) {
    for (const auto prefix : {basic_ingest_prefix, shared_subscription_prefix}) {
        if (!text.starts_with(prefix)) continue;
        const auto slash = text.find('/', prefix.size());
        if (slash != std::string_view::npos) return text.substr(slash + 1);
    }
    return text;
}

}  // namespace

bool is_valid_topic_name(std::string_view name) {
    return is_mqtt_string(name) && name.find_first_of("+#") == std::string_view::npos;
}

bool is_valid_topic_filter(std::string_view filter) {
    if (is_shared_subscription(filter)) return parse_shared_subscription(filter).has_value();
    return is_valid_plain_filter(filter);
}

bool within_aws_topic_limits(std::string_view topic_or_filter) {
    const auto counted = without_uncounted_prefix(topic_or_filter);
    return counted.size() <= max_topic_bytes &&
           static_cast<std::size_t>(std::count(counted.begin(), counted.end(), '/')) <=
               max_topic_slashes;
}

bool is_shared_subscription(std::string_view filter) {
    return filter.starts_with(shared_subscription_prefix);
}

std::optional<SharedSubscription> parse_shared_subscription(std::string_view filter) {
    if (!is_shared_subscription(filter)) return std::nullopt;
    const auto rest = filter.substr(shared_subscription_prefix.size());
    const auto slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    SharedSubscription shared{rest.substr(0, slash), rest.substr(slash + 1)};
    if (shared.share_name.find_first_of("+#") != std::string_view::npos) return std::nullopt;
    if (is_shared_subscription(shared.filter) || !is_valid_plain_filter(shared.filter))
        return std::nullopt;
    return shared;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
    if (topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')))
        return false;  // [MQTT-4.7.2-1]
    Levels filter_levels{filter};
    Levels topic_levels{topic};
    while (!filter_levels.done()) {
        const auto wanted = filter_levels.next();
        // AWS: '#' needs a level of its own, so `sensor/#` does not match `sensor`
        // (docs/aws/iot-core.md §6.2).
        if (wanted == "#") return !topic_levels.done();
        if (topic_levels.done()) return false;
        const auto level = topic_levels.next();
        if (wanted != "+" && wanted != level) return false;
    }
    return topic_levels.done();
}

}  // namespace iotemu::mqtt
