// IoT policies and their versions as the registry keeps them (docs/aws/iot-core.md §2.5). Plain
// values; std only.
#pragma once

#include <string>
#include <vector>

#include "common/time.hpp"

namespace iotemu::model {

struct PolicyVersion {
    std::string version_id;  // "1", "2", … never reused within a policy
    std::string document;    // the JSON text exactly as submitted
    Timestamp creation_date;

    bool operator==(const PolicyVersion&) const = default;
};

struct Policy {
    std::string name;
    std::string arn;
    std::vector<PolicyVersion> versions;  // oldest first
    std::string default_version_id;
    std::string generation_id;
    Timestamp creation_date;
    Timestamp last_modified_date;

    const PolicyVersion& default_version() const {
        for (const auto& v : versions)
            if (v.version_id == default_version_id) return v;
        return versions.front();
    }

    bool operator==(const Policy&) const = default;
};

}  // namespace iotemu::model
