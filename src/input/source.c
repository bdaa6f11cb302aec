/* source.c - feedback items from a CSV file or a SQLite database: reads
 * rows, maps columns, parses dates and numbers, and rejects (never drops)
 * the rows it cannot use. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"
#include "input/input.h"
#include "input/sqlite_source.h"

/* The columns a store (or an earlier export) uses for cached scores. */
enum { C_NEG, C_NEU, C_POS, C_COMPOUND, C_SCORER, C_CACHE_COUNT };
static const char *const cache_names[C_CACHE_COUNT] = {
    "neg", "neu", "pos", "compound", "scorer"};

struct ef_source {
    ef_source_opts opts;
    ef_source_stats stats;
    ef_csv_reader *csv;
    ef_sqlite_reader *db;
    char **header; /* column names (owned) */
    size_t nheader;
    ef_columns cols;
    int cache[C_CACHE_COUNT]; /* column of each, -1 if none */
    ef_buf channel;           /* the lower-cased channel of the item */
    char detail[160];         /* the message of the current rejection */
};

/* ==== Small parsers ===================================================== */

/* s without leading and trailing ASCII white space. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)*s)) {
        s++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)s[*n - 1]))
        (*n)--;
    return s;
}

/* An integer in [lo, hi] ("4", "4.0", " 4 "); returns 0 or -1. */
static int parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
    char buf[32], *end;
    double v;

    s = trim(s, &n);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    v = strtod(buf, &end);
    if (end == buf || *end || v != floor(v) || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int ef_label_parse(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int cls;
    } names[] = {{"negative", EF_NEGATIVE}, {"neg", EF_NEGATIVE},
                 {"-1", EF_NEGATIVE},       {"neutral", EF_NEUTRAL},
                 {"neu", EF_NEUTRAL},       {"0", EF_NEUTRAL},
                 {"positive", EF_POSITIVE}, {"pos", EF_POSITIVE},
                 {"1", EF_POSITIVE},        {"+1", EF_POSITIVE}};

    s = trim(s, &n);
    for (size_t i = 0; i < EF_ARRAY_LEN(names); i++)
        if (strlen(names[i].name) == n &&
            strncasecmp(s, names[i].name, n) == 0)
            return names[i].cls;
    return -1;
}

/* ==== Opening =========================================================== */

static ef_status read_header_csv(ef_source *s, const char *path, ef_err *e)
{
    ef_csv_record rec;
    int eof = 0;
    ef_status rc = ef_csv_next(s->csv, &rec, &eof, e);

    if (rc != EF_OK)
        return rc;
    if (eof)
        return ef_fail(e, EF_ERR_PARSE, "%s: empty file (no header row)",
                       path);
    if (rec.cut & EF_CSV_CUT_FIELDS)
        return ef_fail(e, EF_ERR_PARSE,
                       "%s:%llu: the header has %llu columns, over the "
                       "limit of %d", path, (unsigned long long)rec.line,
                       (unsigned long long)rec.nfields, EF_MAX_FIELDS);
    if (rec.cut)
        return ef_fail(e, EF_ERR_PARSE,
                       "%s:%llu: the header is longer than %d MiB", path,
                       (unsigned long long)rec.line, EF_MAX_ROW_MIB);
    s->nheader = rec.n;
    s->header = ef_xcalloc(rec.n, sizeof(char *));
    for (size_t i = 0; i < rec.n; i++)
        s->header[i] = ef_xstrndup(rec.field[i], rec.len[i]);
    return EF_OK;
}

