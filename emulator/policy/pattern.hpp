// Wildcard patterns of IoT policy strings (docs/aws/iot-core.md §5.2): `*` any sequence (crossing
// `/`), `?` one character, `$(*)` `$(?)` `$($)` the literal characters. Pure string functions:
// sans-I/O.
#pragma once

#include <string>
#include <string_view>

namespace iotemu::policy {

// True when `pattern` matches the whole of `text`. Case-sensitive; MQTT `+` and `#` are ordinary
// characters here, so `topicfilter/a/#` matches only the filter text "a/#".
bool wildcard_match(std::string_view pattern, std::string_view text);

// `literal` written as a pattern that matches exactly `literal`: its `*`, `?` and `$` escaped.
std::string escape_wildcards(std::string_view literal);

// `pattern` with its escapes turned back into the characters they stand for, for operators that
// compare without wildcards (StringEquals on a value written with `$(*)`).
std::string unescape_wildcards(std::string_view pattern);

// ASCII lower case: action names and condition keys are case-insensitive (IAM grammar).
std::string to_lower(std::string_view text);

}  // namespace iotemu::policy
