/*
 * traces/export_db.h - what traces/export.c and traces/html.c share: opening a
 * schema-3 database, choosing a run, writing escaped strings. Private to traces/.
 */
#ifndef VZSIM_TRACES_EXPORT_DB_H
#define VZSIM_TRACES_EXPORT_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VZ_EXPORT_SCHEMA 3  /* the schema version whose columns the exports query */

/* Opens path (read-write when allowed, so a killed writer's hot journal is rolled
 * back; never creates it) and checks PRAGMA user_version. NULL with err. The
 * reader of traces/trace.c; vz_export_open is the same for the exports. */
sqlite3 *vz_trace_open_db(const char *path, char *err, size_t errlen);
sqlite3 *vz_export_open(const char *path, char *err, size_t errlen);
/* Prepares sql; -1 with "path: message" in err. */
int vz_export_prepare(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **s, char *err,
                      size_t errlen);
/* run_id itself when it exists, the last run when run_id is 0; -1 with err. */
int64_t vz_export_pick_run(sqlite3 *db, const char *path, int64_t run_id, char *err,
                           size_t errlen);
/* A JSON string literal ("null" for NULL). */
void vz_export_json_str(FILE *f, const char *s);
/* Cycles as microseconds at 1 GHz ("1234.567"). */
void vz_export_json_us(FILE *f, uint64_t cycles);

#endif
