/* pg_source.c - the report's partial aggregates from PostgreSQL (libpq,
 * loaded on first use: pq_load.h): pg/queries.sql's queries, their rows
 * folded into the aggregator. */
#include <libpq-fe.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input/pg_source.h"

#include "input/datetime.h"

extern const unsigned char ef_embed_pg_queries[];
extern const size_t ef_embed_pg_queries_len;

#define MAX_PARAMS 4
#define EXAMPLES_K 3 /* examples fetched per class (aggregate.c's) */
#define LOUDEST_K 5  /* the loudest authors the model holds */

struct ef_pg {
    PGconn *c;
    ef_pg_opts o;
    char *table_q;     /* the table, quoted */
    char *segment_q;   /* the segment column, quoted, or NULL::text */
    char display[480]; /* the input's name: no password */
    int mapped[EF_F_COUNT];
    uint64_t rows; /* rows of the table */
    int64_t first, last;
    ef_pg_times t;
    char **neg_ids; /* the Negative sheet's (o.negative_n), in
                       rank order */
    size_t nneg, negcap;
};

typedef ef_status (*row_fn)(void *ctx, const PGresult *r, ef_err *e);

double ef_pg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int ef_pg_is_url(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 ||
           strncmp(s, "postgres://", 11) == 0;
}

/* ==== The query set ===================================================== */

/* Appends s to b with {table} and {segment} replaced. */
static void fill_placeholders(ef_buf *b, const ef_pg *pg, const char *s,
                              size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '{' && n - i >= 7 && memcmp(s + i, "{table}", 7) == 0) {
            ef_buf_printf(b, "%s", pg->table_q);
            i += 6;
        } else if (s[i] == '{' && n - i >= 9 &&
                   memcmp(s + i, "{segment}", 9) == 0) {
            ef_buf_printf(b, "%s", pg->segment_q);
            i += 8;
        } else {
            ef_buf_printf(b, "%c", s[i]);
        }
    }
}

/* The query called name, placeholders filled, comment lines dropped
 * (malloc'd), or NULL if queries.sql has none (a build error). */
static char *query_text(const ef_pg *pg, const char *name)
{
    const char *s = (const char *)ef_embed_pg_queries;
    const char *end = s + ef_embed_pg_queries_len;
    char head[64];
    ef_buf b = EF_BUF_INIT;
    int in = 0;

    snprintf(head, sizeof head, "-- name: %s", name);
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (!in) {
            in = len == strlen(head) && memcmp(s, head, len) == 0;
        } else if (len == 1 && s[0] == ';') {
            return ef_xstrdup(ef_buf_cstr(&b));
        } else if (!(len >= 2 && s[0] == '-' && s[1] == '-')) {
            fill_placeholders(&b, pg, s, len);
            ef_buf_printf(&b, "\n");
        }
        s += len + 1;
    }
    ef_buf_reset(&b);
    return NULL;
}

static ef_status server_error(ef_pg *pg, const char *what, const PGresult *r,
                              ef_err *e)
{
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg->c);
    size_t n = strlen(msg);

    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    return ef_fail(e, EF_ERR_IO, "%s: %s: %.*s", pg->display, what, (int)n,
                   msg);
}

/* Runs the query called name with the text parameters p (NULL: SQL
 * null), giving each row to fn as it arrives (single-row mode). */
