// Model values → the IoT model's JSON response members, one function per shape so no member
// name is spelled twice. Never validates input or chooses an error.
#include "api/render.hpp"

#include <nlohmann/json.hpp>

namespace iotemu::api::render {

using nlohmann::json;

namespace {

template <class T, class Render>
json page_of(const registry::Page<T>& page, std::string_view key, Paging paging, Render render) {
    json items = json::array();
    for (const auto& item : page.items) items.push_back(render(item));
    json out = {{std::string(key), std::move(items)}};
    // The key is absent on the last page: botocore's paginators stop on a missing token.
    if (page.next_marker)
        out[paging == Paging::marker ? "nextMarker" : "nextToken"] = *page.next_marker;
    return out;
}

json validity(const model::Validity& v) {
    return {{"notBefore", timestamp(v.not_before)}, {"notAfter", timestamp(v.not_after)}};
}

json attributes(const model::Attributes& a) {
    json out = json::object();
    for (const auto& [name, value] : a) out[name] = value;
    return out;
}

json thing_type_properties(const model::ThingType& type) {
    json out = {{"searchableAttributes", type.searchable_attributes}};
    if (type.description) out["thingTypeDescription"] = *type.description;
    return out;
}

json thing_type_metadata(const model::ThingType& type) {
    json out = {{"deprecated", type.deprecated}, {"creationDate", timestamp(type.creation_date)}};
    if (type.deprecation_date) out["deprecationDate"] = timestamp(*type.deprecation_date);
    return out;
}

json group_name_and_arn(const model::ThingGroup& group) {
    return {{"groupName", group.name}, {"groupArn", group.arn}};
}

json policy_summary(const model::Policy& policy) {
    return {{"policyName", policy.name}, {"policyArn", policy.arn}};
}

}  // namespace

json timestamp(Timestamp t) { return epoch_seconds_ms(t); }

json certificate_reference(std::string_view arn, std::string_view id) {
    return {{"certificateArn", std::string(arn)}, {"certificateId", std::string(id)}};
}

json certificate_description(const model::Certificate& c) {
    json out = {
        {"certificateArn", c.arn},
        {"certificateId", c.id},
        {"status", std::string(model::to_string(c.status))},
        {"certificatePem", c.pem},
        {"ownedBy", c.owned_by},
        {"creationDate", timestamp(c.creation_date)},
        {"lastModifiedDate", timestamp(c.last_modified_date)},
        {"customerVersion", c.customer_version},
        {"transferData", json::object()},
        {"generationId", c.generation_id},
        {"validity", validity(c.validity)},
        {"certificateMode", std::string(model::to_string(c.mode))},
    };
    if (c.ca_certificate_id) out["caCertificateId"] = *c.ca_certificate_id;
    if (c.previous_owned_by) out["previousOwnedBy"] = *c.previous_owned_by;
    return out;
}

json ca_certificate_description(const model::CaCertificate& ca) {
    return {
        {"certificateArn", ca.arn},
        {"certificateId", ca.id},
        {"status", std::string(model::to_string(ca.status))},
        {"certificatePem", ca.pem},
        {"ownedBy", ca.owned_by},
        {"creationDate", timestamp(ca.creation_date)},
        {"lastModifiedDate", timestamp(ca.last_modified_date)},
        {"autoRegistrationStatus", std::string(model::to_string(ca.auto_registration_status))},
        {"customerVersion", ca.customer_version},
        {"generationId", ca.generation_id},
        {"validity", validity(ca.validity)},
        {"certificateMode", std::string(model::to_string(ca.mode))},
    };
}

json registration_config(const model::RegistrationConfig& config) {
    json out = json::object();
    if (config.template_body) out["templateBody"] = *config.template_body;
    if (config.role_arn) out["roleArn"] = *config.role_arn;
    if (config.template_name) out["templateName"] = *config.template_name;
    return out;
}

json certificate_page(const registry::Page<model::Certificate>& page) {
    return page_of(page, "certificates", Paging::marker, [](const model::Certificate& c) {
        return json{{"certificateArn", c.arn},
                    {"certificateId", c.id},
                    {"status", std::string(model::to_string(c.status))},
                    {"certificateMode", std::string(model::to_string(c.mode))},
                    {"creationDate", timestamp(c.creation_date)}};
    });
}

json ca_certificate_page(const registry::Page<model::CaCertificate>& page) {
    return page_of(page, "certificates", Paging::marker, [](const model::CaCertificate& ca) {
        return json{{"certificateArn", ca.arn},
                    {"certificateId", ca.id},
                    {"status", std::string(model::to_string(ca.status))},
                    {"creationDate", timestamp(ca.creation_date)}};
    });
}

json thing_created(const model::Thing& thing) {
    return {{"thingName", thing.name}, {"thingArn", thing.arn}, {"thingId", thing.id}};
}

json thing_description(const model::Thing& thing) {
    // defaultClientId is the thing name, as AWS shows it.
    json out = {{"defaultClientId", thing.name},
                {"thingName", thing.name},
                {"thingId", thing.id},
                {"thingArn", thing.arn},
                {"attributes", attributes(thing.attributes)},
                {"version", thing.version}};
    if (thing.thing_type_name) out["thingTypeName"] = *thing.thing_type_name;
    if (thing.billing_group_name) out["billingGroupName"] = *thing.billing_group_name;
    return out;
}

json thing_page(const registry::Page<model::Thing>& page) {
    return page_of(page, "things", Paging::token, [](const model::Thing& thing) {
        json out = {{"thingName", thing.name},
                    {"thingArn", thing.arn},
                    {"attributes", attributes(thing.attributes)},
                    {"version", thing.version}};
        if (thing.thing_type_name) out["thingTypeName"] = *thing.thing_type_name;
        return out;
    });
}

json thing_type_created(const model::ThingType& type) {
    return {{"thingTypeName", type.name}, {"thingTypeArn", type.arn}, {"thingTypeId", type.id}};
}

json thing_type_description(const model::ThingType& type) {
    return {{"thingTypeName", type.name},
            {"thingTypeId", type.id},
            {"thingTypeArn", type.arn},
            {"thingTypeProperties", thing_type_properties(type)},
            {"thingTypeMetadata", thing_type_metadata(type)}};
}

json thing_type_page(const registry::Page<model::ThingType>& page) {
    return page_of(page, "thingTypes", Paging::token, [](const model::ThingType& type) {
        return json{{"thingTypeName", type.name},
                    {"thingTypeArn", type.arn},
                    {"thingTypeProperties", thing_type_properties(type)},
                    {"thingTypeMetadata", thing_type_metadata(type)}};
    });
}

json thing_group_created(const model::ThingGroup& group) {
    return {
        {"thingGroupName", group.name}, {"thingGroupArn", group.arn}, {"thingGroupId", group.id}};
}

json thing_group_description(const model::ThingGroup& group,
                             const std::vector<model::ThingGroup>& root_to_parent) {
    json properties = {{"attributePayload", {{"attributes", attributes(group.attributes)}}}};
    if (group.description) properties["thingGroupDescription"] = *group.description;
    json ancestors = json::array();
    for (const auto& ancestor : root_to_parent) ancestors.push_back(group_name_and_arn(ancestor));
    json metadata = {{"rootToParentThingGroups", std::move(ancestors)},
                     {"creationDate", timestamp(group.creation_date)}};
    if (group.parent_group_name) metadata["parentGroupName"] = *group.parent_group_name;
    return {{"thingGroupName", group.name},
            {"thingGroupId", group.id},
            {"thingGroupArn", group.arn},
            {"version", group.version},
            {"thingGroupProperties", std::move(properties)},
            {"thingGroupMetadata", std::move(metadata)}};
}

json thing_group_page(const registry::Page<model::ThingGroup>& page) {
    return page_of(page, "thingGroups", Paging::token, group_name_and_arn);
}

json policy_created(const registry::PolicyVersionView& view) {
    return {{"policyName", view.policy.name},
            {"policyArn", view.policy.arn},
            {"policyDocument", view.version.document},
            {"policyVersionId", view.version.version_id}};
}

json policy(const model::Policy& policy) {
    return {{"policyName", policy.name},
            {"policyArn", policy.arn},
            {"policyDocument", policy.default_version().document},
            {"defaultVersionId", policy.default_version_id},
            {"creationDate", timestamp(policy.creation_date)},
            {"lastModifiedDate", timestamp(policy.last_modified_date)},
            {"generationId", policy.generation_id}};
}

json policy_version_created(const registry::PolicyVersionView& view) {
    return {{"policyArn", view.policy.arn},
            {"policyDocument", view.version.document},
            {"policyVersionId", view.version.version_id},
            {"isDefaultVersion", view.is_default}};
}

json policy_version(const registry::PolicyVersionView& view) {
    // creationDate is the version's; lastModifiedDate and generationId the policy's.
    return {{"policyArn", view.policy.arn},
            {"policyName", view.policy.name},
            {"policyDocument", view.version.document},
            {"policyVersionId", view.version.version_id},
            {"isDefaultVersion", view.is_default},
            {"creationDate", timestamp(view.version.creation_date)},
            {"lastModifiedDate", timestamp(view.policy.last_modified_date)},
            {"generationId", view.policy.generation_id}};
}

json policy_version_list(const std::vector<registry::PolicyVersionView>& views) {
    json versions = json::array();
    for (const auto& view : views)
        versions.push_back({{"versionId", view.version.version_id},
                            {"isDefaultVersion", view.is_default},
                            {"createDate", timestamp(view.version.creation_date)}});
    return {{"policyVersions", std::move(versions)}};
}

json policy_page(const registry::Page<model::Policy>& page) {
    return page_of(page, "policies", Paging::marker, policy_summary);
}

json event_configurations(const model::EventConfigurations& configurations) {
    json types = json::object();
    for (std::size_t i = 0; i < model::event_type_count; ++i) {
        const auto type = static_cast<model::EventType>(i);
        types[std::string(model::to_string(type))] = {{"Enabled", configurations.is_enabled(type)}};
    }
    json out = {{"eventConfigurations", std::move(types)}};
    if (configurations.creation_date)
        out["creationDate"] = timestamp(*configurations.creation_date);
    if (configurations.last_modified_date)
        out["lastModifiedDate"] = timestamp(*configurations.last_modified_date);
    return out;
}

json effective_policies(const std::vector<model::Policy>& policies) {
    json out = json::array();
    for (const auto& policy : policies)
        out.push_back({{"policyName", policy.name},
                       {"policyArn", policy.arn},
                       {"policyDocument", policy.default_version().document}});
    return {{"effectivePolicies", std::move(out)}};
}

json policy_summaries(const std::vector<model::Policy>& policies) {
    json out = json::array();
    for (const auto& policy : policies) out.push_back(policy_summary(policy));
    return out;
}

json name_page(const registry::Page<std::string>& page, std::string_view key, Paging paging) {
    return page_of(page, key, paging, [](const std::string& name) { return json(name); });
}

}  // namespace iotemu::api::render
