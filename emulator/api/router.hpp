// Router: one endpoint for every service (docs/aws/provisioning-and-services.md §5.5). A request
// is routed by the SigV4 credential scope's service when it names one; else by X-Amz-Target
// (JSON 1.1) or the Action form field (query) when it is a POST to "/"; else by method and path
// (rest-json: iot, iot-data, lambda). Each service is answered in its own protocol, errors
// included.
//
// rest-json patterns are the botocore model's requestUri paths, e.g.
// "/cacertificate/{caCertificateId}"; a trailing "{name+}" captures the rest of the path
// (iot-data's /topics/{topic}). The raw path is split on '/' before percent-decoding, so an encoded
// ARN stays one parameter.
//
// dispatch() never throws: AwsError becomes the protocol's error shape, any other exception an
// internal failure logged once, an unrouted request the protocol's unknown-operation error.
// Sans-I/O: no Asio/Beast here.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/call.hpp"
#include "api/message.hpp"
#include "api/protocol.hpp"
#include "api/xml.hpp"
#include "common/aws_error.hpp"

namespace iotemu::api {

using Handler = std::function<Response(Call&)>;            // rest-json: the whole answer
using JsonHandler = std::function<nlohmann::json(Call&)>;  // JSON 1.1: the output shape
using QueryHandler = std::function<std::vector<xml::Element>(Call&)>;  // query: Result members

// The body a rest-json route takes, and the error it answers beyond that.
struct BodyLimit {
    std::size_t bytes = default_body_limit;
    std::string_view error_code = aws_errors::request_entity_too_large;
    std::string_view
        operation;  // when set: "Request must be smaller than N bytes for the <op> operation"
};

class Router {
public:
    void add(std::string method, std::string pattern, Handler handler, BodyLimit limit = {});
    // X-Amz-Target "<service.target_prefix>.<operation>".
    void add_json_operation(const RpcService& service, std::string operation, JsonHandler handler);
    // Action=<action> (Version=<service.version>).
    void add_query_operation(const RpcService& service, std::string action, QueryHandler handler);

    // The most body `head` (a request whose body is not read yet) may carry.
    std::size_t body_limit(const Request& head) const;
    Response dispatch(const Request& request) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // literal text, or "{name}" / "{name+}"
        Handler handler;
        BodyLimit limit;
    };
    struct Service {
        RpcService description;
        std::map<std::string, JsonHandler, std::less<>> json_operations;
        std::map<std::string, QueryHandler, std::less<>> query_operations;
    };
    struct Resolution;

    Service& service_for(const RpcService& description);
    Resolution resolve(const Request& request) const;
    const Service* error_namespace_for(const Resolution& where) const;
    const Route* find_route(const Request& request,
                            std::map<std::string, std::string>* parameters) const;
    Response route_rest_json(const Request& request, const Resolution& where) const;
    Response route_json(const Request& request, const Resolution& where) const;
    Response route_query(const Request& request, const Resolution& where,
                         const std::string& request_id) const;
    AwsError too_large(const Request& request, const Resolution& where) const;

    std::vector<Route> routes_;
    std::vector<Service> services_;  // a handful: a list beats a map
};

}  // namespace iotemu::api
