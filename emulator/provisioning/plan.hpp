// Plan: what evaluating a provisioning template asks the registry to do (docs/aws/iot-core.md
// §4.4), as plain values. The registry decides create-or-update against its state and applies a
// plan in one step; nothing here knows the state. std + model only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/statuses.hpp"
#include "model/thing.hpp"

namespace iotemu::provisioning {

// OverrideSettings: what to do with a property of a resource that already exists.
enum class Override { do_nothing, replace, fail, merge };

struct ThingPlan {
    std::string logical_id;  // the resource's key under Resources
    std::string thing_name;
    std::optional<model::Attributes> attributes;  // AttributePayload
    std::optional<std::string> thing_type_name;
    std::optional<std::vector<std::string>> thing_groups;
    std::optional<std::string> billing_group;
    Override attribute_payload_override = Override::do_nothing;
    Override thing_type_name_override = Override::do_nothing;
    Override thing_groups_override = Override::do_nothing;
};

// The certificate, by id: the only form JITP and fleet provisioning accept (§4.4).
struct CertificatePlan {
    std::string logical_id;
    std::string certificate_id;
    model::CertificateStatus status = model::CertificateStatus::active;  // ACTIVE or INACTIVE
    // Applies to a certificate already out of PENDING_ACTIVATION; a pending one always takes
    // `status` (it is the certificate being provisioned).
    Override status_override = Override::do_nothing;
};

struct PolicyPlan {
    std::string logical_id;
    std::string policy_name;  // PolicyName, or the SHA-256 of the document when only it is given
    std::optional<std::string> policy_document;  // absent: the named policy must already exist
};

struct Plan {
    std::optional<ThingPlan> thing;
    std::optional<CertificatePlan> certificate;
    std::vector<PolicyPlan> policies;
    std::map<std::string, std::string> device_configuration;  // fleet provisioning's reply
};

}  // namespace iotemu::provisioning
