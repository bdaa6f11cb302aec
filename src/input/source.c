/* source.c - feedback items from a CSV file or a SQLite database: reads
 * rows, maps columns, parses dates and numbers, and rejects (never drops)
 * the rows it cannot use. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"
#include "input/input.h"
#include "input/sniff.h"
#include "input/sqlite_source.h"
#include "util/text.h"

#define PREVIEW_BYTES (4u << 20) /* read ahead at most this (and a row) */

/* The columns a store (or an earlier export) uses for cached scores,
 * and a store for its cache of the texts' terms (a SQLite BLOB only). */
enum { C_NEG, C_NEU, C_POS, C_COMPOUND, C_SCORER, C_TERMS, C_CACHE_COUNT };
static const char *const cache_names[C_CACHE_COUNT] = {
    "neg", "neu", "pos", "compound", "scorer", "terms"};

/* A row as read: fields as text, and for SQLite their types. */
typedef struct {
    const char *const *field;
    const size_t *len;
    const int *type;   /* SQLite value types, or NULL for CSV */
    const double *num; /* SQLite numeric values, or NULL */
    size_t n;
    uint64_t line;
    int cut;          /* CSV: EF_CSV_CUT_* (the fields are what fitted) */
    uint64_t nfields; /* CSV: the fields the row had */
} row;

/* The first rows, read ahead at opening to be judged, then returned in
 * turn; an error met while reading ahead waits for its turn too. */
typedef struct {
    struct prow {
        size_t first, n; /* its fields: [first, first + n) */
        uint64_t line;
        int cut; /* as row.cut, row.nfields */
        uint64_t nfields;
    } * rows;
    size_t nrows, cap, next; /* next: the row to return */
    ef_buf bytes;            /* the fields, each NUL-terminated */
    size_t *off, *len;       /* per field */
    int *type;
    double *num;
    const char **ptr; /* per field, once all are read */
    size_t nf, fcap;
    int active; /* rows are returned from here */
    int eof;    /* the input ended among them */
    int failed; /* then came err */
    ef_err err;
} preview;

struct ef_source {
    ef_source_opts opts;
    ef_source_stats stats;
    ef_csv_reader *csv;
    ef_sqlite_reader *db;
    char **header;        /* column names (owned) */
    uint64_t header_line; /* CSV: the header's line */
    size_t nheader;
    ef_columns cols;
    int cache[C_CACHE_COUNT]; /* column of each, -1 if none */
    size_t *rj_len;           /* a rejected row's lengths, the terms'
                                 cache's blanked (reject) */
    ef_buf channel;           /* the trimmed channel of the item */
    ef_buf id;                /* its id, when unwrapped from ="..." */
    char detail[160];         /* the message of the current rejection */
    preview pv;
    row cur;                 /* the row of the item last returned */
    const char *date_format; /* given, sniffed (date_fmt) or NULL */
    const char *resp_format; /* the same for responded_at */
    char date_fmt[64], resp_fmt[64];
    int html_col; /* a channel column of HTML links, not taken, or -1 */
};

/* ==== Small parsers ===================================================== */

/* An integer in [lo, hi] ("4", "4.0", " 4 "); returns 0 or -1. */
static int parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
    char buf[32], *end;
    double v;

    s = ef_text_trim(s, &n);
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

/* A whole number at s: digits, then perhaps a fraction of zeros after a
 * point ("4.0", "4.00") or a comma ("4,0", "4,00": not "4,000", which
 * reads as four thousand where a comma groups thousands). Sets *v (at
 * most 1000) and returns the bytes read; 0 when s holds no digit first
 * or a fraction that is not zero ("4.5"). */
static size_t scan_whole(const char *s, size_t n, int *v)
{
    size_t i = 0, zeros = 0;

    *v = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        *v = *v >= 1000 ? 1000 : 10 * *v + (s[i] - '0');
    if (i == 0)
        return 0;
    if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
        size_t j = i + 1;
        for (; j < n && s[j] >= '0' && s[j] <= '9'; j++)
            if (s[j] != '0')
                return 0;
        zeros = j - i - 1;
        if (s[i] == ',' && zeros > 2)
            return 0;
        i = j;
    }
    return i;
}

/* The blanks (spaces, tabs) at s: their count. */
static size_t blanks(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Whether s starts with word w, in any ASCII case. */
static int word_at(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);

    return n >= k && strncasecmp(s, w, k) == 0;
}

/* "star" or "stars" at s, in any case: its length, or 0. */
static size_t star_word(const char *s, size_t n)
{
    if (word_at(s, n, "stars"))
        return 5;
    return word_at(s, n, "star") ? 4 : 0;
}

/* Stars drawn: a run of \u2605 (black) and \u2606 (white), five in all
 * when any is white, or of \u2b50 (the emoji, each perhaps with the
 * variation selector U+FE0F), blanks between allowed. Returns the black
 * (or emoji) stars, or -1 when s is not such a run. */
static int star_glyphs(const char *s, size_t n)
{
    static const char black[] = "\xe2\x98\x85", white[] = "\xe2\x98\x86",
                      emoji[] = "\xe2\xad\x90", vs16[] = "\xef\xb8\x8f";
    size_t i = 0;
    int filled = 0, empty = 0, emojis = 0;

    while (i < n) {
        i += blanks(s + i, n - i);
        if (i == n)
            break;
        if (n - i < 3)
            return -1;
        if (memcmp(s + i, black, 3) == 0) {
            filled++;
        } else if (memcmp(s + i, white, 3) == 0) {
            empty++;
        } else if (memcmp(s + i, emoji, 3) == 0) {
            emojis++;
            if (n - i >= 6 && memcmp(s + i + 3, vs16, 3) == 0)
                i += 3;
        } else {
            return -1;
        }
        i += 3;
    }
    if (emojis > 0)
        return filled + empty > 0 ? -1 : emojis; /* one kind per run */
    if (empty > 0 && filled + empty != 5)
        return -1;
    return filled + empty > 0 ? filled : -1;
}

