// Things, thing types and thing ⇄ principal attachments.
#include "registry/support.hpp"

using namespace iotemu;
using namespace iotemu::registry;
using namespace iotemu::registry::testing;
using model::CertificateStatus;

namespace {

CreateThingRequest thing_request(const std::string& name, model::Attributes attributes = {},
                                 std::optional<std::string> type = {}) {
    CreateThingRequest request;
    request.thing_name = name;
    request.thing_type_name = std::move(type);
    if (!attributes.empty()) request.attribute_payload = AttributePayload{std::move(attributes)};
    return request;
}

CreateThingTypeRequest type_request(const std::string& name, std::optional<std::string> text = {}) {
    CreateThingTypeRequest request;
    request.thing_type_name = name;
    request.description = std::move(text);
    return request;
}

UpdateThingRequest attributes_update(model::Attributes attributes, bool merge) {
    UpdateThingRequest request;
    request.attribute_payload = AttributePayload{std::move(attributes), merge};
    return request;
}

std::vector<std::string> names_of(const Page<model::Thing>& page) {
    std::vector<std::string> out;
    for (const auto& thing : page.items) out.push_back(thing.name);
    return out;
}

}  // namespace

// ---- things ---------------------------------------------------------------------------------

TEST_CASE("CreateThing returns a thing with an id, an ARN and version 1", "[registry][things]") {
    Fixture f;
    const auto thing = f.registry->create_thing(thing_request("lamp-1", {{"color", "red"}}));
    CHECK(thing.arn == "arn:aws:iot:us-east-1:123456789012:thing/lamp-1");
    CHECK(thing.id.size() == 36);
    CHECK(thing.version == 1);
    CHECK(f.registry->describe_thing("lamp-1").attributes == model::Attributes{{"color", "red"}});
}

TEST_CASE("CreateThing is idempotent for the same configuration only", "[registry][things]") {
    Fixture f;
    const auto first = f.registry->create_thing(thing_request("lamp", {{"a", "1"}}));
    CHECK(f.registry->create_thing(thing_request("lamp", {{"a", "1"}})).id == first.id);
    CHECK(f.store->saves == 1);
    CHECK_AWS_ERROR(f.registry->create_thing(thing_request("lamp", {{"a", "2"}})),
                    "ResourceAlreadyExistsException");
    CHECK(f.registry->describe_thing("lamp").attributes.at("a") == "1");
}

TEST_CASE("Every name-taking thing operation rejects an invalid name", "[registry][things]") {
    Fixture f;
    const std::string bad = GENERATE(std::string(""), std::string("has space"),
                                     std::string(129, 'x'), std::string("slash/no"));
    CAPTURE(bad);
    CHECK_AWS_ERROR(f.registry->create_thing(thing_request(bad)), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->describe_thing(bad), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->update_thing(bad, {}), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->delete_thing(bad, std::nullopt), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->create_thing_type(type_request(bad)), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->describe_thing_type(bad), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->list_thing_principals(bad, page_of(25)), "InvalidRequestException");
    CHECK_AWS_ERROR(f.group(bad), "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->create_policy(bad, allow_all_policy), "InvalidRequestException");
    CHECK(f.store->saves == 0);
}

TEST_CASE("A thing type must exist and not be deprecated to be used", "[registry][things]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->create_thing(thing_request("lamp", {}, "Lamp")),
                    "ResourceNotFoundException");
    f.registry->create_thing_type(type_request("Lamp"));
    f.registry->deprecate_thing_type("Lamp", false);
    CHECK_AWS_ERROR(f.registry->create_thing(thing_request("lamp", {}, "Lamp")),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->describe_thing("lamp"), "ResourceNotFoundException");
    f.registry->deprecate_thing_type("Lamp", true);
    CHECK(f.registry->create_thing(thing_request("lamp", {}, "Lamp")).thing_type_name == "Lamp");
}

TEST_CASE("A thing without a type has at most three attributes", "[registry][things]") {
    Fixture f;
    CHECK_AWS_ERROR(f.registry->create_thing(
                        thing_request("t", {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}})),
                    "InvalidRequestException");
    f.registry->create_thing_type(type_request("Typed"));
    f.registry->create_thing(
        thing_request("t", {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}, "Typed"));
    CHECK_AWS_ERROR(f.registry->create_thing(thing_request("u", {{"bad name", "1"}})),
                    "InvalidRequestException");
}

TEST_CASE("UpdateThing merges or replaces attributes and bumps the version", "[registry][things]") {
    Fixture f;
    f.registry->create_thing(thing_request("lamp", {{"a", "1"}, {"b", "2"}}));

    f.registry->update_thing("lamp", attributes_update({{"a", ""}, {"c", "3"}}, true));
    auto thing = f.registry->describe_thing("lamp");
    CHECK(thing.attributes == model::Attributes{{"b", "2"}, {"c", "3"}});
    CHECK(thing.version == 2);

    f.registry->update_thing("lamp", attributes_update({{"z", "9"}}, false));
    thing = f.registry->describe_thing("lamp");
    CHECK(thing.attributes == model::Attributes{{"z", "9"}});
    CHECK(thing.version == 3);
}