ef_status ef_source_open(const char *path, const ef_source_opts *opts,
                         ef_source **out, ef_err *e)
{
    ef_source *s = ef_xcalloc(1, sizeof *s);
    ef_status rc;
    const char *const *names;
    size_t i, k;

    s->opts = *opts;
    snprintf(s->stats.path, sizeof s->stats.path, "%s", path);
    if (ef_sqlite_is_db(path)) {
        snprintf(s->stats.kind, sizeof s->stats.kind, "sqlite");
        snprintf(s->stats.encoding, sizeof s->stats.encoding, "UTF-8");
        rc = ef_sqlite_reader_open(path, opts->table, opts->query, &s->db, e);
        if (rc != EF_OK)
            goto fail;
        names = ef_sqlite_reader_names(s->db, &k);
        s->nheader = k;
        s->header = ef_xcalloc(k ? k : 1, sizeof(char *));
        for (i = 0; i < k; i++)
            s->header[i] = ef_xstrdup(names[i]);
    } else {
        ef_csv_opts co = {opts->encoding, opts->delimiter,
                          (size_t)EF_MAX_ROW_MIB << 20, EF_MAX_FIELDS};
        snprintf(s->stats.kind, sizeof s->stats.kind, "csv");
        if ((rc = ef_csv_open(path, &co, &s->csv, e)) != EF_OK)
            goto fail;
        if ((rc = read_header_csv(s, path, e)) != EF_OK)
            goto fail;
    }
    rc = ef_columns_map((const char *const *)s->header, s->nheader,
                        opts->map, opts->segment, path, &s->cols, e);
    if (rc != EF_OK)
        goto fail;
    for (i = 0; i < EF_F_COUNT; i++)
        s->stats.mapped[i] = s->cols.col[i] >= 0;
    for (k = 0; k < C_CACHE_COUNT; k++) {
        s->cache[k] = -1;
        for (i = 0; i < s->nheader && s->cache[k] < 0; i++) /* first wins */
            if (strcasecmp(s->header[i], cache_names[k]) == 0)
                s->cache[k] = (int)i;
    }
    *out = s;
    return EF_OK;
fail:
    ef_source_free(s);
    *out = NULL;
    return rc;
}

/* ==== Rows to items ===================================================== */

typedef struct {
    const char *const *field;
    const size_t *len;
    const int *type;     /* SQLite value types, or NULL for CSV */
    const double *num;   /* SQLite numeric values, or NULL */
    size_t n;
    uint64_t line;
    int cut;             /* CSV: EF_CSV_CUT_* (the fields are what fitted) */
    uint64_t nfields;    /* CSV: the fields the row had */
} row;

/* Rejects the row: counts it, hands it to on_reject, and with --strict
 * makes it an error. */
static ef_status reject(ef_source *s, const row *r, ef_reject_reason why,
                        ef_err *e)
{
    ef_reject rj = {s->stats.path, r->line, why, s->detail, r->field,
                    r->len, r->n, (const char *const *)s->header,
                    s->nheader};

    s->stats.rows_rejected++;
    s->stats.rejected[why]++;
    if (s->opts.strict)
        return ef_fail(e, EF_ERR_PARSE, "%s:%llu: %s", s->stats.path,
                       (unsigned long long)r->line, s->detail);
    if (s->opts.on_reject)
        s->opts.on_reject(s->opts.reject_ctx, &rj);
    return EF_OK;
}

/* Quotes a value for a message, shortened. */
static void quote_value(char *out, size_t cap, const char *v, size_t n)
{
    if (n > 40)
        snprintf(out, cap, "'%.37s...'", v);
    else
        snprintf(out, cap, "'%.*s'", (int)n, v);
}

static int is_number(const row *r, int col)
{
    return r->type && (r->type[col] == EF_SQL_INT ||
                       r->type[col] == EF_SQL_REAL);
}

/* Parses a date column; SQLite numbers are Unix seconds. */
static int get_time(const ef_source *s, const row *r, int col, int64_t *t,
                    const char **why)
{
    if (is_number(r, col)) {
        double v = r->num[col];
        if (!(v > -1e13 && v < 1e13)) {
            *why = "out of range";
            return -1;
        }
        *t = (int64_t)floor(v);
        return 0;
    }
    return ef_datetime_parse(r->field[col], r->len[col],
                             s->opts.date_format, s->opts.tz, t, NULL, why);
}