/* A rating (stars set: 1 to 5 stars) or an NPS answer (0 to 10) in
 * [lo, hi], as survey and review tools export it: "4" (and what strtod
 * reads as a whole number: "4.0", "+4"), "4,0", "5 stars", "1 star",
 * "4/5", "4 / 5", "4 out of 5" (the denominator hi, never rescaled),
 * with stars also "4.0 out of 5 stars", "4/5 stars", and stars drawn
 * ("\u2605\u2605\u2605\u2606\u2606"); a number with a survey's label
 * after a dash ("0 - Not at all likely", "10 \u2013 Extremely likely":
 * - en or em dash, then a blank, then text that does not start with a
 * digit, as "9 - 10", a range, does). Anything else is -1: "4.5",
 * "5 stars!!", "8/10" for a rating. Returns 0 and sets *out, or -1. */
EF_STATIC int ef_source_parse_scale(const char *s, size_t n, int lo, int hi,
                                    int stars, int *out)
{
    size_t i, k, m;
    int v, d;

    if (parse_int(s, n, lo, hi, out) == 0)
        return 0; /* the plain forms, read as they always were */
    s = ef_text_trim(s, &n);
    if (stars && (v = star_glyphs(s, n)) >= 0)
        goto found;
    if ((i = scan_whole(s, n, &v)) == 0)
        return -1;
    k = blanks(s + i, n - i);
    if (i + k == n) /* "4,0" */
        goto found;
    i += k;
    if (stars && (k = star_word(s + i, n - i)) > 0) {
        i += k;
        goto end;
    }
    if (s[i] == '-' ||
        (n - i >= 3 && (memcmp(s + i, "\xe2\x80\x93", 3) == 0 ||
                        memcmp(s + i, "\xe2\x80\x94", 3) == 0))) {
        i += s[i] == '-' ? 1 : 3;
        if ((k = blanks(s + i, n - i)) == 0 || i + k == n ||
            (s[i + k] >= '0' && s[i + k] <= '9'))
            return -1;
        goto found;
    }
    if (s[i] == '/') {
        i++;
    } else if (word_at(s + i, n - i, "out") &&
               (k = blanks(s + i + 3, n - i - 3)) > 0 &&
               word_at(s + i + 3 + k, n - i - 3 - k, "of")) {
        i += 3 + k + 2;
        if (blanks(s + i, n - i) == 0)
            return -1;
    } else {
        return -1;
    }
    i += blanks(s + i, n - i);
    for (d = 0, k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        d = d >= 1000 ? 1000 : 10 * d + (s[i] - '0');
    if (i == k || d != hi)
        return -1;
    k = blanks(s + i, n - i);
    if (stars && (m = star_word(s + i + k, n - i - k)) > 0)
        i += k + m; /* "4.0 out of 5 stars" */
end:
    if (i != n)
        return -1;
found:
    if (v < lo || v > hi)
        return -1;
    *out = v;
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

    s = ef_text_trim(s, &n);
    for (size_t i = 0; i < EF_ARRAY_LEN(names); i++)
        if (strlen(names[i].name) == n &&
            strncasecmp(s, names[i].name, n) == 0)
            return names[i].cls;
    return -1;
}

/* ==== Reading rows ====================================================== */

/* The next row of the input itself. */
static ef_status read_raw(ef_source *s, row *r, int *eof, ef_err *e)
{
    ef_status rc;

    memset(r, 0, sizeof *r);
    *eof = 0;
    if (s->csv) {
        ef_csv_record rec;
        rc = ef_csv_next(s->csv, &rec, eof, e);
        r->field = rec.field;
        r->len = rec.len;
        r->n = rec.n;
        r->line = rec.line;
        r->cut = rec.cut;
        r->nfields = rec.nfields;
    } else {
        rc = ef_sqlite_reader_next(s->db, &r->field, &r->len, &r->type,
                                   &r->num, &r->line, eof, e);
        r->n = s->nheader;
    }
    return rc;
}

static void preview_free(preview *pv)
{
    free(pv->rows);
    ef_buf_reset(&pv->bytes);
    free(pv->off);
    free(pv->len);
    free(pv->type);
    free(pv->num);
    free(pv->ptr);
    memset(pv, 0, sizeof *pv);
}

/* Reads up to EF_SNIFF_ROWS rows ahead (or PREVIEW_BYTES, and a row),
 * copying them. An error is kept for its turn. */
static void preview_read(ef_source *s)
{
    preview *pv = &s->pv;

    pv->active = 1;
    pv->err.code = EF_OK;
    while (pv->nrows < EF_SNIFF_ROWS && pv->bytes.len < PREVIEW_BYTES) {
        struct prow *p;
        row r;
        int eof = 0;

        if (read_raw(s, &r, &eof, &pv->err) != EF_OK) {
            pv->failed = 1;
            break;
        }
        if (eof) {
            pv->eof = 1;
            break;
        }
        if (pv->nrows == pv->cap) {
            pv->cap = pv->cap ? 2 * pv->cap : 64;
            pv->rows = ef_xrealloc(pv->rows, pv->cap * sizeof *pv->rows);
        }
        if (pv->nf + r.n > pv->fcap) {
            pv->fcap = 2 * (pv->nf + r.n) + 64;
            pv->off = ef_xrealloc(pv->off, pv->fcap * sizeof(size_t));
            pv->len = ef_xrealloc(pv->len, pv->fcap * sizeof(size_t));
            pv->type = ef_xrealloc(pv->type, pv->fcap * sizeof(int));
            pv->num = ef_xrealloc(pv->num, pv->fcap * sizeof(double));
        }
        p = &pv->rows[pv->nrows++];
        p->first = pv->nf;
        p->n = r.n;
        p->line = r.line;
        p->cut = r.cut;
        p->nfields = r.nfields;
        for (size_t i = 0; i < r.n; i++, pv->nf++) {
            pv->off[pv->nf] = pv->bytes.len;
            pv->len[pv->nf] = r.len[i];
            pv->type[pv->nf] = r.type ? r.type[i] : EF_SQL_TEXT;
            pv->num[pv->nf] = r.num ? r.num[i] : 0;
            ef_buf_put(&pv->bytes, r.field[i], r.len[i]);
            ef_buf_putc(&pv->bytes, '\0');
        }
    }
    /* the bytes have stopped moving */
    pv->ptr = ef_xcalloc(pv->nf + 1, sizeof(char *));
    for (size_t i = 0; i < pv->nf; i++)
        pv->ptr[i] = pv->bytes.data + pv->off[i];
}

/* Row i of the preview. */
static void preview_row(const ef_source *s, size_t i, row *r)
{
    const preview *pv = &s->pv;
    const struct prow *p = &pv->rows[i];

    r->field = pv->ptr + p->first;
    r->len = pv->len + p->first;
    r->type = s->db ? pv->type + p->first : NULL;
    r->num = s->db ? pv->num + p->first : NULL;
    r->n = p->n;
    r->line = p->line;
    r->cut = p->cut;
    r->nfields = p->nfields;
}

/* The next row: from the preview while it lasts, then from the input. */
static ef_status next_row(ef_source *s, row *r, int *eof, ef_err *e)
{
    preview *pv = &s->pv;

    if (pv->active) {
        *eof = 0;
        if (pv->next < pv->nrows) {
            preview_row(s, pv->next++, r);
            return EF_OK;
        }
        if (pv->failed)
            return ef_fail(e, pv->err.code, "%s", pv->err.msg);
        if (pv->eof) {
            *eof = 1;
            return EF_OK;
        }
        preview_free(pv); /* its last row has been used */
    }
    return read_raw(s, r, eof, e);
}

/* ==== Judging the first rows ============================================ */

/* Appends a line to a notes buffer (cut short when full). */
static void add_line(char *buf, size_t cap, const char *fmt, ...)
    EF_PRINTF(3, 4);
static void add_line(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;

    if (n + 2 >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n - 1, fmt, ap);
    va_end(ap);
    n = strlen(buf);
    buf[n] = '\n';
    buf[n + 1] = '\0';
}

/* The non-empty text values of column col in the preview (SQLite
 * numbers left out when skip_numbers), at most EF_SNIFF_ROWS; with
 * content, a hash of each value's row content (date, channel, author,
 * text as given). Returns the count; free *v, *len and *content. */
static size_t column_values(const ef_source *s, int col, int skip_numbers,
                            const char ***v, size_t **len, uint64_t **content)
{
    const preview *pv = &s->pv;
    size_t n = 0;

    *v = ef_xcalloc(pv->nrows + 1, sizeof(char *));
    *len = ef_xcalloc(pv->nrows + 1, sizeof(size_t));
    if (content)
        *content = ef_xcalloc(pv->nrows + 1, sizeof(uint64_t));
    for (size_t i = pv->next; col >= 0 && i < pv->nrows; i++) {
        row r;
        size_t k;
        const char *x;

        preview_row(s, i, &r);
        if ((size_t)col >= r.n)
            continue;
        if (r.type && (r.type[col] == EF_SQL_NULL ||
                       (skip_numbers && (r.type[col] == EF_SQL_INT ||
                                         r.type[col] == EF_SQL_REAL))))
            continue;
        k = r.len[col];
        x = ef_text_trim(r.field[col], &k);
        if (k == 0)
            continue;
        (*v)[n] = x;
        (*len)[n] = k;
        if (content) {
            static const ef_field parts[] = {EF_F_DATE, EF_F_CHANNEL,
                                             EF_F_AUTHOR, EF_F_TEXT};
            uint64_t h = 0xcbf29ce484222325ULL;
            for (size_t p = 0; p < EF_ARRAY_LEN(parts); p++) {
                int c = s->cols.col[parts[p]];
                if (c < 0 || (size_t)c >= r.n)
                    continue;
                for (size_t b = 0; b < r.len[c]; b++)
                    h = (h ^ (unsigned char)r.field[c][b]) * 0x100000001b3ULL;
                h = (h ^ 0xff) * 0x100000001b3ULL; /* a field's end */
            }
            (*content)[n] = h;
        }
        n++;
    }
    return n;
}

/* Quotes a value for a message, shortened. */
static void quote_value(char *out, size_t cap, const char *v, size_t n)
{
    if (n > 40)
        snprintf(out, cap, "'%.37s...'", v);
    else
        snprintf(out, cap, "'%.*s'", (int)n, v);
}

/* 1 when r is Qualtrics' row of import ids: every non-empty field (and
 * there is one) a JSON object {"ImportId":...}. */
static int import_ids(const row *r)
{
    int any = 0;

    for (size_t i = 0; i < r->n; i++) {
        size_t k = r->len[i];
        const char *v = ef_text_trim(r->field[i], &k);

        if (k == 0)
            continue;
        if (k < 14 || strncmp(v, "{\"ImportId\":", 12) != 0 || v[k - 1] != '}')
            return 0;
        any = 1;
    }
    return any;
}

/* The first non-empty value of r, quoted (quote_value); out unchanged
 * when every value is empty. */
static void quote_first(char *out, size_t cap, const row *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->len[i] > 0) {
            quote_value(out, cap, r->field[i], r->len[i]);
            return;
        }
}

