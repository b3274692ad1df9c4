// Lambda's size quotas as the emulator enforces them (docs/aws/provisioning-and-services.md
// §5.4): payloads, deployment packages and the requests that carry them. std only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace iotemu::lambda {

// Invoke: a RequestResponse request or response, and an Event request (1 MB since 2025).
inline constexpr std::size_t max_sync_payload = 6'291'456;
inline constexpr std::size_t max_async_payload = 1'048'576;
// What Lambda reports as the limit when a handler's answer is larger (sic: 100 bytes more).
inline constexpr std::size_t reported_response_limit = 6'291'556;
// A zip uploaded in the request (50 MB, base64 inside JSON: the request may be 4/3 of that)…
inline constexpr std::size_t max_code_request_size = 69'905'067;
// …and its contents once extracted.
inline constexpr std::uint64_t max_unzipped_size = 262'144'000;

}  // namespace iotemu::lambda
