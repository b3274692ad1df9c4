// Decides a Request against compiled IoT policies with IAM's combining rules
// (docs/aws/iot-core.md §5.2). Pure and allocation-light on the per-request path; never logs, never
// throws for a policy it dislikes.
#include "policy/evaluate.hpp"

#include <algorithm>

#include "policy/pattern.hpp"

namespace iotemu::policy {
namespace {

bool any_action_matches(const std::vector<std::string>& patterns, std::string_view lower_action) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
        return wildcard_match(pattern, lower_action);
    });
}

// A Resource entry whose variable cannot be resolved matches no resource
// (docs/aws/iot-core.md §5.2: AWS leaves `${…}` in place, and no real ARN carries it). For Allow
// that withholds the grant. For Deny it withholds the denial too: a Deny on
// `topic/${iot:Connection.Thing.ThingName}` does not apply to a connection without an attached
// thing, as in IAM, where a statement naming a missing key "does not match" whatever its effect;
// and a NotResource entry that cannot be resolved excludes nothing, so a Deny with it applies more
// widely. Policies must not rely on a Deny whose variable may be missing; DG cert-policy-variables
// warns of "unexpected behavior" for exactly this case.
bool any_resource_matches(const std::vector<Template>& entries, std::string_view resource,
                          const Variables& variables) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Template& entry) { return entry.matches(resource, variables); });
}

std::vector<std::string> lowered(const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    out.reserve(texts.size());
    for (const auto& text : texts) out.push_back(to_lower(text));
    return out;
}

std::vector<Template> templates(const std::vector<std::string>& texts) {
    return {texts.begin(), texts.end()};
}

}  // namespace

CompiledPolicy::CompiledPolicy(const Document& document) {
    statements_.reserve(document.statements.size());
    for (const auto& source : document.statements) {
        Statement statement{source.effect,
                            lowered(source.actions),
                            lowered(source.not_actions),
                            templates(source.resources),
                            templates(source.not_resources),
                            std::nullopt};
        if (source.condition_json) {
            statement.condition = compile_condition(*source.condition_json);
            for (const auto& what : statement.condition->unsupported)
                if (std::find(unsupported_.begin(), unsupported_.end(), what) == unsupported_.end())
                    unsupported_.push_back(what);
        }
        statements_.push_back(std::move(statement));
    }
}

bool CompiledPolicy::Statement::applies_to(std::string_view lower_action) const {
    return not_actions.empty() ? any_action_matches(actions, lower_action)
                               : !any_action_matches(not_actions, lower_action);
}

bool CompiledPolicy::Statement::matches(std::string_view lower_action, std::string_view resource,
                                        const Variables& variables) const {
    if (!applies_to(lower_action)) return false;
    const bool resource_matches = not_resources.empty()
                                      ? any_resource_matches(resources, resource, variables)
                                      : !any_resource_matches(not_resources, resource, variables);
    if (!resource_matches) return false;
    if (!condition) return true;
    switch (evaluate_condition(*condition, variables)) {
        case ConditionResult::holds:
            return true;
        case ConditionResult::fails:
            return false;
        // Fail closed both ways (see CompiledPolicy::unsupported): never grant, always deny.
        case ConditionResult::unsupported:
            return effect == Effect::deny;
    }
    return false;
}

Decision CompiledPolicy::evaluate(const Request& request, const Variables& variables) const {
    const std::string action = to_lower(request.action);  // action names are case-insensitive
    Decision decision = Decision::implicit_deny;
    for (const auto& statement : statements_) {
        if (!statement.matches(action, request.resource, variables)) continue;
        if (statement.effect == Effect::deny) return Decision::explicit_deny;
        decision = Decision::allow;
    }
    return decision;
}

void CompiledPolicy::add_missing_context_values(std::string_view action, const Variables& variables,
                                                std::vector<std::string>& out) const {
    const auto note = [&](std::string_view name) {
        if (!key_values(name, variables).empty()) return;
        if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
    };
    const auto note_all = [&](const std::vector<Template>& templates) {
        for (const auto& entry : templates)
            for (const auto name : entry.variable_names()) note(name);
    };
    const std::string lower_action = to_lower(action);
    for (const auto& statement : statements_) {
        if (!statement.applies_to(lower_action)) continue;
        note_all(statement.resources);
        note_all(statement.not_resources);
        if (!statement.condition) continue;
        for (const auto& clause : statement.condition->clauses) {
            if (clause.op != ConditionOperator::null && !clause.if_exists) note(clause.key);
            note_all(clause.values);
        }
    }
}

Decision evaluate(std::span<const CompiledPolicy* const> policies, const Request& request,
                  const Variables& variables) {
    Decision decision = Decision::implicit_deny;
    for (const CompiledPolicy* policy : policies) {
        switch (policy->evaluate(request, variables)) {
            case Decision::explicit_deny:
                return Decision::explicit_deny;  // Deny wins over Allow
            case Decision::allow:
                decision = Decision::allow;
                break;
            case Decision::implicit_deny:
                break;
        }
    }
    return decision;
}

Decision evaluate(std::span<const Document* const> documents, const Request& request,
                  const Variables& variables) {
    std::vector<CompiledPolicy> compiled;
    compiled.reserve(documents.size());
    for (const Document* document : documents) compiled.emplace_back(*document);
    std::vector<const CompiledPolicy*> pointers;
    pointers.reserve(compiled.size());
    for (const auto& policy : compiled) pointers.push_back(&policy);
    return evaluate(pointers, request, variables);
}

}  // namespace iotemu::policy