/* Qualtrics writes two rows below the header: the question texts
 * ("Start Date", "How likely are you..."), then the import ids as JSON
 * ({"ImportId":"QID1"}). They belong to the header: skipped, with a note,
 * when the second row after the header is such a row of import ids, the
 * first is not, both have the header's fields and the second starts
 * within 3 lines of the header. Their lines are no rows (rows_read does
 * not count them); the rows after them keep their lines. */
static void skip_qualtrics(ef_source *s)
{
    preview *pv = &s->pv;
    row q, j;
    char qt[64] = "''", jt[64];

    if (!s->csv || pv->nrows < 2)
        return;
    preview_row(s, 0, &q);
    preview_row(s, 1, &j);
    if (q.cut || j.cut || q.n != s->nheader || j.n != s->nheader ||
        j.line > s->header_line + 3 || !import_ids(&j) || import_ids(&q))
        return;
    pv->next = 2;
    quote_first(qt, sizeof qt, &q);
    quote_first(jt, sizeof jt, &j);
    add_line(s->stats.notes, sizeof s->stats.notes,
             "%s: lines %llu and %llu below the header (Qualtrics' question "
             "texts, such as %s, and import ids, such as %s) read as part "
             "of the header and skipped",
             s->stats.path, (unsigned long long)q.line,
             (unsigned long long)j.line, qt, jt);
}

