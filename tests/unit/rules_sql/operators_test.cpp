// Operators and WHERE [DG iot-sql-operators]: each row is an expression, the message it reads and
// the value AWS's tables give ("Undefined" when they give Undefined).
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

struct Row {
    const char* expr;
    const char* expected;  // JSON text, or "Undefined"
    const char* message = R"({"n":5,"d":2.5,"s":"abc","num":"10","t":"TRUE","arr":[1,2],
                               "obj":{"k":1},"nil":null,"b":true})";
};

void check_rows(std::initializer_list<Row> rows, SqlVersion version = SqlVersion::v2016_03_23) {
    for (const auto& row : rows) {
        INFO(row.expr);
        const auto out = value_of(row.expr, row.message, version);
        if (std::string_view(row.expected) == "Undefined") {
            CHECK(is_empty_payload(out));
        } else {
            CHECK(out.dump() == json::parse(row.expected).dump());
        }
    }
}

}  // namespace

TEST_CASE("Arithmetic keeps Ints as Ints and converts numeric strings", "[sql][operators]") {
    check_rows({
        {"n + 1", "6"},
        {"n + d", "7.5"},
        {"n - '2'", "3"},  // numeric string → Decimal 3.0, read back as Int under 2016-03-23
        {"n * num", "50"},
        {"7 / 2", "3"},  // Int / Int is an Int
        {"7.5 / 2", "3.75"},
        {"7.0 / 2", "3"},  // 2016-03-23 reads 7.0 as the Int 7 (versions_test has 2015's 3.5)
        {"-7 % 3", "-1"},
        {"7 % 0", "Undefined"},
        {"n / 0", "Undefined"},
        {"n - s", "Undefined"},
        {"n * b", "Undefined"},
        {"-n", "-5"},
        {"-num", "-10"},
        {"9223372036854775807 + 1", "9223372036854775808.0"},
    });
}

TEST_CASE("Plus concatenates when either side is a string", "[sql][operators]") {
    check_rows({
        {"s + 'def'", R"("abcdef")"},
        {"'n=' + n", R"("n=5")"},
        {"n + num", R"("510")"},
        {"s + b", R"("abctrue")"},
        {"s + arr", R"("abc[1,2]")"},
        {"s + nil", "Undefined"},
        {"s + missing", "Undefined"},
        {"arr + 1", "Undefined"},
    });
}

TEST_CASE("Equality compares by type and never converts strings", "[sql][operators]") {
    check_rows({
        {"n = 5", "true"},
        {"n = 5.0", "true"},
        {"n = '5'", "false"},  // mismatched types are unequal
        {"s = 'abc'", "true"},
        {"s = \"abc\"", "true"},
        {"arr = [1, 2]", "true"},
        {"arr = [2, 1]", "false"},
        {"obj = {'k': 1}", "true"},
        {"nil = null", "true"},
        {"n <> 4", "true"},
        {"n != 5", "false"},
        {"missing = 1", "Undefined"},
        {"missing <> 1", "Undefined"},
    });
}

TEST_CASE("Ordering compares numbers and numeric strings as Decimals", "[sql][operators]") {
    check_rows({
        {"n > 4", "true"},
        {"n >= 5", "true"},
        {"d < 3", "true"},
        {"num > 9", "true"},
        {"num <= '9.5'", "false"},
        {"'5E-12' < 1", "true"},
        {"s > 1", "Undefined"},
        {"b > 0", "Undefined"},
        {"missing < 1", "Undefined"},
    });
}

TEST_CASE("Logic takes Booleans and true/false strings", "[sql][operators]") {
    check_rows({
        {"b AND n > 1", "true"},
        {"b AND t", "true"},
        {"NOT b", "false"},
        {"NOT 'False'", "true"},
        {"false OR n = 5", "true"},
        {"b AND s", "Undefined"},
        {"b OR missing", "Undefined"},
        {"NOT n", "Undefined"},
        {"1 = 1 AND NOT 2 = 3 OR false", "true"},  // NOT binds tighter than AND, AND than OR
        {"(n + 1) * 2", "12"},
        {"n + 1 * 2", "7"},
    });
}

TEST_CASE("IN tests membership and IS tests for Null and Undefined", "[sql][operators]") {
    check_rows({
        {"n IN [1, 5]", "true"},
        {"s IN ['x', 'y']", "false"},
        {"n IN 5", "Undefined"},
        {"nil IS NULL", "true"},
        {"missing IS NULL", "false"},
        {"missing IS UNDEFINED", "true"},
        {"n IS NOT UNDEFINED", "true"},
        {"nil is not null", "false"},
    });
}

TEST_CASE("WHERE false or Undefined runs no action", "[sql][where]") {
    const char* message = R"({"temperature":100,"color":"red"})";
    CHECK(run("SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", message) ==
          json::parse(R"({"rgb":"red"})"));
    CHECK_FALSE(run("SELECT * FROM 'a/b' WHERE temperature < 50", message));
    CHECK_FALSE(run("SELECT * FROM 'a/b' WHERE humidity < 50", message));  // Undefined
    CHECK_FALSE(run("SELECT * FROM 'a/b' WHERE color", message));          // not a Boolean
    CHECK(run("SELECT * FROM 'a/b' WHERE 'TRUE'", message));
}

TEST_CASE("WHERE cannot see SELECT aliases", "[sql][where]") {
    const char* message = R"({"temperature":100})";
    CHECK_FALSE(run("SELECT temperature AS t FROM 'a/b' WHERE t = 100", message));
    CHECK(run("SELECT temperature AS t FROM 'a/b' WHERE temperature = 100", message) ==
          json::parse(R"({"t":100})"));
}

TEST_CASE("WHERE can use functions and nested queries", "[sql][where]") {
    const char* message = R"({"e":[{"n":"a","v":1},{"n":"b","v":9}],"id":"dev-7"})";
    CHECK(run("SELECT id FROM 'a/b' WHERE startswith(id, 'dev-') AND topic(1) = 'a'", message));
    CHECK(run("SELECT id FROM 'a/b' WHERE get((SELECT VALUE v FROM e WHERE n = 'b'), 0) > 5",
              message));
    CHECK_FALSE(run("SELECT id FROM 'a/b' WHERE timestamp() % 2 = 0", message));  // odd clock
}
