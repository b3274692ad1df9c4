// Classifies each policy by what it says about the requests, and decides with evaluate() itself.
#include "policy/explain.hpp"

namespace iotemu::policy {

Explanation explain(std::span<const CompiledPolicy* const> policies,
                    std::span<const Request> requests, const Variables& variables) {
    Explanation out;
    bool every_allowed = !requests.empty();
    for (const auto& request : requests) {
        const Decision decision = evaluate(policies, request, variables);
        if (decision == Decision::explicit_deny) out.decision = Decision::explicit_deny;
        every_allowed = every_allowed && decision == Decision::allow;
    }
    if (out.decision != Decision::explicit_deny && every_allowed) out.decision = Decision::allow;

    for (std::size_t i = 0; i < policies.size(); ++i) {
        bool denies = false, allows = false;
        for (const auto& request : requests) {
            const Decision decision = policies[i]->evaluate(request, variables);
            denies = denies || decision == Decision::explicit_deny;
            allows = allows || decision == Decision::allow;
        }
        (denies ? out.explicit_deny : allows ? out.allowed : out.implicit_deny).push_back(i);
        if (!requests.empty())
            policies[i]->add_missing_context_values(requests.front().action, variables,
                                                    out.missing_context_values);
    }
    return out;
}

}  // namespace iotemu::policy
