// The state database's file: created at this build's schema version, refused when a newer build
// wrote it or when it is not a database, and transactions that roll back unless committed.
#include <fstream>

#include <catch2/catch.hpp>

#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace iotemu::store {
namespace {

using Catch::Matchers::Contains;
using testing::TempDir;

TEST_CASE("a new data dir gets a state database at the current schema version") {
    TempDir dir;
    const auto database = open_state_database(dir.path() / "nested");
    CHECK(std::filesystem::exists(dir.path() / "nested" / "state.db"));
    CHECK(database->schema_version() == static_cast<int>(migrations().size()));
    Statement mode(*database, "PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
}

TEST_CASE("reopening a state database keeps its schema and rows") {
    TempDir dir;
    {
        const auto database = open_state_database(dir.path());
        auto transaction = database->transaction();
        Statement(*database, "INSERT INTO registry_records VALUES ('thing', 'a', 1, '{}')").run();
        transaction.commit();
    }
    const auto database = open_state_database(dir.path());
    Statement count(*database, "SELECT count(*) FROM registry_records");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 1);
}

TEST_CASE("a data dir written by a newer schema version is refused and left as it is") {
    TempDir dir;
    open_state_database(dir.path())->execute("PRAGMA user_version=99");
    CHECK_THROWS_WITH(open_state_database(dir.path()), Contains("schema version 99") &&
                                                           Contains("newer iot-emulator") &&
                                                           Contains("state.db"));
    // Untouched: the newer build still finds its version.
    CHECK_THROWS_WITH(open_state_database(dir.path()), Contains("schema version 99"));
}

TEST_CASE("a state file that is not a database is a clear error naming it") {
    TempDir dir;
    std::ofstream(dir.path() / "state.db") << std::string(4096, 'x');
    CHECK_THROWS_AS(open_state_database(dir.path()), StoreError);
    CHECK_THROWS_WITH(open_state_database(dir.path()), Contains("state.db") &&
                                                           Contains("not a database") &&
                                                           Contains("move it away"));
}

TEST_CASE("a data dir in use by another emulator is refused, and free again once it is closed") {
    TempDir dir;
    {
        const auto first = open_state_database(dir.path());
        CHECK_THROWS_WITH(open_state_database(dir.path()),
                          Contains("in use by another iot-emulator"));
    }
    CHECK_NOTHROW(open_state_database(dir.path()));
}

TEST_CASE("a transaction not committed leaves nothing behind") {
    TempDir dir;
    const auto database = open_state_database(dir.path());
    {
        auto transaction = database->transaction();
        Statement(*database, "INSERT INTO registry_records VALUES ('thing', 'a', 1, '{}')").run();
    }
    Statement count(*database, "SELECT count(*) FROM registry_records");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 0);
}

TEST_CASE("a data dir that cannot be created is a clear error") {
    TempDir dir;
    std::ofstream(dir.path() / "file") << "x";
    CHECK_THROWS_WITH(open_state_database(dir.path() / "file" / "sub"),
                      Contains("cannot create the data dir"));
}

}  // namespace
}  // namespace iotemu::store
