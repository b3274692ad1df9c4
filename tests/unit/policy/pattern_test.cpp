// policy::wildcard_match and its escapes: how Resource and Action strings match
// (docs/aws/iot-core.md §5.2).
#include "policy/pattern.hpp"

#include <string>
#include <tuple>

#include <catch2/catch.hpp>

using iotemu::policy::escape_wildcards;
using iotemu::policy::unescape_wildcards;
using iotemu::policy::wildcard_match;

TEST_CASE("Wildcard patterns match like AWS IoT policy resources", "[policy]") {
    const auto [pattern, text, expected] = GENERATE(table<std::string, std::string, bool>({
        // pattern               text                     matches
        {"foo/bar", "foo/bar", true},
        {"foo/bar", "foo/baz", false},
        {"foo/bar", "foo/bar/", false},
        {"foo/*", "foo/bar/baz", true},  // `*` crosses `/`, unlike MQTT `+`
        {"foo/*", "foo/", true},         // `*` may match nothing
        {"foo/*", "foo", false},
        {"*", "", true},
        {"*", "anything/at/all", true},
        {"", "", true},
        {"", "a", false},
        {"**", "abc", true},
        {"a*b*c", "aXXbYYc", true},
        {"a*b*c", "aXXbYY", false},
        {"a*c", "abcbc", true},  // the first `c` is not the last: backtracking
        {"*/bar/*", "x/bar/y/z", true},
        {"f?o", "foo", true},
        {"f?o", "fo", false},
        {"f?o", "fooo", false},
        {"a/?/c", "a/\xC3\xA9/c", true},  // `?` is one character, even a two-byte é
        {"a/??c",
         "a/\xC3\xA9"
         "c",
         false},
        {"a*", "A", false},  // resources are case-sensitive
        // MQTT wildcards are literal characters in policies.
        {"topicfilter/a/#", "topicfilter/a/#", true},
        {"topicfilter/a/#", "topicfilter/a/b", false},
        {"topicfilter/a/+", "topicfilter/a/b", false},
        {"topicfilter/a/+/c", "topicfilter/a/+/c", true},
        {"topicfilter/a/*", "topicfilter/a/#", true},  // DG pub-sub-policy
        // `$(*)`, `$(?)`, `$($)` stand for the literal characters.
        {"a$(*)", "a*", true},
        {"a$(*)", "ab", false},
        {"a$(?)", "a?", true},
        {"a$(?)", "ab", false},
        {"$($)aws/x", "$aws/x", true},
        {"$aws/things/*", "$aws/things/t1/shadow/get", true},  // a bare `$` is just a `$`
        {"a$(x)", "a$(x)", true},                              // not an escape
        {"a$(*", "a$(xyz", true},                              // unclosed: `*` is a wildcard
    }));
    CAPTURE(pattern, text);
    CHECK(wildcard_match(pattern, text) == expected);
}

TEST_CASE("An escaped literal matches exactly itself and nothing else", "[policy]") {
    const std::string literal = GENERATE("*", "?", "$", "a*b?c$d", "plain", "$(*)", "");
    CAPTURE(literal);
    const std::string pattern = escape_wildcards(literal);
    CHECK(wildcard_match(pattern, literal));
    CHECK_FALSE(wildcard_match(pattern, literal + "x"));
    CHECK_FALSE(wildcard_match(pattern, "x" + literal));
    CHECK(unescape_wildcards(pattern) == literal);
}

TEST_CASE("Escaping writes each special character as its IoT escape", "[policy]") {
    CHECK(escape_wildcards("a*b?c$d+#") == "a$(*)b$(?)c$($)d+#");
    CHECK(unescape_wildcards("a$(*)b$(?)c$($)d*") == "a*b?c$d*");
}
