// SQLite behind Database: WAL with synchronous=NORMAL, so a committed transaction is in the
// write-ahead log before commit() returns and survives the process being killed (kill -9); only
// a power loss or OS crash may drop the last transactions (docs/state.md §2).
#include "store/database.hpp"

#include <sqlite3.h>

namespace iotemu::store {

namespace {

std::string message_of(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

}  // namespace

// ---- Database -----------------------------------------------------------------------------------

Database::Database(const std::filesystem::path& file, std::span<const std::string_view> migrations)
    : file_(file) {
    if (sqlite3_open_v2(file.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string message = message_of(db_);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError("cannot open the state database " + file_.string() + ": " + message);
    }
    try {
        take_and_migrate(migrations);
    } catch (...) {
        sqlite3_close_v2(db_);  // no destructor runs for a constructor that throws
        throw;
    }
}

void Database::take_and_migrate(std::span<const std::string_view> migrations) {
    sqlite3_extended_result_codes(db_, 1);
    // The first statement reads the header: a file that is not a database fails here.
    // locking_mode=EXCLUSIVE and the empty exclusive transaction take the file for this process
    // until it exits (or is killed), so a second emulator on the same data dir is refused rather
    // than let two diverging copies of the state write into one file; busy_timeout lets a
    // predecessor that is still exiting finish first.
    const auto in_use = [&] {
        return StoreError("the state database " + file_.string() +
                          " is in use by another iot-emulator: two emulators cannot share one "
                          "--data-dir");
    };
    try {
        execute(
            "PRAGMA busy_timeout=2000; PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; BEGIN EXCLUSIVE; COMMIT;");
    } catch (const StoreError&) {
        if ((sqlite3_errcode(db_) & 0xff) == SQLITE_BUSY) throw in_use();
        throw;
    }
    migrate(migrations);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(std::string_view doing) const {
    throw StoreError("state database " + file_.string() + ": " + std::string(doing) + ": " +
                     message_of(db_));
}

void Database::execute(std::string_view sql) {
    const std::string text(sql);
    char* error = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : message_of(db_);
        sqlite3_free(error);
        throw StoreError("state database " + file_.string() + ": " + message +
                         (sqlite3_errcode(db_) == SQLITE_NOTADB
                              ? " (the file is damaged or not iot-emulator's; move it away to "
                                "start empty)"
                              : ""));
    }
}

int Database::schema_version() {
    Statement statement(*this, "PRAGMA user_version");
    statement.step();
    return static_cast<int>(statement.integer(0));
}

// docs/state.md §3: versions only grow; each migration runs in its own transaction with the
// version bump, so a crash mid-upgrade leaves the file at the version before it.
void Database::migrate(std::span<const std::string_view> migrations) {
    const int latest = static_cast<int>(migrations.size());
    const int version = schema_version();
    if (version > latest)
        throw StoreError("the state database " + file_.string() + " has schema version " +
                         std::to_string(version) + ", written by a newer iot-emulator; this one " +
                         "reads versions up to " + std::to_string(latest) +
                         ". Run the newer build, or start with another --data-dir (or " +
                         "--in-memory).");
    for (int next = version; next < latest; ++next) {
        Transaction transaction(*this);
        execute(migrations[static_cast<std::size_t>(next)]);
        execute("PRAGMA user_version=" + std::to_string(next + 1));
        transaction.commit();
    }
}

// ---- Transaction --------------------------------------------------------------------------------

Transaction::Transaction(Database& database) : database_(database), lock_(database.writer_) {
    database_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (open_) sqlite3_exec(database_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    database_.execute("COMMIT");
    open_ = false;
}

// ---- Statement ----------------------------------------------------------------------------------

Statement::Statement(Database& database, std::string_view sql) : database_(&database) {
    if (sqlite3_prepare_v3(database.db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement_, nullptr) != SQLITE_OK)
        database.fail("preparing '" + std::string(sql) + "'");
}

Statement::Statement(Statement&& other) noexcept
    : database_(other.database_), statement_(other.statement_), done_(other.done_) {
    other.statement_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

// Binding needs a reset after any step; stepping again needs one only after the last row.
void Statement::reset_for_bind() {
    if (!done_ && !sqlite3_stmt_busy(statement_)) return;
    sqlite3_reset(statement_);
    done_ = false;
}

Statement& Statement::bind(int index, std::string_view text) {
    reset_for_bind();
    if (sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        database_->fail("binding a parameter");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    reset_for_bind();
    if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK)
        database_->fail("binding a parameter");
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    reset_for_bind();
    if (sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        database_->fail("binding a parameter");
    return *this;
}

Statement& Statement::bind_null(int index) {
    reset_for_bind();
    if (sqlite3_bind_null(statement_, index) != SQLITE_OK) database_->fail("binding a parameter");
    return *this;
}

bool Statement::step() {
    if (done_) reset_for_bind();
    switch (sqlite3_step(statement_)) {
        case SQLITE_ROW:
            return true;
        case SQLITE_DONE:
            done_ = true;
            return false;
        default:
            done_ = true;
            database_->fail("running '" + std::string(sqlite3_sql(statement_)) + "'");
    }
}

void Statement::run() {
    while (step()) {
    }
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    const int size = sqlite3_column_bytes(statement_, column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string();
}

std::string Statement::blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

}  // namespace iotemu::store
