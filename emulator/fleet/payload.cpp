#include "fleet/payload.hpp"

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace iotemu::fleet {

std::optional<nlohmann::json> decode_payload(Format format, std::string_view bytes) {
    if (bytes.empty()) return nlohmann::json::object();
    auto body = format == Format::json
                    ? nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false)
                    : nlohmann::json::from_cbor(bytes, /*strict=*/true,
                                                /*allow_exceptions=*/false);
    if (!body.is_object()) return std::nullopt;  // a parse error is "discarded", not an object
    return body;
}

std::string encode_payload(Format format, const nlohmann::json& body) {
    if (format == Format::json) return body.dump();
    const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(body);
    return {cbor.begin(), cbor.end()};
}

}  // namespace iotemu::fleet
