// FunctionStore: Lambda's rules for creating, finding, listing, updating and deleting functions
// and for their resource policies, with AWS's error codes.
#include "rules/lambda/functions.hpp"

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "rules/lambda/function_name.hpp"

using namespace iotemu;
using namespace iotemu::lambda;

namespace {

constexpr const char* role = "arn:aws:iam::123456789012:role/lambda-role";

CreateFunctionRequest request(std::string name, std::string runtime = "python3.12",
                              std::string handler = "lambda_function.lambda_handler") {
    CreateFunctionRequest r;
    r.function_name = std::move(name);
    r.settings.runtime = std::move(runtime);
    r.settings.handler = std::move(handler);
    r.settings.role = role;
    r.code.directory = "/tmp/code";
    return r;
}

std::string error_code(const std::function<void()>& call) {
    try {
        call();
    } catch (const AwsError& error) {
        return error.code();
    }
    return "no error";
}

std::string error_message(const std::function<void()>& call) {
    try {
        call();
    } catch (const AwsError& error) {
        return std::string(error.message());
    }
    return "no error";
}

}  // namespace

TEST_CASE("a created function has Lambda's defaults, ARN and a revision") {
    FunctionStore store("us-east-1", "123456789012");
    const auto function = store.create(request("jitr"));
    CHECK(function.arn == "arn:aws:lambda:us-east-1:123456789012:function:jitr");
    CHECK(function.timeout == 3);
    CHECK(function.memory_size == 128);
    CHECK(function.version == "$LATEST");
    CHECK(function.state == "Active");
    CHECK(function.family == RuntimeFamily::python);
    CHECK(function.revision_id.size() == 36);
    CHECK(store.get("jitr").revision_id == function.revision_id);
}

TEST_CASE("creating a function whose name exists is a ResourceConflictException") {
    FunctionStore store("us-east-1", "123456789012");
    store.create(request("jitr"));
    CHECK(error_code([&] { store.create(request("jitr")); }) == "ResourceConflictException");
}

TEST_CASE("a function is found by name, partial ARN and full ARN with $LATEST") {
    FunctionStore store("us-east-1", "123456789012");
    store.create(request("jitr"));
    for (const std::string name :
         {"jitr", "jitr:$LATEST", "function:jitr", "123456789012:function:jitr",
          "arn:aws:lambda:us-east-1:123456789012:function:jitr",
          "arn:aws:lambda:us-east-1:123456789012:function:jitr:$LATEST"})
        CHECK(store.get(name).name == "jitr");
}

