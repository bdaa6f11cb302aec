/* pg_import.c - `earful import` into PostgreSQL: COPY into a temporary
 * table, one INSERT .. SELECT into the (sharded) table per input (libpq,
 * loaded on first use: pq_load.h). */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "input/pg_import.h"
#include "input/pg_source.h"
#include "util/text.h"

#define COPY_CHUNK (1u << 20) /* bytes sent to COPY at a time */

typedef struct {
    PGconn *c;
    char *table_q;    /* quoted */
    int shards;       /* partitions, 1 for a plain table */
    int has_segment;  /* the table has a segment column */
    int keeps_scores; /* neg, neu, pos, compound, scorer columns */
    const ef_pg_import_opts *o;
} target;

static ef_status pg_error(const target *t, const char *what, const PGresult *r,
                          ef_err *e)
{
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(t->c);
    size_t n = strlen(msg);

    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    return ef_fail(e, EF_ERR_IO, "postgresql: %s: %.*s", what, (int)n, msg);
}

/* Runs sql (parameters p) expecting cmd (PGRES_COMMAND_OK or
 * PGRES_TUPLES_OK); the result to *out if out is not NULL. */
static ef_status exec(const target *t, const char *sql, int np,
                      const char *const *p, ExecStatusType want,
                      PGresult **out, ef_err *e)
{
    PGresult *r = PQexecParams(t->c, sql, np, NULL, p, NULL, NULL, 0);

    if (PQresultStatus(r) != want) {
        ef_status rc = pg_error(t, sql, r, e);
        PQclear(r);
        return rc;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return EF_OK;
}

/* The table: its partitions and which optional columns it has. */
static ef_status target_check(target *t, ef_err *e)
{
    const char *p[1] = {t->table_q};
    PGresult *r;
    int score_cols = 0;

    if (exec(t,
             "SELECT count(*) FROM pg_inherits WHERE inhparent = "
             "$1::regclass",
             1, p, PGRES_TUPLES_OK, &r, e) != EF_OK)
        return e->code;
    t->shards = atoi(PQgetvalue(r, 0, 0));
    if (t->shards < 1)
        t->shards = 1;
    PQclear(r);
    if (exec(t,
             "SELECT attname FROM pg_attribute WHERE attrelid = "
             "$1::regclass AND attnum > 0 AND NOT attisdropped",
             1, p, PGRES_TUPLES_OK, &r, e) != EF_OK)
        return e->code;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *col = PQgetvalue(r, i, 0);
        t->has_segment |= strcmp(col, "segment") == 0;
        score_cols += strcmp(col, "neg") == 0 || strcmp(col, "neu") == 0 ||
                      strcmp(col, "pos") == 0 ||
                      strcmp(col, "compound") == 0 ||
                      strcmp(col, "scorer") == 0;
    }
    PQclear(r);
    t->keeps_scores = score_cols == 5;
    return EF_OK;
}

/* ==== COPY's text format ================================================ */

static void put_text(ef_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\\': ef_buf_printf(b, "\\\\"); break;
        case '\t': ef_buf_printf(b, "\\t"); break;
        case '\n': ef_buf_printf(b, "\\n"); break;
        case '\r': ef_buf_printf(b, "\\r"); break;
        default: ef_buf_printf(b, "%c", c); break;
        }
    }
}

/* A field: empty strings are NULL (the report reads both alike). */
static void put_field(ef_buf *b, const char *s, int last)
{
    if (s == NULL || s[0] == '\0')
        ef_buf_printf(b, "\\N");
    else
        put_text(b, s, strlen(s));
    ef_buf_printf(b, last ? "\n" : "\t");
}

static void put_time(ef_buf *b, int64_t t)
{
    char buf[40];
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == EF_NO_TIME) {
        ef_buf_printf(b, "\\N\t");
        return;
    }
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
    ef_buf_printf(b, "%s\t", buf);
}

