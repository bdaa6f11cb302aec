/* sniff.c - what a source judges from the first rows of its input: the
 * form of the dates, mangled ids, category columns. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"
#include "input/sniff.h"
#include "util/strmap.h"

/* ==== Dates ============================================================= */

#define MIN_TIME 0            /* 1970-01-01T00:00:00Z */
#define MAX_TIME 4102444800LL /* 2100-01-01T00:00:00Z */
#define PROBES 16             /* values a reading must read one of */
#define FMT_MAX 64

typedef struct {
    char fmt[FMT_MAX]; /* "" for the built-in forms */
    const char *form;
    int order; /* 'd', 'm' or 0 */
    int twin;  /* the other order's candidate, or -1 */
} candidate;

/* Numeric dates: the order of day, month and year; each time after. */
static const struct {
    const char *pattern; /* '_' stands for the separator */
    const char *form;
    int order;
} numeric[] = {
    {"%d_%m_%Y", "day first", 'd'}, {"%m_%d_%Y", "month first", 'm'},
    {"%d_%m_%y", "day first", 'd'}, {"%m_%d_%y", "month first", 'm'},
    {"%Y_%m_%d", "year first", 0},
};
static const char seps[] = "-/.";
static const char *const times[] = {
    "",         " %H:%M",    " %H:%M:%S", " %H:%M:%S.%f", " %H:%M:%S %z",
    " %H.%M",   " %H.%M.%S", " %I:%M %p", " %I:%M:%S %p", "T%H:%M",
    "T%H:%M:%S"};

/* Dates with month names. */
static const struct {
    const char *fmt, *form;
} named[] = {
    {"%a %b %d %H:%M:%S %z %Y", "Twitter's form"},
    {"%a, %d %b %Y %H:%M:%S %z", "RFC 2822"},
    {"%a, %d %b %Y %H:%M:%S GMT", "RFC 2822"},
    {"%a, %d %b %Y %H:%M %z", "RFC 2822"},
    {"%d %b %Y %H:%M:%S %z", "RFC 2822"},
    {"%d %b %Y", "day, month name, year"},
    {"%d %b %Y %H:%M", "day, month name, year"},
    {"%d %b %Y %H:%M:%S", "day, month name, year"},
    {"%d-%b-%Y", "day, month name, year"},
    {"%d-%b-%Y %H:%M", "day, month name, year"},
    {"%d-%b-%Y %H:%M:%S", "day, month name, year"},
    {"%d-%b-%y", "day, month name, year"},
    {"%b %d, %Y", "month name, day, year"},
    {"%b %d, %Y %H:%M", "month name, day, year"},
    {"%b %d, %Y %I:%M %p", "month name, day, year"},
    {"%b %d, %Y %I:%M:%S %p", "month name, day, year"},
    {"%b %d %Y", "month name, day, year"},
};

#define NCANDIDATES                                                           \
    (1 + EF_ARRAY_LEN(numeric) * (sizeof seps - 1) * EF_ARRAY_LEN(times) +    \
     EF_ARRAY_LEN(named))

/* Every reading, the built-in forms first: ties go to the earlier. */
static size_t candidates(candidate *c)
{
    size_t n = 0;

    c[n++] = (candidate){"", "ISO 8601", 0, -1};
    for (size_t s = 0; s < sizeof seps - 1; s++)
        for (size_t d = 0; d < EF_ARRAY_LEN(numeric); d++)
            for (size_t t = 0; t < EF_ARRAY_LEN(times); t++) {
                candidate *x = &c[n];
                size_t k = 0;
                for (const char *p = numeric[d].pattern; *p; p++)
                    x->fmt[k++] = *p == '_' ? seps[s] : *p;
                snprintf(x->fmt + k, sizeof x->fmt - k, "%s", times[t]);
                x->form = numeric[d].form;
                x->order = numeric[d].order;
                /* day first and month first come in pairs */
                x->twin = x->order == 'd'   ? (int)(n + EF_ARRAY_LEN(times))
                          : x->order == 'm' ? (int)(n - EF_ARRAY_LEN(times))
                                            : -1;
                n++;
            }
    for (size_t i = 0; i < EF_ARRAY_LEN(named); i++) {
        snprintf(c[n].fmt, sizeof c[n].fmt, "%s", named[i].fmt);
        c[n].form = named[i].form;
        c[n].order = 0;
        c[n].twin = -1;
        n++;
    }
    return n;
}

