// json_depth_within: how deeply a JSON text nests, read without parsing it.
#include "common/json_depth.hpp"

#include <string>

#include <catch2/catch.hpp>

using iotemu::json_depth_within;

TEST_CASE("Nesting is counted through arrays and objects, not inside strings") {
    const auto [text, limit, within] = GENERATE(table<std::string, std::size_t, bool>({
        {"", 0, true},
        {"1", 0, true},
        {"[]", 0, false},
        {"[]", 1, true},
        {"{\"a\":[{}]}", 3, true},
        {"{\"a\":[{}]}", 2, false},
        {"[[],[],[]]", 2, true},     // siblings do not add up
        {"\"[[[[\"", 0, true},       // brackets inside a string
        {"[\"\\\"[[[\"]", 1, true},  // an escaped quote does not end the string
        {"]]]][[", 2, true},         // stray closers never go below zero
        {"[[[", 2, false},           // unterminated: the parser judges validity
    }));
    CAPTURE(text, limit);
    CHECK(json_depth_within(text, limit) == within);
}

TEST_CASE("The default bound is 1000 levels") {
    CHECK(json_depth_within(std::string(1000, '[') + std::string(1000, ']')));
    CHECK_FALSE(json_depth_within(std::string(1001, '[') + std::string(1001, ']')));
    CHECK_FALSE(json_depth_within(std::string(60000, '[')));
}
