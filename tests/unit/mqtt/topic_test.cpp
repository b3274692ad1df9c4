// Topic names and filters: MQTT syntax, AWS's limits (docs/aws/iot-core.md §6.3), shared
// subscriptions, and matching with AWS's '#' that never matches the parent level
// (docs/aws/iot-core.md §6.2).
#include "mqtt/topic.hpp"

#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "mqtt/utf8.hpp"

using namespace iotemu::mqtt;

TEST_CASE("Topic names may not be empty or contain wildcards") {
    const auto [name, valid] = GENERATE(table<std::string, bool>({
        {"a", true},
        {"a/b/c", true},
        {"/", true},     // two empty levels
        {"a//b", true},  // an empty level
        {"$aws/things/t/shadow/update", true},
        {"caf\xC3\xA9", true},  // "café"
        {"", false},            // [MQTT-4.7.3-1]
        {"a/+", false},         // [MQTT-4.7.1-1]
        {"#", false},
        {"a/b#", false},
        {std::string("a\0b", 3), false},  // U+0000 [MQTT-1.5.3-2]
        {"\xFF", false},
    }));
    INFO('"' << name << '"');
    CHECK(is_valid_topic_name(name) == valid);
}

TEST_CASE("Topic filters place '#' last and '+' alone in a level") {
    const auto [filter, valid] = GENERATE(table<std::string, bool>({
        {"#", true},
        {"+", true},
        {"a/#", true},
        {"+/+/+", true},
        {"a/+/c/#", true},
        {"/#", true},
        {"a//+", true},
        {"$share/group/a/+", true},
        {"$share/group/#", true},
        {"", false},       // [MQTT-4.7.3-1]
        {"a/#/b", false},  // [MQTT-4.7.1-2]
        {"a#", false},
        {"#/", false},
        {"a/b+", false},  // [MQTT-4.7.1-3]
        {"+a", false},
        {"++", false},
        {"$share/", false},  // no share name, no filter
        {"$share/group", false},
        {"$share/group/", false},
        {"$share//a", false},  // empty share name
        {"$share/g+/a", false},
        {"$share/g#/a", false},
        {"$share/g/a/#/b", false},
        {"$share/g/$share/h/a", false},
        {std::string("a\0", 2), false},
    }));
    INFO('"' << filter << '"');
    CHECK(is_valid_topic_filter(filter) == valid);
}

TEST_CASE("AWS allows at most 256 bytes and 7 slashes, prefixes of Basic Ingest and $share aside") {
    const auto [what, topic, within] = GENERATE(table<std::string, std::string, bool>({
        {"7 slashes", "a/b/c/d/e/f/g/h", true},
        {"8 slashes", "a/b/c/d/e/f/g/h/i", false},
        {"8 slashes in a filter", "+/+/+/+/+/+/+/+/#", false},
        {"Basic Ingest prefix not counted", "$aws/rules/my_rule/a/b/c/d/e/f/g/h", true},
        {"Basic Ingest, 8 more slashes", "$aws/rules/my_rule/a/b/c/d/e/f/g/h/i", false},
        {"$share prefix not counted", "$share/group/a/b/c/d/e/f/g/h", true},
        {"$share, 8 more slashes", "$share/group/a/b/c/d/e/f/g/h/i", false},
        {"other $aws topics counted in full", "$aws/things/t/shadow/name/n/update/accepted/x",
         false},
        {"256 bytes", std::string(256, 'a'), true},
        {"257 bytes", std::string(257, 'a'), false},
        {"256 bytes after the Basic Ingest prefix", "$aws/rules/r/" + std::string(256, 'a'), true},
        {"257 bytes after the $share prefix", "$share/g/" + std::string(257, 'a'), false},
        {"multi-byte characters counted in bytes",
         std::string(128, 'a') + std::string(64, 'x') + std::string(32, '\xC3'), true},
    }));
    INFO(what);
    CHECK(within_aws_topic_limits(topic) == within);
    CHECK(max_topic_bytes == 256);
    CHECK(max_topic_slashes == 7);
}

TEST_CASE("The byte limit counts UTF-8 bytes, not characters") {
    std::string two_byte_chars;
    for (int i = 0; i < 128; ++i) two_byte_chars += "\xC3\xA9";  // 128 × "é" = 256 bytes
    CHECK(within_aws_topic_limits(two_byte_chars));
    CHECK_FALSE(within_aws_topic_limits(two_byte_chars + "a"));
}

