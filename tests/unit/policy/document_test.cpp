// policy::parse_document: the documents CreatePolicy accepts, and a sentence for each it rejects.
#include "policy/document.hpp"

#include <string>

#include <catch2/catch.hpp>

using iotemu::policy::Effect;
using iotemu::policy::parse_document;

TEST_CASE("A minimal allow statement parses into one statement", "[policy]") {
    const auto doc = parse_document(R"({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iot:Connect",
                       "Resource": "arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}"}]
    })");
    REQUIRE(doc);
    CHECK(doc->version == "2012-10-17");
    REQUIRE(doc->statements.size() == 1);
    const auto& s = doc->statements.front();
    CHECK(s.effect == Effect::allow);
    CHECK(s.actions == std::vector<std::string>{"iot:Connect"});
    CHECK(s.resources ==
          std::vector<std::string>{"arn:aws:iot:us-east-1:123456789012:client/${iot:ClientId}"});
    CHECK(s.not_actions.empty());
    CHECK(s.not_resources.empty());
    CHECK_FALSE(s.condition_json);
}

TEST_CASE("A single statement object is read like a one-element array", "[policy]") {
    const auto doc =
        parse_document(R"({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})");
    REQUIRE(doc);
    CHECK_FALSE(doc->version);
    REQUIRE(doc->statements.size() == 1);
    CHECK(doc->statements[0].effect == Effect::deny);
}

TEST_CASE("Action and resource lists, Not forms, Sid and conditions are all kept", "[policy]") {
    const auto doc = parse_document(R"({
        "Statement": [
            {"Sid": "pub", "Effect": "Allow", "Action": ["iot:Publish", "iot:Receive"],
             "Resource": ["arn:aws:iot:*:*:topic/a", "arn:aws:iot:*:*:topic/b"]},
            {"Effect": "Deny", "NotAction": ["iot:Connect"], "NotResource": "arn:x",
             "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}
        ]
    })");
    REQUIRE(doc);
    REQUIRE(doc->statements.size() == 2);
    CHECK(doc->statements[0].actions.size() == 2);
    CHECK(doc->statements[0].resources.size() == 2);
    const auto& deny = doc->statements[1];
    CHECK(deny.not_actions == std::vector<std::string>{"iot:Connect"});
    CHECK(deny.not_resources == std::vector<std::string>{"arn:x"});
    REQUIRE(deny.condition_json);
    CHECK(*deny.condition_json == R"({"Bool":{"iot:Connection.Thing.IsAttached":"true"}})");
}

TEST_CASE("Malformed documents are rejected with a message naming the problem", "[policy]") {
    // clang-format off
    auto [text, expected_fragment] = GENERATE(table<std::string, std::string>({
        {"",                                        "empty"},
        {"   \n\t ",                                "empty"},
        {"{",                                       "not valid JSON"},
        {"not json",                                "not valid JSON"},
        {"[]",                                      "must be a JSON object"},
        {"\"text\"",                                "must be a JSON object"},
        {"{}",                                      "missing \"Statement\""},
        {R"({"Version": "2012-10-17"})",            "missing \"Statement\""},
        {R"({"Statement": []})",                    "empty array"},
        {R"({"Statement": "x"})",                   "JSON object or an array"},
        {R"({"Statement": [1]})",                   "Statement 1 must be a JSON object"},
        {R"({"Version": 1, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})",
                                                    "\"Version\" must be a string"},
        {R"({"Extra": 1, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})",
                                                    "unknown key \"Extra\""},
        {R"({"Statement": {"Action": "*", "Resource": "*"}})",
                                                    "missing \"Effect\""},
        {R"({"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}})",
                                                    "\"Allow\" or \"Deny\""},
        {R"({"Statement": {"Effect": "Allow", "Resource": "*"}})",
                                                    "exactly one of \"Action\" or \"NotAction\""},
        {R"({"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}})",
                                                    "exactly one of \"Action\" or \"NotAction\""},
        {R"({"Statement": {"Effect": "Allow", "Action": "*"}})",
                                                    "one of \"Resource\" or \"NotResource\""},
        {R"({"Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}})",
                                                    "non-empty array"},
        {R"({"Statement": {"Effect": "Allow", "Action": ["iot:Connect", 3], "Resource": "*"}})",
                                                    "only strings"},
        {R"({"Statement": {"Effect": "Allow", "Action": "", "Resource": "*"}})",
                                                    "empty string"},
        {R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": {"a": 1}}})",
                                                    "\"Resource\" must be a string"},
        {R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}})",
                                                    "\"Condition\" must be a JSON object"},
        {R"({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}})",
                                                    "unknown key \"Principal\""},
        {R"({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                           {"Effect": "Allow"}]})",
                                                    "Statement 2"},
    }));
    // clang-format on
    CAPTURE(text);
    const auto doc = parse_document(text);
    REQUIRE_FALSE(doc);
    CHECK_THAT(doc.error().message, Catch::Contains(expected_fragment));
}

TEST_CASE("A document over 2048 characters excluding whitespace is rejected", "[policy]") {
    auto document_with_resource_of = [](std::size_t length) {
        const std::string head = R"({"Statement":{"Effect":"Allow","Action":"*","Resource":")";
        const std::string tail = R"("}})";
        return head + std::string(length - head.size() - tail.size(), 'a') + tail;
    };
    CHECK(parse_document(document_with_resource_of(2048)));
    // Whitespace does not count toward the limit.
    CHECK(parse_document(std::string(500, ' ') + document_with_resource_of(2048) + "\n"));
    const auto too_long = parse_document(document_with_resource_of(2049));
    REQUIRE_FALSE(too_long);
    CHECK_THAT(too_long.error().message, Catch::Contains("2048"));
}