/* Judges the form of column col's dates: sets *use to the format to read
 * them with (given, sniffed into buf, or NULL for the built-in forms). */
static ef_status sniff_dates(ef_source *s, int col, int hint, const char **use,
                             char *buf, size_t cap, int note, ef_err *e)
{
    const char **v;
    size_t *len, n;
    ef_date_sniff ds;
    ef_status rc = EF_OK;

    *use = s->opts.date_format;
    if (col < 0)
        return EF_OK;
    n = column_values(s, col, 1, &v, &len, NULL);
    if (n > 0) {
        ef_sniff_dates(v, len, n, s->opts.date_format, s->opts.tz, hint, &ds);
        if (ds.kind == EF_DATES_AMBIGUOUS || ds.kind == EF_DATES_UNREADABLE) {
            rc = ef_sniff_dates_fail(&ds, v, len, s->opts.tz, s->stats.path,
                                     s->header[col], e);
        } else if (ds.kind == EF_DATES_FORMAT && !ds.given) {
            snprintf(buf, cap, "%s", ds.format);
            *use = buf;
            if (note)
                add_line(s->stats.notes, sizeof s->stats.notes,
                         "%s: column '%s': dates read as --date-format '%s' "
                         "(%s), such as '%.*s'",
                         s->stats.path, s->header[col], ds.format, ds.form,
                         (int)(len[0] > 40 ? 40 : len[0]), v[0]);
        }
    }
    free(v);
    free(len);
    return rc;
}

/* Refuses a rating column most of whose first values are out of 1-5 but
 * within 0-10 (as an NPS answer reads them): a 1-10 rating or a 0-10
 * answer, whose every row above 5 would be rejected and the report cover
 * only the unhappy ones. A few such values are rejected rows, as ever. */
static ef_status sniff_ratings(ef_source *s, ef_err *e)
{
    const char **v;
    size_t *len, n, out = 0, ex[3];
    int col = s->cols.col[EF_F_RATING], x;
    ef_status rc = EF_OK;

    if (col < 0)
        return EF_OK;
    n = column_values(s, col, 0, &v, &len, NULL);
    for (size_t i = 0; i < n; i++)
        if (ef_source_parse_scale(v[i], len[i], 1, 5, 1, &x) != 0 &&
            ef_source_parse_scale(v[i], len[i], 0, 10, 0, &x) == 0 &&
            out++ < EF_ARRAY_LEN(ex))
            ex[out - 1] = i;
    if (2 * out > n) {
        char q[3][64];
        for (size_t i = 0; i < EF_ARRAY_LEN(q); i++)
            if (i < out)
                quote_value(q[i], sizeof q[i], v[ex[i]], len[ex[i]]);
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: column '%s': %zu of the first %zu ratings are "
                     "outside 1-5 but within 0-10, such as %s%s%s%s%s: "
                     "ratings are 1-5 stars, and every row above 5 would "
                     "be rejected. If they are 0-10 answers to 'how likely "
                     "are you to recommend', --map nps=%s reads them as "
                     "NPS; else %s",
                     s->stats.path, s->header[col], out, n, q[0],
                     out > 1 ? ", " : "", out > 1 ? q[1] : "",
                     out > 2 ? ", " : "", out > 2 ? q[2] : "", s->header[col],
                     s->db ? "leave the column out with --query"
                           : "rename the column in the file to leave it out");
    }
    free(v);
    free(len);
    return rc;
}

/* Whether the ids look mangled by a spreadsheet: then items are known by
 * their content, and a note says so. */
static void sniff_ids(ef_source *s)
{
    const char **v;
    size_t *len, n;
    uint64_t *content;
    char why[160];
    int col = s->cols.col[EF_F_ID];

    if (col < 0)
        return;
    n = column_values(s, col, 0, &v, &len, &content);
    if (ef_sniff_ids(v, len, content, n, why, sizeof why)) {
        s->stats.ids_ignored = 1;
        add_line(s->stats.notes, sizeof s->stats.notes,
                 "%s: column '%s' holds ids a spreadsheet has mangled (%s): "
                 "items are known by their date, channel, author and text "
                 "instead",
                 s->stats.path, s->header[col], why);
    }
    free(v);
    free(len);
    free(content);
}

/* 1 when v is an HTML link, <a ...>...</a>, as Twitter's API writes the
 * app a tweet was posted from. */
static int html_anchor(const char *v, size_t n)
{
    return n >= 8 && strncasecmp(v, "<a", 2) == 0 &&
           (v[2] == ' ' || v[2] == '\t' || v[2] == '>') &&
           strncasecmp(v + n - 4, "</a>", 4) == 0;
}

/* A channel column found by its name ("source") whose values are mostly
 * HTML links is the app the post was written in (Twitter's API:
 * <a href="http://twitter.com/download/iphone" ...>Twitter for
 * iPhone</a>), not where the feedback came from: it is not taken as the
 * channel, and a note says so. Its link text would read well, but as a
 * channel it would split one network's items by phone. --map
 * channel=COLUMN takes it all the same. */
static void sniff_channel(ef_source *s)
{
    const char **v;
    size_t *len, n, links = 0, ex = 0;
    int col = s->cols.col[EF_F_CHANNEL];

    if (col < 0 || s->cols.given[EF_F_CHANNEL])
        return;
    n = column_values(s, col, 1, &v, &len, NULL);
    for (size_t i = 0; i < n; i++)
        if (html_anchor(v[i], len[i]) && links++ == 0)
            ex = i;
    if (2 * links > n) {
        char q[64];
        const char *t = memchr(v[ex], '>', len[ex]); /* the link's text */

        t = t ? t + 1 : v[ex];
        quote_value(q, sizeof q, t, (size_t)(v[ex] + len[ex] - 4 - t));
        s->cols.col[EF_F_CHANNEL] = -1;
        s->stats.mapped[EF_F_CHANNEL] = 0;
        s->html_col = col;
        add_line(s->stats.notes, sizeof s->stats.notes,
                 "%s: column '%s' holds HTML links (%zu of the first %zu, "
                 "such as one to %s): the app a post was written in, not a "
                 "channel, so it is not read as the channel; --map "
                 "channel=%s reads it all the same",
                 s->stats.path, s->header[col], links, n, q, s->header[col]);
    }
    free(v);
    free(len);
}

