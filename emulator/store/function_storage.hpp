// Lambda functions created with the API on the state database: one row per function, its
// configuration, resource policy and package folder as JSON (docs/state.md §1). The package's
// files stay where the Lambda service extracted them, under the data dir.
#pragma once

#include <memory>

#include "rules/lambda/function_storage.hpp"
#include "store/database.hpp"

namespace iotemu::store {

class SqliteFunctionStorage final : public lambda::FunctionStorage {
public:
    explicit SqliteFunctionStorage(std::shared_ptr<Database> database);
    std::vector<lambda::Function> load() override;
    void put(const lambda::Function& function) override;
    void erase(std::string_view function_name) override;

private:
    std::shared_ptr<Database> database_;
    Statement upsert_;
    Statement delete_;
};

}  // namespace iotemu::store
