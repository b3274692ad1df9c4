// The shadow document's algebra (docs/aws/data-plane.md §4.4–4.6): merging a request's state
// into a section with its per-leaf metadata, the delta between desired and reported, and the
// metadata a value gets. Pure functions over JSON values; no store, no clock.
#pragma once

#include <cstddef>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

namespace iotemu::shadow {

// The metadata of `value` written at `timestamp` (epoch seconds): {"timestamp": t} per leaf,
// objects and arrays mirrored element by element (§4.7).
nlohmann::json metadata_of(const nlohmann::json& value, std::int64_t timestamp);

// Merges the object `patch` into the object `section` and its `metadata` (§4.4): objects merge
// recursively, scalars and arrays replace, null removes a key, and an object left empty goes.
void merge(nlohmann::json& section, nlohmann::json& metadata, const nlohmann::json& patch,
           std::int64_t timestamp);

// What desired asks that reported does not show (§4.6), as paths from the root, into `delta`
// and, from desired's own `desired_metadata`, into `delta_metadata` (both objects; left empty
// when the sections agree).
void compute_delta(const nlohmann::json& desired, const nlohmann::json& desired_metadata,
                   const nlohmann::json& reported, nlohmann::json& delta,
                   nlohmann::json& delta_metadata);

// The levels of keys and array elements below a section ({"a":{"b":1}} is 2) (§4.9).
std::size_t nesting_depth(const nlohmann::json& value);

// True when an array anywhere in `value` holds a null (§4.3: AWS refuses those).
bool has_null_in_array(const nlohmann::json& value);

}  // namespace iotemu::shadow
