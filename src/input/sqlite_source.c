/* sqlite_source.c - rows from a SQLite database, read-only. */
#include "input/sqlite_source.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/pool.h"
#include "util/text.h"

#define BLOB_ONLY 2 /* num_only[]: ef_sqlite_reader_blob_only */

struct ef_sqlite_reader {
    char *path;
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t ncols;
    char **names;
    const char **field;
    size_t *len;
    int *type;
    double *num;
    char *num_only; /* per column: REAL values not made text, or
                       BLOB_ONLY */
    ef_buf *fix;    /* per column: a value repaired (NUL, UTF-8) */
    uint64_t row;
    int user_query; /* the SQL is --query's */
    int ranged;     /* by ranges of rowid: column 0 is the rowid */
    char *table;    /* ranged: the table's name */
    /* ranged, with only some columns wanted (ef_sqlite_reader_want): the
     * table's column of each of the statement's after the rowid, and the
     * whole row, read again for a rejected row */
    size_t *col_of, nwant;
    unsigned char *wanted; /* per column of the table */
    sqlite3_stmt *whole;
    int dirty; /* the unwanted columns hold the whole row's values */
    uint64_t invalid_utf8, nul_bytes;
    /* the file's sha256, hashed on a thread of its own from the open on
     * (a store of a million items is ~400 MB: ~0.2 s that reading the
     * rows hides); a pool of two threads, of which one is ever busy (a
     * pool of one would run the job on the caller, at the wait) */
    ef_pool *hpool;
    ef_job hjob;
    _Atomic int hstop; /* freed unread: the hash is not wanted */
    char sha256[65];
};

/* The status for a SQLite error: a corrupt or unreadable database is
 * input that cannot be read (66), a full disk or an I/O error 74, a
 * --query that does not compile a usage error (64) and one that fails
 * on the data bad data (65). */
static ef_status sql_status(const ef_sqlite_reader *r, int rc, int prepare)
{
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
    case SQLITE_EMPTY: return EF_ERR_NOINPUT;
    case SQLITE_IOERR:
    case SQLITE_FULL: return EF_ERR_IO;
    case SQLITE_NOMEM:
    case SQLITE_INTERNAL:
    case SQLITE_MISUSE: return EF_ERR_INTERNAL;
    case SQLITE_ERROR:
        if (r->user_query)
            return prepare ? EF_ERR_USAGE : EF_ERR_PARSE;
        return prepare ? EF_ERR_USAGE : EF_ERR_NOINPUT; /* --table */
    default: return EF_ERR_PARSE; /* MISMATCH, RANGE, TOOBIG, CONSTRAINT... */
    }
}

int ef_sqlite_is_db(const char *path)
{
    char magic[16];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return 0;
    n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "SQLite format 3", 16) == 0;
}

