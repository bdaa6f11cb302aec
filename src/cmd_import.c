/* cmd_import.c - `earful import`: appends feedback from CSV files (or
 * another SQLite database) to a SQLite store, each row scored once.
 *
 * The store: table `feedback` (the item's fields; dates as ISO 8601 UTC
 * text; NULL for an absent rating, nps, responded_at...; the scores and
 * the scorer's version, which `report` reuses when its scorer is the same;
 * the input's name and the import time; the cache of the text's terms,
 * metrics/themes.h, which `report` reuses for the items not negative),
 * unique on id, indexed on date and channel, plus `meta` with the schema
 * version. WAL journal.
 *
 * Each input is one transaction (BEGIN IMMEDIATE .. COMMIT): an error, or
 * kill -9, leaves none of that input's rows. A row without an id gets
 * one: its content hash (ef_item_key, input.h). An id is an identity: a
 * row whose id is already stored (or earlier in the input) with the
 * same content is counted "already present" and skipped, so
 * importing a file twice adds nothing; with other content it is an
 * id-conflict, counted and rejected (--rejects keeps it). The store's
 * meta table records which fields its inputs had ("input_has.author"),
 * so that a report from the store shows what a report from the input
 * shows. Another writer is waited for (--busy-timeout); after that the
 * import fails with exit 74.
 *
 * Rows travel in batches, three in flight on the thread pool
 * (util/pool.h): while the main thread inserts batch k - 1 (it makes
 * every write), one of the pool's threads parses batch k + 1 from the
 * input (strings copied) and the others look each id of batch k up (on
 * their own read-only connections, so in what was committed before this
 * input), compare what is stored, and score (and split into terms) the rows
 * that are new. A row the
 * insert ignores (its id came earlier in the input) is compared with the
 * stored one there, so memory stays flat however long the input. Inserting is
 * the bottleneck, hence 16 rows per INSERT and 16 KiB pages.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cmd.h"
#include "cmdline.h"
#include "input/input.h"
#include "input/pg_import.h"
#include "input/pg_source.h"
#include "metrics/themes.h"
#include "sentiment/sentiment.h"
#include "util/pool.h"
#include "util/text.h"
#include "util/util.h"

#define SCHEMA_VERSION 1
#define BATCH_ROWS 4096        /* rows per batch */
#define BATCH_BYTES (8u << 20) /* or this many bytes of strings */
#define MULTI_ROWS 16          /* rows per INSERT statement */
#define SCORE_CHUNK 64         /* rows a scorer claims at a time */
#define WARN_MAX 5             /* rejections printed before "more" */
#define CACHE_KIB (32 * 1024)  /* the store's page cache */

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS meta (\n"
                                 "  key TEXT PRIMARY KEY,\n"
                                 "  value TEXT NOT NULL\n"
                                 ");\n"
                                 "CREATE TABLE IF NOT EXISTS feedback (\n"
                                 "  id TEXT NOT NULL UNIQUE,\n"
                                 "  date TEXT NOT NULL,\n"
                                 "  channel TEXT,\n"
                                 "  author TEXT,\n"
                                 "  text TEXT NOT NULL,\n"
                                 "  rating INTEGER,\n"
                                 "  nps INTEGER,\n"
                                 "  responded_at TEXT,\n"
                                 "  label TEXT,\n"
                                 "  url TEXT,\n"
                                 "  segment TEXT,\n"
                                 "  neg REAL,\n"
                                 "  neu REAL,\n"
                                 "  pos REAL,\n"
                                 "  compound REAL,\n"
                                 "  scorer TEXT,\n"
                                 "  source TEXT,\n"
                                 "  imported_at TEXT,\n"
                                 "  terms BLOB\n"
                                 ");\n";

/* A store with rows from before meta recorded the inputs' fields: every
 * field counts as had, as it did then. */
static const char old_store_sql[] =
    "INSERT OR IGNORE INTO meta SELECT 'input_has.' || f, '1' FROM "
    "(SELECT 'text' AS f UNION ALL SELECT 'date' UNION ALL SELECT 'id' "
    "UNION ALL SELECT 'channel' UNION ALL SELECT 'author' UNION ALL "
    "SELECT 'rating' UNION ALL SELECT 'nps' UNION ALL SELECT "
    "'responded_at' UNION ALL SELECT 'label' UNION ALL SELECT 'url') "
    "WHERE EXISTS (SELECT 1 FROM feedback) AND NOT EXISTS (SELECT 1 FROM "
    "meta WHERE key GLOB 'input_has.*');\n";

/* Run once the columns are known to be there. */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS feedback_date ON feedback(date);\n"
    "CREATE INDEX IF NOT EXISTS feedback_channel ON feedback(channel);\n";

/* The columns of feedback, in the order of the INSERT's parameters. */
static const char *const columns[] = {
    "id",      "date",   "channel",      "author", "text",
    "rating",  "nps",    "responded_at", "label",  "url",
    "segment", "neg",    "neu",          "pos",    "compound",
    "scorer",  "source", "imported_at",  "terms"};

#define NCOLS ((int)EF_ARRAY_LEN(columns))

/* The start of the inserts; "(?1, ... ?19)" rows follow. */
static const char insert_sql[] =
    "INSERT OR IGNORE INTO feedback (id, date, channel, author, text, "
    "rating, nps, responded_at, label, url, segment, neg, neu, pos, "
    "compound, scorer, source, imported_at, terms) VALUES";

/* ==== Batches =========================================================== */

/* The strings of a row, stored one after the other in batch.bytes. */
enum { S_ID, S_TEXT, S_CHANNEL, S_AUTHOR, S_URL, S_SEGMENT, S_COUNT };

typedef struct {
    size_t off[S_COUNT]; /* offset of each string in batch.bytes */
    size_t len[S_COUNT];
    int64_t date;
    int64_t responded_at; /* EF_NO_TIME if none */
    int rating;           /* 0 if none */
    int nps;              /* -1 if none */
    int label;            /* -1 if none */
    int scored;           /* scores hold cached or computed scores */
    int present;          /* the id is in the store: STORED_* */
    ef_scores scores;
    uint64_t line;    /* where the row starts in the input */
    size_t terms_off; /* its terms' cache (themes.h): in batch.terms[its
                         SCORE_CHUNK], terms_len bytes (0: none) */
    size_t terms_len;
    size_t raw, nraw; /* its original fields: batch.rlen[raw ..],
                         kept for rows with an id (only they can
                         conflict) */
    size_t rawbyte;   /* where they start in batch.rawbytes */
} irow;

enum { STORED_NOT, STORED_SAME, STORED_OTHER }; /* irow.present */

typedef struct {
    irow *rows;
    size_t n, cap;
    ef_buf bytes;
    ef_buf rawbytes; /* original fields, each NUL-terminated */
    size_t *rlen;    /* their lengths */
    size_t nrlen, rlcap;
    ef_buf *terms; /* the terms' caches, one buffer per SCORE_CHUNK rows
                      (each filled by one scorer) */
    size_t nterms;
    int last; /* the input's last batch (its end, or an error) */
} batch;

static void put_str(batch *b, irow *r, int k, const char *s, size_t n)
{
    r->off[k] = b->bytes.len;
    r->len[k] = n;
    ef_buf_put(&b->bytes, s, n);
    ef_buf_putc(&b->bytes, '\0');
}

static const char *str(const batch *b, const irow *r, int k)
{
    return b->bytes.data + r->off[k];
}

/* Copies the original fields of the row the last item of src came from
 * (when keep), for rejecting it later as an id-conflict. */
static void keep_raw(const ef_source *src, batch *b, irow *r, int keep)
{
    const char *const *field;
    const size_t *len;
    size_t n;

    r->raw = b->nrlen;
    r->rawbyte = b->rawbytes.len;
    r->nraw = 0;
    if (!keep)
        return;
    ef_source_row(src, &field, &len, &n);
    if (b->nrlen + n > b->rlcap) {
        b->rlcap = 2 * (b->nrlen + n) + 256;
        b->rlen = ef_xrealloc(b->rlen, b->rlcap * sizeof(size_t));
    }
    for (size_t i = 0; i < n; i++) {
        b->rlen[b->nrlen++] = len[i];
        ef_buf_put(&b->rawbytes, field[i], len[i]);
        ef_buf_putc(&b->rawbytes, '\0');
    }
    r->nraw = n;
}

/* Reads the next items of src into b (emptied first), up to BATCH_ROWS
 * rows or BATCH_BYTES bytes; *eof = 1 once the source is exhausted. */
static ef_status fill_batch(ef_source *src, batch *b, int *eof, ef_err *e)
{
    ef_status rc = EF_OK;

    b->n = 0;
    b->nrlen = 0;
    ef_buf_clear(&b->bytes);
    ef_buf_clear(&b->rawbytes);
    while (b->n < BATCH_ROWS && b->bytes.len < BATCH_BYTES) {
        ef_item it;
        irow *r;
        char hid[EF_KEY_SIZE];
        const char *id;

        if ((rc = ef_source_next(src, &it, eof, e)) != EF_OK || *eof)
            return rc;
        if (b->n == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 256;
            b->rows = ef_xrealloc(b->rows, b->cap * sizeof(irow));
        }
        r = &b->rows[b->n++];
        id = ef_item_key(&it, hid);
        put_str(b, r, S_ID, id, strlen(id));
        put_str(b, r, S_TEXT, it.text, it.text_len);
        put_str(b, r, S_CHANNEL, it.channel, strlen(it.channel));
        put_str(b, r, S_AUTHOR, it.author, strlen(it.author));
        put_str(b, r, S_URL, it.url, strlen(it.url));
        put_str(b, r, S_SEGMENT, it.segment, strlen(it.segment));
        r->date = it.date;
        r->responded_at = it.responded_at;
        r->rating = it.rating;
        r->nps = it.nps;
        r->label = it.label;
        r->scored = it.scored;
        r->scores = it.scores;
        r->present = STORED_NOT;
        r->line = it.line;
        r->terms_len = 0;
        keep_raw(src, b, r, it.id[0] != '\0');
    }
    return EF_OK;
}

/* ==== Reading ========================================================= */

/* The pool's reading task: the next batch of the input. One at a time
 * (each waited for before the next is handed out): a source is read in
 * order, by one thread at a time. */
typedef struct {
    ef_source *src;
    batch *b;   /* to fill */
    ef_err err; /* its error, when b->last says it ended so */
    ef_job job; /* one task: read_task */
} reading;

static void read_task(void *ctx, size_t task, int worker)
{
    reading *rd = ctx;
    int eof = 0;

    rd->b->last = fill_batch(rd->src, rd->b, &eof, &rd->err) != EF_OK || eof;
}

/* ==== Scoring =========================================================== */

/* A scorer, one per thread of the pool, with its own read-only
 * connection to the store for looking ids up: it sees what was committed
 * before this file, so a row whose id is already stored is not scored (a
 * duplicate inside the file is, and then dropped by the main thread). */
typedef struct {
    const ef_vader *v;
    ef_vader_scratch *scratch;
    ef_terms *split;      /* for the terms' caches */
    sqlite3 *db;          /* NULL: no lookups, every row is scored */
    sqlite3_stmt *exists; /* the stored content of id ?1 */
    sqlite3_stmt *begin, *commit;
    int lookup; /* the store held rows when the file began */
} scorer;

static void scorer_open(scorer *w, const char *path, int busy_ms)
{
    w->scratch = ef_vader_scratch_new();
    w->split = ef_terms_new();
    if (sqlite3_open_v2(path, &w->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(w->db, busy_ms);
    if (sqlite3_prepare_v2(w->db,
                           "SELECT date, channel, author, text FROM "
                           "feedback WHERE id = ?1",
                           -1, &w->exists, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "BEGIN", -1, &w->begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "COMMIT", -1, &w->commit, NULL) != SQLITE_OK)
        goto fail;
    return;
fail: /* lookups are an optimisation: without them, score every row */
    sqlite3_finalize(w->exists);
    sqlite3_finalize(w->begin);
    sqlite3_finalize(w->commit);
    sqlite3_close(w->db);
    w->db = NULL;
    w->exists = w->begin = w->commit = NULL;
}

static void scorer_close(scorer *w)
{
    ef_vader_scratch_free(w->scratch);
    ef_terms_free(w->split);
    sqlite3_finalize(w->exists);
    sqlite3_finalize(w->begin);
    sqlite3_finalize(w->commit);
    sqlite3_close(w->db);
}

/* 1 if column k of the current row of q holds s (n bytes); NULL is "". */
static int column_is(sqlite3_stmt *q, int k, const char *s, size_t n);

/* The same, ASCII letters in any case (a channel: "Forum" is "FORUM", as
 * in the content hash). */
static int column_is_ci(sqlite3_stmt *q, int k, const char *s, size_t n);

/* Whether the id of row r is in the store q looks in (q: the stored
 * content of id ?1, then optionally its rowid), and with the same content
 * (UTC date, channel, author, text): STORED_*. STORED_NOT also on any
 * error. With kept, sets *kept when the stored row's rowid is above
 * before. */
static int compare_stored(sqlite3_stmt *q, const batch *b, const irow *r,
                          int *kept, int64_t before)
{
    char date[EF_DATETIME_UTC_SIZE];
    int res = STORED_NOT;

    sqlite3_bind_text(q, 1, str(b, r, S_ID), (int)r->len[S_ID], SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        ef_datetime_format_utc(r->date, date);
        res = column_is(q, 0, date, strlen(date)) &&
                      column_is_ci(q, 1, str(b, r, S_CHANNEL),
                                   r->len[S_CHANNEL]) &&
                      column_is(q, 2, str(b, r, S_AUTHOR), r->len[S_AUTHOR]) &&
                      column_is(q, 3, str(b, r, S_TEXT), r->len[S_TEXT])
                  ? STORED_SAME
                  : STORED_OTHER;
        if (kept)
            *kept = sqlite3_column_int64(q, 4) > before;
    }
    sqlite3_reset(q);
    return res;
}

/* 1 if column k of the current row of q holds s (n bytes); NULL is "". */
static int column_is(sqlite3_stmt *q, int k, const char *s, size_t n)
{
    const unsigned char *v = sqlite3_column_text(q, k);
    size_t m = v ? (size_t)sqlite3_column_bytes(q, k) : 0;

    return m == n && (n == 0 || memcmp(v, s, n) == 0);
}

static int column_is_ci(sqlite3_stmt *q, int k, const char *s, size_t n)
{
    const unsigned char *v = sqlite3_column_text(q, k);
    size_t m = v ? (size_t)sqlite3_column_bytes(q, k) : 0;

    return m == n && (n == 0 || strncasecmp((const char *)v, s, n) == 0);
}

/* Whether the id of row r was in the store when the input began:
 * STORED_* (STORED_NOT also on any error: the insert then decides). */
static int stored(scorer *w, const batch *b, const irow *r)
{
    return compare_stored(w->exists, b, r, NULL, 0);
}

/* Looks up and scores rows [i, end) of b, and caches their terms. */
static void score_rows(scorer *w, batch *b, size_t i, size_t end)
{
    int lookup = w->lookup && w->db;
    ef_buf *tb = &b->terms[i / SCORE_CHUNK];

    ef_buf_clear(tb);
    if (lookup) { /* one read transaction per chunk */
        sqlite3_step(w->begin);
        sqlite3_reset(w->begin);
    }
    for (; i < end; i++) {
        irow *r = &b->rows[i];
        if (lookup && (r->present = stored(w, b, r)))
            continue;
        if (!r->scored) {
            ef_vader_score(w->v, w->scratch, str(b, r, S_TEXT), r->len[S_TEXT],
                           &r->scores);
            r->scored = 1;
        }
        r->terms_off = tb->len;
        ef_terms_cache_put(w->split, str(b, r, S_TEXT), r->len[S_TEXT], tb);
        r->terms_len = tb->len - r->terms_off;
    }
    if (lookup) {
        sqlite3_step(w->commit);
        sqlite3_reset(w->commit);
    }
}

/* A batch to score on the pool: a task per SCORE_CHUNK rows, each on the
 * scorer of the thread that runs it. */
typedef struct {
    batch *b;
    scorer *ws;      /* [ef_pool_threads()] */
    atomic_int stop; /* set: the tasks not yet begun do nothing */
    ef_job job;
} scoring;

static void score_task(void *ctx, size_t chunk, int worker)
{
    scoring *sc = ctx;
    size_t i = chunk * SCORE_CHUNK, end = i + SCORE_CHUNK;

    if (!atomic_load(&sc->stop))
        score_rows(&sc->ws[worker], sc->b, i, end < sc->b->n ? end : sc->b->n);
}

/* ==== The store ========================================================= */

typedef struct {
    sqlite3 *db;
    const char *path;
    int busy_ms;
    sqlite3_stmt *insert_1; /* INSERT OR IGNORE of one row */
    sqlite3_stmt *insert_n; /* ... of MULTI_ROWS rows */
    sqlite3_stmt *content;  /* the stored content and rowid of id ?1,
                               as this connection sees it */
    sqlite3_stmt *max_rowid_q;
    int64_t max_rowid; /* rows inserted later have larger rowids */
} store;

/* Turns a SQLite failure into an error naming the store. */
static ef_status sql_fail(store *st, int rc, const char *what, ef_err *e)
{
    int prim = rc & 0xff;

    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return ef_fail(e, EF_ERR_IO,
                       "%s: database is locked: another import is running? "
                       "(--busy-timeout is %d ms)",
                       st->path, st->busy_ms);
    if (prim == SQLITE_NOTADB || prim == SQLITE_CANTOPEN ||
        prim == SQLITE_READONLY || prim == SQLITE_PERM)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", st->path,
                       sqlite3_errmsg(st->db));
    if (prim == SQLITE_FULL || prim == SQLITE_IOERR || prim == SQLITE_CORRUPT)
        return ef_fail(e, EF_ERR_IO, "%s: %s%s%s", st->path, what ? what : "",
                       what ? ": " : "", sqlite3_errmsg(st->db));
    return ef_fail(e, EF_ERR_SQL, "%s: %s%s%s", st->path, what ? what : "",
                   what ? ": " : "", sqlite3_errmsg(st->db));
}

static ef_status exec(store *st, const char *sql, ef_err *e)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? EF_OK : sql_fail(st, rc, NULL, e);
}

/* Checks that an existing feedback table has every column we write, and
 * that the store's schema is not newer than ours. */
static ef_status check_schema(store *st, ef_err *e)
{
    sqlite3_stmt *q = NULL;
    unsigned have = 0;
    int rc, version = 0;
    ef_status res = EF_OK;

    rc = sqlite3_prepare_v2(st->db, "PRAGMA table_info(feedback)", -1, &q,
                            NULL);
    if (rc != SQLITE_OK)
        return sql_fail(st, rc, NULL, e);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 1);
        for (size_t i = 0; name && i < EF_ARRAY_LEN(columns); i++)
            if (strcasecmp(name, columns[i]) == 0)
                have |= 1u << i;
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return sql_fail(st, rc, NULL, e);
    for (int i = 0; i < NCOLS - 1; i++) /* terms, the last, may be new */
        if (!(have & (1u << i)))
            return ef_fail(e, EF_ERR_CANTCREAT,
                           "%s: table feedback has no column '%s': not an "
                           "earful store",
                           st->path, columns[i]);
    /* a store from before the terms' cache gets its column (NULL in the
     * rows it has: `report` splits their texts, as it did) */
    if (!(have & (1u << (NCOLS - 1))) &&
        (res = exec(st, "ALTER TABLE feedback ADD COLUMN terms BLOB", e)) !=
            EF_OK)
        return res;
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT value FROM meta WHERE key = "
                            "'schema_version'",
                            -1, &q, NULL);
    if (rc != SQLITE_OK)
        return sql_fail(st, rc, NULL, e);
    if ((rc = sqlite3_step(q)) == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    else if (rc != SQLITE_DONE)
        res = sql_fail(st, rc, NULL, e);
    sqlite3_finalize(q);
    if (res == EF_OK && version > SCHEMA_VERSION)
        res = ef_fail(e, EF_ERR_CANTCREAT,
                      "%s: store schema version %d is newer than this "
                      "earful's (%d)",
                      st->path, version, SCHEMA_VERSION);
    return res;
}

