// Topic names and filters: MQTT 3.1.1 §4.7 syntax, AWS IoT's extra limits
// (docs/aws/iot-core.md §6.3), AWS's matching of '#' (docs/aws/iot-core.md §6.2) and the
// `$share/<name>/<filter>` form. Pure functions; no allocation.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace iotemu::mqtt {

inline constexpr std::size_t max_mqtt_string_bytes = 65535;  // §1.5.3: a 16-bit length prefix
inline constexpr std::size_t max_topic_bytes = 256;          // AWS, docs/aws/iot-core.md §6.3
inline constexpr std::size_t max_topic_slashes = 7;          // AWS, docs/aws/iot-core.md §6.3
// Topics under these prefixes are measured without the prefix itself (docs/aws/iot-core.md §6.3).
inline constexpr std::string_view basic_ingest_prefix = "$aws/rules/";     // + "<rule>/"
inline constexpr std::string_view shared_subscription_prefix = "$share/";  // + "<name>/"

// MQTT §4.7: 1..65535 bytes of well-formed MQTT UTF-8 without '+' or '#' [MQTT-4.7.1-1],
// [MQTT-4.7.3-1]. `$` topics are valid names; who may use them is the broker's business.
bool is_valid_topic_name(std::string_view name);

// MQTT §4.7.1: '#' alone or after '/', and last [MQTT-4.7.1-2]; '+' a whole level
// [MQTT-4.7.1-3]; non-empty, well-formed UTF-8. A filter starting with `$share/` must also be a
// well-formed shared subscription (AWS gives that prefix its meaning in MQTT 3.1.1 too, §6.2).
bool is_valid_topic_filter(std::string_view filter);

// AWS quotas (docs/aws/iot-core.md §6.3) for a valid topic name or filter: at most max_topic_bytes
// bytes and max_topic_slashes '/', both measured after removing a leading `$aws/rules/<rule>/` or
// `$share/<name>/`. (That the byte limit also skips the prefix is our reading of the quota page.)
bool within_aws_topic_limits(std::string_view topic_or_filter);

// `$share/<share_name>/<filter>`; views into the string that was parsed.
struct SharedSubscription {
    std::string_view share_name;
    std::string_view filter;
};

bool is_shared_subscription(std::string_view filter);  // starts with `$share/`
// The parts of a shared subscription, or nullopt unless the share name is non-empty without
// '/', '+', '#' and the filter after it is a valid non-shared filter (MQTT 5 §4.8.2's rules).
std::optional<SharedSubscription> parse_shared_subscription(std::string_view filter);

// Whether a PUBLISH to `topic` reaches a subscription to `filter` (both assumed valid; pass a
// shared subscription's inner filter). '+' matches exactly one level, possibly empty. '#' matches
// its own level and every level below, but, as in AWS and unlike MQTT's [MQTT-4.7.1-2], never the
// parent: `sensor/#` matches `sensor/` and `sensor/a/b` but not `sensor`
// (docs/aws/iot-core.md §6.2). A filter starting with a wildcard never matches a topic starting
// with '$' [MQTT-4.7.2-1].
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace iotemu::mqtt
