// Percent-decoding and name=value lists: request targets' paths and query strings, and the query
// protocol's form bodies (application/x-www-form-urlencoded). std only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iotemu::api {

using Parameters = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 decoding; a '%' not followed by two hex digits stays as it is. In query strings and
// forms a '+' is a space; in paths it is itself (botocore sends spaces as %20).
std::string percent_decode(std::string_view text, bool plus_is_space);

// RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX. IAM
// sends policy documents this way inside its XML.
std::string percent_encode(std::string_view text);

// "a=1&b=x%20y" → {{"a","1"},{"b","x y"}}, leniently (empty parts skipped, bad escapes kept).
Parameters parse_query(std::string_view query);

// The same for a form body, strictly: nullopt when a '%' is not followed by two hex digits.
std::optional<Parameters> parse_form(std::string_view form);

// The first value of `name`, or nullopt.
std::optional<std::string> find_parameter(const Parameters& parameters, std::string_view name);

}  // namespace iotemu::api
