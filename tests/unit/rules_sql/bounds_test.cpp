// Hostile statements and payloads (docs/limits.md §2): each is refused with a ParseError or
// evaluated within bounds, never by exhausting the C++ stack or backtracking without end.
#include <string>

#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

std::string repeated(std::string_view piece, std::size_t times) {
    std::string out;
    out.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

// `[[[…1…]]]` nested `depth` deep, as nlohmann values (built in a loop, no parsing).
json nested_array(std::size_t depth) {
    json value = 1;
    for (std::size_t i = 0; i < depth; ++i) value = json::array({std::move(value)});
    return value;
}

}  // namespace

TEST_CASE("Chains of operators too deep to evaluate are refused at parse time", "[sql][bounds]") {
    const std::string chains[] = {
        "SELECT VALUE a" + repeated(" + a", 20000) + " FROM 'a/b'",
        "SELECT * FROM 'a/b' WHERE a = 1" + repeated(" OR a = 1", 20000),
        "SELECT VALUE a" + repeated(".m", 20000) + " FROM 'a/b'",
        "SELECT VALUE a" + repeated("[0]", 20000) + " FROM 'a/b'",
        "SELECT VALUE " + repeated("-", 20000) + "1 FROM 'a/b'",
        "SELECT VALUE " + repeated("upper(", 20000) + "a" + repeated(")", 20000) + " FROM 'a/b'",
    };
    for (const auto& sql : chains) {
        INFO(sql.substr(0, 40));
        const auto statement = iotemu::rules::sql::parse(sql, SqlVersion::v2016_03_23);
        REQUIRE_FALSE(statement);
        CHECK_THAT(statement.error().message, Catch::Contains("levels"));
    }
}

TEST_CASE("Long chains within the bound parse and evaluate", "[sql][bounds]") {
    const auto statement =
        parse_ok("SELECT VALUE n" + repeated(" + n", 900) + " FROM 'a/b'", SqlVersion::v2016_03_23);
    const auto out = iotemu::rules::sql::evaluate(statement, json{{"n", 1}}, test_context());
    REQUIRE(out);
    CHECK(*out == 901);
    CHECK(run("SELECT id FROM 'a/b' WHERE id = 0" + repeated(" OR id = 7", 900), R"({"id":7})") ==
          json{{"id", 7}});
}

TEST_CASE("A statement longer than 256 KiB is a ParseError", "[sql][bounds]") {
    const std::string sql =
        "SELECT '" + std::string(iotemu::rules::sql::max_sql_length, 'x') + "' AS x FROM 'a/b'";
    const auto statement = iotemu::rules::sql::parse(sql);
    REQUIRE_FALSE(statement);
    CHECK_THAT(statement.error().message, Catch::Contains("statement too long"));
}

TEST_CASE("A payload nested deeper than 1000 levels is read as bytes", "[sql][bounds]") {
    const auto statement = parse_ok("SELECT * FROM 'a/b'", SqlVersion::v2016_03_23);
    const std::string deep = std::string(60000, '[') + std::string(60000, ']');
    const auto out =
        iotemu::rules::sql::evaluate(statement, std::string_view(deep), test_context());
    REQUIRE(out);
    REQUIRE(out->is_binary());
    CHECK(out->get_binary().size() == deep.size());

    const auto where = parse_ok("SELECT * FROM 'a/b' WHERE a = 1", SqlVersion::v2016_03_23);
    const std::string deep_object =
        "{\"a\":1,\"b\":" + std::string(2000, '[') + std::string(2000, ']') + "}";
    CHECK_FALSE(iotemu::rules::sql::evaluate(where, std::string_view(deep_object), test_context()));
    const std::string shallow =
        "{\"a\":1,\"b\":" + std::string(999, '[') + std::string(999, ']') + "}";
    CHECK(iotemu::rules::sql::evaluate(where, std::string_view(shallow), test_context()));
}

TEST_CASE("Equality of deeply nested values does not recurse", "[sql][bounds]") {
    const auto statement = parse_ok("SELECT VALUE a = b FROM 'a/b'", SqlVersion::v2016_03_23);
    json message{{"a", nested_array(20000)}, {"b", nested_array(20000)}};
    CHECK(iotemu::rules::sql::evaluate(statement, message, test_context()) == json(true));
    message["b"] = nested_array(19999);
    CHECK(iotemu::rules::sql::evaluate(statement, message, test_context()) == json(false));
}

TEST_CASE("Regular expressions run in linear time", "[sql][bounds][functions]") {
    const std::string long_text(100000, 'a');
    const json message{{"s", long_text}, {"t", std::string(60, 'a') + "!"}};
    CHECK(run("SELECT VALUE regexp_matches(s, '(a|b)*') FROM 'a/b'", message.dump()) == json(true));
    CHECK(run("SELECT VALUE regexp_matches(t, '^(a+)+$') FROM 'a/b'", message.dump()) ==
          json(false));
    CHECK(run("SELECT VALUE regexp_matches(t, '^(a|aa)*b') FROM 'a/b'", message.dump()) ==
          json(false));
    CHECK(run("SELECT VALUE regexp_substr(s, '(a|b)*') = s FROM 'a/b'", message.dump()) ==
          json(true));
}

TEST_CASE("regexp_replace reads Java's replacement syntax", "[sql][functions]") {
    struct Row {
        const char* expr;
        const char* expected;  // JSON text, or "Undefined"
    };
    const Row rows[] = {
        {R"sql(regexp_replace("a-b-c", "-", "+"))sql", R"("a+b+c")"},
        {R"sql(regexp_replace("2024-12", "(\\d+)-(\\d+)", "$2/$1"))sql", R"("12/2024")"},
        {R"sql(regexp_replace("ab", "b", "\\$1"))sql", R"("a$1")"},
        {R"sql(regexp_replace("ab", "b", "x\\\\y"))sql", R"("ax\\y")"},
        {R"sql(regexp_replace("ab", "b", "$3"))sql", "Undefined"},    // no group 3
        {R"sql(regexp_matches("ab", "a(?=b)"))sql", "Undefined"},     // lookahead: not in RE2
        {R"sql(regexp_matches("abab", "(ab)\\1"))sql", "Undefined"},  // backreference: not in RE2
    };
    for (const auto& row : rows) {
        INFO(row.expr);
        const auto out = value_of(row.expr);
        if (std::string_view(row.expected) == "Undefined")
            CHECK(is_empty_payload(out));
        else
            CHECK(out == json::parse(row.expected));
    }
}
