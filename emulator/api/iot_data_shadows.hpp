// iot-data's Device Shadow operations (botocore `iot-data` 2015-05-28; docs/aws/data-plane.md
// §4.8): GetThingShadow, UpdateThingShadow, DeleteThingShadow and ListNamedShadowsForThing as
// routes, shared by the API port and the HTTPS data plane. The shadow service answers; a
// rejection becomes the model's exception with AWS's message. Knows no certificate and no policy:
// the caller passes what authorises a call.
#pragma once

#include <functional>
#include <string_view>

#include "api/router.hpp"
#include "shadow/service.hpp"

namespace iotemu::api {

// Asked before each call with the IAM action (`iot:GetThingShadow`, …) and the shadow it is
// about (the shadow name empty for the classic shadow and for ListNamedShadowsForThing); throws
// the call's refusal. Empty: every call is allowed (the API port, where SigV4 is taken as is).
using AuthorizeShadowCall =
    std::function<void(std::string_view action, const shadow::ShadowId& shadow)>;

// The handlers keep a reference to `service`, which must outlive the router.
void add_shadow_routes(Router& router, shadow::Service& service,
                       AuthorizeShadowCall authorize = {});

}  // namespace iotemu::api
