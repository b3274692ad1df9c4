// TestAuthorization's reasoning (docs/aws/provisioning-and-services.md §4.2): for one action on
// one or more resources, the decision the broker would reach and which policies led to it. The
// decision is evaluate()'s, per resource, so the answer and the broker never disagree. Sans-I/O.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "policy/evaluate.hpp"

namespace iotemu::policy {

struct Explanation {
    // explicit_deny if any resource is explicitly denied; allow if every resource is allowed;
    // implicit_deny otherwise (no resources included).
    Decision decision = Decision::implicit_deny;
    // Indexes into the policies given, in their order: those with a matching Deny for some
    // resource; else those with a matching Allow for some resource; else those with no matching
    // statement at all.
    std::vector<std::size_t> explicit_deny, allowed, implicit_deny;
    // Variables and condition keys the applicable statements need and the connection lacks.
    std::vector<std::string> missing_context_values;
};

// `requests` share one action (one authInfo); each is one resource.
Explanation explain(std::span<const CompiledPolicy* const> policies,
                    std::span<const Request> requests, const Variables& variables);

}  // namespace iotemu::policy
