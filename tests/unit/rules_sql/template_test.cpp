// Substitution templates `${…}` as rule actions use them [DG iot-substitution-templates]: parsed
// once, rendered against the original message.
#include "rules/sql/template.hpp"

#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;
using iotemu::rules::sql::parse_template;
using iotemu::rules::sql::render;

namespace {

// A table of cases to loop over (Catch's table<> is a GENERATE source, one test run per row).
template <class... Columns>
std::vector<std::tuple<Columns...>> rows(std::initializer_list<std::tuple<Columns...>> list) {
    return list;
}

std::string rendered(std::string_view text, std::string_view payload,
                     const Context& context = test_context("sensors/dev-7/temp")) {
    auto tmpl = parse_template(text, SqlVersion::v2016_03_23);
    INFO("template: " << text);
    if (!tmpl) FAIL("parse error: " << tmpl.error().message);
    return render(*tmpl, payload, context);
}

}  // namespace

TEST_CASE("templates substitute context functions and payload fields", "[template]") {
    const std::string payload = R"({"device":"d1","temp":21.5,"nested":{"a":[1,2]},"ok":true})";
    const auto cases = rows<std::string, std::string>({
        {"plain/topic", "plain/topic"},
        {"${topic(2)}/alerts", "dev-7/alerts"},
        {"${topic()}", "sensors/dev-7/temp"},
        {"by-client/${clientid()}", "by-client/device-1"},
        {"${device}/${temp}", "d1/21.5"},
        {"${nested}", R"({"a":[1,2]})"},
        {"${nested.a[1]}", "2"},
        {"${ok}", "true"},
        {"x${missing}y", "xy"},
        {"${concat(device, '-', upper('x'))}", "d1-X"},
        {"${ {'k': 'v'}.k }", "v"},
        {"$plain and {braces}", "$plain and {braces}"},
        {"${accountid()}", "123456789012"},
    });
    for (const auto& [text, expected] : cases) CHECK(rendered(text, payload) == expected);
}

TEST_CASE("templates read the original payload, never SELECT aliases", "[template]") {
    CHECK(rendered("${alias}", R"({"x":1})").empty());
}

TEST_CASE("a template over a non-JSON payload still has the context", "[template]") {
    CHECK(rendered("t/${topic(1)}/${clientid()}", "\x01\x02 not json") == "t/sensors/device-1");
}

TEST_CASE("a bad template is a ParseError pointing into the template", "[template]") {
    const auto unterminated = parse_template("a/${topic(2)", SqlVersion::v2016_03_23);
    REQUIRE_FALSE(unterminated);
    CHECK(unterminated.error().position == 2);
    CHECK_THAT(unterminated.error().message, Catch::Contains("closing"));

    const auto unknown = parse_template("a/${nosuchfn(1)}", SqlVersion::v2016_03_23);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().position >= 4);
    CHECK_THAT(unknown.error().message, Catch::Contains("substitution template"));
    CHECK_THAT(unknown.error().message, Catch::Contains("column"));
}

TEST_CASE("a template without substitutions says so", "[template]") {
    const auto literal = parse_template("a/b", SqlVersion::v2015_10_08);
    REQUIRE(literal);
    CHECK_FALSE(literal->has_substitutions());
    CHECK(literal->text() == "a/b");
    const auto dynamic = parse_template("a/${topic(1)}", SqlVersion::v2015_10_08);
    REQUIRE(dynamic);
    CHECK(dynamic->has_substitutions());
}
