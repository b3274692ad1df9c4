// Condition blocks: each IAM operator, the ForAnyValue/ForAllValues qualifiers, IfExists, absent
// keys and what this emulator cannot evaluate (docs/aws/iot-core.md §5.2; IAM "condition
// operators").
#include "policy/condition.hpp"

#include <string>

#include <catch2/catch.hpp>

using iotemu::policy::compile_condition;
using iotemu::policy::ConditionResult;
using iotemu::policy::evaluate_condition;
using iotemu::policy::Variables;

namespace {

constexpr auto holds = ConditionResult::holds;
constexpr auto fails = ConditionResult::fails;
constexpr auto unsupported = ConditionResult::unsupported;

Variables device() {
    Variables v;
    v.client_id = "dev-1";
    v.thing_name = "dev-1";
    v.thing_is_attached = true;
    v.thing_attributes = {
        {"floor", "3"}, {"color", "red"}, {"owner", "arn:aws:iam::123456789012:user/alice"}};
    v.subject = {{"CommonName", "dev-1"}, {"Organization", "Org A"}, {"Organization", "Org B"}};
    v.source_ip = "203.0.113.7";
    return v;
}

ConditionResult decide(const std::string& json, const Variables& variables = device()) {
    return evaluate_condition(compile_condition(json), variables);
}

// The key no connection has: a thing attribute the thing does not carry.
const std::string absent = R"("iot:Connection.Thing.Attributes[missing]")";

}  // namespace

TEST_CASE("String operators compare the key's value with the policy's values", "[policy]") {
    const auto [json, expected] = GENERATE(table<std::string, ConditionResult>({
        {R"({"StringEquals": {"iot:ClientId": "dev-1"}})", holds},
        {R"({"StringEquals": {"iot:ClientId": "DEV-1"}})", fails},         // case-sensitive
        {R"({"StringEquals": {"iot:ClientId": ["x", "dev-1"]}})", holds},  // values OR
        {R"({"StringEquals": {"IOT:CLIENTID": "dev-1"}})", holds},  // keys are case-insensitive
        {R"({"StringEquals": {"iot:ClientId": "dev-*"}})", fails},  // no wildcards here
        {R"({"StringNotEquals": {"iot:ClientId": "x"}})", holds},
        {R"({"StringNotEquals": {"iot:ClientId": ["x", "dev-1"]}})", fails},  // none may match
        {R"({"StringEqualsIgnoreCase": {"iot:ClientId": "DEV-1"}})", holds},
        {R"({"StringNotEqualsIgnoreCase": {"iot:ClientId": "DEV-1"}})", fails},
        {R"({"StringLike": {"iot:ClientId": "dev-*"}})", holds},
        {R"({"StringLike": {"iot:ClientId": "dev-?"}})", holds},
        {R"({"StringLike": {"iot:ClientId": "d*x"}})", fails},
        {R"({"StringNotLike": {"iot:ClientId": "dev-*"}})", fails},
        {R"({"StringNotLike": {"iot:ClientId": "x*"}})", holds},
        // Values may use policy variables; one that cannot resolve matches nothing.
        {R"({"StringEquals": {"iot:Connection.Thing.ThingName": "${iot:ClientId}"}})", holds},
        {R"({"StringEquals": {"iot:ClientId": "${iot:Connection.Thing.Attributes[missing]}"}})",
         fails},
        {R"({"StringNotEquals": {"iot:ClientId": "${iot:Connection.Thing.Attributes[nope]}"}})",
         holds},
        {R"({"StringLike": {"iot:Certificate.Subject.CommonName": "${iot:ClientId}"}})", holds},
    }));
    CAPTURE(json);
    CHECK(decide(json) == expected);
}

TEST_CASE("Keys AND together, and so do operators", "[policy]") {
    CHECK(decide(R"({"StringEquals": {"iot:ClientId": "dev-1",
                                      "iot:Connection.Thing.ThingName": "other"}})") == fails);
    CHECK(decide(R"({"StringEquals": {"iot:ClientId": "dev-1"},
                     "Bool": {"iot:Connection.Thing.IsAttached": "false"}})") == fails);
    CHECK(decide(R"({"StringEquals": {"iot:ClientId": "dev-1"},
                     "Bool": {"iot:Connection.Thing.IsAttached": "true"}})") == holds);
    CHECK(decide("{}") == holds);
}

