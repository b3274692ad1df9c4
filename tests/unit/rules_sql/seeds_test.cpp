// The rules AWS's JITR walkthroughs (blog, workshop) create, exactly as written there, over the
// JITR registration event AWS publishes (docs/aws/iot-core.md §3.5): what their Lambda functions
// receive.
#include "rules_sql/sql_test_support.hpp"

using namespace sql_test;

namespace {

constexpr const char* ca_id = "7ad8d0bd7ad2f46e7fa5aa8e2e6b6e3d0a1d8e1e4c2b1b0a9f8e7d6c5b4a3f2e";

std::string registration_event(std::string_view status = "PENDING_ACTIVATION") {
    return R"({"certificateId":"1f3c5a7e9b2d4f6a8c0e1f3a5c7e9b2d4f6a8c0e1f3a5c7e9b2d4f6a8c0e1f3a",)"
           R"("caCertificateId":")" +
           std::string(ca_id) + R"(","timestamp":1623724243659,"certificateStatus":")" +
           std::string(status) +
           R"(","awsAccountId":"123456789012","certificateRegistrationTimestamp":"1623723165331"})";
}

std::string registered_topic() {
    return "$aws/events/certificates/registered/" + std::string(ca_id);
}

}  // namespace

TEST_CASE("The JITR blog rule passes the registration event through unchanged", "[sql][seeds]") {
    // jitr-official-aws-blog / jitr-blog-nodejs-lambda: Attribute `*`, topic filter with the CA id;
    // jitr-boto3-and-https-curl writes the same statement out, under SQL version 2016-03-23.
    const std::string sql =
        "SELECT * FROM '$aws/events/certificates/registered/" + std::string(ca_id) + "' ";
    for (const auto version : {SqlVersion::v2015_10_08, SqlVersion::v2016_03_23}) {
        const auto statement = parse_ok(sql, version);
        CHECK(statement.topic_filter() == registered_topic());
        const auto out = iotemu::rules::sql::evaluate(statement, json::parse(registration_event()),
                                                      test_context(registered_topic()));
        REQUIRE(out);
        CHECK(*out == json::parse(registration_event()));
        CHECK((*out)["certificateRegistrationTimestamp"].is_string());
        CHECK((*out)["timestamp"].is_number_integer());
    }
}

TEST_CASE("The workshop rule fires only for certificates pending activation", "[sql][seeds]") {
    // jitr-workshop-acm-pca-python-lambda, no awsIotSqlVersion given: 2015-10-08.
    const std::string sql =
        R"(SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION")";
    const auto statement = parse_ok(sql, SqlVersion::v2015_10_08);
    CHECK(statement.topic_filter() == "$aws/events/certificates/registered/#");
    CHECK(statement.version() == SqlVersion::v2015_10_08);

    const auto pending = iotemu::rules::sql::evaluate(statement, json::parse(registration_event()),
                                                      test_context(registered_topic()));
    REQUIRE(pending);
    CHECK(*pending == json::parse(registration_event()));

    const auto active = iotemu::rules::sql::evaluate(
        statement, json::parse(registration_event("ACTIVE")), test_context(registered_topic()));
    CHECK_FALSE(active);
}

TEST_CASE("The workshop rule skips an event without a certificateStatus", "[sql][seeds]") {
    // Undefined = "…" is Undefined, and an Undefined WHERE runs no action.
    CHECK_FALSE(run(
        R"(SELECT * FROM '$aws/events/certificates/registered/#' WHERE certificateStatus = "PENDING_ACTIVATION")",
        R"({"certificateId":"x"})", SqlVersion::v2015_10_08));
}

TEST_CASE("The raw-bytes overload treats the registration event as JSON", "[sql][seeds]") {
    const auto statement =
        parse_ok("SELECT * FROM '$aws/events/certificates/registered/+'", SqlVersion::v2016_03_23);
    const auto payload = registration_event();
    const auto out = iotemu::rules::sql::evaluate(statement, std::string_view(payload),
                                                  test_context(registered_topic()));
    REQUIRE(out);
    CHECK(*out == json::parse(payload));
}

TEST_CASE("SQL versions are the three AWS accepts today", "[sql][seeds]") {
    using iotemu::rules::sql::parse_sql_version;
    CHECK(parse_sql_version("2015-10-08") == SqlVersion::v2015_10_08);
    CHECK(parse_sql_version("2016-03-23") == SqlVersion::v2016_03_23);
    CHECK(parse_sql_version("beta") == SqlVersion::beta);
    // The 2016 blog's console offered "2016-03-23-beta"; the API no longer knows that name.
    CHECK_FALSE(parse_sql_version("2016-03-23-beta"));
    CHECK_FALSE(parse_sql_version(""));
    CHECK(iotemu::rules::sql::to_string(SqlVersion::v2016_03_23) == "2016-03-23");
}
