// Router: maps (method, path pattern) to a handler, the way a rest-json AWS service routes.
// Patterns are the botocore model's requestUri paths, e.g. "/cacertificate/{caCertificateId}";
// a trailing "{name+}" captures the rest of the path (iot-data's /topics/{topic}). The raw path is
// split on '/' before percent-decoding, so an encoded ARN stays one parameter.
//
// dispatch() never throws: AwsError becomes AWS's error shape (x-amzn-ErrorType + {"message"}),
// any other exception an InternalFailureException logged once, an unmatched route AWS's
// unknown-operation error. Sans-I/O: no Asio/Beast here.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/call.hpp"
#include "api/message.hpp"

namespace iotemu::api {

using Handler = std::function<Response(Call&)>;

class Router {
public:
    void add(std::string method, std::string pattern, Handler handler);
    Response dispatch(const Request& request) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;  // literal text, or "{name}" / "{name+}"
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace iotemu::api
