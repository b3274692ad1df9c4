// The IoT model's response shapes for model values (certificate descriptions, things, groups,
// types, policies, pages), written once and shared by every handler. Pure value → JSON; never
// reads a request or calls the registry.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/certificate.hpp"
#include "model/policy.hpp"
#include "model/thing.hpp"
#include "registry/registry.hpp"

namespace iotemu::api::render {

// Epoch seconds with milliseconds, a JSON number (docs/aws/iot-core.md §0.1).
nlohmann::json timestamp(Timestamp t);

// {certificateArn, certificateId}: what every registration answers.
nlohmann::json certificate_reference(std::string_view arn, std::string_view id);

// CertificateDescription / CACertificateDescription and RegistrationConfig.
nlohmann::json certificate_description(const model::Certificate& certificate);
nlohmann::json ca_certificate_description(const model::CaCertificate& ca);
nlohmann::json registration_config(const model::RegistrationConfig& config);

// {"certificates": [...], "nextMarker"?}: ListCertificates, ListCertificatesByCA.
nlohmann::json certificate_page(const registry::Page<model::Certificate>& page);
// {"certificates": [...], "nextMarker"?}: ListCACertificates.
nlohmann::json ca_certificate_page(const registry::Page<model::CaCertificate>& page);

// CreateThing's answer, DescribeThing's, and ListThings' page.
nlohmann::json thing_created(const model::Thing& thing);
nlohmann::json thing_description(const model::Thing& thing);
nlohmann::json thing_page(const registry::Page<model::Thing>& page);

nlohmann::json thing_type_created(const model::ThingType& type);
nlohmann::json thing_type_description(const model::ThingType& type);
nlohmann::json thing_type_page(const registry::Page<model::ThingType>& page);

nlohmann::json thing_group_created(const model::ThingGroup& group);
// `root_to_parent`: the group's ancestors, root first, ending with its parent.
nlohmann::json thing_group_description(const model::ThingGroup& group,
                                       const std::vector<model::ThingGroup>& root_to_parent);
nlohmann::json thing_group_page(const registry::Page<model::ThingGroup>& page);

// CreatePolicy, GetPolicy, CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions.
nlohmann::json policy_created(const registry::PolicyVersionView& view);
nlohmann::json policy(const model::Policy& policy);
nlohmann::json policy_version_created(const registry::PolicyVersionView& view);
nlohmann::json policy_version(const registry::PolicyVersionView& view);
nlohmann::json policy_version_list(const std::vector<registry::PolicyVersionView>& views);
// {"policies": [{policyName, policyArn}], "nextMarker"?}: ListPolicies, ListAttachedPolicies,
// ListPrincipalPolicies.
nlohmann::json policy_page(const registry::Page<model::Policy>& page);

// DescribeEventConfigurations: every EventType with {Enabled}, and the dates once configured.
nlohmann::json event_configurations(const model::EventConfigurations& configurations);
// GetEffectivePolicies: [{policyName, policyArn, policyDocument}], the document as a string.
nlohmann::json effective_policies(const std::vector<model::Policy>& policies);
// {policyName, policyArn} of each policy: TestAuthorization's Policies shape.
nlohmann::json policy_summaries(const std::vector<model::Policy>& policies);

// Marker-paged operations answer nextMarker; token-paged ones nextToken.
enum class Paging { marker, token };
// {"<key>": [names...], next?}: principals, things, targets.
nlohmann::json name_page(const registry::Page<std::string>& page, std::string_view key,
                         Paging paging);

}  // namespace iotemu::api::render
