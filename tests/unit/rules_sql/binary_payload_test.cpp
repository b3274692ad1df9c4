// Payloads that are not JSON [DG binary-payloads]: `SELECT *` passes the bytes through, encode(*)
// base64-encodes them, and anything that reads a field finds Undefined.
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

std::optional<json> run_bytes(std::string_view sql, std::string_view payload) {
    const auto statement = parse_ok(sql, SqlVersion::v2016_03_23);
    return iotemu::rules::sql::evaluate(statement, payload, test_context());
}

json bytes(std::string_view text) {
    return json::binary(std::vector<std::uint8_t>(text.begin(), text.end()));
}

}  // namespace

TEST_CASE("SELECT * passes a binary payload through as bytes", "[sql][binary]") {
    const std::string payload("\x01\x02\xff not json", 12);
    CHECK(run_bytes("SELECT * FROM 'a/b'", payload) == bytes(payload));
    CHECK(run_bytes("SELECT * FROM 'a/b' WHERE timestamp() % 12 = 3", payload) == bytes(payload));
}

TEST_CASE("encode(*, 'base64') encodes the payload's own bytes", "[sql][binary]") {
    const auto out = run_bytes("SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 'a/b'",
                               std::string_view("\x00\x01\x02hi", 5));
    CHECK(out == json::parse(R"({"data":"AAECaGk=","ts":1481825251155})"));
    // A JSON payload is encoded as published, spacing included, not re-serialised.
    CHECK(run_bytes("SELECT VALUE encode(*, 'base64') FROM 'a/b'", R"({ "a": 1 })") ==
          "eyAiYSI6IDEgfQ==");
}

TEST_CASE("A binary payload has no fields for WHERE to read", "[sql][binary]") {
    CHECK_FALSE(run_bytes("SELECT * FROM 'a/b' WHERE device_type = 'thermostat'", "\x01\x02"));
}

TEST_CASE("An empty payload is an empty binary payload", "[sql][binary]") {
    const auto out = run_bytes("SELECT * FROM 'a/b'", "");
    REQUIRE(out);
    CHECK(is_empty_payload(*out));
}

TEST_CASE("A JSON scalar or array payload passes through SELECT *", "[sql][binary]") {
    CHECK(run_bytes("SELECT * FROM 'a/b'", "[1,2]") == json::parse("[1,2]"));
    CHECK(run_bytes("SELECT * FROM 'a/b'", "42") == 42);
    CHECK(run("SELECT *, 1 AS one FROM 'a/b'", "[1,2]") == json::parse(R"({"one":1})"));
}