/* Gives feedback a UNIQUE index on id when it has none (a table rebuilt
 * by CREATE TABLE AS SELECT loses its constraint): without one, INSERT OR
 * IGNORE would add an id twice, and every lookup of an id would read the
 * whole table (20,000 rows into a million: hours). A table that already
 * holds an id twice is refused. */
static ef_status ensure_unique_id(store *st, ef_err *e)
{
    int rc, has = ef_sqlite_unique(st->db, "feedback", "id", 0);

    if (has != 0) /* 1, or an SQLite that cannot tell: as before */
        return EF_OK;
    rc =
        sqlite3_exec(st->db, "CREATE UNIQUE INDEX feedback_id ON feedback(id)",
                     NULL, NULL, NULL);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return ef_fail(e, EF_ERR_CANTCREAT,
                       "%s: table feedback holds an id more than once (its "
                       "UNIQUE constraint is gone): not an earful store to "
                       "import into; `earful report` still reads it",
                       st->path);
    return rc == SQLITE_OK ? EF_OK : sql_fail(st, rc, NULL, e);
}

/* Opens or creates the store at path and prepares the insert. Close with
 * store_close, also after an error. */
static ef_status store_open(store *st, const char *path, int busy_ms,
                            ef_err *e)
{
    char sql[80];
    int rc;
    ef_status res;
    ef_buf q = EF_BUF_INIT;

    memset(st, 0, sizeof *st);
    st->path = path;
    st->busy_ms = busy_ms;
    /* every call on this connection comes from the main thread */
    rc = sqlite3_open_v2(path, &st->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path,
                       st->db ? sqlite3_errmsg(st->db) : "cannot open");
    sqlite3_busy_timeout(st->db, busy_ms);
    sqlite3_extended_result_codes(st->db, 1);
    /* A new store gets 16 KiB pages: a third less time writing the WAL
     * and checkpointing it than with 4 KiB ones (no effect on an existing
     * store). WAL: readers (a report) neither block the import nor see
     * half of it; synchronous=NORMAL is durable at checkpoints and never
     * corrupts. A bounded page cache keeps memory flat however large the
     * input. */
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", CACHE_KIB);
    if ((res = exec(st, "PRAGMA page_size=16384", e)) != EF_OK ||
        (res = exec(st, "PRAGMA journal_mode=WAL", e)) != EF_OK ||
        (res = exec(st, "PRAGMA synchronous=NORMAL", e)) != EF_OK ||
        (res = exec(st, sql, e)) != EF_OK)
        return res;
    if ((res = exec(st, "BEGIN IMMEDIATE", e)) != EF_OK)
        return res;
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO meta VALUES ('schema_version', '%d')",
             SCHEMA_VERSION);
    if ((res = exec(st, schema_sql, e)) != EF_OK ||
        (res = check_schema(st, e)) != EF_OK ||
        (res = ensure_unique_id(st, e)) != EF_OK ||
        (res = exec(st, index_sql, e)) != EF_OK ||
        (res = exec(st, sql, e)) != EF_OK ||
        (res = exec(st, old_store_sql, e)) != EF_OK ||
        (res = exec(st, "COMMIT", e)) != EF_OK) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return res;
    }
    ef_buf_puts(&q, insert_sql);
    for (int i = 0; i < MULTI_ROWS; i++) {
        ef_buf_puts(&q, i ? ", (" : " (");
        for (int c = 1; c <= NCOLS; c++)
            ef_buf_printf(&q, "?%d%s", i * NCOLS + c, c < NCOLS ? ", " : ")");
        if (i == 0 &&
            (rc = sqlite3_prepare_v2(st->db, ef_buf_cstr(&q), -1,
                                     &st->insert_1, NULL)) != SQLITE_OK)
            break;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, ef_buf_cstr(&q), -1, &st->insert_n,
                                NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db,
                                "SELECT date, channel, author, text, rowid "
                                "FROM feedback WHERE id = ?1",
                                -1, &st->content, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "SELECT max(rowid) FROM feedback", -1,
                                &st->max_rowid_q, NULL);
    ef_buf_reset(&q);
    return rc == SQLITE_OK ? EF_OK : sql_fail(st, rc, NULL, e);
}

