// AWS query-protocol answers (STS, IAM): <ActionResponse><ActionResult>…</ActionResult>
// <ResponseMetadata><RequestId>… as text/xml, and the one place an AwsError becomes this
// protocol's <ErrorResponse> with the model's status (docs/aws/provisioning-and-services.md §0).
// Never routes; the form body is read by the router (api/url.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/message.hpp"
#include "api/protocol.hpp"
#include "api/xml.hpp"
#include "common/aws_error.hpp"
#include "common/time.hpp"

namespace iotemu::api::query_protocol {

// ISO 8601 in UTC, e.g. "2024-05-01T12:00:00Z", as STS and IAM render dates.
std::string iso8601(Timestamp t);
xml::Element timestamp(std::string name, Timestamp t);

// `result` holds the members of <ActionResult>; none for an operation without output.
Response response(const RpcService& service, std::string_view action,
                  std::vector<xml::Element> result, std::string_view request_id);

int status_for(std::string_view code);
Response error_response(std::string_view xml_namespace, const AwsError& error,
                        std::string_view request_id);

}  // namespace iotemu::api::query_protocol
