// Request and reply bodies of fleet provisioning's MQTT API in either of its encodings
// (docs/aws/provisioning-and-services.md §1.2, §1.3): JSON text, or CBOR with the same keys.
// Pure; callers include nlohmann/json.hpp themselves.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "fleet/topics.hpp"

namespace iotemu::fleet {

// The request body as a JSON object; a zero-length body counts as {} (the docs' empty
// CreateKeysAndCertificate request). Nothing when it is not an object in `format`.
std::optional<nlohmann::json> decode_payload(Format format, std::string_view bytes);

std::string encode_payload(Format format, const nlohmann::json& body);

}  // namespace iotemu::fleet
