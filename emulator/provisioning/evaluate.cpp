// evaluate(): a checked Template and parameter values → a Plan (docs/aws/iot-core.md §4.3, §4.4).
// Every parameter the template declares must have a value or a Default; every property is
// resolved and typed here, so the registry receives only plain values. No registry, no I/O.
#include <nlohmann/json.hpp>

#include "pki/digest.hpp"
#include "provisioning/detail.hpp"
#include "provisioning/template.hpp"

namespace iotemu::provisioning {
namespace {

using detail::as_text;
using detail::fail;
using nlohmann::json;

// The supplied values, plus each declared parameter's Default where none was supplied. "The
// certificate must contain values for all of the parameters in the template body" (§4.3).
Parameters parameter_values(const json& declarations, const Parameters& supplied) {
    Parameters values = supplied;
    for (const auto& [name, declaration] : declarations.items()) {
        if (values.contains(name)) continue;
        const auto fallback = declaration.find("Default");
        if (fallback == declaration.end())
            fail("Parameter '" + name + "' has no value and no Default.");
        values[name] = as_text(*fallback, "Parameters." + name + ".Default");
    }
    return values;
}

class ResourceReader {
public:
    ResourceReader(const Template::Resource& resource, const detail::Scope& scope)
        : resource_(resource), scope_(scope), where_("Resources." + resource.logical_id) {}

    // A property resolved, or nothing when the template does not give it.
    std::optional<json> property(std::string_view name) const {
        const auto it = resource_.properties->find(name);
        if (it == resource_.properties->end()) return std::nullopt;
        return detail::resolve(*it, scope_, at(name));
    }

    std::optional<std::string> text(std::string_view name) const {
        auto value = property(name);
        if (!value) return std::nullopt;
        return as_text(*value, at(name));
    }

    std::string required_text(std::string_view name) const {
        auto value = text(name);
        if (!value)
            fail(where_ + ": the " + std::string(to_string(resource_.type)) + " resource needs " +
                 std::string(name) + ".");
        return std::move(*value);
    }

    Override override_for(std::string_view property) const {
        const auto it = resource_.overrides.find(property);
        return it == resource_.overrides.end() ? Override::do_nothing : it->second;
    }

    std::string at(std::string_view name) const {
        return where_ + ".Properties." + std::string(name);
    }
    const std::string& logical_id() const { return resource_.logical_id; }

private:
    const Template::Resource& resource_;
    const detail::Scope& scope_;
    std::string where_;
};

ThingPlan thing_plan(const ResourceReader& reader) {
    ThingPlan thing;
    thing.logical_id = reader.logical_id();
    thing.thing_name = reader.required_text("ThingName");
    if (const auto payload = reader.property("AttributePayload")) {
        thing.attributes.emplace();
        for (const auto& [name, value] : payload->items())
            (*thing.attributes)[name] = as_text(value, reader.at("AttributePayload") + "." + name);
    }
    thing.thing_type_name = reader.text("ThingTypeName");
    thing.billing_group = reader.text("BillingGroup");
    if (const auto groups = reader.property("ThingGroups")) {
        if (!groups->is_array()) fail(reader.at("ThingGroups") + " must evaluate to a list.");
        thing.thing_groups.emplace();
        for (const auto& group : *groups)
            thing.thing_groups->push_back(as_text(group, reader.at("ThingGroups")));
    }
    thing.attribute_payload_override = reader.override_for("AttributePayload");
    thing.thing_type_name_override = reader.override_for("ThingTypeName");
    thing.thing_groups_override = reader.override_for("ThingGroups");
    return thing;
}

CertificatePlan certificate_plan(const ResourceReader& reader) {
    CertificatePlan certificate;
    certificate.logical_id = reader.logical_id();
    // The guide's property list spells it CertificateID, its examples CertificateId.
    auto id = reader.text("CertificateId");
    certificate.certificate_id = id ? std::move(*id) : reader.required_text("CertificateID");
    if (const auto status = reader.text("Status")) {
        const auto parsed = detail::parse_status(*status);
        if (!parsed)
            fail(reader.at("Status") + " must be ACTIVE or INACTIVE, not '" + *status + "'.");
        certificate.status = *parsed;
    }
    certificate.status_override = reader.override_for("Status");
    return certificate;
}

// "PolicyName … Defaults to a hash of the policy document" (§4.4); an inline object document
// (fleet-provisioning samples) is stored as its JSON text.
PolicyPlan policy_plan(const ResourceReader& reader) {
    PolicyPlan policy;
    policy.logical_id = reader.logical_id();
    if (const auto document = reader.property("PolicyDocument")) {
        if (!document->is_string() && !document->is_object())
            fail(reader.at("PolicyDocument") + " must be a policy document (a string or object).");
        policy.policy_document =
            document->is_string() ? document->get<std::string>() : document->dump();
        policy.policy_name = pki::sha256_hex(*policy.policy_document);
    } else {
        policy.policy_name = reader.required_text("PolicyName");
    }
    return policy;
}

}  // namespace

Result<Plan, TemplateError> evaluate(const Template& tmpl, const Parameters& parameters) {
    try {
        const Parameters values = parameter_values(tmpl.parameters(), parameters);
        const detail::Scope scope{tmpl.mappings(), values};
        Plan plan;
        for (const auto& resource : tmpl.resources()) {
            const ResourceReader reader(resource, scope);
            switch (resource.type) {
                case ResourceType::thing:
                    plan.thing = thing_plan(reader);
                    break;
                case ResourceType::certificate:
                    plan.certificate = certificate_plan(reader);
                    break;
                case ResourceType::policy:
                    plan.policies.push_back(policy_plan(reader));
                    break;
            }
        }
        for (const auto& [key, value] : tmpl.device_configuration().items())
            plan.device_configuration[key] =
                as_text(detail::resolve(value, scope, "DeviceConfiguration." + key),
                        "DeviceConfiguration." + key);
        return plan;
    } catch (const detail::Failure& failure) {
        return Unexpected{TemplateError{failure.message}};
    }
}

}  // namespace iotemu::provisioning