static void put_row(ef_buf *b, const target *t, const ef_item *it,
                    uint64_t line, ef_vader_scratch *s)
{
    static const char *const labels[3] = {"negative", "neutral", "positive"};
    char key[EF_KEY_SIZE], num[32];

    ef_buf_printf(b, "%llu\t", (unsigned long long)line);
    put_field(b, ef_item_key(it, key), 0);
    put_time(b, it->date);
    put_field(b, it->channel, 0);
    put_field(b, it->author, 0);
    put_text(b, it->text, it->text_len);
    ef_buf_printf(b, "\t");
    snprintf(num, sizeof num, "%d", it->rating);
    put_field(b, it->rating >= 1 ? num : NULL, 0);
    snprintf(num, sizeof num, "%d", it->nps);
    put_field(b, it->nps >= 0 ? num : NULL, 0);
    put_time(b, it->responded_at);
    put_field(b, it->label >= 0 && it->label < 3 ? labels[it->label] : NULL,
              0);
    put_field(b, it->url, 0);
    put_field(b, it->segment, !t->keeps_scores);
    if (t->keeps_scores) {
        ef_scores sc;
        ef_vader_score(t->o->vader, s, it->text, it->text_len, &sc);
        ef_buf_printf(b, "%.17g\t%.17g\t%.17g\t%.17g\t", sc.neg, sc.neu,
                      sc.pos, sc.compound);
        put_field(b, ef_vader_version(t->o->vader), 1);
    }
}

/* ==== One input ========================================================= */

static const char stage_sql[] =
    "CREATE TEMP TABLE earful_stage (line int8, id text, date timestamptz, "
    "channel text, author text, text text, rating int4, nps int4, "
    "responded_at timestamptz, label text, url text, segment text, "
    "neg float8, neu float8, pos float8, compound float8, scorer text) "
    "ON COMMIT DROP";

/* The INSERT .. SELECT from the stage: the first row of each id not
 * stored yet, its shard computed. */
static char *insert_sql(const target *t)
{
    ef_buf b = EF_BUF_INIT;
    char *s;

    ef_buf_printf(&b,
                  "INSERT INTO %s (shard, id, date, channel, author, text, "
                  "rating, nps, responded_at, label, url%s%s) "
                  "SELECT earful_shard(coalesce(nullif(author, ''), id), %d), "
                  "id, date, channel, author, text, rating, nps, "
                  "responded_at, label, url%s%s FROM (SELECT DISTINCT ON "
                  "(id) * FROM earful_stage ORDER BY id, line) s WHERE NOT "
                  "EXISTS (SELECT 1 FROM %s f WHERE f.id = s.id)",
                  t->table_q, t->has_segment ? ", segment" : "",
                  t->keeps_scores ? ", neg, neu, pos, compound, scorer" : "",
                  t->shards, t->has_segment ? ", segment" : "",
                  t->keeps_scores ? ", neg, neu, pos, compound, scorer" : "",
                  t->table_q);
    s = ef_xstrdup(ef_buf_cstr(&b));
    ef_buf_reset(&b);
    return s;
}