static ef_status run(ef_pg *pg, const char *name, int np, const char *const *p,
                     row_fn fn, void *ctx, ef_err *e)
{
    char *sql = query_text(pg, name);
    double t0 = ef_pg_now(), t1 = 0;
    PGresult *r;
    ef_status rc = EF_OK;

    if (sql == NULL)
        return ef_fail(e, EF_ERR_INTERNAL, "no query %s in queries.sql", name);
    if (!PQsendQueryParams(pg->c, sql, np, NULL, p, NULL, NULL, 0) ||
        !PQsetSingleRowMode(pg->c)) {
        free(sql);
        return server_error(pg, name, NULL, e);
    }
    free(sql);
    while ((r = PQgetResult(pg->c)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (t1 == 0)
            t1 = ef_pg_now();
        if (rc == EF_OK && st == PGRES_SINGLE_TUPLE) {
            int nf = PQnfields(r);
            pg->t.rows++;
            for (int f = 0; f < nf; f++)
                pg->t.bytes += (uint64_t)PQgetlength(r, 0, f);
            rc = fn(ctx, r, e);
        } else if (rc == EF_OK && st != PGRES_TUPLES_OK &&
                   st != PGRES_COMMAND_OK) {
            rc = server_error(pg, name, r, e);
        }
        PQclear(r);
    }
    pg->t.queries += (t1 ? t1 : ef_pg_now()) - t0;
    pg->t.transfer += t1 ? ef_pg_now() - t1 : 0;
    return rc;
}

/* ==== Values ============================================================ */

static const char *val(const PGresult *r, int f)
{
    return PQgetisnull(r, 0, f) ? NULL : PQgetvalue(r, 0, f);
}

static uint64_t u64(const PGresult *r, int f)
{
    const char *s = val(r, f);
    return s ? strtoull(s, NULL, 10) : 0;
}

/* A timestamptz as the session (TimeZone UTC, DateStyle ISO) writes it,
 * "2025-03-31 00:00:00[.ffffff]+00", to Unix seconds (rounded down). */
static int parse_ts(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec, k = 0;

    if (s == NULL ||
        sscanf(s, "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &k) != 6)
        return -1;
    s += k;
    if (*s == '.')
        while (*++s >= '0' && *s <= '9') {
        }
    if (strcmp(s, "+00") != 0)
        return -1;
    *out = ef_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}

static void format_ts(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%d %H:%M:%S+00", &tm);
}

static ef_status bad_value(ef_pg *pg, const char *what, ef_err *e)
{
    return ef_fail(e, EF_ERR_IO, "%s: unexpected %s from the server",
                   pg->display, what);
}

/* ==== Opening: the table and the shards ================================= */

/* Marks the fields the table has a column for. */
static void mark_columns(ef_pg *pg, const PGresult *r)
{
    static const char *const names[EF_F_COUNT] = {
        "text",   "date", "id",           "channel", "author",
        "rating", "nps",  "responded_at", "label",   "url"};

    for (int i = 0; i < PQntuples(r); i++)
        for (int f = 0; f < EF_F_COUNT; f++)
            if (strcmp(PQgetvalue(r, i, 0), names[f]) == 0)
                pg->mapped[f] = 1;
}

static ef_status on_version(void *ctx, const PGresult *r, ef_err *e)
{
    ef_pg *pg = ctx;
    const char *shard = val(r, 0), *scorer = val(r, 1);
    int64_t first, last;

    if (scorer == NULL || strcmp(scorer, pg->o.scorer) != 0)
        return ef_fail(e, EF_ERR_PARSE,
                       "%s: shard %s scores with %s, this earful with %s: "
                       "refusing to mix scorers (install the same earful_pg "
                       "and lexicon on every server)",
                       pg->display, shard ? shard : "(null)",
                       scorer ? scorer : "(none)", pg->o.scorer);
    if (parse_ts(val(r, 3), &first) || parse_ts(val(r, 4), &last))
        return bad_value(pg, "shard dates", e);
    pg->rows += u64(r, 2);
    if (first < pg->first)
        pg->first = first;
    if (last > pg->last)
        pg->last = last;
    return EF_OK;
}

char *ef_pg_quote_table(PGconn *c, const char *table)
{
    const char *dot = strchr(table, '.');
    size_t n = dot ? (size_t)(dot - table) : strlen(table);
    char *s = PQescapeIdentifier(c, table, n);
    char *t = dot ? PQescapeIdentifier(c, dot + 1, strlen(dot + 1)) : NULL;
    char *out = NULL;

    if (s && (t || !dot)) {
        out = ef_xmalloc(strlen(s) + (t ? strlen(t) : 0) + 2);
        sprintf(out, "%s%s%s", s, t ? "." : "", t ? t : "");
    }
    PQfreemem(s);
    PQfreemem(t);
    return out;
}

static void set_display(ef_pg *pg, const char *table)
{
    const char *host = PQhost(pg->c), *port = PQport(pg->c);
    const char *db = PQdb(pg->c);

    snprintf(pg->display, sizeof pg->display,
             "postgresql://%s%s%s/%s "
             "table %s",
             host && host[0] != '/' ? host : "", port && port[0] ? ":" : "",
             port ? port : "", db ? db : "", table);
}

static ef_status exec_simple(ef_pg *pg, const char *sql, ef_err *e)
{
    PGresult *r = PQexec(pg->c, sql);
    ef_status rc = EF_OK;

    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = server_error(pg, sql, r, e);
    PQclear(r);
    return rc;
}

static ef_status no_row(void *ctx, const PGresult *r, ef_err *e)
{
    (void)ctx;
    (void)r;
    (void)e;
    return EF_OK;
}

ef_status ef_pg_open(const char *url, const ef_pg_opts *o, ef_pg **out,
                     ef_err *e)
{
    ef_pg *pg = ef_xcalloc(1, sizeof *pg);
    const char *table = o->table ? o->table : "feedback";
    double t0 = ef_pg_now();
    char *seg;

    *out = NULL;
    pg->o = *o;
    if (pg->o.repair_n == 0)
        pg->o.repair_n = 25;
    pg->first = INT64_MAX;
    pg->last = INT64_MIN;
    pg->c = PQconnectdb(url);
    snprintf(pg->display, sizeof pg->display, "postgresql");
    if (PQstatus(pg->c) != CONNECTION_OK) {
        server_error(pg, "cannot connect", NULL, e);
        ef_pg_close(pg);
        return e->code;
    }
    set_display(pg, table);
    pg->table_q = ef_pg_quote_table(pg->c, table);
    seg = o->segment
              ? PQescapeIdentifier(pg->c, o->segment, strlen(o->segment))
              : NULL;
    pg->segment_q = ef_xstrdup(seg ? seg : "NULL::text");
    PQfreemem(seg);
    if (pg->table_q == NULL || PQsetClientEncoding(pg->c, "UTF8") != 0) {
        server_error(pg, "set-up", NULL, e);
        ef_pg_close(pg);
        return e->code;
    }
    if (exec_simple(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                    e) ||
        exec_simple(pg, "SET LOCAL TimeZone = 'UTC'", e) ||
        exec_simple(pg, "SET LOCAL DateStyle = 'ISO, YMD'", e) ||
        exec_simple(pg, "SET LOCAL extra_float_digits = 1", e) ||
        run(pg, "setup", 0, NULL, no_row, NULL, e)) {
        ef_pg_close(pg);
        return e->code;
    }
    {
        const char *p[1] = {pg->table_q};
        PGresult *r =
            PQexecParams(pg->c,
                         "SELECT attname FROM pg_attribute WHERE attrelid = "
                         "$1::regclass AND attnum > 0 AND NOT attisdropped",
                         1, NULL, p, NULL, NULL, 0);
        ef_status rc = EF_OK;
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = server_error(pg, "the table", r, e);
        } else {
            mark_columns(pg, r);
        }
        PQclear(r);
        if (rc != EF_OK) {
            ef_pg_close(pg);
            return rc;
        }
    }
    if (!pg->mapped[EF_F_TEXT] || !pg->mapped[EF_F_DATE] ||
        !pg->mapped[EF_F_ID]) {
        ef_fail(e, EF_ERR_PARSE,
                "%s: no text, date or id column (the "
                "columns earful import writes)",
                pg->display);
        ef_pg_close(pg);
        return e->code;
    }
    if (run(pg, "versions", 0, NULL, on_version, pg, e) != EF_OK) {
        ef_pg_close(pg);
        return e->code;
    }
    pg->t.connect = ef_pg_now() - t0;
    pg->t.queries = pg->t.transfer = 0;
    *out = pg;
    return EF_OK;
}

/* ==== Reading: the partials ============================================= */

typedef struct {
    ef_pg *pg;
    ef_agg *a;
    char **ids; /* items to fetch */
    size_t nids, idcap;
    /* authors */
    uint64_t *neg, *authors;
    size_t nhist, hcap;
    uint64_t turned, turned_after;
    char *loud[LOUDEST_K];
    uint64_t loud_n[LOUDEST_K];
    size_t nloud;
} reading;

static ef_status on_cube(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    ef_agg_cell c;
    uint64_t cls = u64(r, 3);

    memset(&c, 0, sizeof c);
    if (parse_ts(val(r, 0), &c.period) || cls > 2)
        return bad_value(rd->pg, "cube row", e);
    c.channel = val(r, 1);
    c.segment = val(r, 2);
    c.cls = (ef_class)cls;
    c.n = u64(r, 4);
    c.nps[0] = u64(r, 5);
    c.nps[1] = u64(r, 6);
    c.nps[2] = u64(r, 7);
    for (int i = 0; i < 5; i++)
        c.stars[i] = u64(r, 8 + i);
    c.responded = u64(r, 13);
    c.terse = u64(r, 14);
    c.abusive = u64(r, 15);
    c.detailed = u64(r, 16);
    c.anonymous = u64(r, 17);
    ef_agg_add_cell(rd->a, &c);
    return EF_OK;
}

static ef_status on_delay(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    const char *s = val(r, 2);

    if (s == NULL)
        return bad_value(rd->pg, "delay row", e);
    ef_agg_add_delay(rd->a, val(r, 0), val(r, 1), strtoll(s, NULL, 10),
                     u64(r, 3));
    return EF_OK;
}

static ef_status on_score(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    const char *s = val(r, 1);

    if (s == NULL)
        return bad_value(rd->pg, "score row", e);
    ef_agg_add_compound(rd->a, strtod(s, NULL), u64(r, 2));
    return EF_OK;
}

static ef_status on_term(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    ef_agg_term t = {(char *)val(r, 0), u64(r, 1), u64(r, 2), 0};

    if (t.term == NULL)
        return bad_value(rd->pg, "term row", e);
    ef_agg_add_term(rd->a, &t);
    return EF_OK;
}

static ef_status on_author(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    const char *what = val(r, 0);

    if (what == NULL)
        return bad_value(rd->pg, "authors row", e);
    if (strcmp(what, "negative") == 0) {
        if (rd->nhist == rd->hcap) {
            rd->hcap = rd->hcap ? rd->hcap * 2 : 64;
            rd->neg = ef_xrealloc(rd->neg, rd->hcap * sizeof *rd->neg);
            rd->authors =
                ef_xrealloc(rd->authors, rd->hcap * sizeof *rd->authors);
        }
        rd->neg[rd->nhist] = u64(r, 2);
        rd->authors[rd->nhist++] = u64(r, 3);
    } else if (strcmp(what, "turned") == 0) {
        rd->turned = u64(r, 2);
        rd->turned_after = u64(r, 3);
    } else if (strcmp(what, "loudest") == 0 && rd->nloud < LOUDEST_K &&
               val(r, 1)) {
        rd->loud[rd->nloud] = ef_xstrdup(val(r, 1));
        rd->loud_n[rd->nloud++] = u64(r, 2);
    }
    return EF_OK;
}

/* A row (rank or class, rank or priority, id): an id to fetch. */
static ef_status on_id(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    const char *id = val(r, 2);

    if (id == NULL)
        return bad_value(rd->pg, "id", e);
    if (rd->nids == rd->idcap) {
        rd->idcap = rd->idcap ? rd->idcap * 2 : 64;
        rd->ids = ef_xrealloc(rd->ids, rd->idcap * sizeof *rd->ids);
    }
    rd->ids[rd->nids++] = ef_xstrdup(id);
    return EF_OK;
}

/* A row (rank, compound, id) of the Negative sheet: its id kept in
 * pg->neg_ids for ef_pg_negative. */
static ef_status on_negative_id(reading *rd, const PGresult *r, ef_err *e)
{
    ef_pg *pg = rd->pg;
    const char *id = val(r, 2);

    if (id == NULL)
        return bad_value(pg, "id", e);
    if (pg->nneg == pg->negcap) {
        pg->negcap = pg->negcap ? pg->negcap * 2 : 64;
        pg->neg_ids =
            ef_xrealloc(pg->neg_ids, pg->negcap * sizeof *pg->neg_ids);
    }
    pg->neg_ids[pg->nneg++] = ef_xstrdup(id);
    return EF_OK;
}

/* A row of the report query: its part (the next to last column) says
 * which; parts whose columns the table lacks are left out. */
static ef_status on_report(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    const int *mapped = rd->pg->mapped;
    int nf = PQnfields(r);
    uint64_t part = nf >= 2 ? u64(r, nf - 2) : 0;

    switch (part) {
    case 1: return on_cube(ctx, r, e);
    case 2: return mapped[EF_F_RESPONDED_AT] ? on_delay(ctx, r, e) : EF_OK;
    case 3: return on_score(ctx, r, e);
    case 4: return on_term(ctx, r, e);
    case 5:
    case 6:
    case 7: return mapped[EF_F_AUTHOR] ? on_author(ctx, r, e) : EF_OK;
    case 8: return mapped[EF_F_RESPONDED_AT] ? on_id(ctx, r, e) : EF_OK;
    case 9: return on_id(ctx, r, e);
    case 10: return rd->pg->o.negative_n ? on_negative_id(rd, r, e) : EF_OK;
    default: return bad_value(rd->pg, "report row", e);
    }
}

/* A row of the items query as an item (its strings r's), scored into
 * *sc. EF_OK, or the error of a malformed row. */
static ef_status item_of(ef_pg *pg, const PGresult *r, ef_item *out,
                         ef_scores *sc, ef_err *e)
{
    ef_vader_scratch *s;
    ef_item it;

    memset(&it, 0, sizeof it);
    if (val(r, 0) == NULL || val(r, 1) == NULL || val(r, 4) == NULL)
        return bad_value(pg, "item", e);
    it.id = val(r, 0);
    it.date = strtoll(val(r, 1), NULL, 10);
    it.channel = val(r, 2) ? val(r, 2) : "";
    it.author = val(r, 3) ? val(r, 3) : "";
    it.text = val(r, 4);
    it.text_len = (size_t)PQgetlength(r, 0, 4);
    it.url = val(r, 5) ? val(r, 5) : "";
    it.rating = val(r, 6) ? atoi(val(r, 6)) : 0;
    it.nps = val(r, 7) ? atoi(val(r, 7)) : -1;
    it.responded_at = val(r, 8) ? strtoll(val(r, 8), NULL, 10) : EF_NO_TIME;
    it.segment = val(r, 9) ? val(r, 9) : "";
    it.label = -1;
    it.source = pg->display;
    s = ef_vader_scratch_new();
    ef_vader_score(pg->o.vader, s, it.text, it.text_len, sc);
    ef_vader_scratch_free(s);
    pg->t.items++;
    *out = it;
    return EF_OK;
}

/* A fetched item, scored here, offered to the aggregator to show. */
static ef_status on_item(void *ctx, const PGresult *r, ef_err *e)
{
    reading *rd = ctx;
    ef_scores sc;
    ef_item it;
    ef_status rc = item_of(rd->pg, r, &it, &sc, e);

    if (rc == EF_OK)
        ef_agg_keep(rd->a, &it, &sc);
    return rc;
}

/* ids as a text[] literal: {"a","b"} with " and \ escaped. */
static char *id_array(char *const *ids, size_t n)
{
    ef_buf b = EF_BUF_INIT;

    ef_buf_printf(&b, "{");
    for (size_t i = 0; i < n; i++) {
        ef_buf_printf(&b, "%s\"", i ? "," : "");
        for (const char *p = ids[i]; *p; p++)
            ef_buf_printf(&b, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
        ef_buf_printf(&b, "\"");
    }
    ef_buf_printf(&b, "}");
    return ef_xstrdup(ef_buf_cstr(&b));
}

static void record_input(ef_pg *pg, ef_agg *a)
{
    ef_source_stats st;
    const char *enc = PQparameterStatus(pg->c, "server_encoding");

    memset(&st, 0, sizeof st);
    snprintf(st.path, sizeof st.path, "%s", pg->display);
    snprintf(st.kind, sizeof st.kind, "pgsql");
    snprintf(st.encoding, sizeof st.encoding, "%s", enc ? enc : "");
    st.rows_read = st.rows_used = pg->rows;
    memcpy(st.mapped, pg->mapped, sizeof st.mapped);
    st.mapped[EF_F_LABEL] = 0; /* no calibration from partials */
    ef_agg_add_source(a, &st);
}

static void reading_free(reading *rd)
{
    for (size_t i = 0; i < rd->nids; i++)
        free(rd->ids[i]);
    free(rd->ids);
    free(rd->neg);
    free(rd->authors);
    for (size_t i = 0; i < rd->nloud; i++)
        free(rd->loud[i]);
}

ef_status ef_pg_read(ef_pg *pg, ef_agg *a, ef_err *e)
{
    char neg[32], pos[32], kind[8], k[24], loud[8], ex[8];
    const char *tz = ef_tz_name(pg->o.tz);
    char negk[24];
    const char *rp[8] = {neg, pos, kind, tz, k, loud, ex, negk};
    reading rd;
    ef_status rc;

    memset(&rd, 0, sizeof rd);
    rd.pg = pg;
    rd.a = a;
    snprintf(neg, sizeof neg, "%.17g", pg->o.thr.neg_max);
    snprintf(pos, sizeof pos, "%.17g", pg->o.thr.pos_min);
    snprintf(kind, sizeof kind, "%d", pg->o.period);
    snprintf(k, sizeof k, "%zu", pg->o.repair_n);
    snprintf(loud, sizeof loud, "%d", LOUDEST_K);
    snprintf(ex, sizeof ex, "%d", EXAMPLES_K);
    /* earful_topk's k is at least 1; without the sheet, its rows are
     * left */
    snprintf(negk, sizeof negk, "%zu",
             pg->o.negative_n ? pg->o.negative_n : (size_t)1);
    record_input(pg, a);
    if (pg->rows)
        ef_agg_add_span(a, pg->first, pg->last);
    rc = run(pg, "report", 8, rp, on_report, &rd, e);
    if (rc == EF_OK && pg->mapped[EF_F_AUTHOR]) {
        ef_agg_authors aa = {rd.neg,          rd.authors,
                             rd.nhist,        rd.turned,
                             rd.turned_after, (const char *const *)rd.loud,
                             rd.loud_n,       rd.nloud};
        ef_agg_set_authors(a, &aa);
    }
    if (rc == EF_OK && rd.nids) {
        char *arr = id_array(rd.ids, rd.nids);
        const char *p[1] = {arr};
        rc = run(pg, "items", 1, p, on_item, &rd, e);
        free(arr);
    }
    reading_free(&rd);
    return rc;
}

/* ==== The most negative items ========================================== */

typedef struct {
    ef_pg *pg;
    ef_pg_item_fn fn;
    void *ctx;
} negative_rows;

static ef_status on_negative_item(void *ctx, const PGresult *r, ef_err *e)
{
    negative_rows *nr = ctx;
    ef_scores sc;
    ef_item it;
    ef_status rc = item_of(nr->pg, r, &it, &sc, e);

    return rc == EF_OK ? nr->fn(nr->ctx, &it, &sc, e) : rc;
}

ef_status ef_pg_negative(ef_pg *pg, ef_pg_item_fn fn, void *ctx, ef_err *e)
{
    negative_rows nr = {pg, fn, ctx};
    ef_status rc = EF_OK;

    if (pg->nneg) {
        char *arr = id_array(pg->neg_ids, pg->nneg);
        const char *q[1] = {arr};
        rc = run(pg, "items", 1, q, on_negative_item, &nr, e);
        free(arr);
    }
    return rc;
}

/* ==== Spike terms ======================================================= */

typedef struct {
    ef_pg *pg;
    ef_agg_term *t;
    size_t n, cap;
} term_list;

static ef_status on_period_term(void *ctx, const PGresult *r, ef_err *e)
{
    term_list *l = ctx;

    if (val(r, 0) == NULL)
        return bad_value(l->pg, "term row", e);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->t = ef_xrealloc(l->t, l->cap * sizeof *l->t);
    }
    l->t[l->n].term = ef_xstrdup(val(r, 0));
    l->t[l->n].negative = u64(r, 1);
    l->t[l->n].other = 0;
    l->t[l->n++].authors = u64(r, 2);
    return EF_OK;
}

int ef_pg_period_terms(void *ctx, int64_t start, int64_t next,
                       ef_agg_term **out, size_t *n, ef_err *e)
{
    ef_pg *pg = ctx;
    char neg[32], pos[32], from[40], to[40], cap[16];
    const char *p[5] = {neg, pos, from, to, cap};
    term_list l = {pg, NULL, 0, 0};

    snprintf(neg, sizeof neg, "%.17g", pg->o.thr.neg_max);
    snprintf(pos, sizeof pos, "%.17g", pg->o.thr.pos_min);
    format_ts(start, from, sizeof from);
    format_ts(next, to, sizeof to);
    snprintf(cap, sizeof cap, "%d", EF_SPIKE_TERM_AUTHORS);
    if (run(pg, "period_terms", 5, p, on_period_term, &l, e) != EF_OK) {
        for (size_t i = 0; i < l.n; i++)
            free(l.t[i].term);
        free(l.t);
        return -1;
    }
    *out = l.t;
    *n = l.n;
    return 0;
}

const ef_pg_times *ef_pg_times_get(const ef_pg *pg)
{
    return &pg->t;
}

void ef_pg_close(ef_pg *pg)
{
    if (pg == NULL)
        return;
    if (pg->c && PQstatus(pg->c) == CONNECTION_OK &&
        PQtransactionStatus(pg->c) != PQTRANS_IDLE) {
        PGresult *r = PQexec(pg->c, "ROLLBACK");
        PQclear(r);
    }
    PQfinish(pg->c);
    for (size_t i = 0; i < pg->nneg; i++)
        free(pg->neg_ids[i]);
    free(pg->neg_ids);
    free(pg->table_q);
    free(pg->segment_q);
    free(pg);
}
