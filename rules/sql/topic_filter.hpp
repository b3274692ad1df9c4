// The FROM clause's topic filter check (MQTT §4.7 syntax, AWS's 256-byte limit,
// docs/aws/iot-core.md §6.3). Matching topics against filters is the bus's business, not this
// file's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace iotemu::rules::sql::detail {

struct FilterProblem {
    std::string message;
    std::size_t offset;  // within the filter
};

// nullopt when `filter` is a valid topic filter (wildcards allowed, `$aws/…` allowed).
std::optional<FilterProblem> check_topic_filter(std::string_view filter);

}  // namespace iotemu::rules::sql::detail