/* Fills it from r; returns 1 if used, 0 if rejected, or -1 on error. */
static int make_item(ef_source *s, const row *r, ef_item *it, ef_err *e)
{
    const int *col = s->cols.col;
    const char *why = NULL, *v;
    char q[64];
    size_t n;

#define FIELD(f) (col[f] >= 0 ? r->field[col[f]] : "")
#define LEN(f) (col[f] >= 0 ? r->len[col[f]] : 0)
#define REJECT(reason, ...)                                                  \
    do {                                                                     \
        snprintf(s->detail, sizeof s->detail, __VA_ARGS__);                  \
        return reject(s, r, reason, e) == EF_OK ? 0 : -1;                    \
    } while (0)

    if (r->cut & EF_CSV_CUT_FIELDS) {
        char nf[32];
        ef_fmt_count(nf, sizeof nf, r->nfields);
        REJECT(EF_REJECT_TOO_BIG, "%s fields, over the limit of 10,000 (the "
               "first 10,000 are kept)", nf);
    }
    if (r->cut)
        REJECT(EF_REJECT_TOO_BIG, "row longer than %d MiB (its first %d MiB "
               "are kept)", EF_MAX_ROW_MIB, EF_MAX_ROW_MIB);
    if (r->n != s->nheader && s->csv)
        REJECT(EF_REJECT_FIELD_COUNT, "%zu fields, the header has %zu",
               r->n, s->nheader);
    memset(it, 0, sizeof *it);
    it->source = s->stats.path;
    it->line = r->line;

    n = LEN(EF_F_TEXT);
    v = trim(FIELD(EF_F_TEXT), &n);
    if (n == 0)
        REJECT(EF_REJECT_NO_TEXT, "no text");
    it->text = FIELD(EF_F_TEXT);
    it->text_len = LEN(EF_F_TEXT);

    if (get_time(s, r, col[EF_F_DATE], &it->date, &why) != 0) {
        quote_value(q, sizeof q, FIELD(EF_F_DATE), LEN(EF_F_DATE));
        REJECT(EF_REJECT_BAD_DATE, "unparseable date %s (%s)", q,
               why ? why : "not a date");
    }

    it->rating = 0;
    n = LEN(EF_F_RATING);
    if (trim(FIELD(EF_F_RATING), &n), n > 0 &&
        parse_int(FIELD(EF_F_RATING), LEN(EF_F_RATING), 1, 5, &it->rating)) {
        quote_value(q, sizeof q, FIELD(EF_F_RATING), LEN(EF_F_RATING));
        REJECT(EF_REJECT_BAD_RATING, "rating %s is not 1-5", q);
    }
    it->nps = -1;
    n = LEN(EF_F_NPS);
    if (trim(FIELD(EF_F_NPS), &n), n > 0 &&
        parse_int(FIELD(EF_F_NPS), LEN(EF_F_NPS), 0, 10, &it->nps)) {
        quote_value(q, sizeof q, FIELD(EF_F_NPS), LEN(EF_F_NPS));
        REJECT(EF_REJECT_BAD_NPS, "nps %s is not 0-10", q);
    }
    it->responded_at = EF_NO_TIME;
    n = LEN(EF_F_RESPONDED_AT);
    trim(FIELD(EF_F_RESPONDED_AT), &n);
    if (n > 0 &&
        !(r->type && r->type[col[EF_F_RESPONDED_AT]] == EF_SQL_NULL) &&
        get_time(s, r, col[EF_F_RESPONDED_AT], &it->responded_at, &why)) {
        quote_value(q, sizeof q, FIELD(EF_F_RESPONDED_AT),
                    LEN(EF_F_RESPONDED_AT));
        REJECT(EF_REJECT_BAD_RESPONDED_AT, "unparseable responded_at %s (%s)",
               q, why ? why : "not a date");
    }
    it->label = -1;
    n = LEN(EF_F_LABEL);
    trim(FIELD(EF_F_LABEL), &n);
    if (n > 0 &&
        (it->label = ef_label_parse(FIELD(EF_F_LABEL), LEN(EF_F_LABEL))) < 0) {
        quote_value(q, sizeof q, FIELD(EF_F_LABEL), LEN(EF_F_LABEL));
        REJECT(EF_REJECT_BAD_LABEL,
               "label %s is not positive, neutral or negative", q);
    }

    /* channel: trimmed and lower-cased, so "Twitter" and "twitter " meet */
    n = LEN(EF_F_CHANNEL);
    v = trim(FIELD(EF_F_CHANNEL), &n);
    ef_buf_clear(&s->channel);
    for (size_t i = 0; i < n; i++)
        ef_buf_putc(&s->channel, (char)tolower((unsigned char)v[i]));
    it->channel = ef_buf_cstr(&s->channel);
    it->id = FIELD(EF_F_ID);
    it->author = FIELD(EF_F_AUTHOR);
    it->url = FIELD(EF_F_URL);
    it->segment = s->cols.segment >= 0 ? r->field[s->cols.segment] : "";

    /* cached scores count only when they come from this very scorer */
    if (s->opts.scorer && s->cache[C_SCORER] >= 0 &&
        s->cache[C_COMPOUND] >= 0 && s->cache[C_NEG] >= 0 &&
        s->cache[C_NEU] >= 0 && s->cache[C_POS] >= 0 &&
        strcmp(r->field[s->cache[C_SCORER]], s->opts.scorer) == 0 &&
        r->len[s->cache[C_COMPOUND]] > 0) {
        it->scores.neg = strtod(r->field[s->cache[C_NEG]], NULL);
        it->scores.neu = strtod(r->field[s->cache[C_NEU]], NULL);
        it->scores.pos = strtod(r->field[s->cache[C_POS]], NULL);
        it->scores.compound = strtod(r->field[s->cache[C_COMPOUND]], NULL);
        it->scored = 1;
    }
    return 1;
#undef FIELD
#undef LEN
#undef REJECT
}

