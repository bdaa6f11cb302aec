/* test_xlsx.c - the workbook: cell text cleaning, hyperlinks, and whole
 * workbooks from a hand-built report model, written to build/test-xlsx/,
 * read back here (its XML, through unzip) and by tests/suites/xlsx.sh
 * with openpyxl:
 *
 *   t.xlsx, t2.xlsx  the same model and rows twice (byte-identical)
 *   split.xlsx       sheets cut at 4 rows: Data (2), Negative (2), ...
 *   nodata.xlsx      --no-data-sheet, no labels (no Calibration sheet)
 *   capped.xlsx      one input (no File column), the Negative sheet cut
 *                    at its 3 most negative items, with its note
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics/metrics.h"
#include "render/xlsx.h"
#include "test.h"

/* EF_STATIC in xlsx.c */
const char *xlsx_clean(const char *s, size_t n, ef_buf *b);
int xlsx_url_ok(const char *url);
int xlsx_text_lines(const char *text, double width, int max);
extern uint32_t xlsx_row_limit;
extern size_t xlsx_negative_rows;

#define DIR "build/test-xlsx"
#define CUT "\xe2\x80\xa6 [cut]"
#define CREATED 1736121600 /* 2025-01-06T00:00:00Z */

static char *long_text(size_t n);

/* ==== Cleaning ========================================================== */

static void test_clean_cases(void)
{
    static const struct {
        const char *in;
        size_t n; /* 0: strlen */
        const char *want;
        int same; /* the input is returned as is */
    } cases[] = {
        {"plain text", 0, "plain text", 1},
        {"=HYPERLINK(\"http://x\")", 0, "=HYPERLINK(\"http://x\")", 1},
        {"+1-2@3", 0, "+1-2@3", 1},
        {"tab\tand\nnewline", 0, "tab\tand\nnewline", 1},
        {"caf\xc3\xa9 \xf0\x9f\x98\x80", 0, "caf\xc3\xa9 \xf0\x9f\x98\x80", 1},
        {"ok \xef\xbf\xbd kept", 0, "ok \xef\xbf\xbd kept", 1},
        {"a\x01"
         "b\x1f"
         "c\x7f"
         "d",
         0,
         "abc\x7f"
         "d",
         0},
        {"crlf\r\nlone\rend", 0, "crlf\nlone\nend", 0},
        {"bad \xff\xfe end \xc3", 0,
         "bad \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd", 0},
        {"cut short \xef\xbfx \xef\xbf", 0,
         "cut short \xef\xbf\xbdx \xef\xbf\xbd", 0},
        {"surrogate \xed\xa0\x80!", 0,
         "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!", 0},
        {"nonchar \xef\xbf\xbe\xef\xbf\xbfx", 0, "nonchar x", 0},
        {"lit _x0041_ end", 0, "lit _x005F_x0041_ end", 0},
        {"_x00e9__xZZZZ_ _x12_", 0, "_x005F_x00e9__xZZZZ_ _x12_", 0},
        {"nul\0inside", 10, "nulinside", 0},
        {"\x01\x02", 0, "", 0},
    };
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].in);
        const char *got = xlsx_clean(cases[i].in, n, &b);
        char what[64];
        snprintf(what, sizeof what, "clean case %zu", i);
        STR_EQ(got, cases[i].want, what);
        INT_EQ(got == cases[i].in, cases[i].same, what);
    }
    ef_buf_reset(&b);
}

/* Counts UTF-16 code units of valid UTF-8. */
static size_t utf16_len(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80)
            n += *p >= 0xf0 ? 2 : 1;
    return n;
}