/* 1 if fmt reads v as a date from 1970 to 2099. */
static int reads(const char *fmt, const char *v, size_t len, const ef_tz *tz,
                 int64_t *t)
{
    int64_t x;

    if (ef_datetime_parse(v, len, fmt && *fmt ? fmt : NULL, tz, &x, NULL,
                          NULL) != 0)
        return 0;
    if (t)
        *t = x;
    return x >= MIN_TIME && x < MAX_TIME;
}

static size_t count_reads(const char *fmt, const char *const *v,
                          const size_t *len, size_t n, const ef_tz *tz)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)reads(fmt, v[i], len[i], tz, NULL);
    return k;
}

/* The first values fmt cannot read, into out->bad. */
static void first_bad(const char *fmt, const char *const *v, const size_t *len,
                      size_t n, const ef_tz *tz, ef_date_sniff *out)
{
    out->nbad = 0;
    for (size_t i = 0; i < n && out->nbad < EF_ARRAY_LEN(out->bad); i++) {
        size_t k = 0;
        if (reads(fmt, v[i], len[i], tz, NULL))
            continue;
        while (k < out->nbad && (len[out->bad[k]] != len[i] ||
                                 memcmp(v[out->bad[k]], v[i], len[i]) != 0))
            k++;
        if (k == out->nbad) /* each bad value once */
            out->bad[out->nbad++] = i;
    }
}

int ef_sniff_order(const char *fmt)
{
    const char *d = fmt ? strstr(fmt, "%d") : NULL;
    const char *m = fmt ? strstr(fmt, "%m") : NULL;

    if (d == NULL || m == NULL)
        return 0;
    return d < m ? 'd' : 'm';
}

/* Finds the best reading: index into c, its count in *best_n. */
static int best_reading(const candidate *c, size_t nc, const char *const *v,
                        const size_t *len, size_t n, const ef_tz *tz,
                        size_t *counts, size_t *best_n)
{
    size_t probe = n < PROBES ? n : PROBES;
    int best = -1;

    *best_n = 0;
    for (size_t i = 0; i < nc; i++) {
        size_t hit = 0;
        counts[i] = 0;
        /* a reading that reads none of values spread over the sample
         * cannot read half of them: skip it */
        for (size_t k = 0; k < probe && !hit; k++) {
            size_t j = k * n / probe;
            hit = (size_t)reads(c[i].fmt, v[j], len[j], tz, NULL);
        }
        if (!hit)
            continue;
        counts[i] = count_reads(c[i].fmt, v, len, n, tz);
        if (counts[i] > *best_n) {
            *best_n = counts[i];
            best = (int)i;
        }
    }
    return best;
}

void ef_sniff_dates(const char *const *v, const size_t *len, size_t n,
                    const char *given, const ef_tz *tz, int hint,
                    ef_date_sniff *out)
{
    candidate *c = ef_xcalloc(NCANDIDATES, sizeof *c);
    size_t *counts = ef_xcalloc(NCANDIDATES, sizeof *counts);
    size_t nc = candidates(c), best_n = 0;
    int best;

    memset(out, 0, sizeof *out);
    out->n = n;
    out->form = "ISO 8601";
    if (given) {
        out->given = 1;
        out->read = count_reads(given, v, len, n, tz);
        snprintf(out->format, sizeof out->format, "%s", given);
        out->form = "--date-format";
        out->kind = EF_DATES_FORMAT;
        if (2 * out->read >= n)
            goto done;
        first_bad(given, v, len, n, tz, out);
        out->kind = EF_DATES_UNREADABLE;
        best = best_reading(c, nc, v, len, n, tz, counts, &best_n);
        if (best > 0 && best_n > out->read) {
            snprintf(out->alt, sizeof out->alt, "%s", c[best].fmt);
            out->guess_read = best_n;
        }
        goto done;
    }
    /* the common case costs one pass: every value is ISO or Unix time */
    out->read = count_reads(NULL, v, len, n, tz);
    if (out->read == n)
        goto done;
    best = best_reading(c, nc, v, len, n, tz, counts, &best_n);
    if (best < 0 || 2 * best_n < n) {
        out->kind = EF_DATES_UNREADABLE;
        out->read = best_n;
        first_bad(best >= 0 ? c[best].fmt : NULL, v, len, n, tz, out);
        if (best > 0) {
            snprintf(out->alt, sizeof out->alt, "%s", c[best].fmt);
            out->guess_read = best_n;
        }
        goto done;
    }
    out->read = best_n;
    out->form = c[best].form;
    if (best == 0) /* the built-in forms, with some bad values */
        goto done;
    out->kind = EF_DATES_FORMAT;
    if (c[best].twin >= 0 && counts[c[best].twin] == best_n) {
        const candidate *d =
            c[best].order == 'd' ? &c[best] : &c[c[best].twin];
        const candidate *m =
            c[best].order == 'd' ? &c[c[best].twin] : &c[best];
        if (hint == 'd' || hint == 'm') {
            best = (int)((hint == 'd' ? d : m) - c);
            out->form = c[best].form;
        } else {
            int64_t td, tm;
            out->kind = EF_DATES_AMBIGUOUS;
            snprintf(out->format, sizeof out->format, "%s", d->fmt);
            snprintf(out->alt, sizeof out->alt, "%s", m->fmt);
            for (size_t i = 0; i < n; i++)
                if (reads(d->fmt, v[i], len[i], tz, &td) &&
                    reads(m->fmt, v[i], len[i], tz, &tm)) {
                    out->example = i;
                    if (td != tm)
                        break;
                }
            goto done;
        }
    }
    snprintf(out->format, sizeof out->format, "%s", c[best].fmt);
done:
    free(c);
    free(counts);
}

