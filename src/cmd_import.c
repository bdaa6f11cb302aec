/* cmd_import.c - `earful import`: appends feedback from CSV files (or
 * another SQLite database) to a SQLite store, each row scored once.
 *
 * The store: table `feedback` (the item's fields; dates as ISO 8601 UTC
 * text; NULL for an absent rating, nps, responded_at...; the scores and
 * the scorer's version, which `report` reuses when its scorer is the same;
 * the input's name and the import time), unique on id, indexed on date and
 * channel, plus `meta` with the schema version. WAL journal.
 *
 * Each input is one transaction (BEGIN IMMEDIATE .. COMMIT): an error, or
 * kill -9, leaves none of that input's rows. A row whose id is already
 * stored is counted and skipped (INSERT OR IGNORE), so importing a file
 * twice adds nothing. A row without an id gets one: the first 8 bytes of
 * SHA-256 over its UTC date, channel and author (each followed by a NUL
 * byte) and text, as 16 hex digits. Another writer is waited for
 * (--busy-timeout); after that the import fails with exit 74.
 *
 * Rows travel in batches. A reading thread parses the input into batches
 * (strings copied); the scoring threads and the main thread look each id
 * up (on their own read-only connections, so in what was committed before
 * this input) and score the rows that are new, while the main thread
 * inserts the batch before; the main thread makes every write. Inserting
 * is the bottleneck, hence 16 rows per INSERT and 16 KiB pages.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <sqlite3.h>

#include "cmd.h"
#include "input/input.h"
#include "sentiment/sentiment.h"
#include "util/text.h"
#include "util/util.h"

#define SCHEMA_VERSION 1
#define BATCH_ROWS 4096          /* rows per batch */
#define BATCH_BYTES (8u << 20)   /* or this many bytes of strings */
#define MULTI_ROWS 16            /* rows per INSERT statement */
#define SCORE_CHUNK 64           /* rows a scorer claims at a time */
#define WARN_MAX 5               /* rejections printed before "more" */
#define CACHE_KIB (32 * 1024)    /* the store's page cache */

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta (\n"
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
    "  imported_at TEXT\n"
    ");\n";

/* Run once the columns are known to be there. */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS feedback_date ON feedback(date);\n"
    "CREATE INDEX IF NOT EXISTS feedback_channel ON feedback(channel);\n";

/* The columns of feedback, in the order of the INSERT's parameters. */
static const char *const columns[] = {
    "id",      "date",  "channel", "author",  "text",     "rating",
    "nps",     "responded_at",     "label",   "url",      "segment",
    "neg",     "neu",   "pos",     "compound", "scorer",  "source",
    "imported_at"};

#define NCOLS ((int)EF_ARRAY_LEN(columns))

/* The start of the inserts; "(?1, ... ?18)" rows follow. */
static const char insert_sql[] =
    "INSERT OR IGNORE INTO feedback (id, date, channel, author, text, "
    "rating, nps, responded_at, label, url, segment, neg, neu, pos, "
    "compound, scorer, source, imported_at) VALUES";

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
    int present;          /* the id is already in the store */
    ef_scores scores;
} irow;

typedef struct {
    irow *rows;
    size_t n, cap;
    ef_buf bytes;
    atomic_size_t next; /* the next row to score */
    int last;           /* the reader's last batch (end of input or error) */
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

/* Writes the hex of the first 8 bytes of SHA-256 over the row's date,
 * channel and author (each followed by a NUL byte) and text into out (17
 * bytes). */
static void hash_id(const ef_item *it, const char *date, char *out)
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];

    sha256_init(&c);
    sha256_update(&c, strlen(date) + 1, (const uint8_t *)date);
    sha256_update(&c, strlen(it->channel) + 1, (const uint8_t *)it->channel);
    sha256_update(&c, strlen(it->author) + 1, (const uint8_t *)it->author);
    sha256_update(&c, it->text_len, (const uint8_t *)it->text);
    sha256_digest(&c, sizeof d, d);
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[16] = '\0';
}

/* Reads the next items of src into b (emptied first), up to BATCH_ROWS
 * rows or BATCH_BYTES bytes; *eof = 1 once the source is exhausted. */