TEST_CASE("A shared subscription splits into its share name and filter") {
    const auto shared = parse_shared_subscription("$share/workers/jobs/+/run");
    REQUIRE(shared);
    CHECK(shared->share_name == "workers");
    CHECK(shared->filter == "jobs/+/run");
    CHECK(is_shared_subscription("$share/workers/jobs/+/run"));
    CHECK_FALSE(is_shared_subscription("jobs/$share/x"));
    CHECK_FALSE(parse_shared_subscription("jobs/+"));
    CHECK_FALSE(parse_shared_subscription("$share/workers"));
    CHECK_FALSE(parse_shared_subscription("$SHARE/workers/a"));  // the prefix is case-sensitive
}

TEST_CASE("Topic matching follows MQTT, except that AWS's '#' never matches the parent level") {
    const auto [filter, topic, matches] = GENERATE(table<std::string, std::string, bool>({
        // Exact levels.
        {"a/b", "a/b", true},
        {"a/b", "a/b/c", false},
        {"a/b/c", "a/b", false},
        {"a/b", "a/B", false},  // case-sensitive
        {"a/b", "a/b/", false},
        // '#': its own level and everything below, but AWS does not match the parent
        // (docs/aws/iot-core.md §6.2).
        {"sensor/#", "sensor/", true},
        {"sensor/#", "sensor/a", true},
        {"sensor/#", "sensor/a/b/c", true},
        {"sensor/#", "sensor", false},  // MQTT [MQTT-4.7.1-2] would say true; AWS says false
        {"sensor/#", "sensors/a", false},
        {"#", "a", true},
        {"#", "a/b/c", true},
        {"#", "/", true},
        {"/#", "/", true},
        {"/#", "/a", true},
        {"a/+/#", "a/b", false},  // '#' needs a level after the one '+' took
        {"a/+/#", "a/b/", true},
        {"a/+/#", "a/b/c", true},
        // '+' at every level: exactly one level, possibly empty.
        {"+", "a", true},
        {"+", "a/b", false},
        {"+", "/", false},
        {"+/b/c", "a/b/c", true},
        {"a/+/c", "a/b/c", true},
        {"a/b/+", "a/b/c", true},
        {"a/b/+", "a/b", false},
        {"a/b/+", "a/b/", true},  // an empty last level
        {"+/+", "/", true},       // two empty levels
        {"+/+", "a/", true},
        {"/+", "/a", true},
        {"+/+/+", "a/b/c", true},
        {"+/+/+", "a/b", false},
        {"a/+/c", "a//c", true},  // '+' takes the empty middle level
        {"a//c", "a//c", true},
        {"a//c", "a/c", false},
        // '$' topics: not matched by a filter that starts with a wildcard [MQTT-4.7.2-1].
        {"#", "$SYS/x", false},
        {"+/x", "$SYS/x", false},
        {"+", "$", false},
        {"$SYS/#", "$SYS/x", true},
        {"$aws/things/+/shadow/#", "$aws/things/t1/shadow/update", true},
        {"$aws/things/+/shadow/#", "$aws/things/t1/shadow", false},
        {"a/#", "a/$x", true},  // '$' only matters at the first level
        {"+/$x", "a/$x", true},
    }));
    INFO('"' << filter << "\" vs \"" << topic << '"');
    CHECK(topic_matches(filter, topic) == matches);
}

TEST_CASE("MQTT UTF-8 strings are well-formed and free of U+0000 and surrogates") {
    const auto [what, text, valid] = GENERATE(table<std::string, std::string, bool>({
        {"ASCII", "hello", true},
        {"empty", "", true},
        {"two-byte é", "\xC3\xA9", true},
        {"three-byte €", "\xE2\x82\xAC", true},
        {"four-byte 😀", "\xF0\x9F\x98\x80", true},
        {"U+10FFFF", "\xF4\x8F\xBF\xBF", true},
        {"U+FFFF (a non-character: allowed)", "\xEF\xBF\xBF", true},
        {"control U+0001 (allowed)", "\x01", true},
        {"U+0000", std::string("\0", 1), false},
        {"overlong NUL C0 80", "\xC0\x80", false},
        {"overlong '/' E0 80 AF", "\xE0\x80\xAF", false},
        {"overlong F0 80 80 AF", "\xF0\x80\x80\xAF", false},
        {"surrogate U+D800", "\xED\xA0\x80", false},
        {"surrogate U+DFFF", "\xED\xBF\xBF", false},
        {"last before surrogates U+D7FF", "\xED\x9F\xBF", true},
        {"above U+10FFFF", "\xF4\x90\x80\x80", false},
        {"F5 lead byte", "\xF5\x80\x80\x80", false},
        {"lone continuation", "\x80", false},
        {"truncated two-byte", "\xC3", false},
        {"truncated four-byte", "\xF0\x9F\x98", false},
        {"bad continuation", "\xC3\x28", false},
        {"FF byte", "\xFF", false},
    }));
    INFO(what);
    CHECK(is_valid_mqtt_utf8(text) == valid);
}
