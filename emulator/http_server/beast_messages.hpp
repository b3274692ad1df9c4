// Beast's HTTP messages to and from the API's plain Request and Response, and the AWS error a
// request that failed to read earns, for every HTTP endpoint (the API port and the broker's HTTPS
// data plane). I/O layer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/message.hpp"
#include "common/aws_error.hpp"

namespace iotemu::http_server {

// What one request may hold besides its body (docs/limits.md §4): the head (request line and
// headers) within Beast's header limit, and the read buffer, which must hold any one head, chunk
// line (size and extensions) or trailer whole, within a buffer of this size. Anything larger is
// refused as malformed, so neither can grow memory without bound or slip past the body limit.
inline constexpr std::size_t max_header_bytes = 16 * 1024;
inline constexpr std::size_t max_read_buffer_bytes = 32 * 1024;

// Header names lower-cased; `remote` is the peer's address, for logs.
api::Request to_api_request(const boost::beast::http::request<boost::beast::http::string_body>& in,
                            std::string remote);
boost::beast::http::response<boost::beast::http::string_body> to_beast_response(api::Response in,
                                                                                unsigned version,
                                                                                bool keep_alive);

// What to answer a request that failed to read with `ec` (RequestEntityTooLargeException beyond
// `body_limit`, InvalidRequestException when malformed or its head, a chunk line or the trailer
// is over the limits above), or nothing when the peer went away or
// timed out.
std::optional<AwsError> read_failure(const boost::system::error_code& ec, std::size_t body_limit);

}  // namespace iotemu::http_server
