// IoT policy evaluation (docs/aws/iot-core.md §5): may this connection do this action on this
// resource under its certificate's policies. Sans-I/O: Documents, Variables and a Request in, a
// Decision out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/condition.hpp"
#include "policy/document.hpp"
#include "policy/variables.hpp"

namespace iotemu::policy {

enum class Decision { allow, implicit_deny, explicit_deny };

// One authorization question (docs/aws/iot-core.md §5.1).
struct Request {
    std::string action;    // "iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive", …
    std::string resource;  // full ARN, e.g. "arn:aws:iot:us-east-1:123456789012:topic/foo/bar"
};

// A Document made ready for evaluation once, when a policy version is attached or changes, so a
// PUBLISH or a delivery costs string matching only: Condition JSON parsed, actions lower-cased,
// Resource strings split around their variables.
class CompiledPolicy {
public:
    explicit CompiledPolicy(const Document& document);

    // What this emulator cannot evaluate in the document (Date* and Binary* operators, …), for the
    // caller to log once. A statement whose Condition has any of these never allows, and a Deny
    // statement with one applies as if its Condition held: unsupported fails closed both ways.
    const std::vector<std::string>& unsupported() const { return unsupported_; }

    // This policy alone: explicit_deny if a Deny statement matches, else allow if an Allow does.
    Decision evaluate(const Request& request, const Variables& variables) const;

    // The policy variables and condition keys that statements for `action` refer to and that have
    // no value on this connection (TestAuthorization's missingContextValues), each added to `out`
    // once. Keys of `Null` and `…IfExists` clauses, whose absence is expected, are not listed.
    void add_missing_context_values(std::string_view action, const Variables& variables,
                                    std::vector<std::string>& out) const;

private:
    struct Statement {
        Effect effect;
        std::vector<std::string> actions, not_actions;  // lower-cased patterns
        std::vector<Template> resources, not_resources;
        std::optional<Condition> condition;

        bool matches(std::string_view lower_action, std::string_view resource,
                     const Variables& variables) const;
        bool applies_to(std::string_view lower_action) const;
    };
    std::vector<Statement> statements_;
    std::vector<std::string> unsupported_;
};

// IAM combination (docs/aws/iot-core.md §5.2): any matching Deny → explicit_deny; else any matching
// Allow → allow; else implicit_deny. A statement matches when its Action (or NotAction) matches the
// action (case-insensitive), its Resource (or NotResource) matches the resource after substitution,
// and its Condition holds.
Decision evaluate(std::span<const CompiledPolicy* const> policies, const Request& request,
                  const Variables& variables);

// Convenience over uncompiled documents: compiles each one for this single evaluation.
Decision evaluate(std::span<const Document* const> documents, const Request& request,
                  const Variables& variables);

}  // namespace iotemu::policy