static ef_status copy_rows(target *t, ef_source *src, uint64_t *staged,
                           ef_err *e)
{
    ef_buf b = EF_BUF_INIT;
    ef_vader_scratch *s = ef_vader_scratch_new();
    const char *cols = t->keeps_scores
                           ? ""
                           : " (line, id, date, channel, author, text, "
                             "rating, nps, responded_at, label, url, "
                             "segment)";
    char sql[256];
    PGresult *r;
    ef_item it;
    int eof = 0;
    ef_status rc = EF_OK;

    snprintf(sql, sizeof sql, "COPY earful_stage%s FROM STDIN", cols);
    r = PQexec(t->c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = pg_error(t, "COPY", r, e);
        PQclear(r);
        ef_vader_scratch_free(s);
        return rc;
    }
    PQclear(r);
    while (rc == EF_OK && (rc = ef_source_next(src, &it, &eof, e)) == EF_OK &&
           !eof) {
        put_row(&b, t, &it, ++*staged, s);
        if (b.len >= COPY_CHUNK) {
            if (PQputCopyData(t->c, b.data, (int)b.len) != 1)
                rc = pg_error(t, "COPY", NULL, e);
            b.len = 0;
        }
    }
    if (rc == EF_OK && b.len && PQputCopyData(t->c, b.data, (int)b.len) != 1)
        rc = pg_error(t, "COPY", NULL, e);
    PQputCopyEnd(t->c, rc == EF_OK ? NULL : "earful: input failed");
    while ((r = PQgetResult(t->c)) != NULL) {
        if (rc == EF_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = pg_error(t, "COPY", r, e);
        PQclear(r);
    }
    ef_buf_reset(&b);
    ef_vader_scratch_free(s);
    return rc;
}

static ef_status import_one(target *t, const char *input, ef_err *e)
{
    ef_source_opts so = *t->o->so;
    ef_source *src = NULL;
    const ef_source_stats *ss;
    uint64_t staged = 0, added = 0;
    PGresult *r;
    char *sql;
    ef_status rc;

    so.table = NULL; /* --table names the PostgreSQL table */
    if (ef_source_open(input, &so, &src, e) != EF_OK)
        return e->code;
    ss = ef_source_stats_get(src);
    ef_print_source_notes(ss->notes, ss->hints, t->o->quiet);
    rc = exec(t, "BEGIN", 0, NULL, PGRES_COMMAND_OK, NULL, e);
    if (rc == EF_OK)
        rc = exec(t, stage_sql, 0, NULL, PGRES_COMMAND_OK, NULL, e);
    if (rc == EF_OK)
        rc = copy_rows(t, src, &staged, e);
    if (rc == EF_OK && ss->rows_used == 0 && ss->rows_read > 0)
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: no usable row (%llu read, %llu "
                     "rejected)",
                     input, (unsigned long long)ss->rows_read,
                     (unsigned long long)ss->rows_rejected);
    if (rc == EF_OK) {
        sql = insert_sql(t);
        rc = exec(t, sql, 0, NULL, PGRES_COMMAND_OK, &r, e);
        free(sql);
        if (rc == EF_OK) {
            added = strtoull(PQcmdTuples(r), NULL, 10);
            PQclear(r);
        }
    }
    if (rc == EF_OK)
        rc = exec(t, "COMMIT", 0, NULL, PGRES_COMMAND_OK, NULL, e);
    if (rc != EF_OK) {
        PGresult *rb = PQexec(t->c, "ROLLBACK");
        PQclear(rb);
    } else {
        ef_buf name = EF_BUF_INIT; /* a file name: no terminal codes */
        ef_text_term_escape(&name, input, strlen(input));
        printf("%s: %llu added, %llu already present, %llu rejected\n",
               ef_buf_cstr(&name), (unsigned long long)added,
               (unsigned long long)(staged - added),
               (unsigned long long)ss->rows_rejected);
        ef_buf_reset(&name);
        fflush(stdout);
        ef_print_replaced(input, ss->invalid_utf8, ss->nul_bytes, 1,
                          t->o->quiet);
    }
    ef_source_free(src);
    return rc;
}

ef_status ef_pg_import(const char *url, char *const *inputs, int ninputs,
                       const ef_pg_import_opts *o, ef_err *e)
{
    target t;
    ef_status rc = EF_OK;

    memset(&t, 0, sizeof t);
    t.o = o;
    t.c = PQconnectdb(url);
    if (PQstatus(t.c) != CONNECTION_OK) {
        rc = pg_error(&t, "cannot connect", NULL, e);
        PQfinish(t.c);
        return rc;
    }
    t.table_q = ef_pg_quote_table(t.c, o->table ? o->table : "feedback");
    if (t.table_q == NULL || PQsetClientEncoding(t.c, "UTF8") != 0)
        rc = pg_error(&t, "set-up", NULL, e);
    if (rc == EF_OK)
        rc = exec(&t, "SET TimeZone = 'UTC'", 0, NULL, PGRES_COMMAND_OK, NULL,
                  e);
    if (rc == EF_OK)
        rc = target_check(&t, e);
    for (int i = 0; i < ninputs && rc == EF_OK; i++)
        if ((rc = import_one(&t, inputs[i], e)) != EF_OK) {
            ef_warn("%s", e->msg);
            ef_warn("%s: nothing imported from this file (rolled back)",
                    inputs[i]);
            e->msg[0] = '\0'; /* printed */
        }
    free(t.table_q);
    PQfinish(t.c);
    return rc;
}
