// Field by field, and one table of read errors; nothing here routes a request.
#include "http_server/beast_messages.hpp"

#include <cctype>
#include <iterator>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace iotemu::http_server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

api::Request to_api_request(const http::request<http::string_body>& in, std::string remote) {
    api::Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    out.headers.reserve(std::distance(in.begin(), in.end()));
    for (const auto& field : in) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = in.body();
    out.remote_address = std::move(remote);
    return out;
}

http::response<http::string_body> to_beast_response(api::Response in, unsigned version,
                                                    bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(in.status), version};
    out.set(http::field::server, "iot-emulator");
    for (auto& [name, value] : in.headers) out.set(name, value);
    out.body() = std::move(in.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

std::optional<AwsError> read_failure(const boost::system::error_code& ec, std::size_t body_limit) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated ||
        ec == http::error::partial_message)
        return std::nullopt;
    if (ec == http::error::body_limit)
        return AwsError(
            aws_errors::request_entity_too_large,
            "Request body exceeds the limit of " + std::to_string(body_limit) + " bytes");
    return AwsError(aws_errors::invalid_request, "Malformed HTTP request: " + ec.message());
}

}  // namespace iotemu::http_server
