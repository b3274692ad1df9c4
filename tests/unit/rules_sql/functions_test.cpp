// Built-in functions [DG iot-sql-functions], mostly AWS's own examples: expression → value
// ("Undefined" where AWS gives Undefined, which SELECT VALUE turns into an empty payload).
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

struct Row {
    const char* expr;
    const char* expected;  // JSON text, or "Undefined"
};

void check_rows(std::initializer_list<Row> rows) {
    const char* message = R"({"s":" h i ","n":-5,"arr":[1,2,3],"obj":{"a":"b"},"nil":null,
                              "deviceid":"iot123"})";
    for (const auto& row : rows) {
        INFO(row.expr);
        const auto out = value_of(row.expr, message);
        if (std::string_view(row.expected) == "Undefined") {
            CHECK(is_empty_payload(out));
        } else {
            CHECK(out.dump() == json::parse(row.expected).dump());
        }
    }
}

}  // namespace

TEST_CASE("String functions follow AWS's examples", "[sql][functions]") {
    check_rows({
        {"concat()", "Undefined"},
        {"concat(1)", R"("1")"},
        {"concat([1, 2, 3], 4)", "[1,2,3,4]"},
        {R"(concat([1, 2, 3], "hello", [4, 5, 6]))", R"([1,2,3,"hello",4,5,6])"},
        {R"(concat(1, "hello"))", R"("1hello")"},
        {R"(concat("he","is","man"))", R"("heisman")"},
        {R"(upper("hello"))", R"("HELLO")"},
        {R"(lower(["HELLO"]))", R"("[\"hello\"]")"},
        {R"(startswith("ranger","ran"))", "true"},
        {R"(endswith("cat","at"))", "true"},
        {"endswith(nil, 'a')", "Undefined"},
        {R"(substring("012345", 2))", R"("2345")"},
        {R"(substring("012345", 2.745))", R"("2345")"},
        {"substring(123, 2)", R"("3")"},
        {R"(substring("012345", -1))", R"("012345")"},
        {"substring(true, 1.2)", R"("rue")"},
        {"substring(false, -2.411E247)", R"("false")"},
        {R"(substring("012345", 1, 3))", R"("12")"},
        {R"(substring("012345", -50, 50))", R"("012345")"},
        {R"(substring("012345", 3, 1))", R"("")"},
        {R"(substring("h€llo", 1, 2))", R"("€")"},
        {R"(length("hi"))", "2"},
        {"length(false)", "5"},
        {R"(numbytes("€"))", "3"},
        {"trim(s)", R"("h i")"},
        {"ltrim(s)", R"("h i ")"},
        {"rtrim(s)", R"(" h i")"},
        {R"(replace("abcdabcd", "b", "x"))", R"("axcdaxcd")"},
        {R"(indexof("abcd", "bc"))", "1"},
        {R"(lpad("hello", 2))", R"("  hello")"},
        {"rpad(1, 3)", R"("1   ")"},
        {"chr(65)", R"("A")"},
        {R"(regexp_matches("aaaa", "a{2,}"))", "true"},
        {R"(regexp_matches("aaaa", "b"))", "false"},
        {R"(regexp_replace("abcd", "b(.*)d", "$1"))", R"("ac")"},
        {R"(regexp_substr("hihihello", "(hi)*"))", R"("hihi")"},
        {R"(regexp_matches("a", "("))", "Undefined"},
        {"upper(missing)", "Undefined"},
    });
}

TEST_CASE("Math functions follow AWS's examples", "[sql][functions]") {
    check_rows({
        {"abs(n)", "5"},
        {R"(abs("-5.123"))", "5.123"},
        {"abs(true)", "Undefined"},
        {"ceil(1.2)", "2"},
        {"ceil(-1.2)", "-1"},
        {"floor(-1.2)", "-2"},
        {"round(1.5)", "2"},
        {"round(-1.5)", "-2"},
        {"round(-1.1)", "-1"},
        {"sign(-7)", "-1"},
        {"mod(8, 3)", "2"},
        {"remainder(8, 3)", "2"},
        {"power(2, 5)", "32"},
        {"sqrt(9)", "3"},
        {"sqrt(-1)", "Undefined"},
        {"bitand(13, 5)", "5"},
        {"bitor(8, 5)", "13"},
        {"bitxor(13, 5)", "8"},
        {"trunc(2.3123, 2)", "2.31"},
        {"trunc(2.00, 5)", "2"},
        {"atan2(1, 0)", "1.5707963267948966"},
        {"log(100)", "2"},
        {"floor(arr)", "Undefined"},
    });
}

TEST_CASE("Type functions test, pick and convert values", "[sql][functions]") {
    check_rows({
        {"isNull(nil)", "true"},
        {"isNull(5)", "false"},
        {"isNull(missing)", "false"},
        {"isUndefined(missing)", "true"},
        {"isUndefined(floor([1,2,3]))", "true"},
        {"nanvl(8, 3)", "8"},
        {"nanvl(missing, 3)", "3"},
        {"nanvl(nil, 'x')", R"("x")"},
        {R"(get(["a", "b", "c"], 1))", R"("b")"},
        {R"(get({"a":"b"}, "a"))", R"("b")"},
        {R"(get("abc", 1))", R"("b")"},
        {"get(arr, 7)", "Undefined"},
        {"get(*, 'deviceid')", R"("iot123")"},
        {"cast(true as Int)", "1"},
        {"cast('12.7' as Int)", "12"},
        {"cast(-1.5 as Integer)", "-2"},
        {"cast(12 as String)", R"("12")"},
        {"cast(arr as varchar)", R"("[1,2,3]")"},
        {"cast(0 as Boolean)", "false"},
        {"cast('TRUE' as bool)", "true"},
        {"cast('x' as Decimal)", "Undefined"},
        {"cast(nil as String)", "Undefined"},
        {"abs(1, 2)", "Undefined"},  // wrong argument count
    });
}

TEST_CASE("Encodings and hashes work on strings and payloads", "[sql][functions]") {
    check_rows({
        {R"(md5("hello"))", R"("5d41402abc4b2a76b9719d911017c592")"},
        {"md5('')", R"("d41d8cd98f00b204e9800998ecf8427e")"},
        {"sha1('abc')", R"("a9993e364706816aba3e25717850c26c9cd0d89d")"},
        {"sha224('abc')", R"("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")"},
        {"sha256('abc')", R"("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")"},
        {"sha384('abc')",
         R"("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")"},
        {"sha512('abc')",
         R"("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")"},
        {"sha256(repeat)", "Undefined"},
        {"encode('hello', 'base64')", R"("aGVsbG8=")"},
        {"encode(arr, 'base64')", R"("WzEsMiwzXQ==")"},
        {"encode('hello', 'hex')", "Undefined"},
        {R"(decode("eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg==","base64").temperature)", "33"},
        {"decode('aGk=', 'base64')", R"("hi")"},
        {"decode('not base64!', 'base64')", "null"},
    });
}

TEST_CASE("The JSON-extensions example hashes a field", "[sql][functions]") {
    const auto out = run("SELECT temp, md5(deviceid) AS hashed_id FROM 'topic/#'",
                         R"({"deviceid":"iot123","temp":54.98,"humidity":32.43})");
    CHECK(out == json::parse(R"({"temp":54.98,"hashed_id":"e37f81fb397e595c4aeb5645b8cbbbd1"})"));
}

TEST_CASE("Function names are case-insensitive", "[sql][functions]") {
    CHECK(value_of("UPPER('a')") == "A");
    CHECK(value_of("Round(1.7)") == 2);
    CHECK(value_of("Ltrim(' x')") == "x");
}