TEST_CASE("UpdateThing checks the expected version and changes nothing on conflict",
          "[registry][things]") {
    Fixture f;
    f.registry->create_thing(thing_request("lamp", {{"a", "1"}}));
    auto update = attributes_update({{"a", "2"}}, true);
    update.expected_version = 7;
    CHECK_AWS_ERROR(f.registry->update_thing("lamp", update), "VersionConflictException");
    CHECK(f.registry->describe_thing("lamp").attributes.at("a") == "1");
    update.expected_version = 1;
    f.registry->update_thing("lamp", update);
    CHECK(f.registry->describe_thing("lamp").attributes.at("a") == "2");
    CHECK_AWS_ERROR(f.registry->update_thing("ghost", update), "ResourceNotFoundException");
}

TEST_CASE("UpdateThing sets or removes the thing type", "[registry][things]") {
    Fixture f;
    f.registry->create_thing_type(type_request("Lamp"));
    f.thing("lamp");
    UpdateThingRequest set_type;
    set_type.thing_type_name = "Lamp";
    f.registry->update_thing("lamp", set_type);
    CHECK(f.registry->describe_thing("lamp").thing_type_name == "Lamp");

    UpdateThingRequest both = set_type;
    both.remove_thing_type = true;
    CHECK_AWS_ERROR(f.registry->update_thing("lamp", both), "InvalidRequestException");
    UpdateThingRequest missing;
    missing.thing_type_name = "Nope";
    CHECK_AWS_ERROR(f.registry->update_thing("lamp", missing), "ResourceNotFoundException");
    CHECK(f.registry->describe_thing("lamp").version == 2);

    UpdateThingRequest remove;
    remove.remove_thing_type = true;
    f.registry->update_thing("lamp", remove);
    CHECK_FALSE(f.registry->describe_thing("lamp").thing_type_name);
}

TEST_CASE("DeleteThing succeeds for a missing thing and honours the expected version",
          "[registry][things]") {
    Fixture f;
    f.registry->delete_thing("ghost", std::nullopt);
    f.thing("lamp");
    CHECK_AWS_ERROR(f.registry->delete_thing("lamp", 2), "VersionConflictException");
    f.registry->delete_thing("lamp", 1);
    CHECK_AWS_ERROR(f.registry->describe_thing("lamp"), "ResourceNotFoundException");
}

TEST_CASE("A thing with an attached principal cannot be deleted", "[registry][things]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    f.thing("lamp");
    f.registry->attach_thing_principal("lamp", certificate.arn);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_thing("lamp", std::nullopt),
                            "InvalidRequestException", "still attached");
    CHECK(f.registry->describe_thing("lamp").name == "lamp");
}

TEST_CASE("Deleting a thing removes it from its groups", "[registry][things]") {
    Fixture f;
    f.thing("lamp");
    f.group("g");
    f.registry->add_thing_to_thing_group("g", "lamp");
    f.registry->delete_thing("lamp", std::nullopt);
    CHECK(f.registry->list_things_in_thing_group("g", false, page_of(25)).items.empty());
    f.thing("lamp");  // a new thing of the same name is not a member
    CHECK(f.registry->list_things_in_thing_group("g", false, page_of(25)).items.empty());
}

TEST_CASE("ListThings filters by attribute, value prefix and thing type", "[registry][things]") {
    Fixture f;
    f.registry->create_thing_type(type_request("Lamp"));
    f.registry->create_thing(thing_request("a", {{"color", "red"}}, "Lamp"));
    f.registry->create_thing(thing_request("b", {{"color", "reddish"}}));
    f.registry->create_thing(thing_request("c", {{"size", "big"}}, "Lamp"));

    ListThingsFilter filter;
    CHECK(names_of(f.registry->list_things(filter, page_of(25))) ==
          std::vector<std::string>{"a", "b", "c"});
    filter.attribute_name = "color";
    CHECK(names_of(f.registry->list_things(filter, page_of(25))) ==
          std::vector<std::string>{"a", "b"});
    filter.attribute_value = "red";
    CHECK(names_of(f.registry->list_things(filter, page_of(25))) == std::vector<std::string>{"a"});
    filter.use_prefix_attribute_value = true;
    CHECK(names_of(f.registry->list_things(filter, page_of(25))) ==
          std::vector<std::string>{"a", "b"});
    filter.thing_type_name = "Lamp";
    CHECK(names_of(f.registry->list_things(filter, page_of(25))) == std::vector<std::string>{"a"});

    ListThingsFilter value_only;
    value_only.attribute_value = "red";
    CHECK_AWS_ERROR(f.registry->list_things(value_only, page_of(25)), "InvalidRequestException");
}