static void store_close(store *st)
{
    sqlite3_finalize(st->insert_1);
    sqlite3_finalize(st->insert_n);
    sqlite3_finalize(st->content);
    sqlite3_finalize(st->max_rowid_q);
    sqlite3_close(st->db); /* the last connection checkpoints the WAL */
    st->db = NULL;
}

/* The largest rowid of the feedback table (0 when empty). */
static int64_t store_max_rowid(store *st)
{
    int64_t v = 0;

    if (sqlite3_step(st->max_rowid_q) == SQLITE_ROW)
        v = sqlite3_column_int64(st->max_rowid_q, 0);
    sqlite3_reset(st->max_rowid_q);
    return v;
}

/* Whether the feedback table has a row: 1, 0, or -1 on error. */
static int store_has_rows(store *st, ef_err *e)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM feedback LIMIT 1", -1,
                                &q, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    sql_fail(st, rc, NULL, e);
    return -1;
}

/* ==== Rejected rows ===================================================== */

/* Where rejected rows go: the source's rejections come from the reading
 * thread, id conflicts from the main thread, hence the lock. */
typedef struct {
    pthread_mutex_t mu;
    ef_rejects *rj;   /* --rejects FILE, or NULL */
    const char *path; /* its name */
    uint64_t seen;
    int quiet;
} reject_sink;

