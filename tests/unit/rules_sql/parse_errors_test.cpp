// What CreateTopicRule refuses as SqlParseException: each bad statement, the column the error
// names and words from its message.
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

struct Row {
    const char* sql;
    std::size_t position;  // 0-based byte offset
    const char* words;     // part of the message
};

}  // namespace

TEST_CASE("Bad statements fail to parse with the position of the problem", "[sql][parse]") {
    const Row rows[] = {
        {"SELECT * FROM 'a/b", 14, "unterminated string literal"},
        {"SELECT color WHERE x = 1", 13, "expected FROM"},
        {"SELECT * FROM 'a/b' WHERE x = \"oops", 30, "unterminated string literal"},
        {"SELECT * 'a/b'", 9, "expected FROM"},
        {"SELECT * FROM a/b", 14, "single-quoted topic filter"},
        {"SELECT * FROM \"a/b\"", 14, "single-quoted topic filter"},
        {"SELECT * FROM ''", 15, "empty topic filter"},
        {"SELECT * FROM 'a/#/b'", 17, "'#' must be the whole last topic level"},
        {"SELECT * FROM 'a/b+'", 18, "'+' must fill a whole topic level"},
        {"SELECT * FROM 'a/b' garbage", 20, "after the end of the statement"},
        {"SELECT * FROM 'a/b' WHERE", 25, "unexpected end of statement"},
        {"SELECT nosuchfn(a) FROM 'a/b'", 7, "unknown function nosuchfn()"},
        {"SELECT aws_lambda('arn:aws:lambda:us-east-1:1:function:f', *) FROM 'a/b'", 7,
         "not supported by iot-emulator"},
        {"SELECT cast(a AS Blob) FROM 'a/b'", 17, "unknown type Blob"},
        {"SELECT a FROM 'a/b' WHERE (a = 1", 32, "expected ')'"},
        {"SELECT CASE a THEN 1 END FROM 'a/b'", 14, "expected WHEN"},
        {"SELECT a AS FROM 'a/b'", 17, "expected FROM"},  // FROM became the alias
        {"SELECT VALUE a, b FROM 'a/b'", 18, "SELECT VALUE takes exactly one expression"},
        {"SELECT a # b FROM 'a/b'", 9, "unexpected character '#'"},
        {"SELECT a FROM 'a/b' WHERE a IS 3", 31, "expected NULL or UNDEFINED"},
        {"SELECT 12abc FROM 'a/b'", 7, "malformed number"},
        {"SELECT select FROM 'a/b'", 7, "unexpected keyword select"},
        {"", 0, "expected SELECT"},
        {"DELETE FROM 'a/b'", 0, "expected SELECT"},
    };
    for (const auto& row : rows) {
        INFO(row.sql);
        for (const auto version : {SqlVersion::v2015_10_08, SqlVersion::v2016_03_23}) {
            const auto statement = iotemu::rules::sql::parse(row.sql, version);
            REQUIRE_FALSE(statement);
            CHECK(statement.error().position == row.position);
            CHECK_THAT(statement.error().message, Catch::Contains(row.words));
            CHECK_THAT(statement.error().message,
                       Catch::Contains("column " + std::to_string(row.position + 1)));
        }
    }
}

TEST_CASE("Keywords are case-insensitive and whitespace is free", "[sql][parse]") {
    const auto statement =
        parse_ok("  select\n*\tfrom 'a/+'   where\nx=1  ", SqlVersion::v2015_10_08);
    CHECK(statement.topic_filter() == "a/+");
    CHECK(statement.sql() == "  select\n*\tfrom 'a/+'   where\nx=1  ");
}

TEST_CASE("Topic filters take wildcards and $aws topics", "[sql][parse]") {
    for (const char* filter : {"#", "+", "a/+/c", "a/#", "$aws/events/certificates/registered/#",
                               "$aws/rules/myRule/x", "a//b", "/"}) {
        INFO(filter);
        const auto statement =
            parse_ok("SELECT * FROM '" + std::string(filter) + "'", SqlVersion::v2016_03_23);
        CHECK(statement.topic_filter() == filter);
    }
}

TEST_CASE("A deeply nested expression is refused rather than overflowing", "[sql][parse]") {
    const std::string sql =
        "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')') + " AS x FROM 'a/b'";
    const auto statement = iotemu::rules::sql::parse(sql, SqlVersion::v2016_03_23);
    REQUIRE_FALSE(statement);
    CHECK_THAT(statement.error().message, Catch::Contains("nested too deeply"));
}

TEST_CASE("Field names that look like functions are fields without parentheses", "[sql][parse]") {
    CHECK(run("SELECT timestamp, topic FROM 'a/b'", R"({"timestamp":1,"topic":"t"})") ==
          json::parse(R"({"timestamp":1,"topic":"t"})"));
}

TEST_CASE("Mangled statements give a result or a ParseError, never a crash", "[sql][parse]") {
    // Deterministic mutations of a statement that exercises most of the grammar.
    const std::string base =
        "SELECT VALUE CASE WHEN a.b[0] > -1.5e3 AND NOT c IS NULL THEN concat('x', \"y\") "
        "ELSE (SELECT VALUE n FROM e WHERE n IN [1, {'k': 2}]) END FROM 'a/+/#' WHERE d <> 1";
    std::uint32_t seed = 12345;
    const auto next = [&seed] { return seed = seed * 1103515245 + 12345; };
    const json message = json::parse(R"({"a":{"b":[1]},"c":null,"e":[{"n":1},{"n":3}],"d":2})");
    for (int round = 0; round < 3000; ++round) {
        std::string sql = base;
        for (int edits = 1 + static_cast<int>(next() % 4); edits > 0; --edits) {
            const auto at = next() % sql.size();
            switch (next() % 3) {
                case 0:
                    sql.erase(at, 1 + next() % 6);
                    break;
                case 1:
                    sql.insert(at, 1, "()[]{}'\",.*-+<>=!#\\ aZ9"[next() % 24]);
                    break;
                default:
                    sql[at] = static_cast<char>(next() % 256);
                    break;
            }
            if (sql.empty()) sql = "S";
        }
        for (const auto version : {SqlVersion::v2015_10_08, SqlVersion::v2016_03_23}) {
            const auto statement = iotemu::rules::sql::parse(sql, version);
            if (!statement) {
                CHECK(statement.error().position <= sql.size());
                continue;
            }
            (void)iotemu::rules::sql::evaluate(*statement, message, test_context());
        }
    }
}
