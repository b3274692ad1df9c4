// The one pagination rule every list shares: creation order, ascending or descending, page sizes,
// and a marker that survives deletions between pages.
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;

namespace {

using Names = std::vector<std::string>;

Names names_of(const Page<model::Thing>& page) {
    Names out;
    for (const auto& thing : page.items) out.push_back(thing.name);
    return out;
}

// Every page of ListThings in turn, as name lists.
std::vector<Names> all_pages(Registry& registry, int size, bool ascending) {
    std::vector<Names> pages;
    std::optional<std::string> marker;
    do {
        const auto page = registry.list_things({}, page_of(size, marker, ascending));
        pages.push_back(names_of(page));
        marker = page.next_marker;
    } while (marker && pages.size() < 100);
    return pages;
}

void make_things(Fixture& f, int count) {
    for (int i = 1; i <= count; ++i) f.thing("t" + std::to_string(i));
}

}  // namespace

TEST_CASE("Lists page in creation order for every page size", "[registry][pagination]") {
    Fixture f;
    make_things(f, 7);
    // clang-format off
    auto [size, expected] = GENERATE(table<int, std::vector<Names>>({
        {1, {{"t1"}, {"t2"}, {"t3"}, {"t4"}, {"t5"}, {"t6"}, {"t7"}}},
        {3, {{"t1", "t2", "t3"}, {"t4", "t5", "t6"}, {"t7"}}},
        {7, {{"t1", "t2", "t3", "t4", "t5", "t6", "t7"}}},
        {250, {{"t1", "t2", "t3", "t4", "t5", "t6", "t7"}}},
    }));
    // clang-format on
    CAPTURE(size);
    CHECK(all_pages(*f.registry, size, true) == expected);
}

TEST_CASE("Descending order reverses the pages", "[registry][pagination]") {
    Fixture f;
    make_things(f, 5);
    CHECK(all_pages(*f.registry, 2, false) ==
          std::vector<Names>{{"t5", "t4"}, {"t3", "t2"}, {"t1"}});
}

TEST_CASE("The last page has no marker and an empty list has one empty page",
          "[registry][pagination]") {
    Fixture f;
    const auto empty = f.registry->list_things({}, page_of(5));
    CHECK(empty.items.empty());
    CHECK_FALSE(empty.next_marker);
    make_things(f, 2);
    CHECK_FALSE(f.registry->list_things({}, page_of(2)).next_marker);
    CHECK(f.registry->list_things({}, page_of(1)).next_marker);
}

TEST_CASE("A marker stays valid when items are deleted between pages", "[registry][pagination]") {
    Fixture f;
    make_things(f, 6);
    const bool ascending = GENERATE(true, false);
    CAPTURE(ascending);
    const auto first = f.registry->list_things({}, page_of(2, std::nullopt, ascending));
    REQUIRE(first.next_marker);
    // Delete the item the marker points at, and one already shown.
    f.registry->delete_thing(ascending ? "t3" : "t4", std::nullopt);
    f.registry->delete_thing(ascending ? "t1" : "t6", std::nullopt);
    const auto second = f.registry->list_things({}, page_of(2, first.next_marker, ascending));
    CHECK(names_of(second) == (ascending ? Names{"t4", "t5"} : Names{"t3", "t2"}));
}

TEST_CASE("A marker that no page returned is InvalidRequest", "[registry][pagination]") {
    Fixture f;
    make_things(f, 2);
    const std::string marker = GENERATE(std::string(""), std::string("abc"), std::string("12x"),
                                        std::string("-1"), std::string("99999999999999999999999"));
    CAPTURE(marker);
    CHECK_AWS_ERROR(f.registry->list_things({}, page_of(1, marker)), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->list_policies(page_of(1, marker)), "InvalidRequestException");
}

TEST_CASE("A page size below one is InvalidRequest", "[registry][pagination]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->list_things({}, page_of(0)), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->list_certificates(page_of(-1)), "InvalidRequestException");
}

TEST_CASE("String lists page by the creation order of what they name", "[registry][pagination]") {
    Fixture f;
    f.group("g");
    for (const char* name : {"zeta", "alpha", "mid"}) {
        f.thing(name);
        f.registry->add_thing_to_thing_group("g", name);
    }
    const auto first = f.registry->list_things_in_thing_group("g", false, page_of(2));
    CHECK(first.items == Names{"zeta", "alpha"});
    REQUIRE(first.next_marker);
    const auto second =
        f.registry->list_things_in_thing_group("g", false, page_of(2, first.next_marker));
    CHECK(second.items == Names{"mid"});
    CHECK_FALSE(second.next_marker);
}

TEST_CASE("Every paged list uses the same markers", "[registry][pagination]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) {
        f.registry->create_policy("p" + std::to_string(i), allow_all_policy);
        f.group("g" + std::to_string(i));
    }
    const auto policies = f.registry->list_policies(page_of(2));
    REQUIRE(policies.next_marker);
    CHECK(f.registry->list_policies(page_of(2, policies.next_marker)).items.at(0).name == "p2");
    ListThingGroupsFilter all;
    const auto groups = f.registry->list_thing_groups(all, page_of(2));
    REQUIRE(groups.next_marker);
    CHECK(f.registry->list_thing_groups(all, page_of(2, groups.next_marker)).items.at(0).name ==
          "g2");
}
