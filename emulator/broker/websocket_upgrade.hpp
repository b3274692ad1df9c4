// The WebSocket upgrade AWS's device gateway serves for MQTT (docs/aws/data-plane.md §2):
// `GET /mqtt` with `Upgrade: websocket`, a subprotocol of MQTT's, authenticated by a SigV4
// presigned query (service iotdevicegateway). The signature is accepted as it is, as the control
// plane accepts SigV4 headers; a query without the parameters AWS needs, or with malformed ones,
// is refused as AWS refuses it (403 ForbiddenException). Sans-I/O: values in, values out.
#pragma once

#include <string>

#include "api/call.hpp"

namespace iotemu::broker {

// Who signed an upgrade: the credential scope of its X-Amz-Credential.
struct SigV4Principal {
    std::string access_key_id;
    std::string region;
    bool operator==(const SigV4Principal&) const = default;
};

// A granted upgrade: who signed it, and the subprotocol to answer ("" when none was offered).
struct WebSocketUpgrade {
    SigV4Principal principal;
    std::string subprotocol;
};

// The upgrade `GET /mqtt` asks for, or AwsError:
// - ForbiddenException when the presigned query lacks a parameter or has a malformed one:
//   X-Amz-Algorithm (AWS4-HMAC-SHA256), X-Amz-Credential
//   (<key>/<yyyymmdd>/<region>/iotdevicegateway/aws4_request; iotdata is accepted too),
//   X-Amz-Date (yyyymmddThhmmssZ, the credential's day), X-Amz-SignedHeaders (with host),
//   X-Amz-Signature (64 hex digits); X-Amz-Security-Token and X-Amz-Expires may come too;
// - InvalidRequestException when the request is not a WebSocket (version 13) upgrade, or offers
//   subprotocols none of which is `mqtt`, `mqttv3.1.1` or `mqttv3.1`.
WebSocketUpgrade check_websocket_upgrade(const api::Call& call);

}  // namespace iotemu::broker