/* Unused CSV columns that look like categories get a hint. (A SQLite
 * table's extra columns are its own business.) */
static void sniff_categories(ef_source *s)
{
    for (size_t c = 0; s->csv && c < s->nheader; c++) {
        const char **v;
        size_t *len, n, distinct;
        int used = s->cols.segment == (int)c || s->html_col == (int)c;
        int labels;

        for (int f = 0; f < EF_F_COUNT; f++)
            used |= s->cols.col[f] == (int)c;
        for (int k = 0; k < C_CACHE_COUNT; k++)
            used |= s->cache[k] == (int)c;
        if (used)
            continue;
        n = column_values(s, (int)c, 0, &v, &len, NULL);
        if (ef_sniff_category(v, len, n, &distinct, &labels)) {
            if (labels && s->cols.col[EF_F_LABEL] < 0)
                add_line(s->stats.hints, sizeof s->stats.hints,
                         "%s: column '%s' holds sentiment labels: --map "
                         "label=%s compares VADER with them",
                         s->stats.path, s->header[c], s->header[c]);
            else if (s->cols.col[EF_F_CHANNEL] < 0)
                add_line(s->stats.hints, sizeof s->stats.hints,
                         "%s: column '%s' (%zu values) is not used: "
                         "--segment %s breaks the report down by it, "
                         "--map channel=%s makes it the channel",
                         s->stats.path, s->header[c], distinct, s->header[c],
                         s->header[c]);
            else
                add_line(s->stats.hints, sizeof s->stats.hints,
                         "%s: column '%s' (%zu values) is not used: "
                         "--segment %s breaks the report down by it",
                         s->stats.path, s->header[c], distinct, s->header[c]);
        }
        free(v);
        free(len);
    }
}

/* An earful store records which fields its inputs had: a field whose
 * column is there only because the store always has it is not mapped
 * (so a report from the store says what a report from the CSV says). */
static void store_fields(ef_source *s)
{
    const char *t = s->opts.table;

    if (s->db == NULL || s->opts.query || (t && strcasecmp(t, "feedback")))
        return;
    for (int f = 0; f < EF_F_COUNT; f++)
        if (s->stats.mapped[f] &&
            ef_sqlite_reader_input_has(s->db, ef_field_name((ef_field)f)) == 0)
            s->stats.mapped[f] = 0;
}

/* ==== Opening =========================================================== */

/* What the CSV reader passed over before the header, and rows it found
 * joined by a lone CR, for people. */
static void csv_notes(ef_source *s)
{
    const ef_csv_stats *cs = ef_csv_stats_get(s->csv);

    if (cs->title_lines)
        add_line(s->stats.notes, sizeof s->stats.notes,
                 "%s: %llu line%s above the header ('%s'%s) read as a "
                 "title and skipped: the header is line %llu",
                 s->stats.path, (unsigned long long)cs->title_lines,
                 cs->title_lines == 1 ? "" : "s", cs->title,
                 cs->title_lines == 1 ? "" : "...",
                 (unsigned long long)s->header_line);
}

/* s's column names: its SQLite reader's. */
static void header_sqlite(ef_source *s)
{
    size_t k;
    const char *const *names = ef_sqlite_reader_names(s->db, &k);

    s->nheader = k;
    s->header = ef_xcalloc(k ? k : 1, sizeof(char *));
    for (size_t i = 0; i < k; i++)
        s->header[i] = ef_xstrdup(names[i]);
}

/* The cached scores' columns of a SQLite source are wanted as numbers
 * only (ef_sqlite_reader_number_only), the terms' as BLOBs. */
static void cache_columns(ef_source *s)
{
    for (int c = 0; s->db && c < C_CACHE_COUNT; c++) {
        if (s->cache[c] < 0 || c == C_SCORER)
            continue;
        if (c == C_TERMS)
            ef_sqlite_reader_blob_only(s->db, (size_t)s->cache[c]);
        else
            ef_sqlite_reader_number_only(s->db, (size_t)s->cache[c]);
    }
}

static ef_status read_header_csv(ef_source *s, const char *path, ef_err *e)
{
    ef_csv_record rec;
    int eof = 0;
    ef_status rc = ef_csv_next(s->csv, &rec, &eof, e);

    if (rc != EF_OK)
        return rc;
    if (eof)
        return ef_fail(e, EF_ERR_NOINPUT, "%s: empty file (no header row)",
                       path); /* as ef_csv_next says it */
    if (rec.cut & EF_CSV_CUT_FIELDS)
        return ef_fail(e, EF_ERR_PARSE,
                       "%s:%llu: the header has %llu columns, over the "
                       "limit of %d",
                       path, (unsigned long long)rec.line,
                       (unsigned long long)rec.nfields, EF_MAX_FIELDS);
    if (rec.cut)
        return ef_fail(e, EF_ERR_PARSE,
                       "%s:%llu: the header is longer than %d MiB", path,
                       (unsigned long long)rec.line, EF_MAX_ROW_MIB);
    s->header_line = rec.line;
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
    size_t i, k;

    s->opts = *opts;
    s->html_col = -1;
    snprintf(s->stats.path, sizeof s->stats.path, "%s", path);
    if (ef_sqlite_is_db(path)) {
        snprintf(s->stats.kind, sizeof s->stats.kind, "sqlite");
        snprintf(s->stats.encoding, sizeof s->stats.encoding, "UTF-8");
        rc = ef_sqlite_reader_open(path, opts->table, opts->query, &s->db, e);
        if (rc != EF_OK)
            goto fail;
        header_sqlite(s);
    } else {
        ef_csv_opts co = {opts->encoding, opts->delimiter,
                          (size_t)EF_MAX_ROW_MIB << 20, EF_MAX_FIELDS};
        snprintf(s->stats.kind, sizeof s->stats.kind, "csv");
        if ((rc = ef_csv_open(path, &co, &s->csv, e)) != EF_OK)
            goto fail;
        ef_csv_set_map(s->csv, opts->map);
        if ((rc = read_header_csv(s, path, e)) != EF_OK)
            goto fail;
        csv_notes(s);
    }
    rc = ef_columns_map((const char *const *)s->header, s->nheader, opts->map,
                        opts->segment, path, &s->cols, e);
    if (rc != EF_OK)
        goto fail;
    for (i = 0; i < EF_F_COUNT; i++)
        s->stats.mapped[i] = s->cols.col[i] >= 0;
    for (k = 0; k < C_CACHE_COUNT; k++) {
        s->cache[k] = -1;
        if (k == C_TERMS && !s->db)
            continue; /* a CSV's "terms" is the user's own column */
        for (i = 0; i < s->nheader && s->cache[k] < 0; i++) /* first wins */
            if (strcasecmp(s->header[i], cache_names[k]) == 0)
                s->cache[k] = (int)i;
    }
    cache_columns(s);
    store_fields(s);
    preview_read(s);
    skip_qualtrics(s);
    sniff_channel(s);
    if ((rc = sniff_dates(s, s->cols.col[EF_F_DATE], 0, &s->date_format,
                          s->date_fmt, sizeof s->date_fmt, 1, e)) != EF_OK ||
        (rc = sniff_dates(s, s->cols.col[EF_F_RESPONDED_AT],
                          ef_sniff_order(s->date_format), &s->resp_format,
                          s->resp_fmt, sizeof s->resp_fmt, 0, e)) != EF_OK)
        goto fail;
    snprintf(s->stats.date_format, sizeof s->stats.date_format, "%s",
             s->date_format ? s->date_format : "");
    if ((rc = sniff_ratings(s, e)) != EF_OK)
        goto fail;
    sniff_ids(s);
    sniff_categories(s);
    *out = s;
    return EF_OK;
fail:
    ef_source_free(s);
    *out = NULL;
    return rc;
}

