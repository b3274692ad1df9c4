// The SigV4 credential scope a request names — in its Authorization header or, for presigned
// URLs, its X-Amz-Credential query member — read for routing and identity, never verified
// (docs/aws/provisioning-and-services.md §5.5). std only.
#pragma once

#include <optional>
#include <string>

#include "api/message.hpp"

namespace iotemu::api {

// Credential=<access key id>/<yyyymmdd>/<region>/<service>/aws4_request
struct CredentialScope {
    std::string access_key_id;
    std::string date;
    std::string region;
    std::string service;  // the signing name: "iot", "iotdata", "lambda", "acm-pca", "sts", "iam"
};

// nullopt for an unsigned request or a scope that is not five '/'-separated fields.
std::optional<CredentialScope> credential_scope(const Request& request);

}  // namespace iotemu::api
