// Lambda functions created with the API on the state database: after a restart on the same data
// dir a function has the configuration, resource policy and RevisionId it was answered with, its
// package is where it was and it runs; a deleted function, a replaced package and a package no
// function owns are gone.
#include "store/function_storage.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "lambda/support.hpp"
#include "rules/lambda/declared.hpp"
#include "rules/lambda/service.hpp"
#include "store/schema.hpp"

namespace iotemu::store {
namespace {

using lambda::test::python_zip;
using testing::TempDir;

// One run of the emulator's Lambda service on the data dir.
lambda::Service service_on(const TempDir& dir) {
    lambda::ServiceConfig config;
    config.data_dir = dir.path();
    config.api_endpoint_url = "http://127.0.0.1:1";
    return lambda::Service(
        config, std::make_unique<SqliteFunctionStorage>(open_state_database(dir.path())));
}

lambda::CreateFunctionInput python_function(std::string name, const std::string& answer) {
    lambda::CreateFunctionInput input;
    input.function_name = std::move(name);
    input.settings.runtime = "python3.12";
    input.settings.handler = "lambda_function.lambda_handler";
    input.settings.role = "arn:aws:iam::123456789012:role/r";
    input.zip_file =
        python_zip("z.writestr('lambda_function.py', 'def lambda_handler(e, c):\\n    return " +
                   answer + "\\n')");
    return input;
}

std::size_t packages_in(const std::filesystem::path& folder) {
    if (!std::filesystem::exists(folder)) return 0;
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                  std::filesystem::directory_iterator()));
}

}  // namespace

TEST_CASE("a function created with the API comes back after a restart, as it was, and runs") {
    TempDir dir;
    lambda::Function answered;
    {
        auto service = service_on(dir);
        service.create_function(python_function("f", "1"));
        service.update_function_code("f", python_function("f", "dict(answer=2)").zip_file,
                                     std::nullopt);
        lambda::FunctionSettings settings;
        settings.timeout = 7;
        settings.environment = std::map<std::string, std::string>{{"STAGE", "dev"}};
        service.update_function_configuration("f", settings, std::nullopt);
        lambda::AddPermissionRequest permission;
        permission.statement = {"iot", "lambda:InvokeFunction", "iot.amazonaws.com",
                                "arn:aws:iot:us-east-1:123456789012:rule/r"};
        service.functions().add_permission("f", permission);
        service.create_function(python_function("gone", "0"));
        service.delete_function("gone");
        answered = service.functions().get("f");
    }
    auto service = service_on(dir);
    const auto function = service.functions().get("f");
    CHECK(function.revision_id == answered.revision_id);
    CHECK(function.code.sha256 == answered.code.sha256);
    CHECK(function.code.size == answered.code.size);
    CHECK(function.code.directory == answered.code.directory);
    CHECK(epoch_millis(function.last_modified) == epoch_millis(answered.last_modified));
    CHECK(function.timeout == 7);
    CHECK(function.environment.at("STAGE") == "dev");
    CHECK(function.family == lambda::RuntimeFamily::python);
    const auto policy = nlohmann::json::parse(service.functions().get_policy("f").policy);
    CHECK(policy["Statement"][0]["Sid"] == "iot");
    CHECK(policy["Statement"][0]["Condition"].dump().find("rule/r") != std::string::npos);
    CHECK_THROWS_AS(service.functions().get("gone"), AwsError);
    CHECK(packages_in(dir / "lambda/packages/f") == 1);  // the replaced package is gone
    CHECK(packages_in(dir / "lambda/packages/gone") == 0);
    CHECK(nlohmann::json::parse(service.invoke_and_wait("f", "{}").payload)["answer"] == 2);
}

TEST_CASE("a package no stored function owns is removed at start") {
    TempDir dir;
    { service_on(dir).create_function(python_function("f", "1")); }
    // What a create killed between extraction and the store's write leaves behind.
    std::filesystem::create_directories(dir / "lambda/packages/f/half-written");
    std::filesystem::create_directories(dir / "lambda/packages/never/half-written");
    auto service = service_on(dir);
    CHECK(packages_in(dir / "lambda/packages/f") == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "lambda/packages/never"));
    CHECK(service.invoke_and_wait("f", "{}").payload == "1");
}

TEST_CASE("a function declared with --function replaces a stored one of the same name") {
    TempDir dir;
    { service_on(dir).create_function(python_function("f", "1")); }
    TempDir code;
    { std::ofstream(code / "lambda_function.py") << "def lambda_handler(e, c):\n    return 9\n"; }
    {
        auto service = service_on(dir);
        service.declare_function(
            {"f", "python3.12", "lambda_function.lambda_handler", code.path()});
        CHECK(service.invoke_and_wait("f", "{}").payload == "9");
        CHECK(packages_in(dir / "lambda/packages/f") == 0);
    }
    // Declared functions are not stored: without the flag, the name is free.
    CHECK_FALSE(service_on(dir).functions().find("f"));
}

}  // namespace iotemu::store
