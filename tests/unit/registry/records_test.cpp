// Records: which keys a map of State remembers as changed, so that a save writes only those.
#include "registry/records.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace iotemu::registry {
namespace {

using Keys = std::vector<std::string>;

Records<int> three() {
    Records<int> records;
    records["a"] = 1;
    records["b"] = 2;
    records["c"] = 3;
    records.forget_changes();
    return records;
}

TEST_CASE("Reading a record through a const map changes nothing") {
    auto records = three();
    const auto& read = std::as_const(records);
    CHECK(read.at("a") == 1);
    CHECK(read.find("b") != read.end());
    CHECK(read.contains("c"));
    int sum = 0;
    for (const auto& [key, value] : read) sum += value;
    CHECK(sum == 6);
    CHECK_FALSE(records.all_changed());
    CHECK(records.changed_keys().empty());
}

TEST_CASE("Each way of reaching a record for writing remembers its key") {
    auto records = three();
    records.at("a") = 10;
    static_cast<void>(records.find("b"));
    records.erase("c");
    records.emplace("d", 4);
    records.insert_or_assign("e", 5);
    records["f"] = 6;
    records.erase("missing");  // may have been there: remembered all the same
    CHECK(records.changed_keys() == Keys{"a", "b", "c", "d", "e", "f", "missing"});
    CHECK_FALSE(records.all_changed());
    records.forget_changes();
    CHECK(records.changed_keys().empty());
}

TEST_CASE("erase_if remembers the keys it erased, and only those") {
    auto records = three();
    CHECK(records.erase_if([](const auto& record) { return record.second >= 2; }) == 2);
    CHECK(records.changed_keys() == Keys{"b", "c"});
    CHECK(records.size() == 1);
}

TEST_CASE("A walk that may write, a clear or an assignment counts as changing every key") {
    auto walked = three();
    for (auto& [key, value] : walked) value += 1;
    CHECK(walked.all_changed());

    auto cleared = three();
    cleared.clear();
    CHECK(cleared.all_changed());

    auto assigned = three();
    assigned = three();
    CHECK(assigned.all_changed());
    CHECK(assigned == three());

    // A search that fails reaches nothing.
    auto searched = three();
    CHECK(searched.find("z") == searched.end());
    CHECK(searched.changed_keys() == Keys{"z"});
    CHECK_FALSE(searched.all_changed());
}

}  // namespace
}  // namespace iotemu::registry
