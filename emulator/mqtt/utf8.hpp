// MQTT's rule for UTF-8 encoded strings (§1.5.3), as one predicate. Pure: no allocation.
#pragma once

#include <string_view>

namespace iotemu::mqtt {

// Well-formed UTF-8 (RFC 3629: no overlong forms, nothing above U+10FFFF), no UTF-16 surrogate
// code points U+D800..U+DFFF [MQTT-1.5.3-1] and no U+0000 [MQTT-1.5.3-2]. Control characters
// and non-characters are only "SHOULD NOT" in the spec, so they pass.
bool is_valid_mqtt_utf8(std::string_view text);

}  // namespace iotemu::mqtt