/* ==== Rows to items ===================================================== */

/* Whether field c holds a value: a SQLite number (whose text may have
 * been spared, ef_sqlite_reader_number_only), or some text. */
static int has_value(const row *r, int c)
{
    if (r->type && (r->type[c] == EF_SQL_INT || r->type[c] == EF_SQL_REAL))
        return 1;
    return r->len[c] > 0;
}

/* Field c as a number: SQLite's, else its text read as one. */
static double number(const row *r, int c)
{
    if (r->type && r->num &&
        (r->type[c] == EF_SQL_INT || r->type[c] == EF_SQL_REAL))
        return r->num[c];
    return strtod(r->field[c], NULL);
}

/* Rejects the row: counts it, hands it to on_reject, and with --strict
 * makes it an error. */
static ef_status reject(ef_source *s, const row *r, ef_reject_reason why,
                        ef_err *e)
{
    ef_reject rj;

    if (s->db) /* a part reads only some columns: the row is written whole */
        ef_sqlite_reader_whole(s->db);
    rj = (ef_reject){
        s->stats.path, r->line, why,  s->detail,
        r->field,      r->len,  r->n, (const char *const *)s->header,
        s->nheader};
    /* the store's cache of the text's terms is bytes, not a field: made
     * again from the text, it is left out of rejected.csv */
    if (s->db && s->cache[C_TERMS] >= 0 && (size_t)s->cache[C_TERMS] < r->n) {
        s->rj_len = ef_xrealloc(s->rj_len, r->n * sizeof *s->rj_len);
        memcpy(s->rj_len, r->len, r->n * sizeof *s->rj_len);
        s->rj_len[s->cache[C_TERMS]] = 0;
        rj.len = s->rj_len;
    }

    s->stats.rows_rejected++;
    s->stats.rejected[why]++;
    if (s->opts.strict)
        return ef_fail(e, EF_ERR_PARSE, "%s:%llu: %s", s->stats.path,
                       (unsigned long long)r->line, s->detail);
    if (s->opts.on_reject)
        s->opts.on_reject(s->opts.reject_ctx, &rj);
    return EF_OK;
}

static int is_number(const row *r, int col)
{
    return r->type &&
           (r->type[col] == EF_SQL_INT || r->type[col] == EF_SQL_REAL);
}

