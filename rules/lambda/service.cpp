// lambda::Service: sequencing of the control-plane operations around the file system and the
// runtime. Packages are extracted before the store sees them and removed again if the store
// refuses; every change to a function reaches the runtime (pre-warm, replacement, retirement)
// right after the store, and no invocation that read the older function is queued after it.
#include "rules/lambda/service.hpp"

#include <future>
#include <set>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "rules/lambda/encoding.hpp"
#include "rules/lambda/node_sdk.hpp"
#include "rules/lambda/zip.hpp"

namespace iotemu::lambda {
namespace {

RuntimeConfig runtime_config(const ServiceConfig& config, const std::filesystem::path& node_sdk) {
    RuntimeConfig runtime;
    runtime.bootstrap_directory = config.data_dir / "lambda" / "bootstrap";
    runtime.api_endpoint_url = config.api_endpoint_url;
    runtime.node_modules_directory = node_sdk;
    runtime.python_executable = config.python_executable;
    runtime.node_executable = config.node_executable;
    runtime.concurrency = config.concurrency;
    runtime.max_queued = config.max_queued_invocations;
    runtime.journal = config.journal;
    return runtime;
}

// In memory, packages of a previous run belong to functions that no longer exist; stored
// functions keep theirs in a folder of their own, which an in-memory run never empties.
std::filesystem::path functions_root(const std::filesystem::path& data_dir, bool stored) {
    const auto root = data_dir / "lambda" / (stored ? "packages" : "functions");
    std::error_code ignored;
    if (!stored) std::filesystem::remove_all(root, ignored);
    std::filesystem::create_directories(root);
    return root;
}

// Counts REST Invokes in flight; refuses one over the limit.
class SyncSlot {
public:
    SyncSlot(std::atomic<std::size_t>& count, std::size_t limit) : count_(count) {
        if (count_.fetch_add(1) >= limit) {
            count_.fetch_sub(1);
            throw AwsError(aws_errors::too_many_requests,
                           "Rate Exceeded. (iot-emulator runs at most " + std::to_string(limit) +
                               " synchronous Invoke(s) at once; see max_sync_invocations)");
        }
    }
    ~SyncSlot() { count_.fetch_sub(1); }
    SyncSlot(const SyncSlot&) = delete;
    SyncSlot& operator=(const SyncSlot&) = delete;

private:
    std::atomic<std::size_t>& count_;
};

}  // namespace

Service::Service(ServiceConfig config, std::unique_ptr<FunctionStorage> storage)
    : config_(std::move(config)),
      functions_root_(functions_root(config_.data_dir, storage != nullptr)),
      store_(config_.region, config_.account_id, std::move(storage)),
      node_sdk_searched_(
          node_sdk_candidates(this_process_node_sdk_places(config_.node_modules_dir))),
      node_sdk_(find_node_sdk(node_sdk_searched_)),
      runtime_(runtime_config(config_, node_sdk_)) {
    remove_unused_packages();
    if (!node_sdk_.empty())
        log::info("lambda", "nodejs handlers find the AWS SDKs in ", node_sdk_.string());
}

// A nodejs handler without the SDKs fails at its first require("aws-sdk"): say so once, when the
// first such function arrives, with the places looked in.
void Service::warn_without_node_sdk(const Function& function) {
    if (function.family != RuntimeFamily::node || !node_sdk_.empty() ||
        node_sdk_warned_.exchange(true))
        return;
    std::string searched;
    for (const auto& place : node_sdk_searched_)
        searched += (searched.empty() ? "" : ", ") + place.string();
    log::warn("lambda", "function ", function.name, " (", function.runtime,
              ") will not find aws-sdk or @aws-sdk/client-iot: no Node.js SDK folder (looked in: ",
              searched.empty() ? "nowhere" : searched,
              "). Install iot-emulator with its Node.js SDKs (scripts/setup before the build), "
              "or set IOTEMU_LAMBDA_NODE_MODULES to a node_modules folder holding them");
}

// A package no stored function uses is what a create or update killed half-way left behind.
void Service::remove_unused_packages() const {
    std::set<std::filesystem::path> used;
    for (const auto& function : store_.list(std::nullopt, 10000).functions)
        used.insert(function.code.directory);
    std::error_code error;
    for (const auto& name : std::filesystem::directory_iterator(functions_root_, error)) {
        for (const auto& package : std::filesystem::directory_iterator(name.path(), error))
            if (!used.contains(package.path())) remove_package({.directory = package.path()});
        std::filesystem::remove(name.path(), error);  // only when empty
    }
}

Service::~Service() = default;

FunctionCode Service::extract_package(const std::string& name, std::string_view zip_file) const {
    FunctionCode code;
    code.directory = functions_root_ / name / random_uuid();
    try {
        extract_zip(zip_file, code.directory);
    } catch (...) {
        remove_package(code);
        throw;
    }
    code.sha256 = sha256_base64(zip_file);
    code.size = static_cast<std::int64_t>(zip_file.size());
    return code;
}

void Service::remove_package(const FunctionCode& code) const {
    if (code.declared || code.directory.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(code.directory, ignored);
    std::filesystem::remove(code.directory.parent_path(), ignored);  // only when empty
}

Function Service::create_function(const CreateFunctionInput& input) {
    std::lock_guard lock(changes_);
    CreateFunctionRequest request{input.function_name, input.settings, {}};
    const std::string name = store_.check_create(request);
    const FunctionCode code = extract_package(name, input.zip_file);
    request.code = code;
    try {
        std::unique_lock deploying(deploying_);
        auto function = store_.create(std::move(request));
        deploying.unlock();
        runtime_.deploy(function);
        log::info("lambda", "created function ", function.name, " (", function.runtime, ", ",
                  function.handler, ")");
        warn_without_node_sdk(function);
        return function;
    } catch (...) {
        remove_package(code);
        throw;
    }
}

Function Service::declare_function(const DeclaredFunction& declared) {
    std::lock_guard lock(changes_);
    CreateFunctionRequest request;
    request.function_name = declared.name;
    request.settings.runtime = declared.runtime;
    request.settings.handler = declared.handler;
    request.settings.role = "arn:aws:iam::" + config_.account_id + ":role/iot-emulator-declared";
    request.settings.description = "Declared with --function from " + declared.directory.string();
    request.code.directory = declared.directory;
    request.code.sha256 = sha256_base64(declared.directory.string());
    request.code.declared = true;
    std::unique_lock deploying(deploying_);
    // A declared function replaces one of the same name created with the API in an earlier run.
    if (const auto created = store_.find(declared.name); created && !created->code.declared) {
        log::warn("lambda", "function ", created->name,
                  " created with the API is replaced by the one declared with --function");
        remove_package(store_.remove(created->name).code);
        runtime_.retire(created->name, Runtime::Busy::kill);
    }
    auto function = store_.create(std::move(request));
    deploying.unlock();
    runtime_.deploy(function);
    log::info("lambda", "declared function ", function.name, " (", function.runtime, ", ",
              function.handler, ") from ", declared.directory.string());
    warn_without_node_sdk(function);
    return function;
}

Function Service::update_function_code(std::string_view function_name, std::string_view zip_file,
                                       const std::optional<std::string>& revision_id) {
    std::lock_guard lock(changes_);
    const auto current = store_.get(function_name);
    if (revision_id && *revision_id != current.revision_id)
        throw AwsError(aws_errors::precondition_failed,
                       "The Revision Id provided does not match the latest Revision Id. Call the "
                       "GetFunction/GetAlias API to retrieve the latest Revision Id");
    const FunctionCode code = extract_package(current.name, zip_file);
    FunctionCode previous;
    Function updated;
    try {
        std::lock_guard deploying(deploying_);
        updated = store_.update_code(current.name, code, revision_id, &previous);
    } catch (...) {
        remove_package(code);
        throw;
    }
    runtime_.deploy(updated);
    remove_package(previous);
    return updated;
}

Function Service::update_function_configuration(std::string_view function_name,
                                                const FunctionSettings& settings,
                                                const std::optional<std::string>& revision_id) {
    std::lock_guard lock(changes_);
    std::unique_lock deploying(deploying_);
    auto updated = store_.update_configuration(function_name, settings, revision_id);
    deploying.unlock();
    runtime_.deploy(updated);
    warn_without_node_sdk(updated);
    return updated;
}

void Service::delete_function(std::string_view function_name) {
    std::lock_guard lock(changes_);
    std::unique_lock deploying(deploying_);
    const auto removed = store_.remove(function_name);
    deploying.unlock();
    runtime_.retire(removed.name, Runtime::Busy::kill);
    remove_package(removed.code);
    log::info("lambda", "deleted function ", removed.name);
}

Function Service::checked_for_invoke(std::string_view function_name, std::string& payload,
                                     bool event) const {
    auto function = store_.get(function_name);
    // Lambda's own wording for each invocation type (docs/aws/provisioning-and-services.md §5.4).
    if (event && payload.size() > max_async_payload)
        throw AwsError(aws_errors::request_too_large,
                       std::to_string(payload.size()) +
                           " byte payload is too large for the Event invocation type (limit " +
                           std::to_string(max_async_payload) + " bytes)");
    if (!event && payload.size() > max_sync_payload)
        throw AwsError(aws_errors::request_too_large,
                       "Request must be smaller than " + std::to_string(max_sync_payload) +
                           " bytes for the InvokeFunction operation");
    if (payload.empty()) payload = "{}";
    if (!nlohmann::json::accept(payload))
        throw AwsError(aws_errors::invalid_request_content,
                       "Could not parse request body into json: Could not parse payload into "
                       "json: the payload is not valid JSON");
    return function;
}

void Service::invoke(std::string_view function_name, std::string payload, InvokeCallback done) {
    std::shared_lock deploying(deploying_);
    auto function = checked_for_invoke(function_name, payload, true);
    runtime_.invoke(std::move(function), std::move(payload), std::move(done));
}

InvokeResult Service::invoke_and_wait(std::string_view function_name, std::string payload) {
    std::shared_lock deploying(deploying_);
    auto function = checked_for_invoke(function_name, payload, false);
    SyncSlot slot(sync_invocations_, config_.max_sync_invocations);
    auto promise = std::make_shared<std::promise<InvokeResult>>();
    auto answer = promise->get_future();
    runtime_.invoke(std::move(function), std::move(payload),
                    [promise](InvokeResult result) { promise->set_value(std::move(result)); });
    deploying.unlock();
    auto result = answer.get();
    // The answer is checked like the request: Lambda refuses more than 6 MB either way.
    if (!result.function_error && result.payload.size() > max_sync_payload) {
        result.payload = response_too_large();
        result.function_error = "Unhandled";
    }
    return result;
}

}  // namespace iotemu::lambda