/* "3 April 2025" */
static void long_date(int64_t t, const ef_tz *tz, char *out, size_t cap)
{
    static const char *const months[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    char d[EF_DATETIME_DATE_SIZE];
    int y, m, day;

    ef_datetime_format_date(t, tz, d);
    if (sscanf(d, "%d-%d-%d", &y, &m, &day) != 3 || m < 1 || m > 12)
        snprintf(out, cap, "%s", d);
    else
        snprintf(out, cap, "%d %s %d", day, months[m - 1], y);
}

/* Appends 'value' (cut to 40 bytes) to b. */
static void put_value(ef_buf *b, const char *v, size_t len)
{
    ef_buf_putc(b, '\'');
    if (len > 40) {
        ef_buf_put(b, v, 37);
        ef_buf_puts(b, "...");
    } else {
        ef_buf_put(b, v, len);
    }
    ef_buf_putc(b, '\'');
}

ef_status ef_sniff_dates_fail(const ef_date_sniff *s, const char *const *v,
                              const size_t *len, const ef_tz *tz,
                              const char *what, const char *column, ef_err *e)
{
    ef_buf b = EF_BUF_INIT;
    char d1[40], d2[40];
    int64_t t1 = 0, t2 = 0;

    ef_buf_printf(&b, "%s: column '%s': ", what, column);
    if (s->kind == EF_DATES_AMBIGUOUS) {
        reads(s->format, v[s->example], len[s->example], tz, &t1);
        reads(s->alt, v[s->example], len[s->example], tz, &t2);
        long_date(t1, tz, d1, sizeof d1);
        long_date(t2, tz, d2, sizeof d2);
        ef_buf_puts(&b, "dates like ");
        put_value(&b, v[s->example], len[s->example]);
        ef_buf_printf(&b,
                      " read two ways (no day or month in the first %zu is "
                      "above 12): %s with --date-format '%s' (day first), "
                      "or %s with --date-format '%s' (month first)",
                      s->n, d1, s->format, d2, s->alt);
    } else {
        if (s->given)
            ef_buf_printf(&b,
                          "--date-format '%s' reads only %zu of the first "
                          "%zu dates, not ",
                          s->format, s->read, s->n);
        else
            ef_buf_printf(&b,
                          "%zu of the first %zu dates cannot be read, "
                          "such as ",
                          s->n - s->read, s->n);
        for (size_t i = 0; i < s->nbad; i++) {
            if (i)
                ef_buf_puts(&b, ", ");
            put_value(&b, v[s->bad[i]], len[s->bad[i]]);
        }
        if (s->guess_read)
            ef_buf_printf(&b,
                          "; the nearest form is --date-format '%s' "
                          "(reads %zu)",
                          s->alt, s->guess_read);
        else
            ef_buf_puts(&b, "; name their form with --date-format "
                            "(strptime-like, e.g. '%d.%m.%Y %H:%M')");
    }
    ef_fail(e, EF_ERR_PARSE, "%s", ef_buf_cstr(&b));
    ef_buf_reset(&b);
    return e->code;
}

/* ==== Ids =============================================================== */

/* "5.70301E+17", "1.2e9", "-3E-02" */
static int is_scientific(const char *s, size_t n)
{
    size_t i = 0;

    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i >= n || !isdigit((unsigned char)s[i]))
        return 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i < n && (s[i] == '.' || s[i] == ',')) /* a decimal comma too */
        for (i++; i < n && isdigit((unsigned char)s[i]); i++)
            ;
    if (i >= n || (s[i] != 'E' && s[i] != 'e'))
        return 0;
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i >= n || !isdigit((unsigned char)s[i]))
        return 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    return i == n;
}

