// Inside the store: a prepared statement, and the connection (store.cpp opens
// and migrates it; store_ingest.cpp writes to it).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "pursuit/store.hpp"

namespace pursuit {

class Statement {
public:
    Statement(sqlite3* db, const char* sql, const std::string& path) : path_(&path) {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
            throw StoreError(path, sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return *this;
    }
    Statement& bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
    // The text must outlive the next step() (SQLITE_STATIC: no copy).
    Statement& bind(int i, std::string_view v) {
        return check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC));
    }
    // True while there is a row; false when done.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(*path_, sqlite3_errmsg(sqlite3_db_handle(stmt_)));
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    // Valid until the next step() or reset().
    std::string_view view(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
    }
    std::string text(int col) const { return std::string(view(col)); }

private:
    Statement& check(int rc) {
        if (rc != SQLITE_OK) throw StoreError(*path_, sqlite3_errmsg(sqlite3_db_handle(stmt_)));
        return *this;
    }
    sqlite3_stmt* stmt_ = nullptr;
    const std::string* path_;
};

struct Store::Impl {
    std::string path;
    sqlite3* db = nullptr;
    bool read_only = false;
    int busy_timeout_ms = 0;  // how long a statement waits for another writer's lock
    mutable std::mutex mutex;  // one operation at a time on this connection

    ~Impl() { sqlite3_close_v2(db); }

    void exec(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string why = message ? message : sqlite3_errmsg(db);
            sqlite3_free(message);
            throw StoreError(path, why);
        }
    }
    std::int64_t pragma(const char* sql) {
        Statement s(db, sql, path);
        return s.step() ? s.integer(0) : 0;
    }

    void open(Mode mode);
    void migrate(int from);

    void writable() const {
        if (read_only) throw StoreError(path, "the store is open read-only");
    }
};

}  // namespace pursuit
