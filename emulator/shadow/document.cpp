// The shadow document's algebra: merge, delta, metadata, depth. Pure JSON in, JSON out.
#include "shadow/document.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace iotemu::shadow {

using nlohmann::json;

json metadata_of(const json& value, std::int64_t timestamp) {
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, child] : value.items()) out[key] = metadata_of(child, timestamp);
        return out;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& element : value) out.push_back(metadata_of(element, timestamp));
        return out;
    }
    return json{{"timestamp", timestamp}};
}

void merge(json& section, json& metadata, const json& patch, std::int64_t timestamp) {
    for (const auto& [key, value] : patch.items()) {
        if (value.is_null()) {
            section.erase(key);
            metadata.erase(key);
        } else if (value.is_object()) {
            // An object merges into an object; over a scalar or an array it starts afresh, and
            // its metadata with it (a leaf's {"timestamp"} is not a field).
            if (!section.contains(key) || !section[key].is_object()) {
                section[key] = json::object();
                metadata[key] = json::object();
            } else if (!metadata.contains(key) || !metadata[key].is_object()) {
                metadata[key] = json::object();
            }
            merge(section[key], metadata[key], value, timestamp);
            if (section[key].empty()) {
                section.erase(key);
                metadata.erase(key);
            }
        } else {
            section[key] = value;
            metadata[key] = metadata_of(value, timestamp);
        }
    }
}

void compute_delta(const json& desired, const json& desired_metadata, const json& reported,
                   json& delta, json& delta_metadata) {
    static const json empty = json::object();
    for (const auto& [key, wanted] : desired.items()) {
        const json& meta = desired_metadata.is_object() && desired_metadata.contains(key)
                               ? desired_metadata[key]
                               : empty;
        const auto shown = reported.find(key);
        if (shown != reported.end() && wanted.is_object() && shown->is_object()) {
            json child = json::object();
            json child_metadata = json::object();
            compute_delta(wanted, meta, *shown, child, child_metadata);
            if (!child.empty()) {
                delta[key] = std::move(child);
                delta_metadata[key] = std::move(child_metadata);
            }
        } else if (shown == reported.end() || wanted != *shown) {
            // nlohmann compares numbers by value across integer and float: 1 == 1.0 (§4.6).
            delta[key] = wanted;
            delta_metadata[key] = meta;
        }
    }
}

std::size_t nesting_depth(const json& value) {
    std::size_t deepest = 0;
    if (value.is_object() || value.is_array()) {
        for (const auto& child : value) deepest = std::max(deepest, 1 + nesting_depth(child));
    }
    return deepest;
}

bool has_null_in_array(const json& value) {
    if (value.is_array()) {
        for (const auto& element : value) {
            if (element.is_null() || has_null_in_array(element)) return true;
        }
    } else if (value.is_object()) {
        for (const auto& child : value) {
            if (has_null_in_array(child)) return true;
        }
    }
    return false;
}

}  // namespace iotemu::shadow