// ---- thing types ----------------------------------------------------------------------------

TEST_CASE("CreateThingType is idempotent for the same configuration only",
          "[registry][thing-types]") {
    Fixture f;
    const auto type = f.registry->create_thing_type(type_request("Lamp", "lamps"));
    CHECK(type.arn == "arn:aws:iot:us-east-1:123456789012:thingtype/Lamp");
    CHECK(f.registry->create_thing_type(type_request("Lamp", "lamps")).id == type.id);
    CHECK_AWS_ERROR(f.registry->create_thing_type(type_request("Lamp", "other")),
                    "ResourceAlreadyExistsException");
    CHECK(f.registry->describe_thing_type("Lamp").description == "lamps");
}

TEST_CASE("Thing types are listed, deprecated and undeprecated", "[registry][thing-types]") {
    Fixture f;
    f.registry->create_thing_type(type_request("A"));
    f.registry->create_thing_type(type_request("B"));
    CHECK(f.registry->list_thing_types(std::nullopt, page_of(25)).items.size() == 2);
    const auto only_b = f.registry->list_thing_types("B", page_of(25)).items;
    REQUIRE(only_b.size() == 1);
    CHECK(only_b[0].name == "B");

    f.registry->deprecate_thing_type("A", false);
    auto a = f.registry->describe_thing_type("A");
    CHECK(a.deprecated);
    CHECK(a.deprecation_date);
    f.registry->deprecate_thing_type("A", true);
    CHECK_FALSE(f.registry->describe_thing_type("A").deprecated);
    CHECK_AWS_ERROR(f.registry->deprecate_thing_type("Nope", false), "ResourceNotFoundException");
}

TEST_CASE("A thing type is deleted only when deprecated and unused", "[registry][thing-types]") {
    Fixture f;
    f.registry->create_thing_type(type_request("Lamp"));
    f.registry->create_thing(thing_request("lamp", {}, "Lamp"));
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_thing_type("Lamp"), "InvalidRequestException",
                            "deprecated");
    f.registry->deprecate_thing_type("Lamp", false);
    CHECK_AWS_ERROR_MESSAGE(f.registry->delete_thing_type("Lamp"), "InvalidRequestException",
                            "still used");
    CHECK(f.registry->describe_thing_type("Lamp").deprecated);

    f.registry->delete_thing("lamp", std::nullopt);
    f.registry->delete_thing_type("Lamp");
    CHECK_AWS_ERROR(f.registry->describe_thing_type("Lamp"), "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->delete_thing_type("Lamp"), "ResourceNotFoundException");
}

// ---- thing principals -----------------------------------------------------------------------

TEST_CASE("Attaching a principal to a thing is idempotent and listed both ways",
          "[registry][principals]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    f.thing("lamp");
    f.thing("desk");
    f.registry->attach_thing_principal("lamp", certificate.arn);
    const int saves = f.store->saves;
    f.registry->attach_thing_principal("lamp", certificate.arn);
    CHECK(f.store->saves == saves);
    f.registry->attach_thing_principal("desk", certificate.arn);

    CHECK(f.registry->list_thing_principals("lamp", page_of(25)).items ==
          std::vector<std::string>{certificate.arn});
    CHECK(f.registry->list_principal_things(certificate.arn, page_of(25)).items ==
          std::vector<std::string>{"lamp", "desk"});  // creation order of the things

    f.registry->detach_thing_principal("lamp", certificate.arn);
    f.registry->detach_thing_principal("lamp", certificate.arn);  // not attached: no-op
    CHECK(f.registry->list_thing_principals("lamp", page_of(25)).items.empty());
    CHECK(f.registry->list_principal_things(certificate.arn, page_of(25)).items ==
          std::vector<std::string>{"desk"});
}

TEST_CASE("Thing principal operations need an existing thing and certificate",
          "[registry][principals]") {
    Fixture f;
    const auto certificate = f.device_certificate("dev", CertificateStatus::active);
    f.thing("lamp");
    const std::string unknown_cert = account().arn("cert", std::string(64, 'e'));
    const int saves = f.store->saves;

    CHECK_AWS_ERROR(f.registry->attach_thing_principal("ghost", certificate.arn),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->attach_thing_principal("lamp", unknown_cert),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->attach_thing_principal("lamp", "not-an-arn"),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->attach_thing_principal(
                        "lamp", "arn:aws:iot:eu-west-1:999999999999:cert/" + certificate.id),
                    "InvalidRequestException");
    CHECK_AWS_ERROR(f.registry->detach_thing_principal("ghost", certificate.arn),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->list_thing_principals("ghost", page_of(25)),
                    "ResourceNotFoundException");
    CHECK_AWS_ERROR(f.registry->list_principal_things(unknown_cert, page_of(25)),
                    "ResourceNotFoundException");
    CHECK(f.store->saves == saves);
    CHECK(f.registry->list_thing_principals("lamp", page_of(25)).items.empty());
}
