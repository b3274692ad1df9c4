// FunctionStore: the Lambda functions of one account and region, in memory, with Lambda's rules
// for each control-plane operation (existing names, lookups by name or ARN, revision
// preconditions, resource-policy statements). Operations throw AwsError and a failed call
// changes nothing. With a FunctionStorage every change is written before it returns (and a
// failed write changes nothing). Thread-safe (one lock, shared for reads); never touches the
// file system: code arrives as an already extracted FunctionCode.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rules/lambda/function.hpp"
#include "rules/lambda/function_storage.hpp"

namespace iotemu::lambda {

struct CreateFunctionRequest {
    std::string function_name;  // a name, or a full/partial ARN in this account and region
    FunctionSettings settings;  // runtime, handler and role are required
    FunctionCode code;
};

struct AddPermissionRequest {
    PolicyStatement statement;
    std::optional<std::string> revision_id;  // PreconditionFailedException when stale
};

struct FunctionPage {
    std::vector<Function> functions;
    std::optional<std::string> next_marker;
};

struct FunctionPolicy {
    std::string policy;  // the document as JSON text
    std::string revision_id;
};

class FunctionStore {
public:
    // With `storage`, the functions it holds are loaded now.
    FunctionStore(std::string region, std::string account_id,
                  std::unique_ptr<FunctionStorage> storage = nullptr);

    const std::string& region() const { return region_; }
    const std::string& account_id() const { return account_id_; }

    // Throws what create() would for these settings and this name, without changing anything, so
    // the caller can refuse before extracting code. The name is returned resolved.
    std::string check_create(const CreateFunctionRequest& request) const;
    Function create(CreateFunctionRequest request);

    // Lookups accept names, partial and full ARNs, with an optional `$LATEST` qualifier;
    // anything else is ResourceNotFoundException "Function not found: <arn>".
    Function get(std::string_view function_name) const;
    std::optional<Function> find(std::string_view function_name) const;
    // Sorted by name; `marker` is a previous page's next_marker; max_items 1..10000 (default 50).
    FunctionPage list(const std::optional<std::string>& marker, std::optional<int> max_items) const;

    // Both return the function as it now is; `previous` (when given) receives the code replaced.
    Function update_code(std::string_view function_name, FunctionCode code,
                         const std::optional<std::string>& revision_id,
                         FunctionCode* previous = nullptr);
    Function update_configuration(std::string_view function_name, const FunctionSettings& settings,
                                  const std::optional<std::string>& revision_id);
    // Returns the function removed (its code directory is the caller's to clean up).
    Function remove(std::string_view function_name);

    // AddPermission answers the new statement as JSON text.
    std::string add_permission(std::string_view function_name, const AddPermissionRequest& request);
    void remove_permission(std::string_view function_name, std::string_view statement_id,
                           const std::optional<std::string>& revision_id);
    FunctionPolicy get_policy(std::string_view function_name) const;

private:
    // The stored name for `function_name`, or throws ResourceNotFoundException. Lock held.
    std::string resolve(std::string_view function_name) const;
    Function& existing(std::string_view function_name);
    const Function& existing(std::string_view function_name) const;
    void check_revision(const Function& function,
                        const std::optional<std::string>& revision_id) const;
    void touch(Function& function) const;
    // `function` as it now is: written to the storage (declared ones excepted), then into the
    // map. Lock held.
    void save(Function function);

    std::string region_;
    std::string account_id_;
    mutable std::shared_mutex mutex_;
    std::unique_ptr<FunctionStorage> storage_;
    std::map<std::string, Function, std::less<>> functions_;
};

}  // namespace iotemu::lambda