ef_status ef_source_next(ef_source *s, ef_item *it, int *eof, ef_err *e)
{
    for (;;) {
        ef_status rc;
        row r = {0};
        int used;

        *eof = 0;
        if (s->csv) {
            ef_csv_record rec;
            rc = ef_csv_next(s->csv, &rec, eof, e);
            r.field = rec.field;
            r.len = rec.len;
            r.n = rec.n;
            r.line = rec.line;
            r.cut = rec.cut;
            r.nfields = rec.nfields;
        } else {
            rc = ef_sqlite_reader_next(s->db, &r.field, &r.len, &r.type,
                                       &r.num, &r.line, eof, e);
            r.n = s->nheader;
        }
        if (rc != EF_OK)
            return rc;
        if (*eof) {
            if (s->csv) {
                const ef_csv_stats *cs = ef_csv_stats_get(s->csv);
                snprintf(s->stats.encoding, sizeof s->stats.encoding, "%s%s",
                         cs->encoding, cs->gzip ? ", gzip" : "");
                memcpy(s->stats.sha256, cs->sha256, sizeof cs->sha256);
                s->stats.invalid_utf8 = cs->invalid_utf8;
                s->stats.nul_bytes = cs->nul_bytes;
            } else {
                ef_sqlite_reader_sha256(s->db, s->stats.sha256);
                ef_sqlite_reader_counts(s->db, &s->stats.invalid_utf8,
                                        &s->stats.nul_bytes);
            }
            return EF_OK;
        }
        s->stats.rows_read++;
        used = make_item(s, &r, it, e);
        if (used < 0)
            return e->code;
        if (used) {
            s->stats.rows_used++;
            return EF_OK;
        }
    }
}

const ef_source_stats *ef_source_stats_get(const ef_source *s)
{
    return &s->stats;
}

void ef_source_free(ef_source *s)
{
    if (s == NULL)
        return;
    ef_csv_free(s->csv);
    ef_sqlite_reader_free(s->db);
    for (size_t i = 0; i < s->nheader; i++)
        free(s->header[i]);
    free(s->header);
    ef_buf_reset(&s->channel);
    free(s);
}
