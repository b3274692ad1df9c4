// Call: typed accessors over query, headers and the JSON body, and the errors a client sees.
#include "api/call.hpp"

#include <catch2/catch.hpp>

#include "api_test_support.hpp"
#include "common/aws_error.hpp"

using namespace iotemu;
using namespace iotemu::api;
using namespace iotemu::api::test;
using nlohmann::json;

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

// The InvalidRequestException message `read` throws, or "" when it does not throw it.
template <class Read>
std::string invalid_request_message(Read read) {
    try {
        read();
    } catch (const AwsError& error) {
        if (error.code() == "InvalidRequestException") return std::string(error.message());
        return "unexpected " + error.code();
    }
    return {};
}

}  // namespace

TEST_CASE("query booleans read true and false and reject anything else") {
    const Request r = request("GET", "/");
    const Call call(r, {}, Query{{"a", "true"}, {"b", "false"}, {"c", "yes"}});
    CHECK(call.query_bool("a") == true);
    CHECK(call.query_bool("b") == false);
    CHECK_FALSE(call.query_bool("missing").has_value());
    CHECK(invalid_request_message([&] { call.query_bool("c"); }).find("'c'") != std::string::npos);
}

TEST_CASE("query integers are range checked and the member is named") {
    const Request r = request("GET", "/");
    const Call call(r, {}, Query{{"pageSize", "25"}, {"zero", "0"}, {"big", "251"}, {"x", "1a"}});
    CHECK(call.query_int("pageSize", 1, 250) == 25);
    CHECK_FALSE(call.query_int("missing", 1, 250).has_value());
    const auto low = invalid_request_message([&] { call.query_int("zero", 1, 250); });
    CHECK(low.find("'zero'") != std::string::npos);
    CHECK(low.find("greater than or equal to 1") != std::string::npos);
    CHECK(invalid_request_message([&] {
              call.query_int("big", 1, 250);
          }).find("less than or equal to 250") != std::string::npos);
    CHECK_FALSE(invalid_request_message([&] { call.query_int("x", 1, 250); }).empty());
}

TEST_CASE("the first of repeated query members wins") {
    const Request r = request("GET", "/");
    const Call call(r, {}, Query{{"a", "1"}, {"a", "2"}});
    CHECK(call.query("a") == "1");
}

TEST_CASE("headers are found whatever the case of the asked name") {
    const Request r = request("GET", "/", "", {{"x-amzn-principal", "arn:cert"}});
    const Call call(r, {}, {});
    CHECK(call.header("X-Amzn-Principal") == "arn:cert");
    CHECK_FALSE(call.header("x-amzn-iot-principal").has_value());
}

TEST_CASE("an empty body reads as an empty object") {
    const Request r = request("POST", "/", "  \n");
    const Call call(r, {}, {});
    CHECK(call.body() == json::object());
    CHECK_FALSE(call.body_string("x").has_value());
}

TEST_CASE("malformed JSON and non-object bodies are InvalidRequestException") {
    for (const char* text : {"{", "[1,2]", "\"s\"", "{\"a\":}"}) {
        const Request r = request("POST", "/", text);
        const Call call(r, {}, {});
        CAPTURE(text);
        CHECK_FALSE(invalid_request_message([&] { call.body(); }).empty());
    }
}

TEST_CASE("body members of the wrong type are InvalidRequestException naming the member") {
    const Request r =
        request("POST", "/",
                R"({"s": 1, "b": "true", "i": 1.5, "o": [], "a": {}, "u": 18446744073709551615})");
    const Call call(r, {}, {});
    CHECK(invalid_request_message([&] { call.body_string("s"); }).find("'s'") != std::string::npos);
    CHECK(invalid_request_message([&] { call.body_bool("b"); }).find("'b'") != std::string::npos);
    CHECK(invalid_request_message([&] { call.body_int("i"); }).find("'i'") != std::string::npos);
    CHECK(invalid_request_message([&] { call.body_object("o"); }).find("'o'") != std::string::npos);
    CHECK(invalid_request_message([&] { call.body_array("a"); }).find("'a'") != std::string::npos);
    CHECK(invalid_request_message([&] { call.body_int("u"); }).find("'u'") != std::string::npos);
}

TEST_CASE("body members of the right type are read, null reads as absent") {
    const Request r = request(
        "POST", "/", R"({"s": "v", "b": true, "i": -7, "o": {"k": 1}, "a": [1], "n": null})");
    const Call call(r, {}, {});
    CHECK(call.body_string("s") == "v");
    CHECK(call.required_body_string("s") == "v");
    CHECK(call.body_bool("b") == true);
    CHECK(call.body_int("i") == -7);
    REQUIRE(call.body_object("o") != nullptr);
    CHECK((*call.body_object("o"))["k"] == 1);
    REQUIRE(call.body_array("a") != nullptr);
    CHECK(call.body_array("a")->size() == 1);
    CHECK_FALSE(call.body_string("n").has_value());
}

TEST_CASE("a missing required body member is InvalidRequestException naming it") {
    const Request r = request("POST", "/", "{}");
    const Call call(r, {}, {});
    CHECK(invalid_request_message([&] {
              call.required_body_string("policyDocument");
          }).find("'policyDocument'") != std::string::npos);
}

TEST_CASE("json_response and empty_response are application/json") {
    const auto ok = json_response({{"a", 1}}, 201);
    CHECK(ok.status == 201);
    CHECK(header(ok, "content-type") == "application/json");
    CHECK(body(ok) == json{{"a", 1}});
    const auto empty = empty_response();
    CHECK(empty.status == 200);
    CHECK(body(empty) == json::object());
}
