// Provisioning templates and their versions as the registry keeps them
// (docs/aws/provisioning-and-services.md §2). Plain values; std only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace iotemu::model {

// A fleet-provisioning template's pre-provisioning hook: the Lambda RegisterThing calls first
// (docs/aws/provisioning-and-services.md §1.8).
struct ProvisioningHook {
    std::string target_arn;
    std::optional<std::string> payload_version;

    bool operator==(const ProvisioningHook&) const = default;
};

struct ProvisioningTemplateVersion {
    int version_id = 1;  // 1, 2, … never reused within a template
    std::string body;    // the template body exactly as submitted
    Timestamp creation_date;

    bool operator==(const ProvisioningTemplateVersion&) const = default;
};

struct ProvisioningTemplate {
    std::string name;
    std::string arn;
    std::optional<std::string> description;
    TemplateType type = TemplateType::fleet_provisioning;
    bool enabled = false;
    std::string provisioning_role_arn;
    std::optional<ProvisioningHook> pre_provisioning_hook;
    Tags tags;
    Timestamp creation_date;
    Timestamp last_modified_date;
    std::vector<ProvisioningTemplateVersion> versions;  // oldest first
    int default_version_id = 1;
    int next_version_id = 2;

    const ProvisioningTemplateVersion& default_version() const {
        for (const auto& v : versions)
            if (v.version_id == default_version_id) return v;
        return versions.front();
    }

    bool operator==(const ProvisioningTemplate&) const = default;
};

}  // namespace iotemu::model
