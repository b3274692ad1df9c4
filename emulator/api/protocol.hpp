// The wire protocols of the services on the API port, and how a service that is not routed by
// path (JSON 1.1, query) names itself on the wire (docs/aws/provisioning-and-services.md §0).
// std only.
#pragma once

#include <cstddef>
#include <string>

namespace iotemu::api {

enum class Protocol {
    rest_json,  // iot, iot-data, lambda: method + path, JSON bodies, x-amzn-ErrorType
    json,       // acm-pca (JSON 1.1): POST /, X-Amz-Target "<prefix>.<Operation>", __type errors
    query,      // sts, iam: POST / form Action=<Operation>&Version=…, XML answers, ErrorResponse
};

// The request body a route takes unless it says otherwise: IoT's 1 MiB.
inline constexpr std::size_t default_body_limit = 1024 * 1024;

// A JSON 1.1 or query service, as its requests name it.
struct RpcService {
    std::string name{};          // botocore's name, for logs: "acm-pca", "sts", "iam"
    std::string signing_name{};  // the SigV4 credential scope's service
    Protocol protocol = Protocol::json;
    std::string target_prefix{};  // json: X-Amz-Target "<prefix>.<Operation>", e.g. "ACMPrivateCA"
    std::string version{};        // query: the Version form field, e.g. "2011-06-15"
    std::string xml_namespace{};  // query: the xmlns of every answer
    std::size_t body_limit = default_body_limit;
};

}  // namespace iotemu::api
