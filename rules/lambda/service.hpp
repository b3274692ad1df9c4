// lambda::Service: the Lambda service of one emulator — its FunctionStore, the deployment
// packages under <data-dir>/lambda/ (kept across restarts when the functions are stored,
// docs/state.md §1), and the Runtime that runs handlers — behind the operations
// the REST API and the rules engine call. Owns the order "check, extract, store, retire warm
// processes, clean up"; a failed call changes nothing and leaves no files. No Asio here.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rules/lambda/declared.hpp"
#include "rules/lambda/functions.hpp"
#include "rules/lambda/limits.hpp"
#include "rules/lambda/runtime.hpp"

namespace iotemu::lambda {

struct ServiceConfig {
    std::string account_id = "123456789012";
    std::string region = "us-east-1";
    // Packages go to <data_dir>/lambda/packages/<name>/<id>/ when the functions are stored,
    // else to <data_dir>/lambda/functions/<name>/<id>/, emptied at every start.
    std::filesystem::path data_dir;
    std::string api_endpoint_url;  // handlers' AWS_ENDPOINT_URL, e.g. "http://127.0.0.1:4580"
    // NODE_PATH for nodejs handlers; empty: found as node_sdk.hpp says.
    std::filesystem::path node_modules_dir;
    std::string python_executable = "python3";
    std::string node_executable = "node";
    // REST Invokes (RequestResponse) waiting at once; more get TooManyRequestsException. Keep it
    // below the API worker count so a handler calling back into the API finds a free worker.
    std::size_t max_sync_invocations = 1;
    // Processes per function (--lambda-concurrency), and invocations of one function that may
    // wait for them; beyond that Invoke answers TooManyRequestsException
    // (docs/aws/provisioning-and-services.md §5.6).
    std::size_t concurrency = 4;
    std::size_t max_queued_invocations = 1000;
    journal::Recorder* journal = &journal::discard();  // lambda.invoked (docs/harness.md)
};

// CreateFunction as the API receives it: the package's bytes, not yet extracted.
struct CreateFunctionInput {
    std::string function_name;
    FunctionSettings settings;
    std::string zip_file;
};

class Service {
public:
    // With `storage`, the functions created in earlier runs come back, with their packages.
    explicit Service(ServiceConfig config, std::unique_ptr<FunctionStorage> storage = nullptr);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    const ServiceConfig& config() const { return config_; }
    // Lookups, listing and permissions go straight to the store.
    FunctionStore& functions() { return store_; }

    Function create_function(const CreateFunctionInput& input);
    // A function whose code is the user's folder (--function NAME=RUNTIME:HANDLER:DIR).
    Function declare_function(const DeclaredFunction& declared);
    Function update_function_code(std::string_view function_name, std::string_view zip_file,
                                  const std::optional<std::string>& revision_id);
    Function update_function_configuration(std::string_view function_name,
                                           const FunctionSettings& settings,
                                           const std::optional<std::string>& revision_id);
    void delete_function(std::string_view function_name);

    // Event invocation (the rules engine's lambda action, Invoke with InvocationType Event):
    // checks the function and payload now — AwsError ResourceNotFoundException,
    // InvalidRequestContentException, RequestTooLargeException, TooManyRequestsException when
    // the function's queue is full — and runs it on a runtime thread, which then calls `done`.
    // Never blocks.
    void invoke(std::string_view function_name, std::string payload, InvokeCallback done);
    // RequestResponse invocation for the REST Invoke: blocks the calling thread until the result.
    InvokeResult invoke_and_wait(std::string_view function_name, std::string payload);

private:
    Function checked_for_invoke(std::string_view function_name, std::string& payload,
                                bool event) const;
    // Extracts into <data_dir>/lambda/functions/<name>/<new id>/; nothing is left on failure.
    FunctionCode extract_package(const std::string& name, std::string_view zip_file) const;
    void remove_package(const FunctionCode& code) const;
    void remove_unused_packages() const;
    void warn_without_node_sdk(const Function& function);

    ServiceConfig config_;
    std::filesystem::path functions_root_;
    FunctionStore store_;
    std::mutex changes_;  // create/update/delete one at a time (extraction happens outside store_)
    // Exclusive while a change reaches the store, shared while an invocation reads its function
    // and is queued: an invocation that read the old function is queued before the runtime
    // hears of the new one, so it never brings old code back.
    std::shared_mutex deploying_;
    std::atomic<std::size_t> sync_invocations_{0};
    std::vector<std::filesystem::path> node_sdk_searched_;  // NODE_PATH's candidates, in order
    std::filesystem::path node_sdk_;                        // the first that exists, or empty
    std::atomic<bool> node_sdk_warned_{false};
    Runtime runtime_;  // last: its threads end before the store goes
};

}  // namespace iotemu::lambda
