// The Lambda control plane through the router: the model's paths, status codes, shapes and
// error names, with a real python3 handler behind Invoke.
#include "api/lambda_routes.hpp"

#include <filesystem>

#include "api_test_support.hpp"
#include "common/base64.hpp"
#include "common/random.hpp"
#include "rules/lambda/encoding.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;

namespace {

// A stored (uncompressed) zip of one file, written out by hand: local header, data, central
// directory entry, end record. The CRC-32 of the content was computed with zlib.crc32.
std::string one_file_zip();

struct LambdaApi {
    std::filesystem::path data =
        std::filesystem::temp_directory_path() / ("iotemu-lambda-api-" + random_hex(6));
    lambda::Service service{[this] {
        lambda::ServiceConfig config;
        config.data_dir = data;
        config.api_endpoint_url = "http://127.0.0.1:1";
        return config;
    }()};
    Router router;
    LambdaApi() { add_lambda_routes(router, service); }
    ~LambdaApi() {
        std::error_code ignored;
        std::filesystem::remove_all(data, ignored);
    }
    Response call(std::string method, std::string target, std::string body = {},
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
        return router.dispatch(
            request(std::move(method), std::move(target), std::move(body), std::move(headers)));
    }
    Response create(const std::string& name) {
        nlohmann::json body = {{"FunctionName", name},
                               {"Runtime", "python3.12"},
                               {"Role", "arn:aws:iam::123456789012:role/r"},
                               {"Handler", "index.h"},
                               {"Code", {{"ZipFile", base64_encode(one_file_zip())}}}};
        return call("POST", "/2015-03-31/functions", body.dump());
    }
};

void put_u16(std::string& out, unsigned v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8 & 0xff);
}
void put_u32(std::string& out, unsigned v) {
    put_u16(out, v & 0xffff);
    put_u16(out, v >> 16);
}

std::string one_file_zip() {
    const std::string name = "index.py";
    const std::string data = "def h(e, c):\n    return e\n";
    const unsigned crc = 0x4bf8a278u;
    std::string zip;
    put_u32(zip, 0x04034b50);  // local header
    put_u16(zip, 20);          // version needed
    put_u16(zip, 0);           // flags
    put_u16(zip, 0);           // method: stored
    put_u32(zip, 0);           // time, date
    put_u32(zip, crc);
    put_u32(zip, static_cast<unsigned>(data.size()));  // compressed
    put_u32(zip, static_cast<unsigned>(data.size()));  // uncompressed
    put_u16(zip, static_cast<unsigned>(name.size()));
    put_u16(zip, 0);  // extra
    zip += name + data;
    const auto directory = zip.size();
    put_u32(zip, 0x02014b50);  // central directory entry
    put_u16(zip, 0x031e);      // made by: Unix, 3.0
    put_u16(zip, 20);
    put_u16(zip, 0);
    put_u16(zip, 0);
    put_u32(zip, 0);
    put_u32(zip, crc);
    put_u32(zip, static_cast<unsigned>(data.size()));
    put_u32(zip, static_cast<unsigned>(data.size()));
    put_u16(zip, static_cast<unsigned>(name.size()));
    put_u16(zip, 0);               // extra
    put_u16(zip, 0);               // comment
    put_u16(zip, 0);               // disk
    put_u16(zip, 0);               // internal attributes
    put_u32(zip, 0100644u << 16);  // external: regular file, rw-r--r--
    put_u32(zip, 0);               // local header offset
    zip += name;
    const auto directory_size = zip.size() - directory;
    put_u32(zip, 0x06054b50);  // end of central directory
    put_u32(zip, 0);           // disks
    put_u16(zip, 1);
    put_u16(zip, 1);
    put_u32(zip, static_cast<unsigned>(directory_size));
    put_u32(zip, static_cast<unsigned>(directory));
    put_u16(zip, 0);
    return zip;
}

}  // namespace

TEST_CASE("lambda: CreateFunction answers 201 with the FunctionConfiguration") {
    LambdaApi api;
    const auto response = api.create("echo");
    REQUIRE(response.status == 201);
    const auto configuration = body(response);
    CHECK(configuration["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo");
    CHECK(configuration["Timeout"] == 3);
    CHECK(configuration["State"] == "Active");
    CHECK(configuration["CodeSha256"] == lambda::sha256_base64(one_file_zip()));
    CHECK(configuration["LastModified"].get<std::string>().ends_with("+0000"));
    CHECK(error_type(api.create("echo")) == "ResourceConflictException");
    CHECK(api.create("echo").status == 409);
}

TEST_CASE("lambda: GetFunction, ListFunctions and DeleteFunction") {
    LambdaApi api;
    api.create("a");
    api.create("b");
    auto response = api.call("GET", "/2015-03-31/functions/a");
    CHECK(body(response)["Configuration"]["FunctionName"] == "a");
    response = api.call("GET", "/2015-03-31/functions?MaxItems=1");
    CHECK(body(response)["Functions"].size() == 1);
    CHECK(body(response)["NextMarker"] == "a");
    response = api.call("DELETE", "/2015-03-31/functions/a");
    CHECK(response.status == 204);
    response = api.call("GET", "/2015-03-31/functions/a");
    CHECK(response.status == 404);
    CHECK(error_type(response) == "ResourceNotFoundException");
    CHECK(body(response)["message"] ==
          "Function not found: arn:aws:lambda:us-east-1:123456789012:function:a");
}

TEST_CASE("lambda: Invoke returns the handler's payload, 202 for Event, 204 for DryRun") {
    LambdaApi api;
    api.create("echo");
    auto response = api.call("POST", "/2015-03-31/functions/echo/invocations", R"({"k": [1, 2]})",
                             {{"x-amz-log-type", "Tail"}});
    CHECK(response.status == 200);
    CHECK(response.body == R"({"k": [1, 2]})");
    CHECK(header(response, "X-Amz-Function-Error").empty());
    const auto tail = base64_decode(header(response, "X-Amz-Log-Result"));
    REQUIRE(tail);
    CHECK(tail->find("REPORT RequestId") != std::string::npos);
    response = api.call("POST", "/2015-03-31/functions/echo/invocations", "{}",
                        {{"x-amz-invocation-type", "Event"}});
    CHECK(response.status == 202);
    response = api.call("POST", "/2015-03-31/functions/echo/invocations", "{}",
                        {{"x-amz-invocation-type", "DryRun"}});
    CHECK(response.status == 204);
    response = api.call("POST", "/2015-03-31/functions/echo/invocations", "{nope");
    CHECK(error_type(response) == "InvalidRequestContentException");
}

TEST_CASE("lambda: AddPermission, GetPolicy and RemovePermission") {
    LambdaApi api;
    api.create("jitr");
    const nlohmann::json add = {{"StatementId", "Id-123"},
                                {"Action", "lambda:InvokeFunction"},
                                {"Principal", "iot.amazonaws.com"}};
    auto response = api.call("POST", "/2015-03-31/functions/jitr/policy", add.dump());
    CHECK(response.status == 201);
    CHECK(nlohmann::json::parse(body(response)["Statement"].get<std::string>())["Sid"] == "Id-123");
    response = api.call("GET", "/2015-03-31/functions/jitr/policy");
    CHECK(nlohmann::json::parse(body(response)["Policy"].get<std::string>())["Statement"].size() ==
          1);
    response = api.call("DELETE", "/2015-03-31/functions/jitr/policy/Id-123");
    CHECK(response.status == 204);
    response = api.call("GET", "/2015-03-31/functions/jitr/policy");
    CHECK(error_type(response) == "ResourceNotFoundException");
}
