// Things, thing types and thing groups as the registry keeps them. Plain values; std only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace iotemu::model {

using Attributes = std::map<std::string, std::string>;

struct Thing {
    std::string name;
    std::string id;  // UUID
    std::string arn;
    std::optional<std::string> thing_type_name;
    std::optional<std::string> billing_group_name;
    Attributes attributes;
    std::int64_t version = 1;

    bool operator==(const Thing&) const = default;
};

struct ThingType {
    std::string name;
    std::string id;
    std::string arn;
    std::optional<std::string> description;
    std::vector<std::string> searchable_attributes;
    bool deprecated = false;
    std::optional<Timestamp> deprecation_date;
    Timestamp creation_date;

    bool operator==(const ThingType&) const = default;
};

struct ThingGroup {
    std::string name;
    std::string id;
    std::string arn;
    std::int64_t version = 1;
    std::optional<std::string> description;
    Attributes attributes;
    std::optional<std::string> parent_group_name;
    Timestamp creation_date;

    bool operator==(const ThingGroup&) const = default;
};

}  // namespace iotemu::model
