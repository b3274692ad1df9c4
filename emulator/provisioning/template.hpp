// Template: a provisioning template body parsed and validated (docs/aws/iot-core.md §4.4), and
// evaluate(), which turns it and a parameter map into a Plan. Pure: no I/O, no registry; the
// same engine serves JITP (parameters from the device certificate, jitp_parameters.hpp) and
// fleet provisioning (parameters from the device's request).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "provisioning/plan.hpp"

namespace iotemu::provisioning {

// What is wrong with a template body, or why evaluating it failed, in words a user can act on.
struct TemplateError {
    std::string message;
};

// Parameter values by name: the eight AWS::IoT::Certificate::* values for JITP, the request's
// `parameters` for fleet provisioning.
using Parameters = std::map<std::string, std::string, std::less<>>;

enum class ResourceType { thing, certificate, policy };
// "AWS::IoT::Thing", "AWS::IoT::Certificate", "AWS::IoT::Policy".
std::string_view to_string(ResourceType type);

class Template {
public:
    // One entry of Resources, checked: a known type, known properties, valid OverrideSettings.
    struct Resource {
        std::string logical_id;
        ResourceType type;
        const nlohmann::json* properties;  // an object inside the template's own document
        std::map<std::string, Override, std::less<>> overrides;  // by property name
    };

    // Checks everything that does not depend on parameter values: JSON, sections, resource
    // types and properties, OverrideSettings, intrinsic function names and argument shapes,
    // mappings named by Fn::FindInMap. The error names the first problem found.
    static Result<Template, TemplateError> parse(std::string_view body);

    const nlohmann::json& parameters() const;  // the Parameters object ({} when absent)
    const nlohmann::json& mappings() const;    // the Mappings object ({} when absent)
    const nlohmann::json& device_configuration() const;
    const std::vector<Resource>& resources() const { return resources_; }

private:
    Template() = default;

    std::shared_ptr<const nlohmann::json> document_;  // shared by copies; never changes
    std::vector<Resource> resources_;
};

// Resolves every parameter, intrinsic function and property into a Plan. Fails with the precise
// reason when the template cannot be satisfied: a declared parameter with no value and no
// Default, an Fn::Select index out of bounds, a key missing from a mapping, a property of the
// wrong type.
Result<Plan, TemplateError> evaluate(const Template& tmpl, const Parameters& parameters);

}  // namespace iotemu::provisioning