static void test_clean_cut(void)
{
    ef_buf b = EF_BUF_INIT;
    size_t n = 40000;
    char *s = malloc(4 * n + 1);
    const char *got;

    /* Exactly at the limit: kept whole. */
    memset(s, 'a', 32767);
    s[32767] = '\0';
    got = xlsx_clean(s, 32767, &b);
    OK(got == s, "32,767 characters are not cut");

    memset(s, 'a', n);
    s[n] = '\0';
    got = xlsx_clean(s, n, &b);
    INT_EQ(utf16_len(got), 32767, "cut at 32,767 code units");
    OK(strlen(got) > 9 && strcmp(got + strlen(got) - 9, CUT) == 0,
       "cut text ends with the marker");

    /* Astral characters count twice, and are never split. */
    for (size_t i = 0; i < 20000; i++)
        memcpy(s + 4 * i, "\xf0\x9f\x98\x80", 4);
    s[80000] = '\0';
    got = xlsx_clean(s, 80000, &b);
    OK(utf16_len(got) <= 32767, "emoji: within the limit");
    INT_EQ(strlen(got), 16380 * 4 + 9, "emoji: whole characters kept");

    /* The cut counts what Excel shows: an escaped "_x0041_" is 7. */
    for (size_t i = 0; i < 5000; i++)
        memcpy(s + 7 * i, "_x0041_", 7);
    s[35000] = '\0';
    got = xlsx_clean(s, 35000, &b);
    OK(strncmp(got, "_x005F_x0041_", 13) == 0, "escapes survive a cut");
    OK(strcmp(got + strlen(got) - 9, CUT) == 0, "escaped text is cut");
    free(s);
    ef_buf_reset(&b);
}

static void test_urls(void)
{
    static const struct {
        const char *url;
        int ok;
    } cases[] = {
        {"https://example.com/a?b=1&c=2#frag", 1},
        {"HTTP://EXAMPLE.COM/", 1},
        {"https://x.example/a%20b", 1},
        {"javascript:alert(1)", 0},
        {"external:c:\\windows\\calc.exe", 0},
        {"internal:Sheet1!A1", 0},
        {"file:///etc/passwd", 0},
        {"ftp://example.com/x", 0},
        {"https://example.com/a b", 0},
        {"https://example.com/\"quote", 0},
        {"https://example.com/caf\xc3\xa9", 0},
        {"https://example.com/\x01", 0},
        {"", 0},
    };
    char *longurl = malloc(2100);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "url case %zu", i);
        INT_EQ(xlsx_url_ok(cases[i].url), cases[i].ok, what);
    }
    memcpy(longurl, "https://x.example/", 18);
    memset(longurl + 18, 'a', 2079 - 18);
    longurl[2079] = '\0';
    INT_EQ(xlsx_url_ok(longurl), 1, "a 2,079-character URL is a link");
    longurl[2079] = 'a';
    longurl[2080] = '\0';
    INT_EQ(xlsx_url_ok(longurl), 0, "a 2,080-character URL is text");
    free(longurl);
}

/* Row heights: lines of wrapped text, estimated. */
static void test_lines(void)
{
    static const struct {
        const char *text;
        double width;
        int max, want;
    } cases[] = {
        {"", 70, 8, 1},
        {"short", 70, 8, 1},
        {"one\ntwo\nthree", 70, 8, 3},
        {"one\ntwo\nthree\nfour", 70, 3, 3},
        {"aaaa bbbb cccc dddd", 10, 8, 2}, /* 9 letters a line */
        {"aaaa bbbb cccc dddd eeee", 10, 8, 3},
    };
    /* Six wide characters are 12 columns: at least 3 lines of 4. */
    static const char cjk[] = "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
                              "\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97";
    char *big = long_text(40000);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "lines case %zu", i);
        INT_EQ(xlsx_text_lines(cases[i].text, cases[i].width, cases[i].max),
               cases[i].want, what);
    }
    OK(xlsx_text_lines(cjk, 6, 8) >= 3, "wide characters count twice");
    INT_EQ(xlsx_text_lines(big, 70, 8), 8, "a long text: at most max");
    INT_EQ(xlsx_text_lines(NULL, 70, 8), 1, "no text: one line");
    free(big);
}

/* ==== A model by hand =================================================== */

static ef_share mkshare(uint64_t k, uint64_t n, double lo, double hi)
{
    ef_share s = {k, n, n ? (double)k / (double)n : 0, lo, hi};
    return s;
}

static char *long_text(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = "terrible service "[i % 17];
    s[n] = '\0';
    return s;
}