/* Picks the table: `feedback` if there is one, else the only table. */
static ef_status pick_table(ef_sqlite_reader *r, char **out, ef_err *e)
{
    sqlite3_stmt *st = NULL;
    ef_buf names = EF_BUF_INIT;
    int n = 0, rc;
    char *only = NULL;

    rc = sqlite3_prepare_v2(r->db,
                            "SELECT name FROM sqlite_master WHERE type IN "
                            "('table','view') AND name NOT LIKE 'sqlite_%' "
                            "ORDER BY name",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ef_fail(e, sql_status(r, rc, 0), "%s: %s", r->path,
                       sqlite3_errmsg(r->db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (strcasecmp(name, "feedback") == 0) {
            free(only);
            only = ef_xstrdup(name);
            n = 1;
            break;
        }
        if (n++ == 0)
            only = ef_xstrdup(name);
        ef_buf_printf(&names, "%s'%s'", names.len ? ", " : "", name);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ef_fail(e, sql_status(r, rc, 0), "%s: %s", r->path,
                sqlite3_errmsg(r->db));
        sqlite3_finalize(st);
        free(only);
        ef_buf_reset(&names);
        return e->code;
    }
    sqlite3_finalize(st);
    if (n != 1) {
        free(only);
        ef_fail(e, EF_ERR_USAGE,
                n ? "%s: no table 'feedback' and several others (%s): "
                    "name one with --table"
                  : "%s: no tables%s",
                r->path, n ? ef_buf_cstr(&names) : "");
        ef_buf_reset(&names);
        return e->code;
    }
    ef_buf_reset(&names);
    *out = only;
    return EF_OK;
}

/* Makes value i valid UTF-8 without NULs, as a CSV's would be: a BLOB
 * or a TEXT written by another tool may hold anything. Counted. */
static void repair(ef_sqlite_reader *r, size_t i)
{
    const unsigned char *s = (const unsigned char *)r->field[i];
    size_t n = r->len[i], k = 0;
    ef_buf *b = &r->fix[i];

    k = ef_ascii_prefix((const char *)s, n); /* the common case: all */
    if (k == n)
        return;
    for (; k < n; k++) { /* anything to repair? */
        uint32_t cp;
        size_t m;
        if (s[k] == 0)
            break;
        if (s[k] < 0x80)
            continue;
        m = ef_utf8_decode(s + k, n - k, &cp);
        if (cp == 0xfffd && !(m == 3 && s[k] == 0xef))
            break;
        k += m - 1;
    }
    if (k == n)
        return;
    ef_buf_clear(b);
    ef_buf_put(b, s, k);
    while (k < n) {
        uint32_t cp;
        size_t m;
        if (s[k] == 0) {
            r->nul_bytes++;
            k++;
            continue;
        }
        if (s[k] < 0x80) {
            ef_buf_putc(b, (char)s[k++]);
            continue;
        }
        m = ef_utf8_decode(s + k, n - k, &cp);
        if (cp == 0xfffd && !(m == 3 && s[k] == 0xef)) {
            ef_buf_put(b, "\xEF\xBF\xBD", 3);
            r->invalid_utf8++;
        } else {
            ef_buf_put(b, s + k, m);
        }
        k += m;
    }
    r->field[i] = ef_buf_cstr(b);
    r->len[i] = b->len;
}

/* The hashing job (ctx: the reader): "" when the file cannot be read. */
static void hash_file(void *ctx, size_t task, int worker)
{
    ef_sqlite_reader *r = ctx;
    struct sha256_ctx sha;
    uint8_t digest[SHA256_DIGEST_SIZE];
    char *buf = ef_xmalloc(1 << 16);
    FILE *f = fopen(r->path, "rb");
    size_t n;

    (void)task;
    (void)worker;
    r->sha256[0] = '\0';
    if (f != NULL) {
        sha256_init(&sha);
        while (!r->hstop && (n = fread(buf, 1, 1 << 16, f)) > 0)
            sha256_update(&sha, n, (const uint8_t *)buf);
        fclose(f);
        if (r->hstop)
            goto out; /* not wanted: no digest of part of the file */
        sha256_digest(&sha, sizeof digest, digest);
        for (size_t i = 0; i < sizeof digest; i++)
            snprintf(r->sha256 + 2 * i, 3, "%02x", digest[i]);
    }
out:
    free(buf);
}

/* Waits for the hash (started by the open), once. */
static void hash_wait(ef_sqlite_reader *r)
{
    if (r->hpool == NULL)
        return;
    ef_pool_wait(r->hpool, &r->hjob);
    ef_pool_free(r->hpool);
    r->hpool = NULL;
}

/* The open of both kinds of reader: ranged, one that reads the table
 * by ranges of rowid (and does not hash the file). */
static ef_status reader_open(const char *path, const char *table,
                             const char *query, int ranged,
                             ef_sqlite_reader **out, ef_err *e)
{
    ef_sqlite_reader *r = ef_xcalloc(1, sizeof *r);
    char *sql = NULL, *tab = NULL;
    ef_status rc = EF_OK;

    r->path = ef_xstrdup(path);
    /* one thread at a time uses a reader: no mutex on every call */
    if (sqlite3_open_v2(path, &r->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path,
                     r->db ? sqlite3_errmsg(r->db) : "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(r->db, 10000);
    /* belt and braces: a --query can change nothing */
    sqlite3_exec(r->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    if (query) {
        sql = ef_xstrdup(query);
        r->user_query = 1;
    } else {
        if (table)
            tab = ef_xstrdup(table);
        else if ((rc = pick_table(r, &tab, e)) != EF_OK)
            goto out;
        sql = ranged ? sqlite3_mprintf("SELECT rowid, * FROM \"%w\" WHERE "
                                       "rowid BETWEEN ?1 AND ?2",
                                       tab)
                     : sqlite3_mprintf("SELECT * FROM \"%w\"", tab);
        if (sql == NULL) {
            rc = ef_fail(e, EF_ERR_INTERNAL, "out of memory");
            goto out;
        }
        char *copy = ef_xstrdup(sql);
        sqlite3_free(sql);
        sql = copy;
    }
    {
        int src = sqlite3_prepare_v2(r->db, sql, -1, &r->st, NULL);
        if (src != SQLITE_OK) {
            rc = ef_fail(e, sql_status(r, src, 1), "%s: %s%s", path,
                         sqlite3_errmsg(r->db),
                         r->user_query ? " (in --query)" : "");
            goto out;
        }
    }
    if (r->st == NULL) {
        rc = ef_fail(e, EF_ERR_USAGE, "%s: --query is empty", path);
        goto out;
    }
    /* a writing --query would only fail at its first step, or, on a
     * database we may write, succeed (query_only is advisory) */
    if (query && !sqlite3_stmt_readonly(r->st)) {
        rc = ef_fail(e, EF_ERR_USAGE,
                     "%s: --query must only read (a SELECT), got '%s'", path,
                     query);
        goto out;
    }
    r->ranged = ranged;
    if (ranged)
        r->table = ef_xstrdup(tab);
    r->ncols = (size_t)sqlite3_column_count(r->st) - (ranged ? 1 : 0);
    r->names = ef_xcalloc(r->ncols + 1, sizeof(char *));
    r->field = ef_xcalloc(r->ncols + 1, sizeof(char *));
    r->len = ef_xcalloc(r->ncols + 1, sizeof(size_t));
    r->type = ef_xcalloc(r->ncols + 1, sizeof(int));
    r->num = ef_xcalloc(r->ncols + 1, sizeof(double));
    r->num_only = ef_xcalloc(r->ncols + 1, 1);
    r->fix = ef_xcalloc(r->ncols + 1, sizeof(ef_buf));
    for (size_t i = 0; i < r->ncols; i++) {
        const char *nm = sqlite3_column_name(r->st, (int)i + ranged);
        r->names[i] = ef_xstrdup(nm ? nm : "");
    }
    if (!ranged) {
        r->hpool = ef_pool_new(2);
        r->hjob = EF_JOB(hash_file, r, 1);
        ef_pool_submit(r->hpool, &r->hjob);
    }
out:
    free(sql);
    free(tab);
    if (rc != EF_OK) {
        ef_sqlite_reader_free(r);
        r = NULL;
    }
    *out = r;
    return rc;
}

ef_status ef_sqlite_reader_open(const char *path, const char *table,
                                const char *query, ef_sqlite_reader **out,
                                ef_err *e)
{
    return reader_open(path, table, query, 0, out, e);
}

ef_status ef_sqlite_reader_open_ranged(const char *path, const char *table,
                                       ef_sqlite_reader **out, ef_err *e)
{
    return reader_open(path, table, NULL, 1, out, e);
}

ef_status ef_sqlite_reader_range(ef_sqlite_reader *r, int64_t lo, int64_t hi,
                                 ef_err *e)
{
    int rc;

    sqlite3_reset(r->st);
    if ((rc = sqlite3_bind_int64(r->st, 1, lo)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(r->st, 2, hi)) != SQLITE_OK)
        return ef_fail(e, sql_status(r, rc, 0), "%s: %s", r->path,
                       sqlite3_errmsg(r->db));
    return EF_OK;
}

ef_status ef_sqlite_reader_rowids(ef_sqlite_reader *r, int64_t *min,
                                  int64_t *max, int64_t *bytes, ef_err *e)
{
    sqlite3_stmt *q = NULL;
    const char *t = r->table ? r->table : "";
    /* min and max each in a subquery of its own: SQLite looks up one
     * aggregate of rowid in the b-tree (O(log n)), but both in one SELECT
     * scan the whole table, or its smallest index (a tenth of a second,
     * serial, on a million rows) */
    char *sql = sqlite3_mprintf(
        "SELECT (SELECT min(rowid) FROM \"%w\"), (SELECT max(rowid) FROM "
        "\"%w\"), (SELECT page_count * page_size FROM pragma_page_count(), "
        "pragma_page_size())",
        t, t);
    int rc = sql ? sqlite3_prepare_v2(r->db, sql, -1, &q, NULL) : SQLITE_NOMEM;

    sqlite3_free(sql);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        *min = sqlite3_column_int64(q, 0); /* NULL, for no rows: 0 */
        *max = sqlite3_column_int64(q, 1);
        *bytes = sqlite3_column_int64(q, 2);
        rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_OK)
        return ef_fail(e, sql_status(r, rc, 0), "%s: %s", r->path,
                       sqlite3_errmsg(r->db));
    return EF_OK;
}

const char *const *ef_sqlite_reader_names(const ef_sqlite_reader *r, size_t *n)
{
    *n = r->ncols;
    return (const char *const *)r->names;
}

/* Column i of the row is v. The value itself, then its type, number
 * and text: one lookup of the column, not one a call (sqlite3_column_*),
 * which showed at a tenth of a store report's time. Unprotected values
 * are safe here: a reader's connection is used by one thread at a time. */
static void take(ef_sqlite_reader *r, size_t i, sqlite3_value *v)
{
    int t = sqlite3_value_type(v);

    r->type[i] = t == SQLITE_INTEGER ? EF_SQL_INT
                 : t == SQLITE_FLOAT ? EF_SQL_REAL
                 : t == SQLITE_NULL  ? EF_SQL_NULL
                                     : EF_SQL_TEXT;
    /* a number only for numbers: text would go through SQLite's atof
     * (every text of every row, for nothing) */
    r->num[i] =
        t == SQLITE_INTEGER || t == SQLITE_FLOAT ? sqlite3_value_double(v) : 0;
    if (r->num_only[i] == BLOB_ONLY) {
        const void *b = t == SQLITE_BLOB ? sqlite3_value_blob(v) : NULL;
        r->type[i] = b ? EF_SQL_TEXT : EF_SQL_NULL;
        r->field[i] = b ? b : "";
        r->len[i] = b ? (size_t)sqlite3_value_bytes(v) : 0;
        r->num[i] = 0;
        return;
    }
    if (t == SQLITE_NULL || (t == SQLITE_FLOAT && r->num_only[i])) {
        r->field[i] = "";
        r->len[i] = 0;
    } else {
        const unsigned char *s = sqlite3_value_text(v);
        r->field[i] = s ? (const char *)s : "";
        r->len[i] = (size_t)sqlite3_value_bytes(v);
        repair(r, i);
    }
}

/* The columns not wanted read as NULL. */
static void unwanted_clear(ef_sqlite_reader *r)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (!r->wanted[i]) {
            r->type[i] = EF_SQL_NULL;
            r->num[i] = 0;
            r->field[i] = "";
            r->len[i] = 0;
        }
    r->dirty = 0;
}

ef_status ef_sqlite_reader_want(ef_sqlite_reader *r, const unsigned char *want,
                                ef_err *e)
{
    ef_buf sql = EF_BUF_INIT;
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    int rc;

    if (!r->ranged)
        return EF_OK;
    ef_buf_puts(&sql, "SELECT rowid");
    for (size_t i = 0; i < r->ncols; i++)
        if (want[i]) {
            char *q = sqlite3_mprintf(", \"%w\"", r->names[i]);
            ef_buf_puts(&sql, q);
            sqlite3_free(q);
        }
    {
        char *q = sqlite3_mprintf(" FROM \"%w\" WHERE rowid BETWEEN ?1 "
                                  "AND ?2",
                                  r->table);
        ef_buf_puts(&sql, q);
        sqlite3_free(q);
    }
    rc = sqlite3_prepare_v2(r->db, ef_buf_cstr(&sql), -1, &st, NULL);
    ef_buf_reset(&sql);
    if (rc != SQLITE_OK)
        return ef_fail(e, sql_status(r, rc, 0), "%s: %s", r->path,
                       sqlite3_errmsg(r->db));
    r->col_of = ef_xcalloc(r->ncols + 1, sizeof(size_t));
    r->wanted = ef_xcalloc(r->ncols + 1, 1);
    for (size_t i = 0; i < r->ncols; i++)
        if ((r->wanted[i] = want[i] != 0))
            r->col_of[n++] = i;
    r->nwant = n;
    r->whole = r->st; /* every column, for ef_sqlite_reader_whole */
    r->st = st;
    unwanted_clear(r);
    return EF_OK;
}

int ef_sqlite_reader_whole(ef_sqlite_reader *r)
{
    sqlite3_int64 rowid;
    int ok;

    if (r->whole == NULL)
        return 1;                           /* every column was read */
    rowid = sqlite3_column_int64(r->st, 0); /* the current row's */
    sqlite3_reset(r->whole);
    sqlite3_bind_int64(r->whole, 1, rowid);
    sqlite3_bind_int64(r->whole, 2, rowid);
    ok = sqlite3_step(r->whole) == SQLITE_ROW;
    if (ok) {
        for (size_t i = 0; i < r->ncols; i++)
            take(r, i, sqlite3_column_value(r->whole, (int)i + 1));
        r->dirty = 1;
    }
    return ok;
}

ef_status ef_sqlite_reader_next(ef_sqlite_reader *r, const char *const **field,
                                const size_t **len, const int **type,
                                const double **num, uint64_t *rowno, int *eof,
                                ef_err *e)
{
    int rc = sqlite3_step(r->st);

    if (rc == SQLITE_DONE) {
        *eof = 1;
        return EF_OK;
    }
    if (rc != SQLITE_ROW)
        return ef_fail(e, sql_status(r, rc, 0), "%s: %s%s", r->path,
                       sqlite3_errmsg(r->db),
                       r->user_query ? " (in --query)" : "");
    *eof = 0;
    if (r->col_of == NULL) {
        for (size_t i = 0; i < r->ncols; i++)
            take(r, i, sqlite3_column_value(r->st, (int)i + r->ranged));
    } else {
        if (r->dirty)
            unwanted_clear(r);
        for (size_t j = 0; j < r->nwant; j++)
            take(r, r->col_of[j], sqlite3_column_value(r->st, (int)j + 1));
    }
    *field = r->field;
    *len = r->len;
    *type = r->type;
    *num = r->num;
    /* ranged: the rowid, which is the row's number in a store that
     * `earful import` only ever appended to */
    *rowno = r->ranged ? (uint64_t)sqlite3_column_int64(r->st, 0) : ++r->row;
    return EF_OK;
}

int ef_sqlite_reader_input_has(ef_sqlite_reader *r, const char *field)
{
    sqlite3_stmt *q = NULL;
    int res = -1;

    if (sqlite3_prepare_v2(r->db,
                           "SELECT (SELECT count(*) FROM meta WHERE key GLOB "
                           "'input_has.*'), (SELECT count(*) FROM meta "
                           "WHERE key = 'input_has.' || ?1)",
                           -1, &q, NULL) != SQLITE_OK)
        return -1; /* no meta table */
    sqlite3_bind_text(q, 1, field, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0)
        res = sqlite3_column_int(q, 1) > 0;
    sqlite3_finalize(q);
    return res;
}

/* The single integer a query on table (bound to ?1) and col (?2)
 * answers, or -1 when it cannot be asked (an SQLite without the pragma's
 * table-valued form) or answers nothing. */
static int ask(sqlite3 *db, const char *sql, const char *table,
               const char *col)
{
    sqlite3_stmt *q = NULL;
    int res = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
    if (col)
        sqlite3_bind_text(q, 2, col, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_type(q, 0) != SQLITE_NULL)
        res = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return res;
}

int ef_sqlite_reader_has_rowid(ef_sqlite_reader *r, const char *table)
{
    return ask(r->db,
               "SELECT type = 'table' AND NOT wr FROM pragma_table_list(?1) "
               "WHERE schema = 'main'",
               table, NULL) == 1;
}

int ef_sqlite_unique(struct sqlite3 *db, const char *table, const char *col,
                     int not_null)
{
    /* a UNIQUE index (or the primary key's) on the column alone, over
     * every row (not partial); with not_null, no NULL in the column
     * either: NOT NULL, or the key of a WITHOUT ROWID table (SQLite
     * allows NULLs in a rowid table's other primary key, and several
     * NULLs in a UNIQUE column) */
    return ask(
        db,
        not_null ? "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) AS l "
                   "WHERE l.\"unique\" AND NOT l.partial "
                   "AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1 "
                   "AND (SELECT name FROM pragma_index_info(l.name)) = ?2 "
                   "AND ((SELECT \"notnull\" FROM pragma_table_info(?1) "
                   "WHERE name = ?2) OR (l.origin = 'pk' AND (SELECT wr "
                   "FROM pragma_table_list(?1) WHERE schema = 'main'))))"
                 : "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) AS l "
                   "WHERE l.\"unique\" AND NOT l.partial "
                   "AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1 "
                   "AND (SELECT name FROM pragma_index_info(l.name)) = ?2)",
        table, col);
}

int ef_sqlite_reader_unique(ef_sqlite_reader *r, const char *table,
                            const char *col)
{
    return ef_sqlite_unique(r->db, table, col, 1) == 1;
}

void ef_sqlite_reader_counts(const ef_sqlite_reader *r, uint64_t *invalid_utf8,
                             uint64_t *nul_bytes)
{
    *invalid_utf8 = r->invalid_utf8;
    *nul_bytes = r->nul_bytes;
}

void ef_sqlite_reader_sha256(ef_sqlite_reader *r, char *out)
{
    hash_wait(r);
    memcpy(out, r->sha256, sizeof r->sha256);
}

void ef_sqlite_reader_free(ef_sqlite_reader *r)
{
    if (r == NULL)
        return;
    r->hstop = 1;
    hash_wait(r);
    sqlite3_finalize(r->st);
    sqlite3_finalize(r->whole);
    sqlite3_close(r->db);
    free(r->col_of);
    free(r->wanted);
    for (size_t i = 0; i < r->ncols; i++)
        free(r->names[i]);
    free(r->names);
    free(r->field);
    free(r->len);
    free(r->type);
    free(r->num_only);
    free(r->num);
    for (size_t i = 0; r->fix && i < r->ncols; i++)
        ef_buf_reset(&r->fix[i]);
    free(r->fix);
    free(r->path);
    free(r->table);
    free(r);
}

void ef_sqlite_reader_number_only(ef_sqlite_reader *r, size_t col)
{
    if (col < r->ncols)
        r->num_only[col] = 1;
}

void ef_sqlite_reader_blob_only(ef_sqlite_reader *r, size_t col)
{
    if (col < r->ncols)
        r->num_only[col] = BLOB_ONLY;
}
