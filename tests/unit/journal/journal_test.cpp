// The event journal: sequence and cursor, the bound, the kind filter, waiting (woken by a
// matching event, not by others; timing out; released by close) and its JSON.
#include "journal/journal.hpp"

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace iotemu;
using namespace std::chrono_literals;
using journal::Journal;
using journal::Query;

namespace {

std::vector<std::uint64_t> seqs(const journal::Page& page) {
    std::vector<std::uint64_t> out;
    for (const auto& event : page.events) out.push_back(event.seq);
    return out;
}

}  // namespace

TEST_CASE("journal numbers events from 1 and the cursor follows") {
    Journal j;
    CHECK(j.cursor() == 0);
    CHECK(j.read({}).events.empty());
    CHECK(j.read({}).cursor == 0);
    j.record("connect.accepted", {{"clientId", std::string("a")}});
    j.record("disconnect", {{"clientId", std::string("a")}});
    CHECK(j.cursor() == 2);
    CHECK(seqs(j.read({})) == std::vector<std::uint64_t>{1, 2});
    CHECK(seqs(j.read({.after = 1})) == std::vector<std::uint64_t>{2});
    const auto after_all = j.read({.after = 2});
    CHECK(after_all.events.empty());
    CHECK(after_all.cursor == 2);
}

TEST_CASE("journal filters by kind prefix") {
    Journal j;
    j.record("connect.accepted", {});
    j.record("connect.refused", {});
    j.record("certificate.registered", {});
    j.record("connected", {});
    struct Case {
        std::string kind;
        std::vector<std::uint64_t> expected;
    };
    const Case cases[] = {
        {"", {1, 2, 3, 4}},     {"connect.", {1, 2}},  {"connect.refused", {2}},
        {"connect", {1, 2, 4}}, {"certificate.", {3}}, {"lambda.", {}},
    };
    for (const auto& c : cases) {
        INFO("kind " << c.kind);
        const auto page = j.read({.kind = c.kind});
        CHECK(seqs(page) == c.expected);
        CHECK(page.cursor == 4);  // everything was looked at, matched or not
    }
}

TEST_CASE("journal keeps only its capacity, the newest, and seq keeps growing") {
    Journal j(3);
    for (int i = 0; i < 5; ++i) j.record("rule.fired", {{"n", std::int64_t{i}}});
    CHECK(seqs(j.read({})) == std::vector<std::uint64_t>{3, 4, 5});
    CHECK(j.cursor() == 5);
    CHECK(seqs(j.read({.after = 1})) == std::vector<std::uint64_t>{3, 4, 5});
}

TEST_CASE("journal read stops at its limit and the cursor says where to go on") {
    Journal j;
    for (int i = 0; i < 5; ++i) j.record("rule.fired", {});
    const auto first = j.read({.limit = 2});
    CHECK(seqs(first) == std::vector<std::uint64_t>{1, 2});
    CHECK(first.cursor == 2);
    const auto next = j.read({.after = first.cursor, .limit = 2});
    CHECK(seqs(next) == std::vector<std::uint64_t>{3, 4});
}

TEST_CASE("journal wait returns at once when a match is there") {
    Journal j;
    j.record("lambda.invoked", {});
    const auto started = std::chrono::steady_clock::now();
    CHECK(seqs(j.wait({.kind = "lambda."}, 10s)) == std::vector<std::uint64_t>{1});
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("journal wait wakes for a matching event, not for others") {
    Journal j;
    std::thread writer([&] {
        std::this_thread::sleep_for(20ms);
        j.record("connect.accepted", {});
        std::this_thread::sleep_for(20ms);
        j.record("connect.refused", {{"reason", std::string("CA INACTIVE")}});
    });
    const auto page = j.wait({.kind = "connect.refused"}, 20s);
    writer.join();
    REQUIRE(page.events.size() == 1);
    CHECK(page.events[0].seq == 2);
    CHECK(page.cursor == 2);
}

TEST_CASE("journal wait times out with nothing and the cursor unchanged") {
    Journal j;
    j.record("disconnect", {});
    const auto page = j.wait({.after = 1, .kind = "disconnect"}, 30ms);
    CHECK(page.events.empty());
    CHECK(page.cursor == 1);
}

TEST_CASE("journal close releases waiters") {
    Journal j;
    std::thread closer([&] {
        std::this_thread::sleep_for(20ms);
        j.close();
    });
    const auto started = std::chrono::steady_clock::now();
    const auto page = j.wait({}, 30s);
    closer.join();
    CHECK(page.events.empty());
    CHECK(std::chrono::steady_clock::now() - started < 20s);
}

TEST_CASE("journal JSON carries seq, time, kind and the fields") {
    Journal j;
    j.record("lambda.invoked", {{"functionName", std::string("jitr")},
                                {"durationMs", std::int64_t{12}},
                                {"logLines", std::vector<std::string>{"one", "two"}}});
    const auto json = nlohmann::json::parse(journal::to_json(j.read({})));
    CHECK(json["cursor"] == 1);
    REQUIRE(json["events"].size() == 1);
    const auto& event = json["events"][0];
    CHECK(event["seq"] == 1);
    CHECK(event["kind"] == "lambda.invoked");
    CHECK(event["functionName"] == "jitr");
    CHECK(event["durationMs"] == 12);
    CHECK(event["logLines"] == nlohmann::json::array({"one", "two"}));
    const std::string time = event["time"];
    REQUIRE(time.size() == 24);  // 2026-12-03T09:23:52.123Z
    CHECK(time[10] == 'T');
    CHECK(time[19] == '.');
    CHECK(time.back() == 'Z');
}

TEST_CASE("journal calls its listener after each record, and no more once it is cleared") {
    Journal j;
    int calls = 0;
    j.on_record([&] {
        ++calls;
        CHECK(j.cursor() == static_cast<std::uint64_t>(calls));  // the event is readable already
    });
    j.record("connect.accepted", {});
    j.record("disconnect", {});
    CHECK(calls == 2);
    j.on_record(nullptr);
    j.record("connect.accepted", {});
    CHECK(calls == 2);
}

TEST_CASE("journal renders one event as the object a page of events holds") {
    Journal j;
    j.record("connect.refused", {{"reason", std::string("CA x is INACTIVE")}});
    const auto page = nlohmann::json::parse(journal::to_json(j.read({})));
    CHECK(nlohmann::json::parse(journal::to_json(j.read({}).events.at(0))) == page["events"][0]);
}