static ef_status fill_batch(ef_source *src, batch *b, int *eof, ef_err *e)
{
    ef_status rc = EF_OK;

    b->n = 0;
    ef_buf_clear(&b->bytes);
    atomic_store(&b->next, 0);
    while (b->n < BATCH_ROWS && b->bytes.len < BATCH_BYTES) {
        ef_item it;
        irow *r;
        char date[EF_DATETIME_UTC_SIZE], hid[17];
        const char *id = hid;
        size_t idlen = 16;

        if ((rc = ef_source_next(src, &it, eof, e)) != EF_OK || *eof)
            return rc;
        if (b->n == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 256;
            b->rows = ef_xrealloc(b->rows, b->cap * sizeof(irow));
        }
        r = &b->rows[b->n++];
        if (it.id[0]) {
            id = it.id;
            idlen = strlen(id);
        } else {
            ef_datetime_format_utc(it.date, date);
            hash_id(&it, date, hid);
        }
        put_str(b, r, S_ID, id, idlen);
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
        r->present = 0;
    }
    return EF_OK;
}

/* ==== Reading thread ==================================================== */

#define NBATCH 4 /* in flight: being read, scored, inserted, and a spare */

/* Batches go from the free list to the reader, which fills them and queues
 * them, in order, for the main thread, which gives them back when they
 * are inserted. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *free[NBATCH];
    int nfree;
    batch *full[NBATCH]; /* a ring: full[head], ... */
    int head, nfull;
    int quit;     /* the main thread stops early */
    int threaded; /* the reader runs in its own thread */
    pthread_t tid;
    ef_source *src;
    ef_err err;   /* the reader's error, read once the last batch is in */
} pipeline;

static void *read_main(void *arg)
{
    pipeline *p = arg;

    for (;;) {
        batch *b;
        int eof = 0;
        ef_status rc;

        pthread_mutex_lock(&p->mu);
        while (p->nfree == 0 && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        b = p->free[--p->nfree];
        pthread_mutex_unlock(&p->mu);

        rc = fill_batch(p->src, b, &eof, &p->err);
        b->last = eof || rc != EF_OK;

        pthread_mutex_lock(&p->mu);
        p->full[(p->head + p->nfull++) % NBATCH] = b;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (b->last)
            return NULL;
    }
}

static void pipeline_start(pipeline *p, batch *bs, ef_source *src)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int i = 0; i < NBATCH; i++)
        p->free[p->nfree++] = &bs[i];
    p->src = src;
    p->err.code = EF_OK;
    p->threaded = pthread_create(&p->tid, NULL, read_main, p) == 0;
}

/* The next batch read, in input order. Without a reading thread, reads
 * it here. */