/* A report with every section filled; free with ef_report_free. */
static ef_report *make_report(int labels)
{
    ef_report *r = calloc(1, sizeof *r);
    static const char *const labs[4] = {"2025-W02", "2025-W03", "2025-W04",
                                        "2025-W05"};
    static const char *const dates[4] = {"2025-01-06", "2025-01-13",
                                         "2025-01-20", "2025-01-27"};

    snprintf(r->scorer, sizeof r->scorer, "%s", EF_SCORER_VERSION);
    r->thr.neg_max = -0.05;
    r->thr.pos_min = 0.05;
    r->min_n = 30;
    snprintf(r->period_name, sizeof r->period_name, "week");
    snprintf(r->tz, sizeof r->tz, "UTC");
    r->generated = CREATED;
    r->has_expected = 1;
    r->expected_negative = 0.30;
    r->rows_read = 1240;
    r->rows_used = 1234;
    r->rows_rejected = 6;
    r->rejected[EF_REJECT_BAD_DATE] = 6;
    r->invalid_utf8 = 2;
    r->first_date = 1736150400; /* 2025-01-06T08:00:00Z */
    r->last_date = 1738300000;
    r->nfiles = 1;
    r->files = calloc(1, sizeof *r->files);
    r->files[0].path = strdup("samples/feedback.csv");
    r->files[0].kind = strdup("csv");
    r->files[0].encoding = strdup("UTF-8");
    r->files[0].sha256 = strdup(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    r->files[0].rows_read = 1240;
    r->files[0].rows_used = 1234;
    r->files[0].rows_rejected = 6;

    r->n = 1234;
    r->negative = mkshare(185, 1234, 0.1311, 0.1709);
    r->neutral = mkshare(420, 1234, 0.3142, 0.3672);
    r->positive = mkshare(629, 1234, 0.4818, 0.5375);
    r->strongly_negative = mkshare(41, 1234, 0.0245, 0.0448);
    r->net = (629.0 - 185.0) / 1234.0;
    r->net_excl_neutral = (629.0 - 185.0) / (629.0 + 185.0);
    r->nps = (ef_nps_stat){1, 400, 180, 120, 100, 20.0, 8.7};
    r->has_stars = 1;
    r->stars_n = 300;
    r->stars[0] = 30;
    r->stars[4] = 150;
    r->stars_mean = 3.9;
    r->stars_lo = 3.75;
    r->stars_hi = 4.05;
    r->csat = mkshare(210, 300, 0.65, 0.75);

    r->nperiods = 4;
    r->periods = calloc(4, sizeof *r->periods);
    for (int i = 0; i < 4; i++) {
        ef_period_stat *p = &r->periods[i];
        p->start = 1736121600 + (int64_t)i * 7 * 86400;
        snprintf(p->label, sizeof p->label, "%s", labs[i]);
        snprintf(p->date, sizeof p->date, "%s", dates[i]);
        p->n = i == 3 ? 20 : 400;
        p->count[EF_NEGATIVE] = i == 2 ? 120 : p->n / 10;
        p->count[EF_NEUTRAL] = p->n / 3;
        p->count[EF_POSITIVE] =
            p->n - p->count[EF_NEGATIVE] - p->count[EF_NEUTRAL];
        p->negative = mkshare(p->count[EF_NEGATIVE], p->n, 0.05, 0.35);
        p->too_few = i == 3;
        p->nps = (ef_nps_stat){1, 50, 20, 15, 15, 10.0 * i, 12};
        p->tested = i >= 1;
        p->baseline = 0.1;
        p->p_value = i == 2 ? 1e-9 : 0.4;
        p->spike = i == 2;
        if (i == 2) {
            p->terms[0] = strdup("battery");
            p->terms[1] = strdup("=cmd|' /C calc'!A0");
            p->nterms = 2;
        }
        if (labels) {
            p->adjusted = 1;
            p->adj = mkshare(0, 0, 0.1, 0.3);
            p->adj.share = 0.2;
        }
    }
    r->has_change = 1;
    r->change = -0.05;
    r->change_z = -1.2;
    r->change_p = 0.23;

    r->nchannels = 3;
    r->channels = calloc(3, sizeof *r->channels);
    {
        static const char *const names[3] = {"twitter", "reviews",
                                             "@evil=1+1"};
        static const uint64_t ns[3] = {800, 414, 20};
        for (int i = 0; i < 3; i++) {
            ef_group_stat *g = &r->channels[i];
            g->name = strdup(names[i]);
            g->n = ns[i];
            g->count[EF_NEGATIVE] = ns[i] / (4 + (uint64_t)i);
            g->count[EF_NEUTRAL] = ns[i] / 3;
            g->count[EF_POSITIVE] =
                ns[i] - g->count[EF_NEGATIVE] - g->count[EF_NEUTRAL];
            g->negative = mkshare(g->count[EF_NEGATIVE], ns[i], 0.1, 0.3);
            g->too_few = i == 2;
            g->nps.has = i == 0;
            g->nps.score = 12.5;
            g->nps.n = 200;
            g->has_response = 1;
            g->response_rate = 0.4;
            g->median_hours = i == 1 ? NAN : 5.5;
        }
    }
    r->segment_name = strdup("region");
    r->nsegments = 2;
    r->segments = calloc(2, sizeof *r->segments);
    r->segments[0].name = strdup("EU");
    r->segments[0].n = 700;
    r->segments[1].name = strdup("(none)");
    r->segments[1].n = 534;

    r->nthemes = 3;
    r->themes = calloc(3, sizeof *r->themes);
    r->themes[0] = (ef_theme){strdup("refund"), 40, 3, 6.5};
    r->themes[1] = (ef_theme){strdup("battery"), 33, 10, 4.25};
    r->themes[2] = (ef_theme){strdup("@SUM(1)"), 12, 1, 3.0};

    r->has_authors = 1;
    r->negative_authors = 150;
    r->top1_share = 0.05;
    r->top5_share = 0.12;
    r->top10_share = 0.2;
    r->repeat_authors = 4;
    r->anonymous_share = 0.1;
    r->terse_share = 0.4;
    r->abusive_share = 0.05;
    r->detailed_share = 0.55;
    r->has_response = 1;
    r->response_rate = 0.35;
    r->rate_by_class[EF_NEGATIVE] = 0.5;
    r->median_hours = 6.25;
    r->p90_hours = 30.5;
    r->responded = 432;
    r->has_turned = 1;
    r->turned_authors = 12;
    r->turned_after_response = 9;
    r->turned_share = 0.08;

    r->nrepair = 3;
    r->repair = calloc(3, sizeof *r->repair);
    {
        static const char *const texts[3] = {
            "=HYPERLINK(\"http://x\")", "Broken on arrival.\r\nNo refund!",
            NULL};
        static const char *const urls[3] = {"https://reviews.example/p/1",
                                            "javascript:alert(1)", ""};
        for (int i = 0; i < 3; i++) {
            ef_kept_item *k = &r->repair[i];
            k->text = texts[i] ? strdup(texts[i]) : long_text(40000);
            k->id = strdup(i == 0 ? "fb-1" : "fb-2");
            k->channel = strdup("reviews");
            k->author = strdup("-Jane");
            k->url = strdup(urls[i]);
            k->source = strdup("samples/feedback.csv");
            k->line = 10 + (uint64_t)i;
            k->date = 1736200000 + i * 3600;
            k->scores = (ef_scores){0.5, 0.5, 0, -0.9 + 0.1 * i};
            k->words = 4;
            k->priority = 3 - i;
        }
    }
    if (labels) {
        ef_calibration *c = &r->calib;
        c->has = 1;
        c->labeled = 300;
        uint64_t m[3][3] = {{60, 25, 5}, {10, 90, 10}, {5, 15, 80}};
        memcpy(c->confusion, m, sizeof m);
        c->tpr = 60.0 / 90.0;
        c->fpr = 15.0 / 210.0;
        c->raw_share = r->negative.share;
        c->adjusted.share = 0.21;
        c->adjusted.lo = 0.17;
        c->adjusted.hi = 0.25;
        c->adjusted_pos.share = 0.45;
        c->adjusted_pos.lo = 0.4;
        c->adjusted_pos.hi = 0.5;
        snprintf(c->method, sizeof c->method,
                 "post-stratified on the score (5 bins)");
        snprintf(c->note, sizeof c->note, "a note");
    }
    snprintf(r->headline, sizeof r->headline,
             "15.0%% of 1,234 feedback items were negative (95%% CI 13.1%% "
             "to 17.1%%), about a third of what leadership expected; half "
             "of it is terse venting and 5%% of negative authors wrote a "
             "fifth of it. =1+1 stays text.");
    return r;
}

/* ==== Rows ============================================================== */

/* The rows every test workbook gets (see tests/suites/xlsx.sh). */
typedef struct {
    const char *text;
    size_t len; /* 0: strlen */
    double compound;
    const char *url;
} row_spec;

static void add_rows(ef_xlsx *x, int *fails)
{
    static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    char *big = long_text(40000);
    const row_spec rows[] = {
        {"=HYPERLINK(\"http://x\")", 0, -0.5, ""},
        {"+1 and @SUM(A1) and -2", 0, 0.6, "https://x.example/1"},
        {"ctl\x01\x02 tab\there\r\nline", 0, 0.0, ""},
        {"bad \xff\xfe utf8 \xc3", 0, -0.2, "javascript:alert(1)"},
        {"lit _x0041_ end", 0, 0.1, ""},
        {big, 40000, -0.9, ""},
        {"nul\0inside", 10, 0.3, ""},
        {"worst", 0, -0.99, "https://x.example/worst"},
        {"tie first", 0, -0.2, ""},
        {"fine", 0, 0.4, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ef_item it;
        ef_scores sc = {0.1, 0.8, 0.1, rows[i].compound};
        ef_err e = {EF_OK, ""};

        memset(&it, 0, sizeof it);
        it.text = rows[i].text;
        it.text_len = rows[i].len ? rows[i].len : strlen(rows[i].text);
        it.date = 1736150400 + (int64_t)i * 86400 + 3600;
        it.id = i == 0 ? "=1+1" : "fb-x";
        it.channel = i % 2 ? "twitter" : "reviews";
        it.author = i == 1 ? "" : "@someone";
        it.url = rows[i].url;
        it.segment = "EU";
        it.rating = i == 2 ? 5 : 0;
        it.nps = i == 3 ? 0 : -1;
        it.responded_at = i == 4 ? it.date + 7200 : EF_NO_TIME;
        it.label = i < 3 ? (int)i : -1;
        it.source = "samples/feedback.csv";
        it.line = 2 + i;
        if (ef_xlsx_add_row(x, &it, &sc, ef_classify(sc.compound, &thr), &e) !=
            EF_OK) {
            fprintf(stderr, "add_row: %s\n", e.msg);
            (*fails)++;
        }
    }
    free(big);
}

/* Writes a workbook at path; returns its ef_status. */
static ef_status write_book(const char *path, int data, int labels)
{
    static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_xlsx_opts o = {data, CREATED, DIR, &thr, NULL, 1};
    ef_report *r = make_report(labels);
    ef_xlsx *x = NULL;
    ef_err e = {EF_OK, ""};
    ef_status rc;
    int fails = 0;

    if ((rc = ef_xlsx_open(path, &o, &x, &e)) == EF_OK) {
        add_rows(x, &fails);
        rc = ef_xlsx_finish(x, r, &e);
    }
    if (rc != EF_OK)
        fprintf(stderr, "write_book %s: %s\n", path, e.msg);
    INT_EQ(fails, 0, "rows added");
    ef_xlsx_free(x);
    ef_report_free(r);
    return rc;
}

static int same_bytes(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g, c, d;

    while (same) {
        c = getc(f);
        d = getc(g);
        if (c != d)
            same = 0;
        if (c == EOF || d == EOF)
            break;
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return same;
}

/* One input (no File column) and a Negative sheet of 3 rows: the 3 most
 * negative of the 5 negative rows add_rows gives. */
static void test_capped(void)
{
    static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_xlsx_opts o = {1, CREATED, DIR, &thr, NULL, 0};
    ef_report *r = make_report(0);
    ef_xlsx *x = NULL;
    ef_err e = {EF_OK, ""};
    size_t cap = xlsx_negative_rows;
    int fails = 0;

    xlsx_negative_rows = 3;
    INT_EQ(ef_xlsx_open(DIR "/capped.xlsx", &o, &x, &e), EF_OK,
           "capped opened");
    if (x) {
        add_rows(x, &fails);
        INT_EQ(ef_xlsx_finish(x, r, &e), EF_OK, "capped written");
    }
    INT_EQ(fails, 0, "capped rows added");
    ef_xlsx_free(x);
    x = NULL;
    /* without Data, and only the most negative rows given (as a report
     * from PostgreSQL does): the count comes from ef_xlsx_set_negatives */
    o.data_sheet = 0;
    INT_EQ(ef_xlsx_open(DIR "/capped_top.xlsx", &o, &x, &e), EF_OK,
           "capped_top opened");
    if (x) {
        add_rows(x, &fails);
        ef_xlsx_set_negatives(x, 2); /* fewer than added: kept */
        ef_xlsx_set_negatives(x, 12345);
        INT_EQ(ef_xlsx_finish(x, r, &e), EF_OK, "capped_top written");
    }
    ef_xlsx_free(x);
    ef_report_free(r);
    xlsx_negative_rows = cap;
}

/* ==== Reading a workbook back ========================================= */

/* Member name of the zip file at zip, through unzip(1), NUL-terminated
 * (free it); NULL when there is no such member. */
static char *zip_member(const char *zip, const char *name)
{
    char cmd[512], *out = NULL;
    size_t len = 0, cap = 0, k;
    FILE *p;

    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", zip, name);
    if ((p = popen(cmd, "r")) == NULL)
        return NULL;
    do {
        if (cap - len < 4096) {
            cap = cap ? 2 * cap : 65536;
            out = realloc(out, cap);
        }
        k = fread(out + len, 1, cap - len - 1, p);
        len += k;
    } while (k > 0);
    out[len] = '\0';
    if (pclose(p) != 0 || len == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The inline-string text of cell ref ("S1") in a sheet's XML, into out;
 * "" when the cell is not there. */
static void cell_text(const char *xml, const char *ref, char *out, size_t cap)
{
    char key[32];
    const char *c, *t, *end;

    out[0] = '\0';
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    if (xml == NULL || (c = strstr(xml, key)) == NULL ||
        (t = strstr(c, "<t>")) == NULL || (end = strstr(t, "</t>")) == NULL)
        return;
    t += 3;
    snprintf(out, cap, "%.*s", (int)(end - t), t);
}

/* The headers of the columns that chart XML's series take their values
 * from ("<c:val>...<c:f>Trend!$S$2:$S$5</c:f>"), in series order, joined
 * by "|" into out: the names tie a chart to the table's columns. */
static void chart_value_headers(const char *chart, const char *sheet_name,
                                const char *sheet_xml, char *out, size_t cap)
{
    const char *v = chart;

    out[0] = '\0';
    while (v && (v = strstr(v, "<c:val>")) != NULL) {
        char col[8], ref[16], head[64];
        const char *f = strstr(v, "<c:f>");
        size_t n = strlen(sheet_name);

        v += 7;
        if (f == NULL || strncmp(f + 5, sheet_name, n) != 0 ||
            sscanf(f + 5 + n, "!$%7[A-Z]$2", col) != 1)
            continue;
        snprintf(ref, sizeof ref, "%s1", col);
        cell_text(sheet_xml, ref, head, sizeof head);
        snprintf(out + strlen(out), cap - strlen(out), "%s%s",
                 out[0] ? "|" : "", head);
    }
}

/* What a workbook holds, read from its XML: the sheets in order, a
 * defined name, text that stays text (no formula anywhere), every row of
 * Data, and the Summary's charts drawn from the right columns. */
static void check_book(const char *path)
{
    static const char *const sheets[] = {
        "Summary",      "Trend",    "Channels", "Themes",      "Spikes",
        "Repair queue", "Negative", "Data",     "Calibration", "Method"};
    char *wb = zip_member(path, "xl/workbook.xml");
    char *summary = zip_member(path, "xl/worksheets/sheet1.xml");
    char *trend = zip_member(path, "xl/worksheets/sheet2.xml");
    char *channels = zip_member(path, "xl/worksheets/sheet3.xml");
    char *data = zip_member(path, "xl/worksheets/sheet8.xml");
    char *c1 = zip_member(path, "xl/charts/chart1.xml");
    char *c2 = zip_member(path, "xl/charts/chart2.xml");
    char got[512];
    const char *at = wb;

    OK(wb && summary && trend && channels && data && c1 && c2,
       "workbook parts there");
    for (size_t i = 0; at && i < sizeof sheets / sizeof sheets[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "<sheet name=\"%s\" sheetId=\"%zu\"",
                 sheets[i], i + 1);
        at = strstr(at, key);
        OK(at != NULL, sheets[i]);
    }
    OK(wb && strstr(wb, "<definedName name=\"negative_share\">Summary!$B$"),
       "negative_share names a Summary cell");
    OK(summary && strstr(summary, "=1+1 stays text.</t>"),
       "the headline, as text");
    OK(data && strstr(data, "<t>=HYPERLINK(\"http://x\")</t>"),
       "a formula-like text stays text");
    OK(data && strstr(data, "<row r=\"11\"") && !strstr(data, "<row r=\"12\""),
       "Data: the header and 10 rows");
    OK(summary && data && !strstr(summary, "<f>") && !strstr(data, "<f>"),
       "no formula in Summary or Data");
    chart_value_headers(c1, "Trend", trend, got, sizeof got);
    STR_EQ(got,
           "Chart: negative share|Chart: 95% CI low|Chart: 95% CI high|"
           "Chart: too few to call|VADER's share",
           "Summary's trend chart: Trend's chart columns");
    chart_value_headers(c2, "Channels", channels, got, sizeof got);
    /* the model's channels have no re-estimate: VADER's share */
    STR_EQ(got, "Negative share", "Summary's channel chart: the share");
    free(wb);
    free(summary);
    free(trend);
    free(channels);
    free(data);
    free(c1);
    free(c2);
}

static void test_workbooks(void)
{
    uint32_t limit = xlsx_row_limit;

    mkdir("build", 0777);
    mkdir(DIR, 0777);
    INT_EQ(write_book(DIR "/t.xlsx", 1, 1), EF_OK, "t.xlsx written");
    INT_EQ(write_book(DIR "/t2.xlsx", 1, 1), EF_OK, "t2.xlsx written");
    check_book(DIR "/t.xlsx");
    OK(same_bytes(DIR "/t.xlsx", DIR "/t2.xlsx"),
       "two writes give byte-identical files");
    INT_EQ(write_book(DIR "/nodata.xlsx", 0, 0), EF_OK, "nodata written");
    xlsx_row_limit = 4; /* a header and 3 rows per sheet */
    INT_EQ(write_book(DIR "/split.xlsx", 1, 1), EF_OK, "split written");
    xlsx_row_limit = limit;
    test_capped();
}

static void test_errors(void)
{
    static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_xlsx_opts o = {1, CREATED, DIR, &thr, NULL, 0};
    ef_xlsx *x = NULL;
    ef_err e = {EF_OK, ""};
    int fails = 0;

    /* An output folder that does not exist: a clear error, at open. */
    INT_EQ(ef_xlsx_open(DIR "/no/such/dir/x.xlsx", &o, &x, &e),
           EF_ERR_CANTCREAT, "missing folder: cannot create");
    OK(x == NULL, "missing folder: no handle");
    OK(strstr(e.msg, "no/such/dir/x.xlsx") != NULL, "message names the path");

    /* A temporary folder that does not exist. */
    e = (ef_err){EF_OK, ""};
    o.tmpdir = DIR "/no-such-tmp";
    INT_EQ(ef_xlsx_open(DIR "/bad-tmp.xlsx", &o, &x, &e), EF_ERR_CANTCREAT,
           "missing tmpdir: cannot create");
    OK(access(DIR "/bad-tmp.xlsx", F_OK) != 0, "missing tmpdir: no file");
    o.tmpdir = DIR;

    /* Given up half-way: no file is left, nothing leaks (ASan). */
    e = (ef_err){EF_OK, ""};
    INT_EQ(ef_xlsx_open(DIR "/abandoned.xlsx", &o, &x, &e), EF_OK,
           "abandoned: opened");
    add_rows(x, &fails);
    ef_xlsx_free(x);
    OK(access(DIR "/abandoned.xlsx", F_OK) != 0, "abandoned: removed");
    ef_xlsx_free(NULL);
}

void test_xlsx(void)
{
    test_clean_cases();
    test_clean_cut();
    test_urls();
    test_lines();
    test_workbooks();
    test_errors();
}