TEST_CASE("Bool, numeric, IP address and ARN operators", "[policy]") {
    const auto [json, expected] = GENERATE(table<std::string, ConditionResult>({
        {R"({"Bool": {"iot:Connection.Thing.IsAttached": "true"}})", holds},
        {R"({"Bool": {"iot:Connection.Thing.IsAttached": true}})", holds},
        {R"({"Bool": {"iot:Connection.Thing.IsAttached": "false"}})", fails},
        {R"({"NumericEquals": {"iot:Connection.Thing.Attributes[floor]": "3"}})", holds},
        {R"({"NumericEquals": {"iot:Connection.Thing.Attributes[floor]": 3.0}})", holds},
        {R"({"NumericNotEquals": {"iot:Connection.Thing.Attributes[floor]": "3"}})", fails},
        {R"({"NumericLessThan": {"iot:Connection.Thing.Attributes[floor]": "4"}})", holds},
        {R"({"NumericLessThan": {"iot:Connection.Thing.Attributes[floor]": "3"}})", fails},
        {R"({"NumericLessThanEquals": {"iot:Connection.Thing.Attributes[floor]": "3"}})", holds},
        {R"({"NumericGreaterThan": {"iot:Connection.Thing.Attributes[floor]": "2.5"}})", holds},
        {R"({"NumericGreaterThanEquals": {"iot:Connection.Thing.Attributes[floor]": "4"}})", fails},
        {R"({"NumericEquals": {"iot:Connection.Thing.Attributes[color]": "3"}})", fails},
        {R"({"NumericEquals": {"iot:Connection.Thing.Attributes[floor]": "three"}})", fails},
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})", holds},
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.0/25"}})", holds},
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.128/25"}})", fails},
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.7"}})", holds},  // one address: /32
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.8"}})", fails},
        {R"({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.0.0/16"]}})", holds},
        {R"({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})", holds},
        {R"({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})", fails},   // other family
        {R"({"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}})", fails},  // malformed
        {R"({"IpAddress": {"aws:SourceIp": "not-an-address"}})", fails},
        {R"({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})", holds},
        {R"({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})", fails},
        {R"({"ArnLike": {"iot:Connection.Thing.Attributes[owner]": "arn:aws:iam::*:user/*"}})",
         holds},
        {R"({"ArnEquals": {"iot:Connection.Thing.Attributes[owner]": "arn:aws:iam::*:user/*"}})",
         holds},
        {R"({"ArnLike": {"iot:Connection.Thing.Attributes[owner]": "arn:aws:iam::9*:user/*"}})",
         fails},
        // A `*` never spans components: five colons are needed even where StringLike would match.
        {R"({"ArnLike": {"iot:Connection.Thing.Attributes[owner]": "arn:*:user/alice"}})", fails},
        {R"({"StringLike": {"iot:Connection.Thing.Attributes[owner]": "arn:*:user/alice"}})",
         holds},
        {R"({"ArnNotLike": {"iot:Connection.Thing.Attributes[owner]": "arn:aws:iam::*:role/*"}})",
         holds},
        {R"({"ArnNotEquals": {"iot:Connection.Thing.Attributes[owner]": "arn:aws:iam::*:*"}})",
         fails},
    }));
    CAPTURE(json);
    CHECK(decide(json) == expected);
}

TEST_CASE("IpAddress understands IPv6 sources and networks", "[policy]") {
    Variables v;
    v.source_ip = "2001:db8:0:1::42";
    CHECK(decide(R"({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})", v) == holds);
    CHECK(decide(R"({"IpAddress": {"aws:SourceIp": "2001:db8:0:2::/64"}})", v) == fails);
    CHECK(decide(R"({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})", v) == fails);
}

TEST_CASE("An absent key fails plain operators and satisfies negated ones", "[policy]") {
    const auto [op, expected] = GENERATE(table<std::string, ConditionResult>({
        {"StringEquals", fails},
        {"StringLike", fails},
        {"NumericEquals", fails},
        {"IpAddress", fails},
        {"StringNotEquals", holds},
        {"StringNotLike", holds},
        {"NumericNotEquals", holds},
        {"NotIpAddress", holds},
        {"ArnNotLike", holds},
        {"StringEqualsIfExists", holds},       // IfExists: absent passes...
        {"ForAllValues:StringEquals", holds},  // ...and so does "all of nothing"
        {"ForAnyValue:StringEquals", fails},
        {"ForAnyValue:StringEqualsIfExists", holds},
    }));
    CAPTURE(op);
    CHECK(decide("{\"" + op + "\": {" + absent + ": \"x\"}}") == expected);
}

TEST_CASE("IfExists checks a key that is present like the plain operator", "[policy]") {
    CHECK(decide(R"({"StringEqualsIfExists": {"iot:ClientId": "dev-1"}})") == holds);
    CHECK(decide(R"({"StringEqualsIfExists": {"iot:ClientId": "x"}})") == fails);
}

TEST_CASE("Null tests whether a key is absent", "[policy]") {
    CHECK(decide("{\"Null\": {" + absent + ": \"true\"}}") == holds);
    CHECK(decide("{\"Null\": {" + absent + ": \"false\"}}") == fails);
    CHECK(decide(R"({"Null": {"iot:ClientId": "true"}})") == fails);
    CHECK(decide(R"({"Null": {"iot:ClientId": false}})") == holds);
}

TEST_CASE("ForAnyValue and ForAllValues over a certificate's .List values", "[policy]") {
    const std::string key = R"("iot:Certificate.Subject.Organization.List")";
    const auto [condition, expected] = GENERATE_REF(table<std::string, ConditionResult>({
        {"ForAllValues:StringEquals\": {" + key + ": [\"Org A\", \"Org B\", \"Org C\"]", holds},
        {"ForAllValues:StringEquals\": {" + key + ": [\"Org A\"]", fails},
        {"ForAnyValue:StringEquals\": {" + key + ": [\"Org B\", \"x\"]", holds},
        {"ForAnyValue:StringEquals\": {" + key + ": [\"x\"]", fails},
        {"ForAnyValue:StringLike\": {" + key + ": \"*B\"", holds},
        {"ForAllValues:StringLike\": {" + key + ": \"Org *\"", holds},
        {"ForAllValues:StringNotEquals\": {" + key + ": \"Org C\"", holds},
        {"ForAllValues:StringNotEquals\": {" + key + ": \"Org A\"", fails},
        {"ForAnyValue:StringNotEquals\": {" + key + ": \"Org A\"", holds},
    }));
    CAPTURE(condition);
    CHECK(decide("{\"" + condition + "}}") == expected);
}

TEST_CASE("iot:ConnectAttributes gates persistent sessions and wills (DG connect-policy)",
          "[policy]") {
    const std::string only_persistent =
        R"({"ForAllValues:StringEquals": {"iot:ConnectAttributes": ["PersistentConnect"]}})";
    const std::string no_persistent =
        R"({"ForAnyValue:StringEquals": {"iot:ConnectAttributes": ["PersistentConnect"]}})";
    Variables v;
    v.connect_attributes = {"PersistentConnect"};
    CHECK(decide(only_persistent, v) == holds);
    CHECK(decide(no_persistent, v) == holds);
    v.connect_attributes = {"PersistentConnect", "LastWill"};
    CHECK(decide(only_persistent, v) == fails);
    v.connect_attributes = {};
    CHECK(decide(only_persistent, v) == holds);
    CHECK(decide(no_persistent, v) == fails);
}

TEST_CASE("What the emulator cannot evaluate is reported and decides nothing", "[policy]") {
    const auto [json, reason] = GENERATE(table<std::string, std::string>({
        {R"({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})",
         "operator DateGreaterThan"},
        {R"({"BinaryEquals": {"iot:ClientId": "ZGV2LTE="}})", "operator BinaryEquals"},
        {R"({"StringEqualz": {"iot:ClientId": "dev-1"}})", "operator StringEqualz"},
        {R"({"NullIfExists": {"iot:ClientId": "true"}})", "operator NullIfExists"},
        {R"({"StringEquals": "dev-1"})",
         "operator StringEquals whose value is not an object of keys"},
        {R"({"StringEquals": {"iot:ClientId": {"nested": 1}}})",
         "a non-scalar value for StringEquals iot:ClientId"},
        {"not json", "a Condition that is not a JSON object"},
    }));
    CAPTURE(json);
    const auto condition = compile_condition(json);
    REQUIRE(condition.unsupported.size() == 1);
    CHECK(condition.unsupported.front() == reason);
    CHECK(evaluate_condition(condition, device()) == unsupported);
}
