// The account and region the emulator answers as, and AWS IoT ARNs built from them
// (docs/aws/iot-core.md §0.2). std only.
#pragma once

#include <string>
#include <string_view>

namespace iotemu::model {

struct Account {
    std::string region = "us-east-1";
    std::string account_id = "123456789012";

    // arn:aws:iot:<region>:<account>:<type>/<name>, e.g. type "cert", "thing", "policy".
    std::string arn(std::string_view type, std::string_view name) const {
        std::string out = "arn:aws:iot:";
        out.append(region).append(":").append(account_id).append(":");
        out.append(type).append("/").append(name);
        return out;
    }
};

}  // namespace iotemu::model
