// JSON 1.1 answers and errors (docs/aws/provisioning-and-services.md §0). The model gives ACM
// PCA's errors no status codes, so they take the protocol's default, 400; only failures of the
// service itself and an oversized body differ.
#include "api/json_protocol.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace iotemu::api::json_protocol {
namespace {

constexpr std::string_view content_type = "application/x-amz-json-1.1";

constexpr std::array<std::pair<std::string_view, int>, 3> statuses{{
    {aws_errors::request_entity_too_large, 413},
    {aws_errors::internal_failure, 500},
    {aws_errors::service_unavailable, 503},
}};

Response with_body(const nlohmann::json& body, int status) {
    Response response;
    response.status = status;
    response.headers.emplace_back("content-type", content_type);
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

}  // namespace

Response response(const nlohmann::json& output) { return with_body(output, 200); }

int status_for(std::string_view aws_error_code) {
    for (const auto& [code, status] : statuses)
        if (code == aws_error_code) return status;
    return 400;
}

Response error_response(const AwsError& error) {
    // botocore reads the code from __type (dropping any "namespace#" prefix) and accepts
    // "message" or "Message"; x-amzn-ErrorType repeats it for other clients.
    auto out = with_body({{"__type", error.code()}, {"message", std::string(error.message())}},
                         status_for(error.code()));
    out.headers.emplace_back("x-amzn-ErrorType", error.code());
    return out;
}

}  // namespace iotemu::api::json_protocol
