// FunctionStore: Lambda's control-plane rules over the map of functions. Validates fully before
// it changes anything; every change gets a new RevisionId and LastModified.
#include "rules/lambda/functions.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "common/aws_error.hpp"
#include "common/random.hpp"
#include "rules/lambda/function_name.hpp"
#include "rules/lambda/resource_policy.hpp"
#include "rules/lambda/validation.hpp"

namespace iotemu::lambda {
namespace {

[[noreturn]] void not_found(const std::string& arn) {
    throw AwsError(aws_errors::resource_not_found, "Function not found: " + arn);
}

bool matches(std::string_view text, std::string_view extra) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](unsigned char c) {
        return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

void check_statement(const PolicyStatement& statement) {
    if (statement.sid.size() > 100 || !matches(statement.sid, "-_"))
        throw_constraint_violation(
            "statementId", statement.sid,
            "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)");
    const auto& action = statement.action;
    const bool action_ok = action == "*" || action == "lambda:*" ||
                           (action.substr(0, 7) == "lambda:" &&
                            std::all_of(action.begin() + 7, action.end(),
                                        [](unsigned char c) { return std::isalpha(c); }) &&
                            action.size() > 7);
    if (!action_ok)
        throw_constraint_violation("action", action,
                                   "Member must satisfy regular expression pattern: "
                                   "(lambda:[*]|lambda:[a-zA-Z]+|[*])");
    const auto& principal = statement.principal;
    if (principal.empty() || std::any_of(principal.begin(), principal.end(),
                                         [](unsigned char c) { return std::isspace(c); }))
        throw_constraint_violation("principal", principal,
                                   "Member must satisfy regular expression pattern: [^\\s]+");
    if (statement.source_account &&
        (statement.source_account->size() != 12 || !matches(*statement.source_account, "") ||
         !std::all_of(statement.source_account->begin(), statement.source_account->end(),
                      [](unsigned char c) { return std::isdigit(c); })))
        throw_constraint_violation("sourceAccount", *statement.source_account,
                                   "Member must satisfy regular expression pattern: \\d{12}");
    if (statement.source_arn && statement.source_arn->substr(0, 7) != "arn:aws")
        throw_constraint_violation(
            "sourceArn", *statement.source_arn,
            "Member must satisfy regular expression pattern: "
            "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:"
            "(\\d{12})?:(.*)");
}

}  // namespace

FunctionStore::FunctionStore(std::string region, std::string account_id,
                             std::unique_ptr<FunctionStorage> storage)
    : region_(std::move(region)), account_id_(std::move(account_id)), storage_(std::move(storage)) {
    if (!storage_) return;
    for (auto& function : storage_->load()) {
        auto name = function.name;
        functions_.insert_or_assign(std::move(name), std::move(function));
    }
}

void FunctionStore::save(Function function) {
    if (storage_ && !function.code.declared) storage_->put(function);
    auto name = function.name;
    functions_.insert_or_assign(std::move(name), std::move(function));
}

std::string FunctionStore::resolve(std::string_view function_name) const {
    const auto reference = parse_function_reference(function_name);
    const std::string arn =
        function_arn(reference.region.value_or(region_), reference.account_id.value_or(account_id_),
                     reference.name);
    if ((reference.region && *reference.region != region_) ||
        (reference.account_id && *reference.account_id != account_id_))
        not_found(arn);
    // Versions and aliases are not kept: only the unpublished $LATEST exists.
    if (reference.qualifier && *reference.qualifier != "$LATEST")
        not_found(arn + ":" + *reference.qualifier);
    if (!functions_.contains(reference.name)) not_found(arn);
    return reference.name;
}

Function& FunctionStore::existing(std::string_view function_name) {
    return functions_.find(resolve(function_name))->second;
}

const Function& FunctionStore::existing(std::string_view function_name) const {
    return functions_.find(resolve(function_name))->second;
}

void FunctionStore::check_revision(const Function& function,
                                   const std::optional<std::string>& revision_id) const {
    if (revision_id && *revision_id != function.revision_id)
        throw AwsError(aws_errors::precondition_failed,
                       "The Revision Id provided does not match the latest Revision Id. Call the "
                       "GetFunction/GetAlias API to retrieve the latest Revision Id");
}

void FunctionStore::touch(Function& function) const {
    function.last_modified = now();
    function.revision_id = random_uuid();
}

std::string FunctionStore::check_create(const CreateFunctionRequest& request) const {
    const auto reference = parse_function_reference(request.function_name);
    if ((reference.region && *reference.region != region_) ||
        (reference.account_id && *reference.account_id != account_id_))
        throw AwsError(aws_errors::invalid_parameter_value,
                       "The function ARN " + request.function_name +
                           " names another region or account than this endpoint's (" + region_ +
                           ", " + account_id_ + ").");
    if (reference.qualifier)
        throw AwsError(
            aws_errors::invalid_parameter_value,
            "A function name for CreateFunction cannot have a qualifier: " + request.function_name);
    check_new_function_name(reference.name);
    const auto& settings = request.settings;
    if (!settings.role)
        throw AwsError(aws_errors::validation,
                       "1 validation error detected: Value null at 'role' failed to satisfy "
                       "constraint: Member must not be null");
    if (!settings.runtime || !settings.handler)
        throw AwsError(aws_errors::invalid_parameter_value,
                       "Runtime and Handler are mandatory parameters for functions created with "
                       "deployment packages.");
    check_settings(settings);
    std::shared_lock lock(mutex_);
    if (functions_.contains(reference.name))
        throw AwsError(aws_errors::resource_conflict, "Function already exist: " + reference.name);
    return reference.name;
}

Function FunctionStore::create(CreateFunctionRequest request) {
    const std::string name = check_create(request);
    const auto& settings = request.settings;
    Function function;
    function.name = name;
    function.arn = function_arn(region_, account_id_, name);
    function.runtime = *settings.runtime;
    function.family = check_runtime(function.runtime);
    function.handler = *settings.handler;
    function.role = *settings.role;
    function.description = settings.description.value_or("");
    function.timeout = settings.timeout.value_or(3);
    function.memory_size = settings.memory_size.value_or(128);
    function.environment = settings.environment.value_or(std::map<std::string, std::string>{});
    function.code = std::move(request.code);
    touch(function);
    std::unique_lock lock(mutex_);
    // Re-checked under the exclusive lock: another create may have won since check_create.
    if (functions_.contains(name))
        throw AwsError(aws_errors::resource_conflict, "Function already exist: " + name);
    save(function);
    return function;
}

Function FunctionStore::get(std::string_view function_name) const {
    std::shared_lock lock(mutex_);
    return existing(function_name);
}

std::optional<Function> FunctionStore::find(std::string_view function_name) const {
    std::shared_lock lock(mutex_);
    try {
        return existing(function_name);
    } catch (const AwsError&) {
        return std::nullopt;
    }
}

FunctionPage FunctionStore::list(const std::optional<std::string>& marker,
                                 std::optional<int> max_items) const {
    const int page_size = max_items.value_or(50);
    if (page_size < 1 || page_size > 10000)
        throw AwsError(aws_errors::invalid_parameter_value,
                       "MaxItems must be between 1 and 10000; got " + std::to_string(page_size));
    std::shared_lock lock(mutex_);
    FunctionPage page;
    auto it = marker ? functions_.upper_bound(*marker) : functions_.begin();
    for (; it != functions_.end() && static_cast<int>(page.functions.size()) < page_size; ++it)
        page.functions.push_back(it->second);
    if (it != functions_.end()) page.next_marker = page.functions.back().name;
    return page;
}

Function FunctionStore::update_code(std::string_view function_name, FunctionCode code,
                                    const std::optional<std::string>& revision_id,
                                    FunctionCode* previous) {
    std::unique_lock lock(mutex_);
    Function function = existing(function_name);
    check_revision(function, revision_id);
    FunctionCode replaced = std::exchange(function.code, std::move(code));
    touch(function);
    save(function);
    if (previous) *previous = std::move(replaced);
    return function;
}

Function FunctionStore::update_configuration(std::string_view function_name,
                                             const FunctionSettings& settings,
                                             const std::optional<std::string>& revision_id) {
    check_settings(settings);
    std::unique_lock lock(mutex_);
    Function function = existing(function_name);
    check_revision(function, revision_id);
    if (settings.runtime) {
        function.runtime = *settings.runtime;
        function.family = check_runtime(function.runtime);
    }
    if (settings.handler) function.handler = *settings.handler;
    if (settings.role) function.role = *settings.role;
    if (settings.description) function.description = *settings.description;
    if (settings.timeout) function.timeout = *settings.timeout;
    if (settings.memory_size) function.memory_size = *settings.memory_size;
    if (settings.environment) function.environment = *settings.environment;
    touch(function);
    save(function);
    return function;
}

Function FunctionStore::remove(std::string_view function_name) {
    std::unique_lock lock(mutex_);
    const auto it = functions_.find(resolve(function_name));
    if (storage_ && !it->second.code.declared) storage_->erase(it->first);
    Function removed = std::move(it->second);
    functions_.erase(it);
    return removed;
}

std::string FunctionStore::add_permission(std::string_view function_name,
                                          const AddPermissionRequest& request) {
    check_statement(request.statement);
    std::unique_lock lock(mutex_);
    Function function = existing(function_name);
    check_revision(function, request.revision_id);
    for (const auto& statement : function.policy)
        if (statement.sid == request.statement.sid)
            throw AwsError(aws_errors::resource_conflict,
                           "The statement id (" + statement.sid +
                               ") provided already exists. Please provide a new statement id, or "
                               "remove the existing statement.");
    function.policy.push_back(request.statement);
    touch(function);
    save(function);
    return statement_json(request.statement, function.arn);
}

void FunctionStore::remove_permission(std::string_view function_name, std::string_view statement_id,
                                      const std::optional<std::string>& revision_id) {
    std::unique_lock lock(mutex_);
    Function function = existing(function_name);
    check_revision(function, revision_id);
    const auto it = std::find_if(function.policy.begin(), function.policy.end(),
                                 [&](const auto& s) { return s.sid == statement_id; });
    if (it == function.policy.end())
        throw AwsError(aws_errors::resource_not_found, "Statement " + std::string(statement_id) +
                                                           " is not found in resource policy.");
    function.policy.erase(it);
    touch(function);
    save(function);
}

FunctionPolicy FunctionStore::get_policy(std::string_view function_name) const {
    std::shared_lock lock(mutex_);
    const Function& function = existing(function_name);
    if (function.policy.empty())
        throw AwsError(aws_errors::resource_not_found,
                       "The resource you requested does not exist.");
    return {policy_json(function.policy, function.arn), function.revision_id};
}

}  // namespace iotemu::lambda
