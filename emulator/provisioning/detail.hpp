// Internals shared by the template engine's sources: the one failure type they throw (parse() and
// evaluate() turn it into a TemplateError), intrinsic functions (check and resolve), and the
// spellings of resource properties and statuses. Included only by provisioning/*.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "model/statuses.hpp"
#include "provisioning/template.hpp"

namespace iotemu::provisioning::detail {

// Thrown while checking or evaluating; `message` becomes the TemplateError's.
struct Failure {
    std::string message;
};
[[noreturn]] void fail(std::string message);

// "Ref", or a key that starts with "Fn:" (a misspelt "Fn:Join" is still meant as a function),
// when `node` is an object holding one; empty otherwise.
std::optional<std::string> intrinsic_name(const nlohmann::json& node);

// Checks every intrinsic function in `node` (recursively): a known name, the right argument
// shapes, and a Mappings entry for each Fn::FindInMap whose map name is a literal. `where` is the
// path to `node` for the message, e.g. "Resources.thing.Properties.ThingName".
void check_expression(const nlohmann::json& node, const nlohmann::json& mappings,
                      const std::string& where);

// The values intrinsic functions read: Mappings and every parameter's value (supplied or Default).
struct Scope {
    const nlohmann::json& mappings;
    const Parameters& values;
};

// `node` with every intrinsic function replaced by its value (a string, a list or a mapping
// value); fails with the precise reason when one cannot be evaluated.
nlohmann::json resolve(const nlohmann::json& node, const Scope& scope, const std::string& where);

// A resolved value as text: strings as they are, numbers and booleans as JSON spells them.
std::string as_text(const nlohmann::json& value, const std::string& where);

// A certificate resource's Status: ACTIVE or INACTIVE in any letter case (AWS's own examples
// write "Active").
std::optional<model::CertificateStatus> parse_status(std::string_view text);

}  // namespace iotemu::provisioning::detail
