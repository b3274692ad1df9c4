// FunctionStorage: where the functions created with the Lambda API live between runs
// (docs/state.md §1) — their configuration, resource policy and the folder their package was
// extracted to. Owned by the Lambda service, implemented on the state database
// (emulator/store/); without one, functions live in memory only. Functions declared with
// --function are never stored: every start declares them. std only.
#pragma once

#include <string_view>
#include <vector>

#include "rules/lambda/function.hpp"

namespace iotemu::lambda {

// Each call is durable when it returns; a failure throws, and the operation changes nothing.
class FunctionStorage {
public:
    virtual ~FunctionStorage() = default;
    virtual std::vector<Function> load() = 0;
    virtual void put(const Function& function) = 0;  // adds or replaces, by name
    virtual void erase(std::string_view function_name) = 0;
};

}  // namespace iotemu::lambda
