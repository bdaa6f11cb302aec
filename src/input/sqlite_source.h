/* sqlite_source.h - rows from a SQLite database, opened read-only
 * (internal to src/input/: sources use it through input.h). */
#ifndef EF_SQLITE_SOURCE_H
#define EF_SQLITE_SOURCE_H

#include "util/util.h"

typedef enum { EF_SQL_NULL, EF_SQL_INT, EF_SQL_REAL, EF_SQL_TEXT } ef_sql_type;

typedef struct ef_sqlite_reader ef_sqlite_reader;

/* 1 if path starts with SQLite's magic header. */
int ef_sqlite_is_db(const char *path);

/* Opens path read-only and prepares `SELECT * FROM table` (table: the
 * given one, else `feedback`, else the only table) or the given query
 * (run with query_only on). Errors name the file and use SQLite's words:
 * EF_ERR_NOINPUT for a corrupt or unreadable database, EF_ERR_USAGE for a
 * query (or --table) that does not compile, EF_ERR_PARSE for a query
 * that fails on the data, EF_ERR_IO. Free with ef_sqlite_reader_free. */
ef_status ef_sqlite_reader_open(const char *path, const char *table,
                                const char *query, ef_sqlite_reader **out,
                                ef_err *e);

/* Opens a table of path read-only to be read by ranges of rowid (one
 * reader a thread, each its own ranges): no rows until
 * ef_sqlite_reader_range; each row's number is its rowid. Does not hash
 * the file. Errors as ef_sqlite_reader_open's. */
ef_status ef_sqlite_reader_open_ranged(const char *path, const char *table,
                                       ef_sqlite_reader **out, ef_err *e);

/* From now on, the rows lo <= rowid <= hi in rowid order (a ranged
 * reader); *eof at their end. */
ef_status ef_sqlite_reader_range(ef_sqlite_reader *r, int64_t lo, int64_t hi,
                                 ef_err *e);

/* Only the columns with want[i] (for each of the table's) are read by a
 * ranged reader from now on; the others read as NULL, except through
 * ef_sqlite_reader_whole. Spares SQLite the decoding of columns nothing
 * uses (a store's source and imported_at). */
ef_status ef_sqlite_reader_want(ef_sqlite_reader *r, const unsigned char *want,
                                ef_err *e);

/* Reads every column of a ranged reader's current row again (by its
 * rowid) into its fields: a rejected row is written whole. 0 if it could
 * not be read (then the fields are as they were). Valid until the next
 * row. */
int ef_sqlite_reader_whole(ef_sqlite_reader *r);

/* The smallest and largest rowids of a ranged reader's table (0 and 0
 * when it is empty), and the database's size in bytes. */
ef_status ef_sqlite_reader_rowids(ef_sqlite_reader *r, int64_t *min,
                                  int64_t *max, int64_t *bytes, ef_err *e);

/* The result's column names (owned by r). */
const char *const *ef_sqlite_reader_names(const ef_sqlite_reader *r,
                                          size_t *n);

/* The next row: each value as text (NULL is ""), its type, and for
 * numbers its value; valid until the next call. *eof = 1 at the end. */
ef_status ef_sqlite_reader_next(ef_sqlite_reader *r, const char *const **field,
                                const size_t **len, const int **type,
                                const double **num, uint64_t *rowno, int *eof,
                                ef_err *e);

/* The REAL values of column col are wanted as numbers only: from now on
 * their text is "" (len 0), their type and number as ever. Spares
 * SQLite's conversion of every value to text (a store's cached scores). */
void ef_sqlite_reader_number_only(ef_sqlite_reader *r, size_t col);

/* The values of column col are wanted as BLOBs only: from now on a BLOB
 * value is its bytes as stored (neither repaired nor counted as invalid
 * UTF-8), anything else "" (len 0). A store's cached terms. */
void ef_sqlite_reader_blob_only(ef_sqlite_reader *r, size_t col);

/* What an earful store recorded of its inputs (meta keys
 * "input_has.FIELD", written by `earful import`): 1 if some input had a
 * column for field, 0 if none had, -1 if the database records nothing of
 * the kind (not a store, or one from before these keys). */
int ef_sqlite_reader_input_has(ef_sqlite_reader *r, const char *field);
/* Whether table is an ordinary table, with rowids: 0 for a view or a
 * WITHOUT ROWID table, and when SQLite cannot tell (before 3.37). */
int ef_sqlite_reader_has_rowid(ef_sqlite_reader *r, const char *table);
/* Whether column col of table can hold no value twice and no NULL: a
 * UNIQUE index or the primary key on the column alone, not partial, and
 * the column NOT NULL (or the key of a WITHOUT ROWID table). 0 when SQLite
 * cannot tell. */
int ef_sqlite_reader_unique(ef_sqlite_reader *r, const char *table,
                            const char *col);
/* Values repaired so far: invalid UTF-8 sequences replaced by U+FFFD,
 * NUL bytes dropped (a value is always valid UTF-8 without NULs). */
void ef_sqlite_reader_counts(const ef_sqlite_reader *r, uint64_t *invalid_utf8,
                             uint64_t *nul_bytes);

/* Writes the hex sha256 of the database file into out (65 bytes; "" when
 * the file could not be read). The open starts hashing on a thread of its
 * own; this waits for it. */
void ef_sqlite_reader_sha256(ef_sqlite_reader *r, char *out);

void ef_sqlite_reader_free(ef_sqlite_reader *r);

#endif
