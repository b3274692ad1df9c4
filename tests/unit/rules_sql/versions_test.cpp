// What changes between SQL versions [DG iot-rule-sql-version, iot-sql-data-types]: whole-valued
// Decimals, top-level arrays, and features that 2015-10-08 refuses at parse time.
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

TEST_CASE("2016-03-23 reads whole-valued Decimals as Ints, 2015-10-08 keeps them",
          "[sql][versions]") {
    const char* message = R"({"t":10.0,"nested":{"x":[2.0,2.5]}})";
    CHECK(run("SELECT * FROM 'a/b'", message, SqlVersion::v2016_03_23)->dump() ==
          R"({"nested":{"x":[2,2.5]},"t":10})");
    CHECK(run("SELECT * FROM 'a/b'", message, SqlVersion::v2015_10_08)->dump() ==
          R"({"nested":{"x":[2.0,2.5]},"t":10.0})");
    CHECK(value_of("t / 4", message, SqlVersion::v2016_03_23) == 2);
    CHECK(value_of("t / 4", message, SqlVersion::v2015_10_08) == 2.5);
    CHECK(value_of("7.0 / 2", "{}", SqlVersion::v2015_10_08) == 3.5);
    CHECK(value_of("7.0 / 2", "{}", SqlVersion::beta) == 3);
}

TEST_CASE("Only 2016-03-23 and later output an array as the whole payload", "[sql][versions]") {
    const char* message = R"({"arr":[1,2,3,4]})";
    CHECK(run("SELECT VALUE arr FROM 'topic'", message, SqlVersion::v2016_03_23) ==
          json::parse("[1,2,3,4]"));
    const auto old = run("SELECT VALUE arr FROM 'topic'", message, SqlVersion::v2015_10_08);
    REQUIRE(old);
    CHECK(is_empty_payload(*old));
    CHECK(run("SELECT VALUE arr[0] FROM 'topic'", message, SqlVersion::v2015_10_08) == 1);
}

TEST_CASE("2015-10-08 refuses features added in 2016-03-23", "[sql][versions]") {
    using iotemu::rules::sql::parse;
    for (const char* sql : {
             "SELECT [a, b] AS pair FROM 'a/b'",
             "SELECT {'k': a} AS o FROM 'a/b'",
             "SELECT (SELECT VALUE n FROM e) AS names FROM 'a/b'",
             "SELECT encode(*, 'base64') AS data FROM 'a/b'",
             "SELECT indexof(a, 'x') AS i FROM 'a/b'",
             "SELECT cast(a AS Boolean) AS x FROM 'a/b'",
             "SELECT * FROM 'a/b' WHERE isUndefined(a)",
         }) {
        INFO(sql);
        const auto old = parse(sql, SqlVersion::v2015_10_08);
        REQUIRE_FALSE(old);
        CHECK_THAT(old.error().message, Catch::Contains("needs SQL version 2016-03-23"));
        CHECK(parse(sql, SqlVersion::v2016_03_23));
        CHECK(parse(sql, SqlVersion::beta));
    }
}

TEST_CASE("sql_version() names the rule's version", "[sql][versions]") {
    CHECK(value_of("sql_version()", "{}", SqlVersion::v2015_10_08) == "2015-10-08");
    CHECK(value_of("sql_version()", "{}", SqlVersion::beta) == "beta");
}