static batch *pipeline_next(pipeline *p)
{
    batch *b;

    if (!p->threaded) {
        int eof = 0;
        b = p->free[--p->nfree];
        b->last = fill_batch(p->src, b, &eof, &p->err) != EF_OK || eof;
        return b;
    }
    pthread_mutex_lock(&p->mu);
    while (p->nfull == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    b = p->full[p->head];
    p->head = (p->head + 1) % NBATCH;
    p->nfull--;
    pthread_mutex_unlock(&p->mu);
    return b;
}

/* Gives an inserted batch back to the reader. */
static void pipeline_done(pipeline *p, batch *b)
{
    pthread_mutex_lock(&p->mu);
    p->free[p->nfree++] = b;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Stops the reader (it finishes the batch it is filling) and waits. */
static void pipeline_stop(pipeline *p)
{
    if (p->threaded) {
        pthread_mutex_lock(&p->mu);
        p->quit = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->tid, NULL);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
}

/* ==== Scoring =========================================================== */

/* A scoring thread, with its own read-only connection to the store for
 * looking ids up: it sees what was committed before this file, so a row
 * whose id is already stored is not scored (a duplicate inside the file
 * is, and then ignored by the insert). */
typedef struct {
    pthread_t tid;
    int running;
    batch *b;
    const ef_vader *v;
    ef_vader_scratch *scratch;
    sqlite3 *db;          /* NULL: no lookups, every row is scored */
    sqlite3_stmt *exists; /* SELECT 1 FROM feedback WHERE id = ?1 */
    sqlite3_stmt *begin, *commit;
    int lookup;           /* the store held rows when the file began */
} scorer;

static void scorer_open(scorer *w, const char *path, int busy_ms)
{
    w->scratch = ef_vader_scratch_new();
    if (sqlite3_open_v2(path, &w->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(w->db, busy_ms);
    if (sqlite3_prepare_v2(w->db, "SELECT 1 FROM feedback WHERE id = ?1",
                           -1, &w->exists, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "BEGIN", -1, &w->begin, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "COMMIT", -1, &w->commit, NULL) !=
            SQLITE_OK)
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
    sqlite3_finalize(w->exists);
    sqlite3_finalize(w->begin);
    sqlite3_finalize(w->commit);
    sqlite3_close(w->db);
}

/* 1 if the id of row r is in the store (0 if not, or on any error: the
 * insert then decides). */
static int stored(scorer *w, const batch *b, const irow *r)
{
    int rc;

    sqlite3_bind_text(w->exists, 1, str(b, r, S_ID), (int)r->len[S_ID],
                      SQLITE_STATIC);
    rc = sqlite3_step(w->exists);
    sqlite3_reset(w->exists);
    return rc == SQLITE_ROW;
}

/* Looks up and scores the rows of w->b, SCORE_CHUNK rows at a time,
 * until none is left; any number of scorers may share a batch. */
static void score_rows(scorer *w)
{
    batch *b = w->b;
    int lookup = w->lookup && w->db;

    for (;;) {
        size_t i = atomic_fetch_add(&b->next, SCORE_CHUNK), end;

        if (i >= b->n)
            return;
        end = i + SCORE_CHUNK < b->n ? i + SCORE_CHUNK : b->n;
        if (lookup) { /* one read transaction per chunk */
            sqlite3_step(w->begin);
            sqlite3_reset(w->begin);
        }
        for (; i < end; i++) {
            irow *r = &b->rows[i];
            if (lookup && (r->present = stored(w, b, r)))
                continue;
            if (!r->scored) {
                ef_vader_score(w->v, w->scratch, str(b, r, S_TEXT),
                               r->len[S_TEXT], &r->scores);
                r->scored = 1;
            }
        }
        if (lookup) {
            sqlite3_step(w->commit);
            sqlite3_reset(w->commit);
        }
    }
}

static void *score_main(void *arg)
{
    score_rows(arg);
    return NULL;
}

/* ==== The store ========================================================= */

typedef struct {
    sqlite3 *db;
    const char *path;
    int busy_ms;
    sqlite3_stmt *insert_1;  /* INSERT OR IGNORE of one row */
    sqlite3_stmt *insert_n;  /* ... of MULTI_ROWS rows */
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
        return ef_fail(e, EF_ERR_IO, "%s: %s%s%s", st->path,
                       what ? what : "", what ? ": " : "",
                       sqlite3_errmsg(st->db));
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
    for (size_t i = 0; i < EF_ARRAY_LEN(columns); i++)
        if (!(have & (1u << i)))
            return ef_fail(e, EF_ERR_CANTCREAT,
                           "%s: table feedback has no column '%s': not an "
                           "earful store",
                           st->path, columns[i]);
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
        (res = exec(st, index_sql, e)) != EF_OK ||
        (res = exec(st, sql, e)) != EF_OK ||
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
    ef_buf_reset(&q);
    return rc == SQLITE_OK ? EF_OK : sql_fail(st, rc, NULL, e);
}

static void store_close(store *st)
{
    sqlite3_finalize(st->insert_1);
    sqlite3_finalize(st->insert_n);
    sqlite3_close(st->db); /* the last connection checkpoints the WAL */
    st->db = NULL;
}

/* Whether the feedback table has a row: 1, 0, or -1 on error. */
static int store_has_rows(store *st, ef_err *e)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM feedback LIMIT 1",
                                -1, &q, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    sql_fail(st, rc, NULL, e);
    return -1;
}

/* ==== Import of one input =============================================== */

typedef struct {
    const char *version;  /* the scorer's version string */
    const char *source;   /* the input's name, as stored */
    char imported_at[EF_DATETIME_UTC_SIZE];
    int show_progress;    /* stderr is a terminal and not --quiet */
} run_ctx;

typedef struct {
    uint64_t added, present;
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
        sqlite3_bind_text(q, base + 9, ef_class_name((ef_class)r->label),
                          -1, SQLITE_STATIC);
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
}

/* Runs an insert of k rows and counts them as added or present. */
static ef_status run_insert(store *st, sqlite3_stmt *q, int k, counts *n,
                            ef_err *e)
{
    int rc = sqlite3_step(q), added;

    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return sql_fail(st, rc, "insert", e);
    added = sqlite3_changes(st->db);
    n->added += (uint64_t)added;
    n->present += (uint64_t)(k - added);
    return EF_OK;
}

/* Inserts the rows of b that were not found in the store, MULTI_ROWS per
 * statement: one statement per row costs a third more. */
static ef_status insert_batch(store *st, const run_ctx *ctx, const batch *b,
                              counts *n, ef_err *e)
{
    char date[MULTI_ROWS][EF_DATETIME_UTC_SIZE];
    char resp[MULTI_ROWS][EF_DATETIME_UTC_SIZE];
    const irow *pend[MULTI_ROWS];
    int k = 0;
    ef_status rc;

    for (size_t i = 0; i < b->n; i++) {
        if (b->rows[i].present) {
            n->present++;
            continue;
        }
        pend[k] = &b->rows[i];
        bind_row(st->insert_n, k * NCOLS, ctx, b, pend[k], date[k], resp[k]);
        if (++k == MULTI_ROWS) {
            if ((rc = run_insert(st, st->insert_n, k, n, e)) != EF_OK)
                return rc;
            k = 0;
        }
    }
    for (int i = 0; i < k; i++) {
        bind_row(st->insert_1, 0, ctx, b, pend[i], date[i], resp[i]);
        if ((rc = run_insert(st, st->insert_1, 1, n, e)) != EF_OK)
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

/* Reads, scores and inserts every row of src inside the current
 * transaction. ws[0 .. nw-2] are scoring threads; ws[nw-1] is this
 * thread's own scorer. */
static ef_status import_rows(ef_source *src, store *st, const run_ctx *ctx,
                             scorer *ws, int nw, counts *n, ef_err *e)
{
    batch bs[NBATCH];
    batch *prev = NULL;
    pipeline p;
    ef_status rc = EF_OK;
    uint64_t rows = 0;
    double t0 = now_seconds(), last = 0;

    memset(bs, 0, sizeof bs);
    pipeline_start(&p, bs, src);
    for (;;) {
        batch *cur = pipeline_next(&p);

        /* score cur in the threads while this one inserts prev */
        for (int t = 0; t < nw; t++) {
            ws[t].b = cur;
            ws[t].running = 0;
            if (t == nw - 1 || cur->n <= (size_t)t * SCORE_CHUNK)
                continue;
            ws[t].running =
                pthread_create(&ws[t].tid, NULL, score_main, &ws[t]) == 0;
        }
        if (prev) {
            rc = insert_batch(st, ctx, prev, n, e);
            rows += prev->n;
            pipeline_done(&p, prev);
            prev = NULL;
            progress(ctx, rows, t0, &last, 0);
        }
        if (rc == EF_OK)
            score_rows(&ws[nw - 1]);
        else /* the others stop at their next chunk */
            atomic_store(&cur->next, cur->n);
        for (int t = 0; t < nw - 1; t++)
            if (ws[t].running)
                pthread_join(ws[t].tid, NULL);
        if (rc != EF_OK)
            break;
        if (cur->last) {
            if (p.err.code != EF_OK)
                rc = ef_fail(e, p.err.code, "%s", p.err.msg);
            else
                rc = insert_batch(st, ctx, cur, n, e);
            break;
        }
        prev = cur;
    }
    pipeline_stop(&p);
    progress(ctx, rows, t0, &last, 1);
    for (int k = 0; k < NBATCH; k++) {
        free(bs[k].rows);
        ef_buf_reset(&bs[k].bytes);
    }
    return rc;
}

/* ==== Rejected rows ===================================================== */

typedef struct {
    ef_rejects *rj;       /* --rejects FILE, or NULL */
    const char *path;     /* its name */
    uint64_t seen;
    int quiet;
} reject_sink;

static void on_reject(void *ctx, const ef_reject *r)
{
    reject_sink *k = ctx;

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
}

/* ==== Command line ====================================================== */

static void usage(FILE *f)
{
    fputs("usage: earful import [OPTIONS] INPUT... DB.sqlite\n"
          "\n"
          "Appends the feedback of each INPUT (CSV, or a SQLite database) to "
          "the\n"
          "store DB.sqlite, created if needed, scoring the new rows with "
          "VADER. Each\n"
          "INPUT is one transaction: all of its new rows or none. A row whose "
          "id is\n"
          "already stored is skipped; a row without an id gets one, a hash of "
          "its\n"
          "date, channel, author and text. Prints per INPUT:\n"
          "  FILE: N added, N already present, N rejected\n"
          "\n"
          "  -m, --map FIELD=COL,...  the column of a field (text, date, id, "
          "channel,\n"
          "                           author, rating, nps, responded_at, "
          "label, url)\n"
          "      --date-format FMT    the dates' format, strptime-like "
          "(%d/%m/%Y %H:%M)\n"
          "      --tz ZONE            zone of dates without an offset "
          "(default UTC)\n"
          "      --encoding NAME      CSV encoding (default UTF-8, UTF-16 by "
          "its BOM)\n"
          "      --delimiter C        CSV delimiter: , ; | or tab (default: "
          "sniffed)\n"
          "      --table NAME         SQLite input: the table to read\n"
          "      --query SQL          SQLite input: a SELECT to read\n"
          "      --segment COLUMN     store COLUMN's value as the segment\n"
          "  -l, --lexicon FILE       add or override words: word<TAB>valence "
          "lines\n"
          "      --rejects FILE       write the rejected rows to FILE (CSV)\n"
          "      --strict             a rejected row is an error (exit 65)\n"
          "      --busy-timeout MS    wait this long for another writer "
          "(default 5000)\n"
          "  -j, --threads N          scoring threads (default: the number of "
          "cores)\n"
          "  -q, --quiet              no progress bar, no warnings\n"
          "  -h, --help               this help\n"
          "\n"
          "Exit codes: 0 ok, 64 usage, 65 bad data (--strict, no text "
          "column...),\n"
          "66 input missing, 73 cannot create or open the store, 74 I/O error "
          "or the\n"
          "store is locked by another writer.\n",
          f);
}

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
    enum { O_DATE_FORMAT = 256, O_TZ, O_ENCODING, O_DELIMITER, O_TABLE,
           O_QUERY, O_SEGMENT, O_REJECTS, O_STRICT, O_BUSY };
    static const struct option longopts[] = {
        {"map", required_argument, NULL, 'm'},
        {"date-format", required_argument, NULL, O_DATE_FORMAT},
        {"tz", required_argument, NULL, O_TZ},
        {"encoding", required_argument, NULL, O_ENCODING},
        {"delimiter", required_argument, NULL, O_DELIMITER},
        {"table", required_argument, NULL, O_TABLE},
        {"query", required_argument, NULL, O_QUERY},
        {"segment", required_argument, NULL, O_SEGMENT},
        {"lexicon", required_argument, NULL, 'l'},
        {"rejects", required_argument, NULL, O_REJECTS},
        {"strict", no_argument, NULL, O_STRICT},
        {"busy-timeout", required_argument, NULL, O_BUSY},
        {"threads", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    ef_source_opts so = {0};
    const char *lexicons[64], *tzname = NULL, *rejects_path = NULL;
    int nlex = 0, nthreads = 0, quiet = 0, busy_ms = 5000, c, ninputs;
    int new_store = 0, committed = 0; /* a failed run removes a new store */
    char **inputs, *db_path;
    ef_vader *v = NULL;
    ef_tz *tz = NULL;
    ef_rejects *rj = NULL;
    reject_sink sink = {0};
    scorer *ws = NULL;
    store st = {0};
    run_ctx ctx = {0};
    ef_err err = {EF_OK, ""};
    char *end;
    long k;

    ef_parse_threads("auto", &nthreads);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":m:l:j:qh", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'm': so.map = optarg; break;
        case O_DATE_FORMAT:
            if (ef_datetime_check_format(optarg, &err) != EF_OK)
                return ef_usage_error("import", "option --date-format: %s",
                                      err.msg);
            so.date_format = optarg;
            break;
        case O_TZ: tzname = optarg; break;
        case O_ENCODING: so.encoding = optarg; break;
        case O_DELIMITER:
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0 ||
                strcmp(optarg, "\t") == 0)
                so.delimiter = '\t';
            else if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0 ||
                     strcmp(optarg, "|") == 0)
                so.delimiter = optarg[0];
            else
                return ef_usage_error("import",
                                      "option --delimiter: expected , ; | "
                                      "or tab, got '%s'", optarg);
            break;
        case O_TABLE: so.table = optarg; break;
        case O_QUERY: so.query = optarg; break;
        case O_SEGMENT: so.segment = optarg; break;
        case 'l':
            if (nlex == (int)EF_ARRAY_LEN(lexicons))
                return ef_usage_error("import", "too many --lexicon files");
            lexicons[nlex++] = optarg;
            break;
        case O_REJECTS: rejects_path = optarg; break;
        case O_STRICT: so.strict = 1; break;
        case O_BUSY:
            k = strtol(optarg, &end, 10);
            if (end == optarg || *end || k < 0 || k > 86400000)
                return ef_usage_error("import",
                                      "option --busy-timeout: expected "
                                      "milliseconds, got '%s'", optarg);
            busy_ms = (int)k;
            break;
        case 'j':
            if (ef_parse_threads(optarg, &nthreads) < 0)
                return ef_usage_error("import",
                                      "option --threads: expected a number "
                                      "from 1 to 256, got '%s'", optarg);
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return EF_EXIT_OK;
        default: return ef_getopt_error("import", c, argv);
        }
    }
    if (argc - optind < 2)
        return ef_usage_error("import", argc - optind == 0
                                            ? "expected INPUT... DB.sqlite"
                                            : "expected INPUT... DB.sqlite "
                                              "(no store named)");
    inputs = argv + optind;
    ninputs = argc - optind - 1;
    db_path = argv[argc - 1];
    if (is_foreign_file(db_path))
        return ef_usage_error("import",
                              "%s: not a SQLite database (the last argument "
                              "is the store: INPUT... DB.sqlite)", db_path);
    for (int i = 0; i < ninputs; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0)
                return ef_usage_error("import",
                                      "standard input ('-') given twice");

    if (ef_tz_open(tzname, &tz, &err) != EF_OK)
        goto done;
    so.tz = tz;
    if (check_inputs(inputs, ninputs, db_path, &so, &err) != EF_OK)
        goto done;
    if (ef_vader_new(&v, &err) != EF_OK)
        goto done;
    for (int i = 0; i < nlex; i++)
        if (ef_vader_add_lexicon(v, lexicons[i], &err) != EF_OK)
            goto done;
    if (rejects_path) {
        if (ef_rejects_open(rejects_path, &rj, &err) != EF_OK)
            goto done;
        ef_rejects_set_quiet(rj, 1);
    }
    sink.rj = rj;
    sink.path = rejects_path;
    sink.quiet = quiet;
    so.scorer = ef_vader_version(v);
    so.on_reject = on_reject;
    so.reject_ctx = &sink;
    ctx.version = ef_vader_version(v);
    ctx.show_progress = !quiet && isatty(2);
    ef_datetime_format_utc(ef_source_date_epoch(), ctx.imported_at);

    {
        struct stat sb;
        new_store = stat(db_path, &sb) != 0 && errno == ENOENT;
    }
    if (store_open(&st, db_path, busy_ms, &err) != EF_OK)
        goto done;

    /* nthreads scorers: nthreads - 1 threads and this one */
    ws = ef_xcalloc((size_t)nthreads, sizeof *ws);
    for (int t = 0; t < nthreads; t++) {
        scorer_open(&ws[t], db_path, busy_ms);
        ws[t].v = v;
    }

    for (int i = 0; i < ninputs && err.code == EF_OK; i++) {
        ef_source *src = NULL;
        const ef_source_stats *ss;
        counts n = {0, 0};
        int began = 0, lookup;

        ctx.source = inputs[i];
        if (ef_source_open(inputs[i], &so, &src, &err) != EF_OK)
            break;
        if (exec(&st, "BEGIN IMMEDIATE", &err) == EF_OK &&
            (began = 1, lookup = store_has_rows(&st, &err)) >= 0) {
            for (int t = 0; t < nthreads; t++)
                ws[t].lookup = lookup;
            if (import_rows(src, &st, &ctx, ws, nthreads, &n, &err) ==
                    EF_OK &&
                exec(&st, "COMMIT", &err) == EF_OK)
                committed = 1;
        }
        ss = ef_source_stats_get(src);
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
            printf("%s: %llu added, %llu already present, %llu rejected\n",
                   ef_buf_cstr(&name), (unsigned long long)n.added,
                   (unsigned long long)n.present,
                   (unsigned long long)ss->rows_rejected);
            ef_buf_reset(&name);
            fflush(stdout);
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
    if (ws)
        for (int t = 0; t < nthreads; t++)
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
    if (err.code == EF_OK && (ferror(stdout) | fflush(stdout)))
        ef_fail(&err, EF_ERR_IO, "standard output: %s", strerror(errno));
    if (err.code != EF_OK) {
        if (err.msg[0])
            ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return EF_EXIT_OK;
}
