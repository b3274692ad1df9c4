// lambda::Service: packages extracted under the data dir, cleaned up when replaced or refused,
// declared folders, and invocation through the store's names.
#include "rules/lambda/service.hpp"

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "lambda/support.hpp"
#include "rules/lambda/declared.hpp"

using namespace iotemu;
using namespace iotemu::lambda;
using namespace iotemu::lambda::test;

namespace {

ServiceConfig config_for(const TempDir& work) {
    ServiceConfig config;
    config.data_dir = work / "data";
    config.api_endpoint_url = "http://127.0.0.1:1";
    return config;
}

CreateFunctionInput python_function(std::string name, std::string zip) {
    CreateFunctionInput input;
    input.function_name = std::move(name);
    input.settings.runtime = "python3.12";
    input.settings.handler = "lambda_function.lambda_handler";
    input.settings.role = "arn:aws:iam::123456789012:role/r";
    input.zip_file = std::move(zip);
    return input;
}

std::string handler_zip(const std::string& answer) {
    return python_zip("z.writestr('lambda_function.py', 'def lambda_handler(e, c):\\n    return " +
                      answer + "\\n')");
}

std::size_t packages_of(const TempDir& work, const std::string& name) {
    const auto folder = work / "data/lambda/functions" / name;
    if (!std::filesystem::exists(folder)) return 0;
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                  std::filesystem::directory_iterator()));
}

}  // namespace

TEST_CASE("create extracts the package, reports its SHA-256 and size, and invokes it") {
    TempDir work;
    Service service(config_for(work));
    const auto zip = handler_zip("dict(answer=42)");
    const auto function = service.create_function(python_function("f", zip));
    CHECK(function.code.size == static_cast<std::int64_t>(zip.size()));
    CHECK(function.code.sha256.size() == 44);
    CHECK(std::filesystem::exists(function.code.directory / "lambda_function.py"));
    CHECK(std::filesystem::exists(work / "data/lambda/bootstrap/python_bootstrap.py"));
    CHECK(std::filesystem::exists(work / "data/lambda/bootstrap/node_bootstrap.js"));
    const auto result = service.invoke_and_wait("f", "");
    CHECK(nlohmann::json::parse(result.payload)["answer"] == 42);
}

TEST_CASE("a refused package or name leaves no files behind") {
    TempDir work;
    Service service(config_for(work));
    CHECK_THROWS_AS(service.create_function(python_function("f", "not a zip")), AwsError);
    CHECK(packages_of(work, "f") == 0);
    service.create_function(python_function("f", handler_zip("1")));
    CHECK_THROWS_AS(service.create_function(python_function("f", handler_zip("2"))), AwsError);
    CHECK(packages_of(work, "f") == 1);
}

TEST_CASE("update-function-code replaces the package and the warm process") {
    TempDir work;
    Service service(config_for(work));
    service.create_function(python_function("f", handler_zip("1")));
    CHECK(service.invoke_and_wait("f", "{}").payload == "1");
    const auto updated = service.update_function_code("f", handler_zip("2"), std::nullopt);
    CHECK(service.invoke_and_wait("f", "{}").payload == "2");
    CHECK(packages_of(work, "f") == 1);
    CHECK_THROWS_AS(service.update_function_code("f", "broken", std::nullopt), AwsError);
    CHECK(packages_of(work, "f") == 1);
    CHECK(service.functions().get("f").revision_id == updated.revision_id);
    service.delete_function("f");
    CHECK(packages_of(work, "f") == 0);
}

TEST_CASE("invoking needs a known function and a JSON payload") {
    TempDir work;
    Service service(config_for(work));
    service.create_function(python_function("f", handler_zip("1")));
    try {
        service.invoke_and_wait("g", "{}");
        FAIL("no error");
    } catch (const AwsError& error) {
        CHECK(error.code() == "ResourceNotFoundException");
    }
    try {
        service.invoke("f", "{not json", [](InvokeResult) {});
        FAIL("no error");
    } catch (const AwsError& error) {
        CHECK(error.code() == "InvalidRequestContentException");
    }
}

TEST_CASE("payloads are sized as Lambda sizes them, per invocation type") {
    TempDir work;
    Service service(config_for(work));
    service.create_function(python_function("f", handler_zip("\"x\" * (6 * 1024 * 1024 + 1)")));
    const auto refusal = [&](bool event, std::size_t size) {
        std::string payload = "\"" + std::string(size - 2, 'a') + "\"";
        try {
            if (event)
                service.invoke("f", payload, [](InvokeResult) {});
            else
                service.invoke_and_wait("f", payload);
        } catch (const AwsError& error) {
            return error.code() + ": " + std::string(error.message());
        }
        return std::string();
    };
    CHECK(refusal(true, max_async_payload + 1) ==
          "RequestTooLargeException: 1048577 byte payload is too large for the Event invocation "
          "type (limit 1048576 bytes)");
    CHECK(refusal(false, max_sync_payload + 1) ==
          "RequestTooLargeException: Request must be smaller than 6291456 bytes for the "
          "InvokeFunction operation");
    // The handler answers more than 6 MB: a function error, as Lambda reports it.
    const auto result = service.invoke_and_wait("f", "{}");
    CHECK(result.function_error == "Unhandled");
    const auto error = nlohmann::json::parse(result.payload);
    CHECK(error["errorType"] == "Function.ResponseSizeTooLarge");
    CHECK(error["errorMessage"] ==
          "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
}

TEST_CASE("a function declared from a local folder runs, and deleting it keeps the folder") {
    TempDir work;
    write_files(work / "src", {{"app.py", "def main(e, c):\n    return e\n"}});
    const auto declared =
        parse_declared_function("echo=python3.11:app.main:" + (work / "src").string());
    REQUIRE(declared);
    CHECK(declared->name == "echo");
    CHECK(declared->runtime == "python3.11");
    CHECK(declared->handler == "app.main");
    Service service(config_for(work));
    service.declare_function(*declared);
    CHECK(service.invoke_and_wait("echo", R"({"a":1})").payload == R"({"a": 1})");
    service.delete_function("echo");
    CHECK(std::filesystem::exists(work / "src/app.py"));
}

TEST_CASE("malformed NAME=RUNTIME:HANDLER:DIR declarations are refused with a message") {
    TempDir work;
    CHECK_FALSE(parse_declared_function("nodir=python3.12:a.b"));
    CHECK_FALSE(parse_declared_function("=python3.12:a.b:/tmp"));
    CHECK_FALSE(parse_declared_function("x=python3.12:a.b:" + (work / "missing").string()));
    const auto with_colon =
        parse_declared_function("x=nodejs20.x:index.handler:" + work.path().string());
    REQUIRE(with_colon);
    CHECK(with_colon->directory == work.path());
}