static void on_reject(void *ctx, const ef_reject *r)
{
    reject_sink *k = ctx;

    pthread_mutex_lock(&k->mu);
    if (k->rj)
        ef_rejects_add(k->rj, r);
    if (!k->quiet && k->seen < WARN_MAX)
        ef_warn("%s:%llu: %s (row %s%s)", r->source,
                (unsigned long long)r->line, r->detail,
                k->rj ? "written to " : "skipped", k->rj ? k->path : "");
    else if (!k->quiet && k->seen == WARN_MAX)
        ef_warn(k->rj ? "more rows rejected: all are in %s"
                      : "more rows rejected%s: --rejects FILE keeps them",
                k->rj ? k->path : "");
    k->seen++;
    pthread_mutex_unlock(&k->mu);
}

/* ==== Import of one input =============================================== */

typedef struct {
    const char *version; /* the scorer's version string */
    const char *source;  /* the input's name, as stored */
    char imported_at[EF_DATETIME_UTC_SIZE];
    int show_progress; /* stderr is a terminal and not --quiet */
    int strict;        /* --strict: a conflict is an error */
    reject_sink *sink;
    const char *const *header; /* the input's column names */
    size_t nheader;
} run_ctx;

typedef struct {
    uint64_t added, present, conflicting;
} counts;

