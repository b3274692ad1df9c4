// A function's body is JSON with the names of Lambda's own FunctionConfiguration where there is
// one; LastModified in epoch milliseconds. Each put() and erase() is its own transaction.
#include "store/function_storage.hpp"

#include <nlohmann/json.hpp>

namespace iotemu::store {
namespace {

using nlohmann::json;

json optional_json(const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
}

std::optional<std::string> optional_string(const json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    return j[key].get<std::string>();
}

json encode(const lambda::Function& f) {
    json policy = json::array();
    for (const auto& s : f.policy)
        policy.push_back({{"Sid", s.sid},
                          {"Action", s.action},
                          {"Principal", s.principal},
                          {"SourceArn", optional_json(s.source_arn)},
                          {"SourceAccount", optional_json(s.source_account)},
                          {"EventSourceToken", optional_json(s.event_source_token)},
                          {"PrincipalOrgID", optional_json(s.principal_org_id)}});
    return {{"FunctionName", f.name},
            {"FunctionArn", f.arn},
            {"Runtime", f.runtime},
            {"Python", f.family == lambda::RuntimeFamily::python},
            {"Handler", f.handler},
            {"Role", f.role},
            {"Description", f.description},
            {"Timeout", f.timeout},
            {"MemorySize", f.memory_size},
            {"Environment", f.environment},
            {"CodeDirectory", f.code.directory.string()},
            {"CodeSha256", f.code.sha256},
            {"CodeSize", f.code.size},
            {"LastModifiedMs", epoch_millis(f.last_modified)},
            {"RevisionId", f.revision_id},
            {"Policy", std::move(policy)}};
}

lambda::Function decode(const json& j) {
    lambda::Function f;
    f.name = j.at("FunctionName").get<std::string>();
    f.arn = j.at("FunctionArn").get<std::string>();
    f.runtime = j.at("Runtime").get<std::string>();
    f.family =
        j.at("Python").get<bool>() ? lambda::RuntimeFamily::python : lambda::RuntimeFamily::node;
    f.handler = j.at("Handler").get<std::string>();
    f.role = j.at("Role").get<std::string>();
    f.description = j.at("Description").get<std::string>();
    f.timeout = j.at("Timeout").get<int>();
    f.memory_size = j.at("MemorySize").get<int>();
    f.environment = j.at("Environment").get<std::map<std::string, std::string>>();
    f.code.directory = j.at("CodeDirectory").get<std::string>();
    f.code.sha256 = j.at("CodeSha256").get<std::string>();
    f.code.size = j.at("CodeSize").get<std::int64_t>();
    f.last_modified =
        Timestamp{std::chrono::milliseconds{j.at("LastModifiedMs").get<std::int64_t>()}};
    f.revision_id = j.at("RevisionId").get<std::string>();
    for (const auto& s : j.at("Policy"))
        f.policy.push_back({s.at("Sid").get<std::string>(), s.at("Action").get<std::string>(),
                            s.at("Principal").get<std::string>(), optional_string(s, "SourceArn"),
                            optional_string(s, "SourceAccount"),
                            optional_string(s, "EventSourceToken"),
                            optional_string(s, "PrincipalOrgID")});
    return f;
}

}  // namespace

SqliteFunctionStorage::SqliteFunctionStorage(std::shared_ptr<Database> database)
    : database_(std::move(database)),
      upsert_(*database_,
              "INSERT INTO lambda_functions(function_name, body) VALUES (?1, ?2) "
              "ON CONFLICT(function_name) DO UPDATE SET body = excluded.body"),
      delete_(*database_, "DELETE FROM lambda_functions WHERE function_name = ?1") {}

std::vector<lambda::Function> SqliteFunctionStorage::load() {
    std::vector<lambda::Function> functions;
    Statement select(*database_, "SELECT function_name, body FROM lambda_functions");
    while (select.step()) {
        try {
            functions.push_back(decode(json::parse(select.text(1))));
        } catch (const std::exception& e) {
            throw StoreError("the Lambda function '" + select.text(0) + "' in " +
                             database_->file().string() + " does not read: " + e.what());
        }
    }
    return functions;
}

void SqliteFunctionStorage::put(const lambda::Function& function) {
    auto transaction = database_->transaction();
    upsert_.bind(1, function.name).bind(2, encode(function).dump()).run();
    transaction.commit();
}

void SqliteFunctionStorage::erase(std::string_view function_name) {
    auto transaction = database_->transaction();
    delete_.bind(1, function_name).run();
    transaction.commit();
}

}  // namespace iotemu::store