TEST_CASE("an unknown function is ResourceNotFoundException naming its ARN") {
    FunctionStore store("us-east-1", "123456789012");
    store.create(request("jitr"));
    CHECK(error_message([&] { store.get("nope"); }) ==
          "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
    CHECK(error_code([&] { store.get("arn:aws:lambda:eu-west-1:123456789012:function:jitr"); }) ==
          "ResourceNotFoundException");
    CHECK(error_code([&] { store.get("jitr:prod"); }) == "ResourceNotFoundException");
    CHECK(error_code([&] { store.get("bad name!"); }) == "ValidationException");
}

TEST_CASE("function references parse every form AWS accepts") {
    const auto full =
        parse_function_reference("arn:aws:lambda:eu-west-1:210987654321:function:f:7");
    CHECK(full.name == "f");
    CHECK(full.region == "eu-west-1");
    CHECK(full.account_id == "210987654321");
    CHECK(full.qualifier == "7");
    const auto partial = parse_function_reference("210987654321:function:f");
    CHECK(partial.name == "f");
    CHECK_FALSE(partial.region.has_value());
    CHECK(parse_function_reference("my-func:prod").qualifier == "prod");
    CHECK(error_code([] { parse_function_reference("arn:aws:s3:::bucket"); }) ==
          "ValidationException");
    CHECK(error_code([] { parse_function_reference("a:b:c:d:e"); }) == "ValidationException");
}

TEST_CASE("runtimes the emulator cannot run, bad handlers and limits are refused") {
    FunctionStore store("us-east-1", "123456789012");
    using Case = std::pair<CreateFunctionRequest, std::string>;
    auto with_timeout = [](int seconds) {
        auto r = request("f");
        r.settings.timeout = seconds;
        return r;
    };
    auto with_memory = [](int megabytes) {
        auto r = request("f");
        r.settings.memory_size = megabytes;
        return r;
    };
    auto without_role = request("f");
    without_role.settings.role.reset();
    auto bad_role = request("f");
    bad_role.settings.role = "not-a-role";
    auto no_handler = request("f");
    no_handler.settings.handler.reset();
    auto reserved = request("f");
    reserved.settings.environment = std::map<std::string, std::string>{{"AWS_REGION", "x"}};
    const std::vector<Case> cases{
        {request("f", "java17"), "InvalidParameterValueException"},
        {request("f", "cobol85"), "InvalidParameterValueException"},
        {request("f", "python2.7"), "InvalidParameterValueException"},
        {request("f", "python3.12", "nodot"), "InvalidParameterValueException"},
        {request("f", "python3.12", "has space.handler"), "InvalidParameterValueException"},
        {request("f", "python3.12", "file."), "InvalidParameterValueException"},
        {with_timeout(0), "InvalidParameterValueException"},
        {with_timeout(901), "InvalidParameterValueException"},
        {with_memory(64), "InvalidParameterValueException"},
        {without_role, "ValidationException"},
        {bad_role, "ValidationException"},
        {no_handler, "InvalidParameterValueException"},
        {reserved, "InvalidParameterValueException"},
        {request("name with spaces"), "ValidationException"},
        {request(std::string(65, 'a')), "ValidationException"},
        {request("jitr:$LATEST"), "InvalidParameterValueException"},
    };
    for (const auto& [r, code] : cases) {
        INFO(r.function_name << " " << r.settings.runtime.value_or("-") << " "
                             << r.settings.handler.value_or("-"));
        CHECK(error_code([&] { store.create(r); }) == code);
    }
    CHECK(store.list({}, {}).functions.empty());
}

TEST_CASE("the seeds' runtimes are accepted: python3.7, nodejs4.3, nodejs12.x, nodejs20.x") {
    FunctionStore store("us-east-1", "123456789012");
    CHECK(store.create(request("a", "python3.7")).family == RuntimeFamily::python);
    CHECK(store.create(request("b", "nodejs4.3", "index.handler")).family == RuntimeFamily::node);
    CHECK(store.create(request("c", "nodejs12.x", "index.handler")).family == RuntimeFamily::node);
    CHECK(store.create(request("d", "nodejs20.x", "src/app.handler")).family ==
          RuntimeFamily::node);
}

TEST_CASE("listing pages by name with Marker and MaxItems") {
    FunctionStore store("us-east-1", "123456789012");
    for (const auto* name : {"c", "a", "e", "b", "d"}) store.create(request(name));
    auto page = store.list({}, 2);
    REQUIRE(page.functions.size() == 2);
    CHECK(page.functions[0].name == "a");
    CHECK(page.functions[1].name == "b");
    REQUIRE(page.next_marker);
    page = store.list(page.next_marker, 2);
    CHECK(page.functions[0].name == "c");
    page = store.list(page.next_marker, 2);
    CHECK(page.functions.size() == 1);
    CHECK_FALSE(page.next_marker);
    CHECK(error_code([&] { store.list({}, 0); }) == "InvalidParameterValueException");
}

TEST_CASE("every update changes the RevisionId, and a stale RevisionId is refused") {
    FunctionStore store("us-east-1", "123456789012");
    const auto created = store.create(request("f"));
    FunctionSettings settings;
    settings.timeout = 30;
    settings.environment = std::map<std::string, std::string>{{"STAGE", "test"}};
    const auto updated = store.update_configuration("f", settings, created.revision_id);
    CHECK(updated.timeout == 30);
    CHECK(updated.environment.at("STAGE") == "test");
    CHECK(updated.handler == created.handler);
    CHECK(updated.revision_id != created.revision_id);
    CHECK(error_code([&] { store.update_configuration("f", settings, created.revision_id); }) ==
          "PreconditionFailedException");
    FunctionCode previous;
    FunctionCode code;
    code.directory = "/tmp/new";
    const auto recoded = store.update_code("f", code, std::nullopt, &previous);
    CHECK(previous.directory == "/tmp/code");
    CHECK(recoded.code.directory == "/tmp/new");
    CHECK(recoded.revision_id != updated.revision_id);
}

TEST_CASE("an invalid configuration update changes nothing") {
    FunctionStore store("us-east-1", "123456789012");
    const auto created = store.create(request("f"));
    FunctionSettings settings;
    settings.description = "changed";
    settings.timeout = 1000;
    CHECK(error_code([&] { store.update_configuration("f", settings, {}); }) ==
          "InvalidParameterValueException");
    CHECK(store.get("f").description.empty());
    CHECK(store.get("f").revision_id == created.revision_id);
}

TEST_CASE("deleting a function makes it unknown") {
    FunctionStore store("us-east-1", "123456789012");
    store.create(request("f"));
    CHECK(store.remove("arn:aws:lambda:us-east-1:123456789012:function:f").name == "f");
    CHECK(error_code([&] { store.get("f"); }) == "ResourceNotFoundException");
    CHECK(error_code([&] { store.remove("f"); }) == "ResourceNotFoundException");
}

TEST_CASE("permissions: add renders the statement, duplicates conflict, remove and get_policy") {
    FunctionStore store("us-east-1", "123456789012");
    store.create(request("jitr"));
    CHECK(error_code([&] { store.get_policy("jitr"); }) == "ResourceNotFoundException");

    AddPermissionRequest add;
    add.statement.sid = "Id-123";
    add.statement.action = "lambda:InvokeFunction";
    add.statement.principal = "iot.amazonaws.com";
    add.statement.source_arn = "arn:aws:iot:us-east-1:123456789012:rule/JITRRule";
    add.statement.source_account = "123456789012";
    const auto statement = nlohmann::json::parse(store.add_permission("jitr", add));
    CHECK(statement["Sid"] == "Id-123");
    CHECK(statement["Effect"] == "Allow");
    CHECK(statement["Principal"]["Service"] == "iot.amazonaws.com");
    CHECK(statement["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:jitr");
    CHECK(statement["Condition"]["ArnLike"]["AWS:SourceArn"] ==
          "arn:aws:iot:us-east-1:123456789012:rule/JITRRule");
    CHECK(statement["Condition"]["StringEquals"]["AWS:SourceAccount"] == "123456789012");
    CHECK(error_code([&] { store.add_permission("jitr", add); }) == "ResourceConflictException");

    const auto policy = nlohmann::json::parse(store.get_policy("jitr").policy);
    CHECK(policy["Version"] == "2012-10-17");
    CHECK(policy["Statement"].size() == 1);

    add.statement.sid = "bad sid!";
    CHECK(error_code([&] { store.add_permission("jitr", add); }) == "ValidationException");
    add.statement.sid = "x";
    add.statement.action = "iot:Publish";
    CHECK(error_code([&] { store.add_permission("jitr", add); }) == "ValidationException");

    CHECK(error_code([&] { store.remove_permission("jitr", "nope", {}); }) ==
          "ResourceNotFoundException");
    store.remove_permission("jitr", "Id-123", {});
    CHECK(error_code([&] { store.get_policy("jitr"); }) == "ResourceNotFoundException");
}
