// The registry's records on the state database: every kind of record read back equal to what was
// written, changes and deletions carried over, a registry restarted on the same file serving the
// same fleet, and an unreadable record named in the error.
#include "store/registry_store.hpp"

#include <catch2/catch.hpp>

#include "registry/support.hpp"
#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace iotemu::store {
namespace {

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using testing::TempDir;

// An instant with sub-microsecond ticks: a record must keep them.
Timestamp at(std::int64_t seconds) {
    return Timestamp(std::chrono::seconds(seconds)) + std::chrono::nanoseconds(123456789);
}

// Every map and every field of State set, optionals present, so a lost field shows.
registry::State full_state() {
    registry::State state;
    state.registration_code = "00112233445566778899aabbccddeeff";
    state.next_sequence = 42;

    model::CaCertificate ca;
    ca.id = std::string(64, 'c');
    ca.arn = "arn:aws:iot:us-east-1:123456789012:cacert/" + ca.id;
    ca.pem = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
    ca.subject = "O=Acme, CN=Root";
    ca.status = model::CaCertificateStatus::active;
    ca.auto_registration_status = model::AutoRegistrationStatus::enable;
    ca.mode = model::CertificateMode::sni_only;
    ca.owned_by = "123456789012";
    ca.creation_date = at(1700000000);
    ca.last_modified_date = at(1700000100);
    ca.customer_version = 3;
    ca.generation_id = "gen-ca";
    ca.validity = {at(1690000000), at(1790000000)};
    ca.registration_config = {"{\"Resources\":{}}", "arn:aws:iam::123456789012:role/r", "tpl"};
    ca.tags = {{"team", "fleet"}};
    state.ca_certificates[ca.id] = {1, ca};

    model::Certificate certificate;
    certificate.id = std::string(64, 'd');
    certificate.arn = "arn:aws:iot:us-east-1:123456789012:cert/" + certificate.id;
    certificate.pem = "-----BEGIN CERTIFICATE-----\nREVW\n-----END CERTIFICATE-----\n";
    certificate.ca_certificate_id = ca.id;
    certificate.status = model::CertificateStatus::pending_activation;
    certificate.owned_by = "123456789012";
    certificate.previous_owned_by = "210987654321";
    certificate.creation_date = at(1700000200);
    certificate.last_modified_date = at(1700000300);
    certificate.customer_version = 2;
    certificate.generation_id = "gen-cert";
    certificate.validity = {at(1690000000), at(1790000000)};
    state.certificates[certificate.id] = {2, certificate};

    model::Thing thing{"sensor-1", "uuid-1",  "arn:aws:iot:us-east-1:123456789012:thing/sensor-1",
                       "Sensor",   "billing", {{"color", "red"}},
                       7};
    state.things[thing.name] = {3, thing};

    model::ThingType type{
        "Sensor",       "uuid-2",      "arn:aws:iot:us-east-1:123456789012:thingtype/Sensor",
        "sensors",      {"color"},     true,
        at(1700000400), at(1700000000)};
    state.thing_types[type.name] = {4, type};

    model::ThingGroup group{"floor-1",  "uuid-3",      "arn:…:thinggroup/floor-1",
                            2,          "first",       {{"a", "b"}},
                            "building", at(1700000500)};
    state.thing_groups[group.name] = {5, group};

    model::Policy policy{"allow",
                         "arn:aws:iot:us-east-1:123456789012:policy/allow",
                         {{"1", "{\"Version\":\"2012-10-17\"}", at(1700000600)},
                          {"2", "{\"Statement\":[]}", at(1700000700)}},
                         "2",
                         "gen-policy",
                         at(1700000600),
                         at(1700000700)};
    state.policies[policy.name] = {6, policy};
    state.next_policy_version[policy.name] = 3;

    model::ProvisioningTemplate tpl;
    tpl.name = "fleet";
    tpl.arn = "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/fleet";
    tpl.description = "claim";
    tpl.type = model::TemplateType::jitp;
    tpl.enabled = true;
    tpl.provisioning_role_arn = "arn:aws:iam::123456789012:role/p";
    tpl.pre_provisioning_hook = model::ProvisioningHook{"arn:…:function:hook", "2020-04-01"};
    tpl.tags = {{"k", "v"}};
    tpl.creation_date = at(1700000800);
    tpl.last_modified_date = at(1700000900);
    tpl.versions = {{1, "{}", at(1700000800)}, {2, "{\"Parameters\":{}}", at(1700000900)}};
    tpl.default_version_id = 2;
    tpl.next_version_id = 3;
    state.provisioning_templates[tpl.name] = {7, tpl};

    registry::ProvisioningClaim claim{certificate, "fleet", at(1700001000)};
    claim.certificate.id = std::string(64, 'e');
    state.provisioning_claims[claim.certificate.id] = claim;

    state.thing_principals["sensor-1"] = {certificate.arn};
    state.policy_targets["allow"] = {certificate.arn, group.arn};
    state.group_things["floor-1"] = {"sensor-1"};

    state.event_configurations.enabled[static_cast<std::size_t>(model::EventType::thing)] = true;
    state.event_configurations.creation_date = at(1700001100);
    state.event_configurations.last_modified_date = at(1700001200);
    return state;
}

registry::State reload(const TempDir& dir) {
    return SqliteRegistryStore(open_state_database(dir.path())).load();
}

TEST_CASE("every kind of registry record is read back equal to what was saved") {
    TempDir dir;
    const registry::State state = full_state();
    SqliteRegistryStore(open_state_database(dir.path())).save(state);
    CHECK(reload(dir) == state);
}

TEST_CASE("a new data dir loads an empty registry") {
    TempDir dir;
    CHECK(reload(dir) == registry::State{});
}

TEST_CASE("changes and deletions between saves reach the file") {
    TempDir dir;
    registry::State state = full_state();
    {
        SqliteRegistryStore store(open_state_database(dir.path()));
        store.load();
        store.save(state);
        state.certificates.begin()->second.value.status = model::CertificateStatus::active;
        state.things.erase("sensor-1");
        state.thing_principals.clear();
        state.group_things["floor-1"].clear();
        state.group_things.erase("floor-1");
        state.registration_code.reset();
        state.things["sensor-2"] = {43, {"sensor-2", "uuid-9", "arn", {}, {}, {}, 1}};
        state.next_sequence = 44;
        store.save(state);
    }
    CHECK(reload(dir) == state);
}

TEST_CASE("a registry restarted on the same data dir serves the same fleet") {
    using registry::testing::aws_issuer;
    TempDir dir;
    const auto thing = [](std::string name) {
        registry::CreateThingRequest request;
        request.thing_name = std::move(name);
        return request;
    };
    const auto make_registry = [&] {
        auto store = std::make_unique<SqliteRegistryStore>(open_state_database(dir.path()));
        return std::make_unique<registry::Registry>(registry::testing::account(), aws_issuer(),
                                                    std::move(store));
    };
    std::string certificate_id;
    std::string code;
    {
        const auto registry = make_registry();
        code = registry->get_registration_code();
        const auto keys = registry->create_keys_and_certificate(model::CertificateStatus::active);
        certificate_id = keys.certificate.id;
        registry->create_thing(thing("t1"));
        registry->create_thing(thing("t2"));
        registry->create_policy("p", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Action":"iot:*","Resource":"*"}]})");
        registry->attach_policy("p", keys.certificate.arn);
        registry->attach_thing_principal("t1", keys.certificate.arn);
        registry->delete_thing("t2", std::nullopt);
    }
    const auto registry = make_registry();
    CHECK(registry->get_registration_code() == code);
    CHECK(registry->describe_certificate(certificate_id).status ==
          model::CertificateStatus::active);
    CHECK(registry->describe_thing("t1").name == "t1");
    CHECK_AWS_ERROR(registry->describe_thing("t2"), "ResourceNotFoundException");
    CHECK(registry->list_thing_principals("t1", {}).items.size() == 1);
    const auto principal = "arn:aws:iot:us-east-1:123456789012:cert/" + certificate_id;
    CHECK(registry->principal_policies(principal, "t1").policies.size() == 1);
    // Sequences continue: a thing created now lists after the one kept.
    registry->create_thing(thing("t3"));
    const auto things = registry->list_things({}, {}).items;
    REQUIRE(things.size() == 2);
    CHECK(things[0].name == "t1");
    CHECK(things[1].name == "t3");
}

TEST_CASE("a save writes the rows the operation changed, however large the registry") {
    TempDir dir;
    registry::State state;
    {
        const auto database = open_state_database(dir.path());
        const auto rows_written = [&] {
            Statement changes(*database, "SELECT total_changes()");
            REQUIRE(changes.step());
            return changes.integer(0);
        };
        SqliteRegistryStore store(database);
        state = store.load();
        for (int i = 0; i < 500; ++i) {
            const std::string name = "thing-" + std::to_string(i);
            state.things[name] = {static_cast<std::uint64_t>(i + 1),
                                  {name, "id", "arn", {}, {}, {}, 1}};
            state.policy_targets["fleet"].insert("arn:aws:iot:us-east-1:123456789012:cert/" + name);
        }
        store.save(state);
        state.forget_changes();
        CHECK(rows_written() == 1000);  // a row per thing and per attachment (and no settings yet)

        const auto before = rows_written();
        state.policy_targets["fleet"].insert("arn:aws:iot:us-east-1:123456789012:cert/new");
        state.things.at("thing-7").value.version = 2;
        store.save(state);
        state.forget_changes();
        CHECK(rows_written() - before == 2);

        // Looked at through the non-const map but left as they were: compared, not written.
        const auto unchanged = rows_written();
        static_cast<void>(state.things.find("thing-8"));
        static_cast<void>(state.policy_targets.at("fleet"));
        store.save(state);
        CHECK(rows_written() == unchanged);

        // A save looks only where the maps say: a change they forgot is not even compared.
        const auto forgotten = rows_written();
        auto& thing = state.things.at("thing-9").value;
        state.forget_changes();
        thing.version = 5;
        store.save(state);
        CHECK(rows_written() == forgotten);
        thing.version = 1;  // as the file still has it
    }
    CHECK(reload(dir) == state);
}

TEST_CASE("a file of schema version 4 keeps its attachments, now a row per member") {
    TempDir dir;
    {
        Database old(dir.path() / "state.db", migrations().first(4));
        auto transaction = old.transaction();
        Statement(old,
                  "INSERT INTO registry_records VALUES "
                  "('policy_targets', 'fleet', 0, '[\"arn:a/1\",\"arn:a/2\"]'), "
                  "('thing_principals', 't1', 0, '[\"arn:a/1\"]'), "
                  "('group_things', 'g', 0, '[\"t1\",\"t2\"]')")
            .run();
        transaction.commit();
    }
    registry::State expected;
    expected.policy_targets["fleet"] = {"arn:a/1", "arn:a/2"};
    expected.thing_principals["t1"] = {"arn:a/1"};
    expected.group_things["g"] = {"t1", "t2"};
    CHECK(reload(dir) == expected);
}

TEST_CASE("an unreadable record is an error naming its kind and key") {
    using Row = std::tuple<std::string, std::string, std::string>;
    const auto [kind, record, problem] = GENERATE(table<std::string, std::string, std::string>({
        Row{"certificate", R"({"id":1)", ""},
        // Found by fuzzing: a number beyond an integer's range went on to an integer conversion
        // (undefined behaviour) instead of being refused.
        Row{"thing",
            R"({"name":"t","id":"u","arn":"a","thing_type_name":null,"billing_group_name":null,)"
            R"("attributes":{},"version":1.7e30})",
            "a number that is not a whole number: 1.7e+30"},
    }));
    CAPTURE(record);
    TempDir dir;
    {
        const auto database = open_state_database(dir.path());
        auto transaction = database->transaction();
        Statement(*database, "INSERT INTO registry_records VALUES ('" + kind + "', 'abc', 1, '" +
                                 record + "')")
            .run();
        transaction.commit();
    }
    CHECK_THROWS_WITH(reload(dir),
                      Contains(kind + " record 'abc' is unreadable: ") && Contains(problem));
}

}  // namespace
}  // namespace iotemu::store