/* Binds a string, or NULL when it is empty. */
static void bind_str(sqlite3_stmt *q, int i, const char *s, size_t n)
{
    if (n == 0)
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_text(q, i, s, (int)n, SQLITE_STATIC);
}

/* Binds row r to parameters base+1 .. base+NCOLS of q; date and resp
 * (EF_DATETIME_UTC_SIZE bytes each) must live until the step. */
static void bind_row(sqlite3_stmt *q, int base, const run_ctx *ctx,
                     const batch *b, const irow *r, char *date, char *resp)
{
    ef_datetime_format_utc(r->date, date);
    bind_str(q, base + 1, str(b, r, S_ID), r->len[S_ID]);
    sqlite3_bind_text(q, base + 2, date, -1, SQLITE_STATIC);
    bind_str(q, base + 3, str(b, r, S_CHANNEL), r->len[S_CHANNEL]);
    bind_str(q, base + 4, str(b, r, S_AUTHOR), r->len[S_AUTHOR]);
    sqlite3_bind_text(q, base + 5, str(b, r, S_TEXT), (int)r->len[S_TEXT],
                      SQLITE_STATIC);
    if (r->rating > 0)
        sqlite3_bind_int(q, base + 6, r->rating);
    else
        sqlite3_bind_null(q, base + 6);
    if (r->nps >= 0)
        sqlite3_bind_int(q, base + 7, r->nps);
    else
        sqlite3_bind_null(q, base + 7);
    if (r->responded_at != EF_NO_TIME) {
        ef_datetime_format_utc(r->responded_at, resp);
        sqlite3_bind_text(q, base + 8, resp, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(q, base + 8);
    }
    if (r->label >= 0)
        sqlite3_bind_text(q, base + 9, ef_class_name((ef_class)r->label), -1,
                          SQLITE_STATIC);
    else
        sqlite3_bind_null(q, base + 9);
    bind_str(q, base + 10, str(b, r, S_URL), r->len[S_URL]);
    bind_str(q, base + 11, str(b, r, S_SEGMENT), r->len[S_SEGMENT]);
    sqlite3_bind_double(q, base + 12, r->scores.neg);
    sqlite3_bind_double(q, base + 13, r->scores.neu);
    sqlite3_bind_double(q, base + 14, r->scores.pos);
    sqlite3_bind_double(q, base + 15, r->scores.compound);
    sqlite3_bind_text(q, base + 16, ctx->version, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, base + 17, ctx->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, base + 18, ctx->imported_at, -1, SQLITE_STATIC);
    if (r->terms_len)
        sqlite3_bind_blob(q, base + 19,
                          b->terms[(size_t)(r - b->rows) / SCORE_CHUNK].data +
                              r->terms_off,
                          (int)r->terms_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, base + 19);
}

static ef_status conflict(const run_ctx *ctx, const batch *b, const irow *r,
                          int in_store, counts *n, ef_err *e);

/* Runs an insert of the k rows pend and counts them: added, or (when the
 * insert ignored some: their id came earlier in the input) already
 * present or an id-conflict, by the stored content. Which were ignored:
 * a kept row has a rowid above any before the statement, and is the
 * first of the statement with its id. */
static ef_status run_insert(store *st, sqlite3_stmt *q, const run_ctx *ctx,
                            const batch *b, const irow *const *pend, int k,
                            counts *n, ef_err *e)
{
    int rc = sqlite3_step(q), added;
    int64_t before = st->max_rowid;
    ef_status res;

    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_fail(st, rc, "insert", e);
    added = sqlite3_changes(st->db);
    if (added > 0)
        st->max_rowid = sqlite3_last_insert_rowid(st->db);
    if (added == k) { /* the common case: nothing ignored */
        n->added += (uint64_t)k;
        return EF_OK;
    }
    for (int i = 0; i < k; i++) {
        const irow *r = pend[i];
        int first = 1, kept = 0;
        for (int j = 0; j < i && first; j++)
            first = !(pend[j]->len[S_ID] == r->len[S_ID] &&
                      memcmp(str(b, pend[j], S_ID), str(b, r, S_ID),
                             r->len[S_ID]) == 0);
        int same =
            compare_stored(st->content, b, r, &kept, before) != STORED_OTHER;
        if (kept && first) {
            n->added++;
        } else if (same) {
            n->present++;
        } else if ((res = conflict(ctx, b, r, 0, n, e)) != EF_OK) {
            return res;
        }
    }
    return EF_OK;
}

/* Rejects row r as an id-conflict: counted, passed to the sink with its
 * original fields; with --strict an error. */
static ef_status conflict(const run_ctx *ctx, const batch *b, const irow *r,
                          int in_store, counts *n, ef_err *e)
{
    const char **field = ef_xcalloc(r->nraw + 1, sizeof(char *));
    char detail[160];
    size_t at = r->rawbyte;
    ef_reject rj;

    n->conflicting++;
    snprintf(detail, sizeof detail,
             "id-conflict: id '%.60s' is %s with other content",
             str(b, r, S_ID),
             in_store ? "already in the store" : "earlier in the input");
    if (ctx->strict) {
        free(field);
        return ef_fail(e, EF_ERR_PARSE, "%s:%llu: %s", ctx->source,
                       (unsigned long long)r->line, detail);
    }
    for (size_t i = 0; i < r->nraw; i++) {
        field[i] = b->rawbytes.data + at;
        at += b->rlen[r->raw + i] + 1;
    }
    rj = (ef_reject){ctx->source, r->line,     EF_REJECT_ID_CONFLICT,
                     detail,      field,       b->rlen + r->raw,
                     r->nraw,     ctx->header, ctx->nheader};
    on_reject(ctx->sink, &rj);
    free(field);
    return EF_OK;
}

/* Inserts the rows of b whose id was not in the store (a row whose id
 * was, with other content, is a conflict), MULTI_ROWS per statement:
 * one statement per row costs a third more. */
static ef_status insert_batch(store *st, const run_ctx *ctx, const batch *b,
                              counts *n, ef_err *e)
{
    char date[MULTI_ROWS][EF_DATETIME_UTC_SIZE];
    char resp[MULTI_ROWS][EF_DATETIME_UTC_SIZE];
    const irow *pend[MULTI_ROWS];
    int k = 0;
    ef_status rc;

    for (size_t i = 0; i < b->n; i++) {
        const irow *r = &b->rows[i];

        if (r->present == STORED_SAME) {
            n->present++;
            continue;
        }
        if (r->present == STORED_OTHER) {
            if ((rc = conflict(ctx, b, r, 1, n, e)) != EF_OK)
                return rc;
            continue;
        }
        pend[k] = r;
        bind_row(st->insert_n, k * NCOLS, ctx, b, pend[k], date[k], resp[k]);
        if (++k == MULTI_ROWS) {
            if ((rc = run_insert(st, st->insert_n, ctx, b, pend, k, n, e)) !=
                EF_OK)
                return rc;
            k = 0;
        }
    }
    for (int i = 0; i < k; i++) {
        bind_row(st->insert_1, 0, ctx, b, pend[i], date[i], resp[i]);
        if ((rc = run_insert(st, st->insert_1, ctx, b, pend + i, 1, n, e)) !=
            EF_OK)
            return rc;
    }
    return EF_OK;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress on stderr (a terminal): from the first second on, at most
 * twice a second; done clears the line. */
static void progress(const run_ctx *ctx, uint64_t rows, double t0,
                     double *last, int done)
{
    double now;

    if (!ctx->show_progress)
        return;
    if (done) {
        if (*last > 0)
            fputs("\r\033[K", stderr);
        return;
    }
    now = now_seconds();
    if (now - t0 < 1 || now - *last < 0.5)
        return;
    *last = now;
    ef_buf src = EF_BUF_INIT;
    ef_text_term_escape(&src, ctx->source, strlen(ctx->source));
    fprintf(stderr, "\r\033[K%s: %llu rows, %.0f rows/s", ef_buf_cstr(&src),
            (unsigned long long)rows, (double)rows / (now - t0));
    ef_buf_reset(&src);
}

#define NBATCH 3 /* in flight: being read, scored, inserted */

/* Gives b a buffer for the terms' caches of each SCORE_CHUNK of its rows,
 * emptied by the scorer that takes the chunk. */
static void chunk_buffers(batch *b)
{
    size_t k = (b->n + SCORE_CHUNK - 1) / SCORE_CHUNK;

    if (k <= b->nterms)
        return;
    b->terms = ef_xrealloc(b->terms, k * sizeof *b->terms);
    for (size_t i = b->nterms; i < k; i++)
        b->terms[i] = (ef_buf)EF_BUF_INIT;
    b->nterms = k;
}

/* Reads, scores and inserts every row of src inside the current
 * transaction: batch k + 1 read and batch k scored on the pool while this
 * thread inserts batch k - 1. ws: a scorer per thread of the pool. */
static ef_status import_rows(ef_source *src, store *st, const run_ctx *ctx,
                             ef_pool *pool, scorer *ws, counts *n, ef_err *e)
{
    batch bs[NBATCH];
    batch *prev = NULL;
    reading rd;
    scoring sc;
    ef_status rc = EF_OK;
    uint64_t rows = 0;
    double t0 = now_seconds(), last = 0;

    memset(bs, 0, sizeof bs);
    memset(&rd, 0, sizeof rd);
    memset(&sc, 0, sizeof sc);
    rd.src = src;
    sc.ws = ws;
    rd.b = &bs[0];
    rd.job = EF_JOB(read_task, &rd, 1);
    ef_pool_run(pool, &rd.job);
    for (size_t k = 0;; k++) {
        batch *cur = &bs[k % NBATCH];
        int more = !cur->last;

        if (more) { /* the next batch is read meanwhile */
            rd.b = &bs[(k + 1) % NBATCH];
            rd.job = EF_JOB(read_task, &rd, 1);
            ef_pool_submit(pool, &rd.job);
        }
        sc.b = cur;
        chunk_buffers(cur);
        atomic_store(&sc.stop, 0);
        sc.job =
            EF_JOB(score_task, &sc, (cur->n + SCORE_CHUNK - 1) / SCORE_CHUNK);
        ef_pool_submit(pool, &sc.job);
        if (prev) {
            rc = insert_batch(st, ctx, prev, n, e);
            rows += prev->n;
            prev = NULL;
            progress(ctx, rows, t0, &last, 0);
        }
        if (rc != EF_OK) /* the tasks not yet begun stop */
            atomic_store(&sc.stop, 1);
        ef_pool_wait(pool, &sc.job);
        if (more)
            ef_pool_wait(pool, &rd.job);
        if (rc != EF_OK)
            break;
        if (cur->last) {
            if (rd.err.code != EF_OK)
                rc = ef_fail(e, rd.err.code, "%s", rd.err.msg);
            else
                rc = insert_batch(st, ctx, cur, n, e);
            break;
        }
        prev = cur;
    }
    progress(ctx, rows, t0, &last, 1);
    for (int k = 0; k < NBATCH; k++) {
        for (size_t i = 0; i < bs[k].nterms; i++)
            ef_buf_reset(&bs[k].terms[i]);
        free(bs[k].terms);
        free(bs[k].rows);
        free(bs[k].rlen);
        ef_buf_reset(&bs[k].bytes);
        ef_buf_reset(&bs[k].rawbytes);
    }
    return rc;
}

/* ==== After an input ==================================================== */

/* An input without a usable row is an error: EF_ERR_NOINPUT when it held
 * no row at all, else EF_ERR_PARSE with the reasons. */
static ef_status usable(const char *input, const ef_source_stats *ss,
                        const counts *n, ef_err *e)
{
    ef_buf why = EF_BUF_INIT;

    if (ss->rows_used > n->conflicting)
        return EF_OK;
    if (ss->rows_read == 0)
        return ef_fail(e, EF_ERR_NOINPUT, "%s: no rows (only a header)",
                       input);
    for (int i = 0; i < EF_REJECT_COUNT; i++)
        if (ss->rejected[i])
            ef_buf_printf(&why, "%s%llu %s", why.len ? ", " : "",
                          (unsigned long long)ss->rejected[i],
                          ef_reject_reason_name((ef_reject_reason)i));
    if (n->conflicting)
        ef_buf_printf(&why, "%s%llu id-conflict", why.len ? ", " : "",
                      (unsigned long long)n->conflicting);
    ef_fail(e, EF_ERR_PARSE, "%s: no usable row (%llu read: %s)", input,
            (unsigned long long)ss->rows_read, ef_buf_cstr(&why));
    ef_buf_reset(&why);
    return e->code;
}

/* Records in meta which fields the input had ("input_has.author"), so a
 * report from the store knows a column the store always has from one the
 * data had (a response rate of 0% from "cannot be measured"). */
static ef_status record_fields(store *st, const ef_source_stats *ss, ef_err *e)
{
    char sql[128];
    ef_status rc;

    for (int f = 0; f < EF_F_COUNT; f++) {
        if (!ss->mapped[f])
            continue;
        snprintf(sql, sizeof sql,
                 "INSERT OR IGNORE INTO meta VALUES ('input_has.%s', '1')",
                 ef_field_name((ef_field)f));
        if ((rc = exec(st, sql, e)) != EF_OK)
            return rc;
    }
    return EF_OK;
}

/* ==== Command line ====================================================== */

enum { O_REJECTS = 256, O_BUSY };

static const ef_option options[] = {
    {.shared = EF_OPT_MAP},
    {.shared = EF_OPT_DATE_FORMAT},
    {.shared = EF_OPT_TZ,
     .help = "time zone of dates without an offset (default UTC)"},
    {.shared = EF_OPT_ENCODING},
    {.shared = EF_OPT_DELIMITER},
    {.shared = EF_OPT_TABLE,
     .help = "SQLite input: the table to read; with a\n"
             "postgresql:// store, the table written\n"
             "(default feedback)"},
    {.shared = EF_OPT_QUERY},
    {.shared = EF_OPT_SEGMENT, .help = "store COLUMN's value as the segment"},
    {.shared = EF_OPT_LEXICON},
    {.shared = EF_OPT_BRAND},
    {"rejects", 0, O_REJECTS, "FILE", "write the rejected rows to FILE (CSV)",
     EF_OPT_NONE},
    {.shared = EF_OPT_STRICT},
    {"busy-timeout", 0, O_BUSY, "MS",
     "wait this long for another writer (default 5000)", EF_OPT_NONE},
    {.shared = EF_OPT_THREADS,
     .help = "scoring threads (default: the "
             "number of cores)"},
    {.shared = EF_OPT_QUIET},
    {.shared = EF_OPT_HELP},
};

static const ef_command command = {
    "import",
    "usage: earful import [OPTIONS] INPUT... DB.sqlite\n"
    "       earful import [OPTIONS] INPUT.csv... postgresql://...\n"
    "\n"
    "Appends the feedback of each INPUT (CSV, or a SQLite database) to the\n"
    "store DB.sqlite, created if needed, scoring the new rows with VADER. "
    "Each\n"
    "INPUT is one transaction: all of its new rows or none. A row without "
    "an id\n"
    "gets one, a hash of its date, channel, author and text. A row whose id "
    "is\n"
    "already stored (or earlier in INPUT) with the same content is "
    "skipped;\n"
    "with other content it is an id-conflict, rejected. Ids a spreadsheet "
    "has\n"
    "mangled (5.70301E+17) are not used. Prints per INPUT:\n"
    "  FILE: N added, N already present, N conflicting, N rejected\n"
    "\n",
    "\n"
    "Exit codes: 0 ok, 64 usage, 65 bad data (--strict, no text column, no\n"
    "usable row, ambiguous dates...), 66 input missing or without rows, 73 "
    "cannot\n"
    "create or open the store, 74 I/O error or the store is locked by "
    "another\n"
    "writer.\n",
    options, EF_ARRAY_LEN(options)};

/* 1 if path exists, is not empty and is not a SQLite database (a CSV
 * file given last by mistake, say: never opened as the store). */
static int is_foreign_file(const char *path)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    struct stat sb;
    FILE *f;
    size_t n;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0)
        return 0;
    if ((f = fopen(path, "rb")) == NULL)
        return 0; /* sqlite3_open says why */
    n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n != sizeof head || memcmp(head, magic, sizeof head) != 0;
}

