// State: everything the registry knows, as maps that remember which records may have changed
// (records.hpp). The Store persists it; nothing outside the registry reads or writes it directly.
// std + model only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/certificate.hpp"
#include "model/policy.hpp"
#include "model/provisioning_template.hpp"
#include "model/registry_events.hpp"
#include "model/thing.hpp"
#include "registry/records.hpp"

namespace iotemu::registry {

// A record with its insertion sequence: list operations page in creation order
// (docs/aws/iot-core.md §1.4).
template <class T>
struct Entry {
    std::uint64_t sequence = 0;
    T value;

    bool operator==(const Entry&) const = default;
};

// A temporary claim certificate from CreateProvisioningClaim
// (docs/aws/provisioning-and-services.md §1.10): outside the certificate list, good for one
// template's fleet-provisioning topics until it expires.
struct ProvisioningClaim {
    model::Certificate certificate;
    std::string template_name;
    Timestamp expiration;

    bool operator==(const ProvisioningClaim&) const = default;
};

struct State {
    std::optional<std::string> registration_code;
    std::uint64_t next_sequence = 1;

    Records<Entry<model::CaCertificate>> ca_certificates;                // by id
    Records<Entry<model::Certificate>> certificates;                     // by id
    Records<Entry<model::Thing>> things;                                 // by name
    Records<Entry<model::ThingType>> thing_types;                        // by name
    Records<Entry<model::ThingGroup>> thing_groups;                      // by name
    Records<Entry<model::Policy>> policies;                              // by name
    Records<std::uint64_t> next_policy_version;                          // by policy name
    Records<Entry<model::ProvisioningTemplate>> provisioning_templates;  // by name
    Records<ProvisioningClaim> provisioning_claims;                      // by certificate id
    model::EventConfigurations event_configurations;

    // Attachments. Principals and targets are ARNs (or other principal strings AWS accepts).
    Records<std::set<std::string>> thing_principals;  // thing name -> principals
    Records<std::set<std::string>> policy_targets;    // policy name -> targets
    Records<std::set<std::string>> group_things;      // group name -> thing names

    bool operator==(const State&) const = default;

    // After a save: what the maps remember as changed is now in the store (records.hpp).
    void forget_changes() {
        const auto forget = [](auto&... records) { (records.forget_changes(), ...); };
        forget(ca_certificates, certificates, things, thing_types, thing_groups, policies,
               next_policy_version, provisioning_templates, provisioning_claims, thing_principals,
               policy_targets, group_things);
    }
};

}  // namespace iotemu::registry
