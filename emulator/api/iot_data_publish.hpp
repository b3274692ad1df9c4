// iot-data Publish (botocore `iot-data` 2015-05-28, POST /topics/{topic}), shared by the API port
// and the HTTPS data plane (docs/aws/data-plane.md §5.3): the request shape read into a bus
// message, with every rule AWS applies to it before authorization. Knows no certificate, no
// policy and no socket: the caller authenticates and publishes.
#pragma once

#include <cstddef>

#include "api/call.hpp"
#include "api/router.hpp"
#include "bus/bus.hpp"

namespace iotemu::api {

// The message a Publish call asks for: the topic from the path; qos, retain, contentType,
// responseTopic and messageExpiry from the query; user properties, payload format indicator and
// correlation data from the x-amz-mqtt5-* headers; the body as payload; timestamped now, with no
// publisher. Throws InvalidRequestException for a malformed member or topic, ForbiddenException
// for a reserved topic clients may not publish to, RequestEntityTooLargeException for a payload
// over `max_payload_bytes`.
bus::Message publish_request(const Call& call, std::size_t max_payload_bytes);

// Routes Publish, POST /topics/{topic+}, to `publish`; any other method on /topics/… answers
// MethodNotAllowedException, as AWS does.
void add_publish_route(Router& router, Handler publish);

// 200 {"message":"OK"}: the device gateway's answer to a publish.
Response published();

}  // namespace iotemu::api
