// Database: one SQLite file as the emulator's durable state (docs/state.md) — opened in WAL mode
// with synchronous=NORMAL, its schema brought to this build's version, and written in
// transactions that hold the connection for one writer at a time. Knows SQL, not the registry;
// sqlite3.h stays in database.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace iotemu::store {

// A data dir that cannot be opened, is not a database, or was written by a newer schema: the
// message names the file and what to do. Start-up reports it and exits non-zero.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database;

// One prepared statement, reusable: bind() (1-based indexes) starts a new execution, step()
// returns true while a row is available, run() executes to the end.
class Statement {
public:
    Statement(Database& database, std::string_view sql);
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    bool step();
    void run();

    std::string text(int column) const;  // 0-based
    std::string blob(int column) const;
    std::int64_t integer(int column) const;
    bool is_null(int column) const;

private:
    void reset_for_bind();
    Database* database_;
    sqlite3_stmt* statement_ = nullptr;
    bool done_ = false;
};

// Begun by Database::transaction(); committed by commit(), rolled back if destroyed before. Holds
// the database's writer lock for its life, so one store's writes never interleave another's.
class Transaction {
public:
    explicit Transaction(Database& database);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& database_;
    std::unique_lock<std::mutex> lock_;
    bool open_ = true;
};

class Database {
public:
    // migrations[i] brings the schema from version i to i + 1; the file ends at
    // migrations.size(). A file at a higher version than that is refused (StoreError), never
    // changed.
    Database(const std::filesystem::path& file, std::span<const std::string_view> migrations);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    const std::filesystem::path& file() const { return file_; }
    int schema_version();

    // Runs one or more statements without results (schema, pragmas).
    void execute(std::string_view sql);
    Transaction transaction() { return Transaction(*this); }

    // A failed SQLite call: StoreError naming the file, what was being done and SQLite's message.
    [[noreturn]] void fail(std::string_view doing) const;

private:
    friend class Statement;
    friend class Transaction;
    void take_and_migrate(std::span<const std::string_view> migrations);
    void migrate(std::span<const std::string_view> migrations);

    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
    std::mutex writer_;
};

}  // namespace iotemu::store
