// SELECT: what each kind of item puts in the outgoing payload, as tables of statement × message
// → output (JSON text), mostly AWS's own documentation examples [DG iot-sql-select and subpages].
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

struct Row {
    const char* sql;
    const char* message;
    const char* expected;  // JSON text of the output
};

void check_rows(std::initializer_list<Row> rows, SqlVersion version) {
    for (const auto& row : rows) {
        INFO(row.sql << "  over  " << row.message);
        const auto out = run(row.sql, row.message, version);
        REQUIRE(out);
        CHECK(out->dump() == json::parse(row.expected).dump());
    }
}

}  // namespace

TEST_CASE("SELECT items pick, rename and add keys", "[sql][select]") {
    check_rows(
        {
            {"SELECT * FROM 'a/b'", R"({"color":"red","temperature":50})",
             R"({"color":"red","temperature":50})"},
            {"SELECT color FROM 'a/b'", R"({"color":"red","temperature":50})",
             R"({"color":"red"})"},
            {"SELECT color AS my_color FROM 'a/b'", R"({"color":"red","temperature":50})",
             R"({"my_color":"red"})"},
            {"SELECT color as my_color, temperature as fahrenheit FROM 'a/b'",
             R"({"color":"red","temperature":50})", R"({"my_color":"red","fahrenheit":50})"},
            {"SELECT *, 15 as speed FROM 'a/b'", R"({"color":"red","temperature":50})",
             R"({"color":"red","temperature":50,"speed":15})"},
            {"SELECT color.red as red_value FROM 'a/b'",
             R"({"color":{"red":255,"green":0,"blue":0},"temperature":50})",
             R"({"red_value":255})"},
            {"SELECT color.red FROM 'a/b'", R"({"color":{"red":255}})", R"({"red":255})"},
            {"SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'a/b'",
             R"({"color":"red","temperature":50})", R"({"celsius":10,"my_color":"RED"})"},
            {"select Color from 'a/b'", R"({"color":"red","Color":"blue"})", R"({"Color":"blue"})"},
            {"SELECT a[1] AS second, a[5] AS missing FROM 'a/b'", R"({"a":[10,20]})",
             R"({"second":20})"},
            {"SELECT d.e[0].f AS f FROM 'a/b'", R"({"d":{"e":[{"f":true}]}})", R"({"f":true})"},
            {"SELECT NULL AS n FROM 'a/b'", "{}", R"({"n":null})"},
            {"SELECT foo.bar AS bar.baz FROM 'a/b'", R"({"foo":{"bar":1}})",
             R"({"bar":{"baz":1}})"},
            {"SELECT value FROM 'a/b'", R"({"value":3})", R"({"value":3})"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("Undefined values leave their key out of the output", "[sql][select]") {
    check_rows(
        {
            {"SELECT missing, color FROM 'a/b'", R"({"color":"red"})", R"({"color":"red"})"},
            {"SELECT foo, bar FROM 'a/b'", R"({"foo":null})", R"({"foo":null})"},
            {"SELECT abs(color) AS x, color FROM 'a/b'", R"({"color":"red"})",
             R"({"color":"red"})"},
            {"SELECT color.red AS r FROM 'a/b'", R"({"color":"red"})", "{}"},
            {"SELECT [lat, nothing] AS pair FROM 'a/b'", R"({"lat":1})", R"({"pair":[1]})"},
            {"SELECT {'a': lat, 'b': nothing} AS o FROM 'a/b'", R"({"lat":1})", R"({"o":{"a":1}})"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("An unnamed computed item gets a positional key", "[sql][select]") {
    check_rows({{"SELECT color, 1 + 1 FROM 'a/b'", R"({"color":"c"})", R"({"color":"c","_2":2})"}},
               SqlVersion::v2016_03_23);
}

TEST_CASE("SELECT VALUE returns a value that need not be an object", "[sql][select]") {
    check_rows(
        {
            {"SELECT VALUE color FROM 'a/b'", R"({"color":"red","temperature":50})", R"("red")"},
            {"SELECT VALUE arr FROM 'topic'", R"({"a":{"b":"c"},"arr":[1,2,3,4]})", "[1,2,3,4]"},
            {"SELECT VALUE * FROM 'a/b'", R"({"k":1})", R"({"k":1})"},
            {"select value temperature from 'a/b'", R"({"temperature":50})", "50"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("Object and array literals build new structure", "[sql][select]") {
    check_rows(
        {
            {"SELECT {'latitude': get(lat_long, 0),'longitude':get(lat_long, 1)} as lat_long "
             "FROM 'topic/subtopic'",
             R"({"lat_long":[47.606,-122.332]})",
             R"({"lat_long":{"latitude":47.606,"longitude":-122.332}})"},
            {"SELECT [lat,long] as lat_long FROM 'topic/subtopic'",
             R"({"lat":47.606,"long":-122.332})", R"({"lat_long":[47.606,-122.332]})"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("CASE picks the first matching branch", "[sql][select]") {
    const char* simple =
        "SELECT CASE color WHEN 'green' THEN 'go' WHEN 'yellow' THEN 'caution' WHEN 'red' THEN "
        "'stop' ELSE 'you are not at a stop light' END as instructions FROM 'a/b'";
    check_rows(
        {
            {simple, R"({"color":"yellow"})", R"({"instructions":"caution"})"},
            {simple, R"({"color":"blue"})", R"({"instructions":"you are not at a stop light"})"},
            {simple, R"({"colour":"red"})", "{}"},  // Undefined subject: Undefined result
            {"SELECT CASE n WHEN 1 THEN 'one' END AS w FROM 'a/b'", R"({"n":2})", "{}"},
            {"SELECT CASE WHEN t > 30 THEN 'hot' WHEN t > 10 THEN 'mild' ELSE 'cold' END AS w "
             "FROM 'a/b'",
             R"({"t":20})", R"({"w":"mild"})"},
            {"SELECT CASE n WHEN 1.0 THEN 'one' END AS w FROM 'a/b'", R"({"n":1})",
             R"({"w":"one"})"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("Nested SELECTs query arrays and objects inside the message", "[sql][select]") {
    const char* message = R"({"e":[{"n":"temperature","u":"Cel","t":1234,"v":22.5},
                                   {"n":"light","u":"lm","t":1235,"v":135},
                                   {"n":"acidity","u":"pH","t":1235,"v":7}]})";
    check_rows(
        {
            {"SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'", message,
             R"({"sensors":["temperature","light","acidity"]})"},
            {"SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'",
             message, R"({"temperature":[{"v":22.5}]})"},
            {"SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v as temperature FROM "
             "'topic'",
             message, R"({"temperature":22.5})"},
            {"SELECT (SELECT VALUE n FROM e WHERE v > 100) AS bright FROM 'a/b'", message,
             R"({"bright":["light"]})"},
        },
        SqlVersion::v2016_03_23);
}

TEST_CASE("transform() enriches each object of an array", "[sql][select]") {
    const char* message =
        R"({"attributes":{"data1":1,"data2":2},"values":[{"a":3},{"b":4},{"c":5}]})";
    check_rows(
        {
            {R"(select value transform("enrichArray", attributes, values) from 'A/B')", message,
             R"([{"a":3,"data1":1,"data2":2},{"b":4,"data1":1,"data2":2},
                 {"c":5,"data1":1,"data2":2}])"},
            {R"(select value transform("enrichArray", {"key": attributes.data1}, values) from 'A/B')",
             message, R"([{"a":3,"key":1},{"b":4,"key":1},{"c":5,"key":1}])"},
        },
        SqlVersion::v2016_03_23);
}
