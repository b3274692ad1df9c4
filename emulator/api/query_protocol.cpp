// Query-protocol answers and errors. The status table is the IAM and STS models' (their error
// shapes carry httpStatusCode) plus AWS's common query errors; the router's own failures
// (InternalFailureException, ServiceUnavailableException) take the query spelling here.
#include "api/query_protocol.hpp"

#include <array>
#include <ctime>
#include <utility>

namespace iotemu::api::query_protocol {
namespace {

namespace q = aws_errors::query;

constexpr std::array<std::pair<std::string_view, int>, 22> statuses{{
    {q::missing_action, 400},
    {q::invalid_action, 400},
    {q::malformed_query_string, 404},
    {q::missing_parameter, 400},
    {q::validation_error, 400},
    {q::access_denied, 403},
    {q::internal_failure, 500},
    {q::service_unavailable, 503},
    {q::no_such_entity, 404},
    {q::entity_already_exists, 409},
    {q::delete_conflict, 409},
    {q::limit_exceeded, 409},
    {q::malformed_policy_document, 400},
    {q::invalid_input, 400},
    {q::unmodifiable_entity, 400},
    {q::policy_not_attachable, 400},
    {q::service_failure, 500},
    {q::packed_policy_too_large, 400},
    {q::region_disabled, 403},
    {q::expired_token, 400},
    {aws_errors::request_entity_too_large, 413},
    {aws_errors::throttling, 400},
}};

std::string_view wire_code(std::string_view code) {
    if (code == aws_errors::internal_failure) return q::internal_failure;
    if (code == aws_errors::service_unavailable) return q::service_unavailable;
    return code;
}

Response xml_response(const xml::Element& document, int status) {
    Response response;
    response.status = status;
    response.headers.emplace_back("content-type", "text/xml");
    response.body = xml::to_string(document);
    return response;
}

xml::Element metadata(std::string_view request_id) {
    return xml::node("ResponseMetadata", {xml::leaf("RequestId", std::string(request_id))});
}

}  // namespace

std::string iso8601(Timestamp t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(text, length);
}

xml::Element timestamp(std::string name, Timestamp t) {
    return xml::leaf(std::move(name), iso8601(t));
}

Response response(const RpcService& service, std::string_view action,
                  std::vector<xml::Element> result, std::string_view request_id) {
    const std::string name(action);
    auto document = xml::node(name + "Response", {});
    document.xmlns = service.xml_namespace;
    if (!result.empty()) document.children.push_back(xml::node(name + "Result", std::move(result)));
    document.children.push_back(metadata(request_id));
    return xml_response(document, 200);
}

int status_for(std::string_view code) {
    for (const auto& [name, status] : statuses)
        if (name == code) return status;
    return 400;
}

Response error_response(std::string_view xml_namespace, const AwsError& error,
                        std::string_view request_id) {
    const auto code = wire_code(error.code());
    const int status = status_for(code);
    auto document =
        xml::node("ErrorResponse",
                  {xml::node("Error", {xml::leaf("Type", status >= 500 ? "Receiver" : "Sender"),
                                       xml::leaf("Code", std::string(code)),
                                       xml::leaf("Message", std::string(error.message()))}),
                   xml::leaf("RequestId", std::string(request_id))});
    document.xmlns = xml_namespace;
    return xml_response(document, status);
}

}  // namespace iotemu::api::query_protocol