/* Parses a date column with fmt; SQLite numbers are Unix seconds. */
static int get_time(const ef_source *s, const row *r, int col, const char *fmt,
                    int64_t *t, const char **why)
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
    return ef_datetime_parse(r->field[col], r->len[col], fmt, s->opts.tz, t,
                             NULL, why);
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
#define REJECT(reason, ...)                                                   \
    do {                                                                      \
        snprintf(s->detail, sizeof s->detail, __VA_ARGS__);                   \
        return reject(s, r, reason, e) == EF_OK ? 0 : -1;                     \
    } while (0)

    if (r->cut & EF_CSV_CUT_FIELDS) {
        char nf[32];
        ef_fmt_count(nf, sizeof nf, r->nfields);
        REJECT(EF_REJECT_TOO_BIG,
               "%s fields, over the limit of 10,000 (the "
               "first 10,000 are kept)",
               nf);
    }
    if (r->cut)
        REJECT(EF_REJECT_TOO_BIG,
               "row longer than %d MiB (its first %d MiB "
               "are kept)",
               EF_MAX_ROW_MIB, EF_MAX_ROW_MIB);
    if (r->n != s->nheader && s->csv)
        REJECT(EF_REJECT_FIELD_COUNT, "%zu fields, the header has %zu", r->n,
               s->nheader);
    memset(it, 0, sizeof *it);
    it->source = s->stats.path;
    it->line = r->line;

    n = LEN(EF_F_TEXT);
    v = ef_text_trim(FIELD(EF_F_TEXT), &n);
    if (n == 0)
        REJECT(EF_REJECT_NO_TEXT, "no text");
    it->text = FIELD(EF_F_TEXT);
    it->text_len = LEN(EF_F_TEXT);

    if (get_time(s, r, col[EF_F_DATE], s->date_format, &it->date, &why) != 0) {
        quote_value(q, sizeof q, FIELD(EF_F_DATE), LEN(EF_F_DATE));
        REJECT(EF_REJECT_BAD_DATE, "unparseable date %s (%s)", q,
               why ? why : "not a date");
    }

    it->rating = 0;
    n = LEN(EF_F_RATING);
    if (ef_text_trim(FIELD(EF_F_RATING), &n),
        n > 0 && ef_source_parse_scale(FIELD(EF_F_RATING), LEN(EF_F_RATING), 1,
                                       5, 1, &it->rating)) {
        quote_value(q, sizeof q, FIELD(EF_F_RATING), LEN(EF_F_RATING));
        REJECT(EF_REJECT_BAD_RATING, "rating %s is not 1-5", q);
    }
    it->nps = -1;
    n = LEN(EF_F_NPS);
    if (ef_text_trim(FIELD(EF_F_NPS), &n),
        n > 0 && ef_source_parse_scale(FIELD(EF_F_NPS), LEN(EF_F_NPS), 0, 10,
                                       0, &it->nps)) {
        quote_value(q, sizeof q, FIELD(EF_F_NPS), LEN(EF_F_NPS));
        REJECT(EF_REJECT_BAD_NPS, "nps %s is not 0-10", q);
    }
    it->responded_at = EF_NO_TIME;
    n = LEN(EF_F_RESPONDED_AT);
    ef_text_trim(FIELD(EF_F_RESPONDED_AT), &n);
    if (n > 0 &&
        !(r->type && r->type[col[EF_F_RESPONDED_AT]] == EF_SQL_NULL) &&
        get_time(s, r, col[EF_F_RESPONDED_AT], s->resp_format,
                 &it->responded_at, &why)) {
        quote_value(q, sizeof q, FIELD(EF_F_RESPONDED_AT),
                    LEN(EF_F_RESPONDED_AT));
        REJECT(EF_REJECT_BAD_RESPONDED_AT, "unparseable responded_at %s (%s)",
               q, why ? why : "not a date");
    }
    it->label = -1;
    n = LEN(EF_F_LABEL);
    ef_text_trim(FIELD(EF_F_LABEL), &n);
    if (n > 0 &&
        (it->label = ef_label_parse(FIELD(EF_F_LABEL), LEN(EF_F_LABEL))) < 0) {
        quote_value(q, sizeof q, FIELD(EF_F_LABEL), LEN(EF_F_LABEL));
        REJECT(EF_REJECT_BAD_LABEL,
               "label %s is not positive, neutral or negative", q);
    }

    /* channel: trimmed, spelled as written ("Twitter " and "twitter"
     * meet in the aggregator, which groups regardless of case) */
    n = LEN(EF_F_CHANNEL);
    v = ef_text_trim(FIELD(EF_F_CHANNEL), &n);
    ef_buf_clear(&s->channel);
    ef_buf_put(&s->channel, v, n);
    it->channel = ef_buf_cstr(&s->channel);
    /* an id forced to text by a spreadsheet's ="00123" is 00123, as
     * the same id exported plainly is */
    n = LEN(EF_F_ID);
    v = ef_text_unformula(FIELD(EF_F_ID), &n);
    if (s->stats.ids_ignored) {
        it->id = "";
    } else if (n == LEN(EF_F_ID)) {
        it->id = FIELD(EF_F_ID);
    } else {
        ef_buf_clear(&s->id);
        ef_buf_put(&s->id, v, n);
        it->id = ef_buf_cstr(&s->id);
    }
    it->author = FIELD(EF_F_AUTHOR);
    it->url = FIELD(EF_F_URL);
    it->segment = s->cols.segment >= 0 ? r->field[s->cols.segment] : "";

    /* cached scores count only when they come from this very scorer */
    if (s->opts.scorer && s->cache[C_SCORER] >= 0 &&
        s->cache[C_COMPOUND] >= 0 && s->cache[C_NEG] >= 0 &&
        s->cache[C_NEU] >= 0 && s->cache[C_POS] >= 0 &&
        strcmp(r->field[s->cache[C_SCORER]], s->opts.scorer) == 0 &&
        has_value(r, s->cache[C_COMPOUND])) {
        it->scores.neg = number(r, s->cache[C_NEG]);
        it->scores.neu = number(r, s->cache[C_NEU]);
        it->scores.pos = number(r, s->cache[C_POS]);
        it->scores.compound = number(r, s->cache[C_COMPOUND]);
        it->scored = 1;
    }
    if (s->db && s->cache[C_TERMS] >= 0 && r->len[s->cache[C_TERMS]] > 0) {
        it->terms = (const unsigned char *)r->field[s->cache[C_TERMS]];
        it->terms_len = r->len[s->cache[C_TERMS]];
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
        row r;
        int used;

        if ((rc = next_row(s, &r, eof, e)) != EF_OK)
            return rc;
        if (*eof) {
            if (s->csv) {
                const ef_csv_stats *cs = ef_csv_stats_get(s->csv);
                snprintf(s->stats.encoding, sizeof s->stats.encoding, "%s%s",
                         cs->encoding, cs->gzip ? ", gzip" : "");
                memcpy(s->stats.sha256, cs->sha256, sizeof cs->sha256);
                s->stats.invalid_utf8 = cs->invalid_utf8;
                s->stats.nul_bytes = cs->nul_bytes;
                if (cs->cr_rows)
                    add_line(s->stats.notes, sizeof s->stats.notes,
                             "%s: %llu row%s began after a lone CR (an old "
                             "Mac line end) inside a line, and %s read as "
                             "%s own",
                             s->stats.path, (unsigned long long)cs->cr_rows,
                             cs->cr_rows == 1 ? "" : "s",
                             cs->cr_rows == 1 ? "was" : "were",
                             cs->cr_rows == 1 ? "a row of its"
                                              : "rows of their");
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
        if (used && s->opts.leave_out &&
            s->opts.leave_out(s->opts.leave_ctx, it)) {
            s->stats.brand_posts++;
            continue;
        }
        if (used) {
            s->stats.rows_used++;
            s->cur = r;
            return EF_OK;
        }
    }
}

void ef_source_row(const ef_source *s, const char *const **field,
                   const size_t **len, size_t *n)
{
    *field = s->cur.field;
    *len = s->cur.len;
    *n = s->cur.n;
}

const char *const *ef_source_header(const ef_source *s, size_t *n)
{
    *n = s->nheader;
    return (const char *const *)s->header;
}

ef_status ef_source_reject(ef_source *s, ef_reject_reason why,
                           const char *detail, ef_err *e)
{
    snprintf(s->detail, sizeof s->detail, "%s", detail);
    s->stats.rows_used--;
    return reject(s, &s->cur, why, e);
}

void ef_source_drop_duplicate(ef_source *s)
{
    s->stats.rows_used--;
    s->stats.duplicates++;
}

int ef_source_ids_unique(ef_source *s)
{
    const char *t = s->opts.table;
    int col = s->cols.col[EF_F_ID];

    if (s->db == NULL || s->opts.query || (t && strcasecmp(t, "feedback")) ||
        col < 0 || strcasecmp(s->header[col], "id") != 0 ||
        s->stats.ids_ignored)
        return 0;
    /* a store's meta records its inputs' fields (-1: not a store), and
     * its table says that an id is there once: a table made to look like
     * a store, or one whose constraint was dropped, gets the set */
    return ef_sqlite_reader_input_has(s->db, "id") >= 0 &&
           ef_sqlite_reader_unique(s->db, t ? t : "feedback", s->header[col]);
}

int ef_source_has_rowids(ef_source *s)
{
    const char *t = s->opts.table;

    return s->db != NULL && !s->opts.query &&
           ef_sqlite_reader_has_rowid(s->db, t ? t : "feedback");
}

/* ==== Parts: a store's table read by several threads ================== */

/* A date format chosen for a source, for its part: the source's buffer
 * (sbuf) becomes the part's (pbuf). */
static const char *part_format(const char *f, const char *sbuf, char *pbuf,
                               size_t cap)
{
    if (f != sbuf)
        return f; /* the options' own, or NULL */
    snprintf(pbuf, cap, "%s", sbuf);
    return pbuf;
}

ef_status ef_source_part_open(const ef_source *s,
                              void (*on_reject)(void *, const ef_reject *),
                              void *reject_ctx, ef_source **out, ef_err *e)
{
    ef_source *p;
    ef_status rc;

    *out = NULL;
    if (s->db == NULL || s->opts.query)
        return ef_fail(e, EF_ERR_INTERNAL, "%s: only a table has parts",
                       s->stats.path);
    p = ef_xcalloc(1, sizeof *p);
    p->opts = s->opts;
    p->opts.on_reject = on_reject;
    p->opts.reject_ctx = reject_ctx;
    snprintf(p->stats.path, sizeof p->stats.path, "%s", s->stats.path);
    memcpy(p->stats.kind, s->stats.kind, sizeof p->stats.kind);
    memcpy(p->stats.encoding, s->stats.encoding, sizeof p->stats.encoding);
    memcpy(p->stats.mapped, s->stats.mapped, sizeof p->stats.mapped);
    p->stats.ids_ignored = s->stats.ids_ignored;
    rc = ef_sqlite_reader_open_ranged(s->stats.path, s->opts.table, &p->db, e);
    if (rc != EF_OK)
        goto fail;
    header_sqlite(p);
    if (p->nheader != s->nheader) { /* the table changed under us */
        rc = ef_fail(e, EF_ERR_NOINPUT,
                     "%s: the table changed while it was being read",
                     s->stats.path);
        goto fail;
    }
    p->cols = s->cols;
    memcpy(p->cache, s->cache, sizeof p->cache);
    cache_columns(p);
    /* the columns an item is made of, not those beside them */
    {
        unsigned char *want = ef_xcalloc(p->nheader + 1, 1);
        for (int f = 0; f < EF_F_COUNT; f++)
            if (p->cols.col[f] >= 0)
                want[p->cols.col[f]] = 1;
        if (p->cols.segment >= 0)
            want[p->cols.segment] = 1;
        for (int c = 0; c < C_CACHE_COUNT; c++)
            if (p->cache[c] >= 0)
                want[p->cache[c]] = 1;
        rc = ef_sqlite_reader_want(p->db, want, e);
        free(want);
        if (rc != EF_OK)
            goto fail;
    }
    p->date_format = part_format(s->date_format, s->date_fmt, p->date_fmt,
                                 sizeof p->date_fmt);
    p->resp_format = part_format(s->resp_format, s->resp_fmt, p->resp_fmt,
                                 sizeof p->resp_fmt);
    *out = p;
    return EF_OK;
fail:
    ef_source_free(p);
    return rc;
}

ef_status ef_source_part_rowids(ef_source *p, int64_t *min, int64_t *max,
                                int64_t *bytes, ef_err *e)
{
    return ef_sqlite_reader_rowids(p->db, min, max, bytes, e);
}

ef_status ef_source_part_range(ef_source *p, int64_t lo, int64_t hi, ef_err *e)
{
    return ef_sqlite_reader_range(p->db, lo, hi, e);
}

void ef_source_parts_stats(ef_source *s, ef_source *const *parts, size_t n,
                           ef_source_stats *out)
{
    *out = s->stats; /* what the opening judged */
    ef_sqlite_reader_sha256(s->db, out->sha256);
    /* what was read: the parts' (s read only its first rows, which its
     * parts read again) */
    out->rows_read = out->rows_used = out->rows_rejected = 0;
    out->invalid_utf8 = out->nul_bytes = out->duplicates = 0;
    out->brand_posts = 0;
    memset(out->rejected, 0, sizeof out->rejected);
    for (size_t i = 0; i < n; i++) {
        const ef_source_stats *ps = &parts[i]->stats;
        uint64_t bad, nul;
        ef_sqlite_reader_counts(parts[i]->db, &bad, &nul);
        out->rows_read += ps->rows_read;
        out->rows_used += ps->rows_used;
        out->rows_rejected += ps->rows_rejected;
        out->duplicates += ps->duplicates;
        out->brand_posts += ps->brand_posts;
        out->invalid_utf8 += bad;
        out->nul_bytes += nul;
        for (int r = 0; r < EF_REJECT_COUNT; r++)
            out->rejected[r] += ps->rejected[r];
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
    free(s->rj_len);
    preview_free(&s->pv);
    for (size_t i = 0; i < s->nheader; i++)
        free(s->header[i]);
    free(s->header);
    ef_buf_reset(&s->channel);
    ef_buf_reset(&s->id);
    free(s);
}