/* A number of 16 or more digits: 1, and 2 when every digit after the
 * 15th is 0 (a spreadsheet keeps 15 significant digits). */
static int long_number(const char *s, size_t n)
{
    if (n < 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    for (size_t i = 15; i < n; i++)
        if (s[i] != '0')
            return 1;
    return 2;
}

int ef_sniff_ids(const char *const *v, const size_t *len,
                 const uint64_t *content, size_t n, char *why, size_t cap)
{
    size_t sci = 0, longs = 0, cut = 0, shared = 0, first_sci = 0,
           first_cut = 0, first_shared = 0;
    ef_strmap *seen = ef_strmap_new();
    uint64_t *first = ef_xcalloc(n + 1, sizeof *first);
    int mangled = 0;

    for (size_t i = 0; i < n; i++) {
        int added, l;
        size_t k;

        if (is_scientific(v[i], len[i]) && sci++ == 0)
            first_sci = i;
        if ((l = long_number(v[i], len[i])) > 0) {
            longs++;
            if (l == 2 && cut++ == 0)
                first_cut = i;
        }
        k = ef_strmap_get_or_add(seen, v[i], len[i], ef_strmap_count(seen),
                                 &added);
        if (added)
            first[k] = content[i];
        else if (first[k] != content[i] && shared++ == 0)
            first_shared = i;
    }
    if (n > 0 && 2 * sci > n) {
        snprintf(why, cap, "in scientific notation, such as '%.*s'",
                 (int)(len[first_sci] > 40 ? 40 : len[first_sci]),
                 v[first_sci]);
        mangled = 1;
    } else if (longs >= 10 && 10 * cut >= 9 * longs) {
        snprintf(why, cap, "cut to 15 significant digits, such as '%.*s'",
                 (int)(len[first_cut] > 40 ? 40 : len[first_cut]),
                 v[first_cut]);
        mangled = 1;
    } else if (n >= 10 && 2 * shared > n) {
        snprintf(why, cap,
                 "shared by rows of other content (%zu of the first %zu, "
                 "such as '%.*s')",
                 shared, n,
                 (int)(len[first_shared] > 40 ? 40 : len[first_shared]),
                 v[first_shared]);
        mangled = 1;
    }
    ef_strmap_free(seen);
    free(first);
    return mangled;
}

/* ==== Categories ======================================================== */

static int is_number(const char *s, size_t n)
{
    char buf[64], *end;

    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    strtod(buf, &end);
    return end != buf && *end == '\0';
}

int ef_sniff_category(const char *const *v, const size_t *len, size_t n,
                      size_t *distinct, int *labels)
{
    ef_strmap *seen;
    size_t numbers = 0, dates = 0;
    int64_t t;
    int added;

    *distinct = 0;
    *labels = 0;
    if (n < 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        numbers += (size_t)is_number(v[i], len[i]);
        dates +=
            ef_datetime_parse(v[i], len[i], NULL, NULL, &t, NULL, NULL) == 0;
    }
    if (2 * numbers > n || 2 * dates > n)
        return 0;
    seen = ef_strmap_new();
    *labels = 1;
    for (size_t i = 0; i < n && ef_strmap_count(seen) <= 50; i++) {
        ef_strmap_get_or_add(seen, v[i], len[i], ef_strmap_count(seen),
                             &added);
        if (ef_label_parse(v[i], len[i]) < 0)
            *labels = 0;
    }
    *distinct = ef_strmap_count(seen);
    ef_strmap_free(seen);
    return *distinct >= 2 && *distinct <= 50 && 2 * *distinct <= n;
}
