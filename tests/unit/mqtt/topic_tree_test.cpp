// TopicTree: who receives a PUBLISH. One entry per subscriber at its highest QoS, AWS's '#',
// the '$' rule, and erasing one subscription or a whole session's.
#include "mqtt/topic_tree.hpp"

#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "mqtt/topic.hpp"

using namespace iotemu::mqtt;

namespace {
constexpr auto qos0 = QoS::at_most_once;
constexpr auto qos1 = QoS::at_least_once;
constexpr auto qos2 = QoS::exactly_once;

std::vector<SubscriberId> ids(const std::vector<Subscriber>& subscribers) {
    std::vector<SubscriberId> out;
    for (const auto& subscriber : subscribers) out.push_back(subscriber.id);
    return out;
}
}  // namespace

TEST_CASE("A topic reaches every subscriber whose filter matches it, and no other") {
    TopicTree tree;
    tree.insert("a/b/c", 1, qos0);
    tree.insert("a/+/c", 2, qos0);
    tree.insert("a/#", 3, qos0);
    tree.insert("#", 4, qos0);
    tree.insert("+/+/+", 5, qos0);
    tree.insert("a/b", 6, qos0);
    tree.insert("x/#", 7, qos0);

    CHECK(ids(tree.match("a/b/c")) == std::vector<SubscriberId>{1, 2, 3, 4, 5});
    CHECK(ids(tree.match("a/b")) == std::vector<SubscriberId>{3, 4, 6});
    CHECK(ids(tree.match("a")) == std::vector<SubscriberId>{4});  // AWS: "a/#" misses "a"
    CHECK(ids(tree.match("a/")) == std::vector<SubscriberId>{3, 4});
    CHECK(ids(tree.match("x")) == std::vector<SubscriberId>{4});
    CHECK(ids(tree.match("q/r/s/t")) == std::vector<SubscriberId>{4});
}

TEST_CASE("A subscriber matched by overlapping filters is delivered once at its highest QoS") {
    TopicTree tree;
    tree.insert("home/+/temp", 7, qos0);
    tree.insert("home/#", 7, qos1);
    tree.insert("home/kitchen/temp", 7, qos0);
    tree.insert("home/kitchen/temp", 8, qos0);
    tree.insert("#", 8, qos2);

    CHECK(tree.match("home/kitchen/temp") == std::vector<Subscriber>{{7, qos1}, {8, qos2}});
    CHECK(tree.size() == 5);
}

TEST_CASE("Subscribing again to the same filter replaces its QoS") {
    TopicTree tree;
    CHECK(tree.insert("a", 1, qos1));
    CHECK_FALSE(tree.insert("a", 1, qos0));  // [MQTT-3.8.4-3]
    CHECK(tree.match("a") == std::vector<Subscriber>{{1, qos0}});
    CHECK(tree.size() == 1);
}

TEST_CASE("Filters starting with a wildcard do not receive '$' topics") {
    TopicTree tree;
    tree.insert("#", 1, qos0);
    tree.insert("+/things/#", 2, qos0);
    tree.insert("$aws/things/#", 3, qos0);
    tree.insert("$aws/+/t/#", 4, qos0);
    CHECK(ids(tree.match("$aws/things/u/shadow")) == std::vector<SubscriberId>{3});
    CHECK(ids(tree.match("$aws/things/t/shadow")) == std::vector<SubscriberId>{3, 4});
    CHECK(ids(tree.match("$aws/x/t/y")) == std::vector<SubscriberId>{4});
    CHECK(ids(tree.match("aws/things/t")) == std::vector<SubscriberId>{1, 2});
}

TEST_CASE("Empty levels are levels of their own") {
    TopicTree tree;
    tree.insert("/", 1, qos0);
    tree.insert("+/+", 2, qos0);
    tree.insert("a//b", 3, qos0);
    tree.insert("a/+/b", 4, qos0);
    CHECK(ids(tree.match("/")) == std::vector<SubscriberId>{1, 2});
    CHECK(ids(tree.match("a//b")) == std::vector<SubscriberId>{3, 4});
    CHECK(ids(tree.match("a/b")) == std::vector<SubscriberId>{2});
    CHECK(tree.match("a/b/c").empty());
}

TEST_CASE("Erasing one subscription leaves the subscriber's others") {
    TopicTree tree;
    tree.insert("a/b", 1, qos0);
    tree.insert("a/#", 1, qos1);
    tree.insert("a/b", 2, qos0);
    CHECK(tree.erase("a/#", 1));
    CHECK_FALSE(tree.erase("a/#", 1));
    CHECK_FALSE(tree.erase("nowhere/#", 1));
    CHECK(tree.match("a/b") == std::vector<Subscriber>{{1, qos0}, {2, qos0}});
    CHECK(tree.match("a/c").empty());
    CHECK(tree.size() == 2);
}

TEST_CASE("Erasing every subscription of a subscriber leaves the others untouched") {
    TopicTree tree;
    tree.insert("a/b", 1, qos0);
    tree.insert("a/#", 1, qos1);
    tree.insert("+/b", 1, qos1);
    tree.insert("a/b", 2, qos1);
    CHECK(tree.erase_all(1) == 3);
    CHECK(tree.erase_all(1) == 0);
    CHECK(tree.match("a/b") == std::vector<Subscriber>{{2, qos1}});
    CHECK(tree.size() == 1);
    CHECK(tree.erase_all(2) == 1);
    CHECK(tree.empty());
    CHECK(tree.match("a/b").empty());
}

TEST_CASE("A tree emptied by erases can be filled again") {
    TopicTree tree;
    for (SubscriberId id = 1; id <= 100; ++id)
        tree.insert("s/" + std::to_string(id) + "/#", id, qos1);
    for (SubscriberId id = 1; id <= 100; ++id) CHECK(tree.erase_all(id) == 1);
    CHECK(tree.empty());
    tree.insert("s/5/#", 5, qos0);
    CHECK(tree.match("s/5/x") == std::vector<Subscriber>{{5, qos0}});
}

TEST_CASE("match reuses the caller's vector and clears what was in it") {
    TopicTree tree;
    tree.insert("a", 1, qos0);
    std::vector<Subscriber> out{{99, qos2}};
    tree.match("a", out);
    CHECK(out == std::vector<Subscriber>{{1, qos0}});
    tree.match("b", out);
    CHECK(out.empty());
}

TEST_CASE("The tree agrees with topic_matches on every small filter and topic") {
    // Every filter and topic of up to three levels over a small alphabet, empty levels included;
    // the tree's walk must give exactly what testing each filter in turn gives.
    std::vector<std::string> filters, topics;
    const std::function<void(std::string, int)> grow = [&](std::string prefix, int depth) {
        for (const std::string level : {"a", "b", "", "$s", "+", "#"}) {
            const auto text = prefix.empty() && depth == 0 ? level : prefix + "/" + level;
            if (is_valid_topic_filter(text)) filters.push_back(text);
            if (is_valid_topic_name(text)) topics.push_back(text);
            if (depth < 2) grow(text, depth + 1);
        }
    };
    grow("", 0);
    REQUIRE(filters.size() > 150);
    REQUIRE(topics.size() > 80);

    TopicTree tree;
    for (std::size_t i = 0; i < filters.size(); ++i) tree.insert(filters[i], i, qos0);
    for (const auto& topic : topics) {
        std::vector<SubscriberId> expected;
        for (std::size_t i = 0; i < filters.size(); ++i)
            if (topic_matches(filters[i], topic)) expected.push_back(i);
        INFO('"' << topic << '"');
        CHECK(ids(tree.match(topic)) == expected);
    }
}