/* Checks that every input can be read and has its columns (opening it
 * reads the header), before the store is touched: a missing file or a bad
 * --map fails without writing anything. */
static ef_status check_inputs(char **in, int n, const char *db,
                              const ef_source_opts *so, ef_err *e)
{
    struct stat sdb, sb;
    int have_db = stat(db, &sdb) == 0;

    for (int i = 0; i < n; i++) {
        ef_source *src = NULL;

        if (strcmp(in[i], "-") == 0)
            continue;
        if (stat(in[i], &sb) != 0)
            return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", in[i],
                           strerror(errno));
        if (S_ISDIR(sb.st_mode))
            return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", in[i],
                           strerror(EISDIR));
        if (have_db && sb.st_dev == sdb.st_dev && sb.st_ino == sdb.st_ino)
            return ef_fail(e, EF_ERR_USAGE,
                           "%s: the input is the store itself", in[i]);
        if (ef_source_open(in[i], so, &src, e) != EF_OK)
            return e->code;
        ef_source_free(src);
    }
    return EF_OK;
}

int ef_cmd_import(int argc, char **argv)
{
    ef_cmdline cl;
    ef_source_opts so;
    const char *rejects_path = NULL;
    int nthreads, quiet, busy_ms = 5000, c, ninputs, first;
    int new_store = 0, committed = 0; /* a failed run removes a new store */
    char **inputs, *db_path;
    ef_vader *v = NULL;
    ef_tz *tz = NULL;
    ef_rejects *rj = NULL;
    reject_sink sink = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, 0};
    scorer *ws = NULL;
    ef_pool *pool = NULL;
    int nws = 0;
    store st = {0};
    run_ctx ctx = {0};
    ef_err err = {EF_OK, ""};
    char *end;
    long k;
    const char *pg_table = NULL;

    ef_cmdline_init(&cl, &command);
    while ((c = ef_cmdline_next(&cl, argc, argv)) > 0) {
        switch (c) {
        case O_REJECTS: rejects_path = cl.arg; break;
        case O_BUSY:
            k = strtol(cl.arg, &end, 10);
            if (end == cl.arg || *end || k < 0 || k > 86400000) {
                ef_cmdline_free(&cl);
                return ef_usage_error("import",
                                      "option --busy-timeout: expected "
                                      "milliseconds, got '%s'",
                                      cl.arg);
            }
            busy_ms = (int)k;
            break;
        }
    }
    if (c < 0) {
        ef_cmdline_free(&cl);
        return cl.exit;
    }
    so = cl.common.src;
    ctx.strict = so.strict;
    nthreads = cl.common.threads;
    quiet = cl.common.quiet;
    first = cl.optind;
    if (argc - first < 2) {
        ef_cmdline_free(&cl);
        return ef_usage_error("import", argc - first == 0
                                            ? "expected INPUT... DB.sqlite"
                                            : "expected INPUT... DB.sqlite "
                                              "(no store named)");
    }
    inputs = argv + first;
    ninputs = argc - first - 1;
    db_path = argv[argc - 1];
    if (ef_pg_is_url(db_path)) { /* --table names its table (pg_import.h) */
        pg_table = so.table;
        so.table = NULL;
    }
    if (is_foreign_file(db_path)) {
        ef_cmdline_free(&cl);
        return ef_usage_error("import",
                              "%s: not a SQLite database (the last argument "
                              "is the store: INPUT... DB.sqlite)",
                              db_path);
    }
    for (int i = 0; i < ninputs; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0) {
                ef_cmdline_free(&cl);
                return ef_usage_error("import",
                                      "standard input ('-') given twice");
            }

    if (ef_tz_open(cl.common.tz, &tz, &err) != EF_OK)
        goto done;
    so.tz = tz;
    if (check_inputs(inputs, ninputs, db_path, &so, &err) != EF_OK)
        goto done;
    /* @mentions name accounts: no valence (the version says so) */
    if (ef_common_scorer(&cl.common, 1, &v, &err) != EF_OK)
        goto done;
    if (rejects_path) {
        if (ef_rejects_open(rejects_path, &rj, &err) != EF_OK)
            goto done;
        ef_rejects_set_quiet(rj, 1);
    }
    sink.rj = rj;
    sink.path = rejects_path;
    sink.quiet = quiet;
    ctx.sink = &sink;
    so.scorer = ef_vader_version(v);
    so.on_reject = on_reject;
    so.reject_ctx = &sink;
    ctx.version = ef_vader_version(v);
    ctx.show_progress = !quiet && isatty(2);
    ef_datetime_format_utc(ef_source_date_epoch(), ctx.imported_at);

    if (ef_pg_is_url(db_path)) {
        ef_pg_import_opts po = {pg_table, &so, v, quiet};
        ef_pg_import(db_path, inputs, ninputs, &po, &err);
        goto done;
    }
    {
        struct stat sb;
        new_store = stat(db_path, &sb) != 0 && errno == ENOENT;
    }
    if (store_open(&st, db_path, busy_ms, &err) != EF_OK)
        goto done;

    /* nthreads scoring threads and one more, so that reading goes on
     * beside them (as a reading thread did with --threads 1); each runs
     * reading and scoring tasks alike, with a scorer of its own */
    pool = ef_pool_new(nthreads + 1);
    nws = ef_pool_threads(pool);
    ws = ef_xcalloc((size_t)nws, sizeof *ws);
    for (int t = 0; t < nws; t++) {
        scorer_open(&ws[t], db_path, busy_ms);
        ws[t].v = v;
    }

    for (int i = 0; i < ninputs && err.code == EF_OK; i++) {
        ef_source *src = NULL;
        const ef_source_stats *ss;
        counts n = {0, 0, 0};
        int began = 0, lookup;

        ctx.source = inputs[i];
        if (ef_source_open(inputs[i], &so, &src, &err) != EF_OK)
            break;
        ss = ef_source_stats_get(src);
        ef_print_source_notes(ss->notes, ss->hints, quiet);
        ctx.header = ef_source_header(src, &ctx.nheader);
        if (exec(&st, "BEGIN IMMEDIATE", &err) == EF_OK &&
            (began = 1, lookup = store_has_rows(&st, &err)) >= 0) {
            for (int t = 0; t < nws; t++)
                ws[t].lookup = lookup;
            st.max_rowid = store_max_rowid(&st);
            if (import_rows(src, &st, &ctx, pool, ws, &n, &err) == EF_OK &&
                usable(inputs[i], ss, &n, &err) == EF_OK &&
                record_fields(&st, ss, &err) == EF_OK &&
                exec(&st, "COMMIT", &err) == EF_OK)
                committed = 1;
        }
        if (err.code != EF_OK) {
            if (began && !sqlite3_get_autocommit(st.db))
                sqlite3_exec(st.db, "ROLLBACK", NULL, NULL, NULL);
            ef_warn("%s", err.msg);
            if (began)
                ef_warn("%s: nothing imported from this file (rolled back)",
                        inputs[i]);
            err.msg[0] = '\0'; /* printed */
        } else {
            ef_buf name = EF_BUF_INIT; /* a file name: no terminal codes */
            ef_text_term_escape(&name, inputs[i], strlen(inputs[i]));
            printf("%s: %llu added, %llu already present, %llu "
                   "conflicting, %llu rejected\n",
                   ef_buf_cstr(&name), (unsigned long long)n.added,
                   (unsigned long long)n.present,
                   (unsigned long long)n.conflicting,
                   (unsigned long long)ss->rows_rejected);
            ef_buf_reset(&name);
            ef_print_replaced(inputs[i], ss->invalid_utf8, ss->nul_bytes, 1,
                              quiet);
            /* checked at once: errno says why, not a later call's */
            ef_stdout_flush(&err);
        }
        ef_source_free(src);
    }

done:
    if (rj) {
        ef_err rerr = {EF_OK, ""};
        if (ef_rejects_commit(rj, &rerr) != EF_OK && err.code == EF_OK)
            err = rerr;
    }
    /* the store's connection closes last, so that it checkpoints */
    ef_pool_free(pool);
    for (int t = 0; t < nws; t++)
        scorer_close(&ws[t]);
    free(ws);
    if (st.db)
        store_close(&st);
    if (new_store && !committed && err.code != EF_OK) {
        /* this run made the store and put nothing in it (a full disk, a
         * bad first input): it leaves no empty store behind */
        static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < EF_ARRAY_LEN(sfx); i++) {
            ef_buf p = EF_BUF_INIT;
            ef_buf_printf(&p, "%s%s", db_path, sfx[i]);
            unlink(ef_buf_cstr(&p));
            ef_buf_reset(&p);
        }
    }
    ef_rejects_free(rj);
    ef_vader_free(v);
    ef_tz_free(tz);
    ef_cmdline_free(&cl);
    pthread_mutex_destroy(&sink.mu);
    if (err.code != EF_OK) {
        if (err.msg[0])
            ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return EF_EXIT_OK;
}
