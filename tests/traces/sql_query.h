// tests/traces/sql_query.h - one SQL query against a trace database, for the trace
// tests: every row as a string ("NULL" for NULL, columns joined by '|'). Opened
// read-write, because the first reader of a killed writer's database rolls back its
// hot journal (docs/traces.md "Interruption").
#ifndef VZSIM_TESTS_TRACES_SQL_QUERY_H
#define VZSIM_TESTS_TRACES_SQL_QUERY_H

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

inline std::vector<std::string> Query(const std::string &path, const std::string &sql)
{
    sqlite3 *db = nullptr;
    std::vector<std::string> rows;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt *s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db);
    while (s && sqlite3_step(s) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const unsigned char *t = sqlite3_column_text(s, i);
            row += (i ? "|" : "") + std::string(t ? (const char *)t : "NULL");
        }
        rows.push_back(row);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rows;
}

// The single row of a query, or "<N rows>".
inline std::string One(const std::string &path, const std::string &sql)
{
    auto r = Query(path, sql);
    return r.size() == 1 ? r[0] : "<" + std::to_string(r.size()) + " rows>";
}

#endif
