// Template::parse: the structural rules of a provisioning template (docs/aws/iot-core.md §4.4),
// checked once when a body is stored, so a bad template is refused with a message naming the
// problem. Never looks at a parameter's value.
#include "provisioning/template.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "common/json_depth.hpp"
#include "provisioning/detail.hpp"

namespace iotemu::provisioning {
namespace {

using detail::fail;
using nlohmann::json;

constexpr std::array<std::string_view, 6> sections{
    "Parameters", "Mappings", "Resources", "DeviceConfiguration",
    // CloudFormation habits that carry no meaning for AWS IoT; accepted and ignored.
    "AWSTemplateFormatVersion", "Description"};

// A property OverrideSettings may name: as the examples spell it, as the guide's prose does,
// and whether MERGE applies to it.
struct Overridable {
    std::string_view property;
    std::string_view prose;
    bool merge;
};

struct ResourceRule {
    ResourceType type;
    std::string_view name;
    std::vector<std::string_view> properties;
    std::vector<Overridable> overridable;
};

const std::array<ResourceRule, 3>& resource_rules() {
    static const std::array<ResourceRule, 3> rules{{
        {ResourceType::thing,
         "AWS::IoT::Thing",
         {"ThingName", "AttributePayload", "ThingTypeName", "ThingGroups", "BillingGroup"},
         {{"AttributePayload", "ATTRIBUTE_PAYLOAD", true},
          {"ThingTypeName", "THING_TYPE_NAME", false},
          {"ThingGroups", "THING_GROUPS", true}}},
        {ResourceType::certificate,
         "AWS::IoT::Certificate",
         {"CertificateId", "CertificateID", "CertificatePem", "CACertificatePem",
          "CertificateSigningRequest", "Status"},
         {{"Status", "STATUS", false}}},
        {ResourceType::policy, "AWS::IoT::Policy", {"PolicyName", "PolicyDocument"}, {}},
    }};
    return rules;
}

template <class Range>
std::string listed(const Range& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

// The property names, spelled out: std::views over libstdc++ 12 does not build with clang 14,
// which builds the fuzz targets.
std::string listed_properties(const std::vector<Overridable>& overridable) {
    std::vector<std::string_view> names;
    for (const auto& entry : overridable) names.push_back(entry.property);
    return listed(names);
}

void require_object(const json& node, const std::string& where) {
    if (!node.is_object()) fail(where + " must be a JSON object.");
}

void check_parameters(const json& parameters) {
    require_object(parameters, "Parameters");
    for (const auto& [name, declaration] : parameters.items()) {
        const std::string where = "Parameters." + name;
        if (!declaration.is_object())
            fail(where + " must be an object such as {\"Type\": \"String\"}.");
        if (const auto type = declaration.find("Type");
            type != declaration.end() && !type->is_string())
            fail(where + ".Type must be a string such as \"String\".");
        if (const auto value = declaration.find("Default");
            value != declaration.end() && !value->is_string() && !value->is_number())
            fail(where + ".Default must be a string.");
    }
}

// Two levels of keys to plain values; no intrinsic functions (§4.4).
void check_mappings(const json& mappings) {
    require_object(mappings, "Mappings");
    for (const auto& [map_name, map] : mappings.items()) {
        require_object(map, "Mappings." + map_name);
        for (const auto& [key, entries] : map.items()) {
            const std::string where = "Mappings." + map_name + "." + key;
            require_object(entries, where);
            for (const auto& [entry, value] : entries.items()) {
                if (detail::intrinsic_name(value))
                    fail("Intrinsic functions cannot be used in Mappings (" + where + "." + entry +
                         ").");
                if (value.is_object() || value.is_null())
                    fail(where + "." + entry + " must be a string, number or list.");
            }
        }
    }
}

// Fleet provisioning's flat key → value section: strings or intrinsic functions.
void check_device_configuration(const json& configuration, const json& mappings) {
    require_object(configuration, "DeviceConfiguration");
    for (const auto& [key, value] : configuration.items()) {
        const std::string where = "DeviceConfiguration." + key;
        if ((value.is_object() && !detail::intrinsic_name(value)) || value.is_array() ||
            value.is_null())
            fail(where +
                 " must be a string or an intrinsic function: DeviceConfiguration is flat.");
        detail::check_expression(value, mappings, where);
    }
}

std::map<std::string, Override, std::less<>> check_overrides(const json& settings,
                                                             const ResourceRule& rule,
                                                             const std::string& where) {
    if (rule.overridable.empty())
        fail(where + ": OverrideSettings are not available for " + std::string(rule.name) +
             " resources.");
    require_object(settings, where);
    constexpr std::array<std::pair<std::string_view, Override>, 4> values{{
        {"DO_NOTHING", Override::do_nothing},
        {"REPLACE", Override::replace},
        {"FAIL", Override::fail},
        {"MERGE", Override::merge},
    }};
    std::map<std::string, Override, std::less<>> out;
    for (const auto& item : settings.items()) {
        // Named, not structured bindings: the lambdas below capture them, which clang allows
        // only from version 16 (clang 14 builds the fuzz targets).
        const std::string& key = item.key();
        const json& value = item.value();
        const auto property = std::find_if(
            rule.overridable.begin(), rule.overridable.end(),
            [&](const auto& entry) { return key == entry.property || key == entry.prose; });
        if (property == rule.overridable.end())
            fail(where + "." + key + ": " + std::string(rule.name) + " OverrideSettings apply to " +
                 listed_properties(rule.overridable) + ".");
        const auto setting = std::find_if(values.begin(), values.end(), [&](const auto& entry) {
            return value.is_string() && value.get_ref<const std::string&>() == entry.first;
        });
        if (setting == values.end())
            fail(where + "." + key + " must be DO_NOTHING, REPLACE, FAIL or MERGE.");
        if (setting->second == Override::merge && !property->merge)
            fail(where + "." + key + ": MERGE applies only to AttributePayload and ThingGroups.");
        out[std::string(property->property)] = setting->second;
    }
    return out;
}

// Exactly one way to name the certificate, and only the one JITP and fleet provisioning accept.
void check_certificate(const json& properties, const std::string& where) {
    const int ways = static_cast<int>(properties.contains("CertificateId")) +
                     static_cast<int>(properties.contains("CertificateID")) +
                     static_cast<int>(properties.contains("CertificatePem")) +
                     static_cast<int>(properties.contains("CertificateSigningRequest"));
    if (ways != 1)
        fail(where +
             " must give exactly one of CertificateId, CertificatePem or "
             "CertificateSigningRequest.");
    if (!properties.contains("CertificateId") && !properties.contains("CertificateID"))
        fail(where +
             ": CertificatePem and CertificateSigningRequest are for bulk registration; "
             "a JITP or fleet-provisioning template names the certificate by "
             "CertificateId ({\"Ref\": \"AWS::IoT::Certificate::Id\"}).");
    if (const auto status = properties.find("Status");
        status != properties.end() && status->is_string() &&
        !detail::parse_status(status->get_ref<const std::string&>()))
        fail(where + ".Status must be ACTIVE or INACTIVE, not '" + status->get<std::string>() +
             "'.");
}

void check_policy(const json& properties, const std::string& where) {
    if (properties.contains("PolicyName") == properties.contains("PolicyDocument"))
        fail(where +
             " must give PolicyName (an existing policy) or PolicyDocument, not both and "
             "not neither.");
}

void check_thing(const json& properties, const std::string& where) {
    if (const auto payload = properties.find("AttributePayload");
        payload != properties.end() && (!payload->is_object() || detail::intrinsic_name(*payload)))
        fail(where + ".AttributePayload must be an object of attribute names and values.");
    if (const auto groups = properties.find("ThingGroups");
        groups != properties.end() && !groups->is_array() && !detail::intrinsic_name(*groups))
        fail(where + ".ThingGroups must be a list of thing group names.");
}

const ResourceRule& rule_for(const json& type, const std::string& where) {
    for (const auto& rule : resource_rules())
        if (type.is_string() && type.get_ref<const std::string&>() == rule.name) return rule;
    fail(where + ".Type " + (type.is_null() ? "is missing" : "is " + type.dump()) +
         ": a template declares AWS::IoT::Thing, AWS::IoT::Certificate and AWS::IoT::Policy "
         "resources.");
}

std::vector<Template::Resource> check_resources(const json& resources, const json& mappings) {
    static const json no_properties = json::object();
    require_object(resources, "Resources");
    std::vector<Template::Resource> out;
    int things = 0;
    int certificates = 0;
    for (const auto& [logical_id, resource] : resources.items()) {
        const std::string where = "Resources." + logical_id;
        require_object(resource, where);
        for (const auto& [key, value] : resource.items())
            if (key != "Type" && key != "Properties" && key != "OverrideSettings")
                fail(where + "." + key + ": a resource has Type, Properties and OverrideSettings.");
        const ResourceRule& rule = rule_for(resource.value("Type", json()), where);
        const json& properties =
            resource.contains("Properties") ? resource["Properties"] : no_properties;
        require_object(properties, where + ".Properties");
        for (const auto& [key, value] : properties.items())
            if (std::find(rule.properties.begin(), rule.properties.end(), key) ==
                rule.properties.end())
                fail(where + ".Properties." + key + ": " + std::string(rule.name) +
                     " properties are " + listed(rule.properties) + ".");
        detail::check_expression(properties, mappings, where + ".Properties");

        Template::Resource checked{logical_id, rule.type, &properties, {}};
        if (const auto settings = resource.find("OverrideSettings"); settings != resource.end())
            checked.overrides = check_overrides(*settings, rule, where + ".OverrideSettings");
        switch (rule.type) {
            case ResourceType::thing:
                check_thing(properties, where + ".Properties");
                ++things;
                break;
            case ResourceType::certificate:
                check_certificate(properties, where + ".Properties");
                ++certificates;
                break;
            case ResourceType::policy:
                check_policy(properties, where + ".Properties");
                break;
        }
        out.push_back(std::move(checked));
    }
    if (things > 1 || certificates > 1)
        fail(
            "A template declares at most one AWS::IoT::Thing and one AWS::IoT::Certificate "
            "resource.");
    return out;
}

const json& section(const json& document, const char* name) {
    static const json empty = json::object();
    const auto it = document.find(name);
    return it == document.end() ? empty : *it;
}

}  // namespace

std::string_view to_string(ResourceType type) {
    for (const auto& rule : resource_rules())
        if (rule.type == type) return rule.name;
    return "";
}

Result<Template, TemplateError> Template::parse(std::string_view body) {
    std::shared_ptr<json> document;
    if (!json_depth_within(body))
        return Unexpected{TemplateError{"The template body nests more than " +
                                        std::to_string(max_json_depth) + " arrays or objects."}};
    try {
        document = std::make_shared<json>(json::parse(body));
    } catch (const json::parse_error& error) {
        return Unexpected{
            TemplateError{"The template body is not valid JSON (syntax error at byte " +
                          std::to_string(error.byte) + ")."}};
    } catch (const json::out_of_range&) {  // a number beyond a double, e.g. 1e999
        return Unexpected{
            TemplateError{"The template body is not valid JSON (a number out of "
                          "range)."}};
    }
    try {
        if (!document->is_object()) fail("The template body must be a JSON object.");
        for (const auto& [key, value] : document->items())
            if (std::find(sections.begin(), sections.end(), key) == sections.end())
                fail("Unknown template section '" + key +
                     "': a template has Parameters, Mappings, Resources and "
                     "DeviceConfiguration.");
        if (!document->contains("Resources")) fail("The template has no Resources section.");
        const json& mappings = section(*document, "Mappings");
        check_mappings(mappings);
        check_parameters(section(*document, "Parameters"));
        check_device_configuration(section(*document, "DeviceConfiguration"), mappings);
        Template out;
        out.resources_ = check_resources((*document)["Resources"], mappings);
        out.document_ = std::move(document);
        return out;
    } catch (const detail::Failure& failure) {
        return Unexpected{TemplateError{failure.message}};
    }
}

const json& Template::parameters() const { return section(*document_, "Parameters"); }
const json& Template::mappings() const { return section(*document_, "Mappings"); }
const json& Template::device_configuration() const {
    return section(*document_, "DeviceConfiguration");
}

}  // namespace iotemu::provisioning
