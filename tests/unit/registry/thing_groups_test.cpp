// Static thing groups: hierarchy, idempotent creation, membership and recursive listings.
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;

namespace {

std::vector<std::string> names_of(const Page<model::ThingGroup>& page) {
    std::vector<std::string> out;
    for (const auto& group : page.items) out.push_back(group.name);
    return out;
}

ListThingGroupsFilter groups_filter(std::optional<std::string> parent, bool recursive,
                                    std::optional<std::string> prefix = {}) {
    ListThingGroupsFilter filter;
    filter.parent_group = std::move(parent);
    filter.recursive = recursive;
    filter.name_prefix = std::move(prefix);
    return filter;
}

// root ─┬─ building-a ── floor-1
//       └─ building-b
// other
void make_tree(Fixture& f) {
    f.group("root");
    f.group("building-a", "root");
    f.group("building-b", "root");
    f.group("floor-1", "building-a");
    f.group("other");
}

}  // namespace

TEST_CASE("CreateThingGroup returns an ARN and version 1, idempotently",
          "[registry][thing-groups]") {
    Fixture f;
    const auto group = f.group("lamps");
    CHECK(group.arn == "arn:aws:iot:us-east-1:123456789012:thinggroup/lamps");
    CHECK(group.version == 1);
    CHECK(f.group("lamps").id == group.id);
    CHECK(f.store->saves == 1);

    CreateThingGroupRequest different;
    different.thing_group_name = "lamps";
    different.description = "changed";
    CHECK_AWS_ERROR(f.registry->create_thing_group(different), "ResourceAlreadyExistsException");
    CHECK_FALSE(f.registry->describe_thing_group("lamps").description);
}

TEST_CASE("A thing group's parent must exist", "[registry][thing-groups]") {
    Fixture f;
    CHECK_AWS_ERROR(f.group("child", "missing"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->describe_thing_group("child"), "ResourceNotFoundException");
    f.group("parent");
    CHECK(f.group("child", "parent").parent_group_name == "parent");
}

TEST_CASE("ListThingGroups filters by parent, recursion and name prefix",
          "[registry][thing-groups]") {
    Fixture f;
    make_tree(f);
    using Names = std::vector<std::string>;
    const auto list = [&](const ListThingGroupsFilter& filter) {
        return names_of(f.registry->list_thing_groups(filter, page_of(25)));
    };
    CHECK(list(groups_filter({}, true)) ==
          Names{"root", "building-a", "building-b", "floor-1", "other"});
    CHECK(list(groups_filter({}, false)) == Names{"root", "other"});
    CHECK(list(groups_filter("root", false)) == Names{"building-a", "building-b"});
    CHECK(list(groups_filter("root", true)) == Names{"building-a", "building-b", "floor-1"});
    CHECK(list(groups_filter("root", true, "b")) == Names{"building-a", "building-b"});
    CHECK(list(groups_filter({}, true, "floor")) == Names{"floor-1"});
    CHECK_AWS_ERROR(f.registry->list_thing_groups(groups_filter("ghost", true), page_of(25)),
                    "ResourceNotFoundException");
}

TEST_CASE("A thing group with child groups cannot be deleted", "[registry][thing-groups]") {
    Fixture f;
    make_tree(f);
    CHECK_AWS_ERROR(f.registry->delete_thing_group("building-a", std::nullopt),
                    "InvalidRequestException");
    CHECK(f.registry->describe_thing_group("building-a").name == "building-a");
    f.registry->delete_thing_group("floor-1", std::nullopt);
    f.registry->delete_thing_group("building-a", std::nullopt);
    CHECK_AWS_ERROR(f.registry->describe_thing_group("building-a"), "ResourceNotFoundException");
}

TEST_CASE("DeleteThingGroup checks the expected version and ignores missing groups",
          "[registry][thing-groups]") {
    Fixture f;
    f.group("g");
    CHECK_AWS_ERROR(f.registry->delete_thing_group("g", 5), "VersionConflictException");
    CHECK(f.registry->describe_thing_group("g").name == "g");
    f.registry->delete_thing_group("g", 1);
    f.registry->delete_thing_group("g", std::nullopt);  // already gone: success
}

TEST_CASE("Deleting a thing group drops its memberships and policy attachments",
          "[registry][thing-groups]") {
    Fixture f;
    const auto group = f.group("g");
    f.thing("lamp");
    f.registry->add_thing_to_thing_group("g", "lamp");
    f.registry->create_policy("p", allow_all_policy);
    f.registry->attach_policy("p", group.arn);
    f.registry->delete_thing_group("g", std::nullopt);
    CHECK(f.registry->list_targets_for_policy("p", page_of(25)).items.empty());
    f.group("g");
    CHECK(f.registry->list_things_in_thing_group("g", false, page_of(25)).items.empty());
}

TEST_CASE("Adding and removing things needs both to exist and is idempotent",
          "[registry][thing-groups]") {
    Fixture f;
    f.group("g");
    f.thing("lamp");
    CHECK_AWS_ERROR(f.registry->add_thing_to_thing_group("ghost", "lamp"),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->add_thing_to_thing_group("g", "ghost"),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->remove_thing_from_thing_group("ghost", "lamp"),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->list_things_in_thing_group("ghost", false, page_of(25)),
                    "ResourceNotFoundException");

    f.registry->add_thing_to_thing_group("g", "lamp");
    f.registry->add_thing_to_thing_group("g", "lamp");
    CHECK(f.registry->list_things_in_thing_group("g", false, page_of(25)).items ==
          std::vector<std::string>{"lamp"});
    f.registry->remove_thing_from_thing_group("g", "lamp");
    f.registry->remove_thing_from_thing_group("g", "lamp");
    CHECK(f.registry->list_things_in_thing_group("g", false, page_of(25)).items.empty());
}

TEST_CASE("Listing things in a group recursively includes child groups once",
          "[registry][thing-groups]") {
    Fixture f;
    make_tree(f);
    for (const char* name : {"t1", "t2", "t3", "t4"}) f.thing(name);
    f.registry->add_thing_to_thing_group("root", "t1");
    f.registry->add_thing_to_thing_group("building-a", "t2");
    f.registry->add_thing_to_thing_group("floor-1", "t3");
    f.registry->add_thing_to_thing_group("floor-1", "t1");
    f.registry->add_thing_to_thing_group("other", "t4");

    using Names = std::vector<std::string>;
    CHECK(f.registry->list_things_in_thing_group("root", false, page_of(25)).items == Names{"t1"});
    CHECK(f.registry->list_things_in_thing_group("root", true, page_of(25)).items ==
          Names{"t1", "t2", "t3"});
    CHECK(f.registry->list_things_in_thing_group("building-a", true, page_of(25)).items ==
          Names{"t1", "t2", "t3"});
}
