/* test_chart.c - the charts, drawn from report models built by hand: the
 * expected set of charts, PNGs that decode at 2x with pixels that vary,
 * SVGs with title and desc, identical bytes across renders, and edge
 * cases (one period, one channel, all neutral, no NPS, 1,000 periods,
 * long channel names, spikes, no periods). Outputs stay under
 * build/test-charts/ for tests/suites/charts.sh (xmllint) and for eyes. */
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "metrics/metrics.h"
#include "render/chart.h"
#include "render/png.h"
#include "test.h"

#define OUT "build/test-charts"
#define FONT "fonts/DejaVuSans.ttf"

/* ==== Building models ================================================== */

static uint64_t rng_state;

static double rnd(void) /* uniform [0, 1), deterministic */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static uint64_t binom(uint64_t n, double p) /* normal approximation */
{
    double u1 = rnd() + 1e-12, u2 = rnd();
    double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
    double k = n * p + z * sqrt(n * p * (1 - p));
    if (k < 0)
        k = 0;
    if (k > (double)n)
        k = (double)n;
    return (uint64_t)llround(k);
}

static ef_share share(uint64_t k, uint64_t n)
{
    ef_share s = {k, n, 0, 0, 1};
    double z = EF_Z95, p, c, h;
    if (n == 0)
        return s;
    p = (double)k / (double)n;
    c = (p + z * z / (2.0 * n)) / (1 + z * z / n);
    h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
    s.share = p;
    s.lo = k == 0 ? 0 : c - h;
    s.hi = k == n ? 1 : c + h;
    return s;
}

static void nps_fill(ef_nps_stat *s, uint64_t pro, uint64_t pas, uint64_t det)
{
    double m, p, d;
    s->n = pro + pas + det;
    s->has = s->n > 0;
    s->promoters = pro;
    s->passives = pas;
    s->detractors = det;
    if (!s->n)
        return;
    m = (double)s->n;
    p = pro / m;
    d = det / m;
    s->score = 100 * (p - d);
    s->moe = 1.96 * 100 * sqrt((p + d - (p - d) * (p - d)) / m);
}

static int64_t days_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy -
           719468;
}

static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100),
            mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static ef_report *new_report(int kind)
{
    ef_report *r = calloc(1, sizeof *r);
    r->thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    r->min_n = 30;
    r->period_kind = kind;
    strcpy(r->period_name, kind == EF_PERIOD_DAY     ? "day"
                           : kind == EF_PERIOD_MONTH ? "month"
                                                     : "week");
    return r;
}

/* Period i's start, label and date: weeks from Monday 2024-04-01, days
 * from 2024-04-01, months from 2022-04. */
static void period_dates(ef_report *r, ef_period_stat *p, size_t i)
{
    int64_t day;
    int y, m, d;
    if (r->period_kind == EF_PERIOD_MONTH) {
        int mm = 3 + (int)i;
        day = days_civil(2022 + mm / 12, mm % 12 + 1, 1);
    } else {
        day = days_civil(2024, 4, 1) +
              (int64_t)i * (r->period_kind == EF_PERIOD_WEEK ? 7 : 1);
    }
    p->start = day * 86400 - 7200; /* a zone at UTC+2 */
    civil(day, &y, &m, &d);
    snprintf(p->date, sizeof p->date, "%04d-%02d-%02d", y, m, d);
    if (r->period_kind == EF_PERIOD_DAY) {
        snprintf(p->label, sizeof p->label, "%s", p->date);
    } else if (r->period_kind == EF_PERIOD_MONTH) {
        snprintf(p->label, sizeof p->label, "%04d-%02d", y, m);
    } else {
        int64_t th = day + 3; /* Thursday of that ISO week */
        int ty, tm, td;
        civil(th, &ty, &tm, &td);
        snprintf(p->label, sizeof p->label, "%04d-W%02d", ty,
                 (int)((th - days_civil(ty, 1, 1)) / 7 + 1));
    }
}

/* Fills a period's counts from n items with these class shares. */
static void period_counts(ef_report *r, ef_period_stat *p, uint64_t n,
                          double neg, double pos)
{
    p->n = n;
    p->count[EF_NEGATIVE] = binom(n, neg);
    p->count[EF_POSITIVE] = binom(n - p->count[EF_NEGATIVE], pos / (1 - neg));
    p->count[EF_NEUTRAL] = n - p->count[EF_NEGATIVE] - p->count[EF_POSITIVE];
    p->negative = share(p->count[EF_NEGATIVE], n);
    p->too_few = n < r->min_n;
}

/* The totals, shares and histogram from the periods (or given counts). */
static void totals(ef_report *r, uint64_t neg, uint64_t neu, uint64_t pos)
{
    for (size_t i = 0; i < r->nperiods; i++) {
        neg += r->periods[i].count[EF_NEGATIVE];
        neu += r->periods[i].count[EF_NEUTRAL];
        pos += r->periods[i].count[EF_POSITIVE];
    }
    r->n = neg + neu + pos;
    r->negative = share(neg, r->n);
    r->neutral = share(neu, r->n);
    r->positive = share(pos, r->n);
    /* negatives spread over -1 .. -0.05, neutrals mostly at 0, positives
     * over 0.05 .. 1 leaning high */
    for (int b = 0; b < 19; b++)
        r->hist[b] = neg * (uint64_t)(2 + b % 5 + (b > 10 ? 3 : 0)) / 95;
    r->hist[19] = neu / 12;
    r->hist[20] = neu - neu / 12;
    for (int b = 21; b < 40; b++)
        r->hist[b] = pos * (uint64_t)(1 + (b - 21) / 3) / 57;
}

static void channel(ef_report *r, const char *name, uint64_t n, double neg)
{
    ef_group_stat *g = &r->channels[r->nchannels++];
    g->name = (char *)name;
    g->n = n;
    g->count[EF_NEGATIVE] = binom(n, neg);
    g->count[EF_POSITIVE] = (n - g->count[EF_NEGATIVE]) / 2;
    g->count[EF_NEUTRAL] = n - g->count[EF_NEGATIVE] - g->count[EF_POSITIVE];
    g->negative = share(g->count[EF_NEGATIVE], n);
    g->too_few = n < r->min_n;
}

static char *terms_crisis[] = {"outage", "refund", "down", "support", "wait"};
static char *terms_price[] = {"price", "increase", "cancel"};

/* 52 weeks of a brand: a crisis in week 20 (an outage), a price increase
 * in week 41, NPS answers, ratings, 6 channels, labels for calibration. */
static ef_report *realistic(void)
{
    ef_report *r = new_report(EF_PERIOD_WEEK);
    size_t n = 52;
    uint64_t pro = 0, pas = 0, det = 0;

    rng_state = 42;
    r->periods = calloc(n, sizeof *r->periods);
    r->nperiods = n;
    for (size_t i = 0; i < n; i++) {
        ef_period_stat *p = &r->periods[i];
        double neg = 0.115 + 0.01 * sin(i / 5.0), pos = 0.52;
        uint64_t m = 18000 + (uint64_t)(2500 * sin(i / 8.0)) + i * 60;
        period_dates(r, p, i);
        if (i == 20) {
            neg = 0.31;
            m = 41000;
        } else if (i == 21) {
            neg = 0.17;
            m = 26000;
        } else if (i == 41) {
            neg = 0.16;
        }
        period_counts(r, p, m, neg, pos);
        p->tested = i >= 8;
        p->baseline = 0.115;
        p->spike = i == 20 || i == 41;
        if (i == 20) {
            memcpy(p->terms, terms_crisis, sizeof terms_crisis);
            p->nterms = 5;
        } else if (i == 41) {
            memcpy(p->terms, terms_price, sizeof terms_price);
            p->nterms = 3;
        }
        {
            uint64_t a = 400 + i * 3, d = binom(a, i == 20 ? 0.4 : 0.22);
            uint64_t pr = binom(a - d, 0.58);
            nps_fill(&p->nps, pr, a - d - pr, d);
            pro += pr;
            pas += a - d - pr;
            det += d;
        }
        p->adjusted = 1;
        p->adj = p->negative;
        p->adj.share = p->negative.share * 1.55;
    }
    totals(r, 0, 0, 0);
    nps_fill(&r->nps, pro, pas, det);
    r->has_stars = 1;
    r->stars[0] = 9120;
    r->stars[1] = 5210;
    r->stars[2] = 8730;
    r->stars[3] = 21800;
    r->stars[4] = 31640;
    r->stars_n = 76500;
    r->stars_mean = 3.84;
    r->stars_lo = 3.83;
    r->stars_hi = 3.85;
    r->csat = share(r->stars[3] + r->stars[4], r->stars_n);
    r->calib.has = 1;
    r->calib.labeled = 1200;
    r->calib.adjusted = share(0, 1);
    r->calib.adjusted.share = r->negative.share * 1.55;
    r->channels = calloc(6, sizeof *r->channels);
    channel(r, "twitter", 412330, 0.168);
    channel(r, "app store reviews", 301772, 0.094);
    channel(r, "facebook", 150004, 0.131);
    channel(r, "support chat (after-hours escalation queue)", 61221, 0.142);
    channel(r, "survey", 9630, 0.061);
    channel(r, "forum", 22, 0.3);
    return r;
}

static void report_free(ef_report *r)
{
    free(r->periods);
    free(r->channels);
    free(r);
}

/* ==== Checks ========================================================== */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Renders r into OUT/name (twice, checking identical bytes), checks each
 * chart, the list of charts drawn ("a,b,c") and the titles given as
 * {chart, title} pairs ending with NULL: the finding, computed. */
static void render_case(const char *name, const ef_report *r, const char *want,
                        const char *const *titles)
{
    char dir[256], dir2[256], got[256] = "", path[512], path2[512];
    ef_chart_set cs, cs2;
    ef_err e = {0}, e2 = {0};
    ef_status st;

    snprintf(dir, sizeof dir, OUT "/%s", name);
    snprintf(dir2, sizeof dir2, OUT "/%s.again", name);
    mkdir(OUT, 0777);
    mkdir(dir, 0777);
    mkdir(dir2, 0777);
    st = ef_chart_render_all(r, dir, FONT, &cs, &e);
    INT_EQ(st, EF_OK, name);
    if (st != EF_OK) {
        fprintf(stderr, "  %s\n", e.msg);
        return;
    }
    for (size_t i = 0; i < cs.n; i++) {
        const ef_chart *c = &cs.items[i];
        cairo_surface_t *img;
        size_t l1 = 0, l2 = 0;
        char *svg;

        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s",
                 i ? "," : "", c->name);
        OK(c->title && *c->title && c->desc && *c->desc, "title and desc");
        snprintf(path, sizeof path, "%s/charts/%s.png", dir, c->name);
        STR_EQ(c->png + 7, path + strlen(dir) + 8, "png path");
        img = cairo_image_surface_create_from_png(path);
        INT_EQ(cairo_surface_status(img), CAIRO_STATUS_SUCCESS, path);
        if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
            int w = cairo_image_surface_get_width(img);
            int h = cairo_image_surface_get_height(img);
            int stride = cairo_image_surface_get_stride(img);
            const unsigned char *px = cairo_image_surface_get_data(img);
            size_t distinct = 0, nonwhite = 0;
            uint32_t seen[64];
            INT_EQ(w, 2 * c->width, "PNG width is 2x");
            INT_EQ(h, 2 * c->height, "PNG height is 2x");
            for (int y = 0; y < h; y += 3)
                for (int x = 0; x < w; x += 3) {
                    uint32_t v;
                    memcpy(&v, px + (size_t)y * stride + (size_t)x * 4, 4);
                    v &= 0xFFFFFF;
                    nonwhite += v != 0xFFFFFF;
                    if (distinct < 64) {
                        size_t k = 0;
                        while (k < distinct && seen[k] != v)
                            k++;
                        if (k == distinct)
                            seen[distinct++] = v;
                    }
                }
            OK(distinct >= 8 && nonwhite > 200, "PNG is not blank");
        }
        cairo_surface_destroy(img);
        snprintf(path, sizeof path, "%s/charts/%s.svg", dir, c->name);
        svg = slurp(path, &l1);
        OK(svg != NULL, "SVG written");
        if (svg) {
            OK(strncmp(svg, "<?xml", 5) == 0, "SVG: XML declaration");
            /* the file: plain colours; the page's: CSS variables */
            OK(strstr(svg, "var(--ef-") == NULL, "SVG file: plain colours");
            OK(strstr(svg, "data-ef-text-px") == NULL, "SVG file: no data-");
            free(svg);
        }
        OK(strncmp(c->svg_inline, "<svg", 4) == 0, "inline starts <svg");
        OK(strstr(c->svg_inline, "var(--ef-ffffff,#ffffff)") != NULL &&
               strstr(c->svg_inline, "prefers-color-scheme: dark") != NULL,
           "inline: colours as CSS variables, dark values");
        {
            /* every text at least the note size, on both drawings */
            const char *px = strstr(c->svg_inline, "data-ef-text-px=\"");
            const char *pn = c->svg_narrow
                                 ? strstr(c->svg_narrow, "data-ef-text-px=\"")
                                 : NULL;
            OK(px && atof(px + 17) >= 10.5, "inline: smallest text");
            OK(pn && atof(pn + 17) >= 10.5, "narrow: smallest text");
        }
        OK(c->svg_narrow && strstr(c->svg_narrow, "width=\"360px\"") &&
               strstr(c->svg_narrow, "<title id=\"ef-") &&
               strstr(c->svg_narrow, "-n-title\""),
           "narrow drawing, ids its own");
        OK(strstr(c->svg_inline, "<title id=\"ef-") != NULL, "<title>");
        OK(strstr(c->svg_inline, "<desc id=\"ef-") != NULL, "<desc>");
        OK(strstr(c->svg_inline, "id=\"surface") == NULL &&
               strstr(c->svg_inline, "id=\"glyph") == NULL,
           "ids prefixed per chart");
        (void)l2;
    }
    STR_EQ(got, want, name);
    for (size_t t = 0; titles && titles[t]; t += 2) {
        const char *title = NULL;
        for (size_t i = 0; i < cs.n; i++)
            if (strcmp(cs.items[i].name, titles[t]) == 0)
                title = cs.items[i].title;
        STR_EQ(title, titles[t + 1], titles[t]);
    }

    /* a second render: the same bytes */
    st = ef_chart_render_all(r, dir2, FONT, &cs2, &e2);
    INT_EQ(st, EF_OK, "second render");
    if (st == EF_OK) {
        INT_EQ(cs2.n, cs.n, "second render: same charts");
        for (size_t i = 0; i < cs.n && i < cs2.n; i++)
            for (int k = 0; k < 2; k++) {
                const char *ext = k ? "svg" : "png";
                size_t l1, l2;
                char *a, *b;
                snprintf(path, sizeof path, "%s/charts/%s.%s", dir,
                         cs.items[i].name, ext);
                snprintf(path2, sizeof path2, "%s/charts/%s.%s", dir2,
                         cs.items[i].name, ext);
                a = slurp(path, &l1);
                b = slurp(path2, &l2);
                OK(a && b && l1 == l2 && memcmp(a, b, l1) == 0, path2);
                free(a);
                free(b);
            }
        ef_chart_set_free(&cs2);
    }
    ef_chart_set_free(&cs);
}

/* ==== The PNG writer ================================================== */

/* The chart's way of calling it: a cairo RGB24 surface at 192 dpi. */
static void png_encode(cairo_surface_t *sf, ef_buf *out)
{
    ef_png_encode_rgb24(cairo_image_surface_get_data(sf),
                        cairo_image_surface_get_width(sf),
                        cairo_image_surface_get_height(sf),
                        cairo_image_surface_get_stride(sf), 7559, out);
}

typedef struct {
    const unsigned char *p;
    size_t len, at;
} png_reader;

static cairo_status_t png_read(void *closure, unsigned char *data,
                               unsigned int len)
{
    png_reader *rd = closure;
    if (rd->at + len > rd->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, rd->p + rd->at, len);
    rd->at += len;
    return CAIRO_STATUS_SUCCESS;
}

/* The image data of a PNG, inflated by zlib (which checks Adler-32). */
static int png_inflate(const unsigned char *p, size_t len, size_t want)
{
    size_t at = 8;
    unsigned char *raw = malloc(want + 1);
    uLongf got = (uLongf)want + 1;
    int ok = 0;
    while (at + 12 <= len) {
        uint32_t n = (uint32_t)p[at] << 24 | (uint32_t)p[at + 1] << 16 |
                     (uint32_t)p[at + 2] << 8 | p[at + 3];
        if (memcmp(p + at + 4, "IDAT", 4) == 0) {
            ok = uncompress(raw, &got, p + at + 8, n) == Z_OK && got == want;
            break;
        }
        at += 12 + n;
    }
    free(raw);
    return ok;
}

/* Encodes a surface, decodes it with libpng (through cairo) and with
 * zlib, and compares every pixel. */
static void png_roundtrip(const char *what, cairo_surface_t *sf)
{
    ef_buf png = EF_BUF_INIT;
    png_reader rd;
    cairo_surface_t *back;
    int w = cairo_image_surface_get_width(sf);
    int h = cairo_image_surface_get_height(sf);

    cairo_surface_flush(sf);
    png_encode(sf, &png);
    OK(png_inflate((const unsigned char *)png.data, png.len,
                   (size_t)h * ((size_t)w * 3 + 1)),
       what);
    rd = (png_reader){(const unsigned char *)png.data, png.len, 0};
    back = cairo_image_surface_create_from_png_stream(png_read, &rd);
    INT_EQ(cairo_surface_status(back), CAIRO_STATUS_SUCCESS, what);
    if (cairo_surface_status(back) == CAIRO_STATUS_SUCCESS) {
        int diff = 0;
        INT_EQ(cairo_image_surface_get_width(back), w, what);
        INT_EQ(cairo_image_surface_get_height(back), h, what);
        for (int y = 0; y < h && !diff; y++) {
            const uint32_t *a =
                (const uint32_t
                     *)(const void *)(cairo_image_surface_get_data(sf) +
                                      (size_t)y *
                                          cairo_image_surface_get_stride(sf));
            const uint32_t *b =
                (const uint32_t *)(const void
                                       *)(cairo_image_surface_get_data(back) +
                                          (size_t)y *
                                              cairo_image_surface_get_stride(
                                                  back));
            for (int x = 0; x < w && !diff; x++)
                diff = (a[x] & 0xFFFFFF) != (b[x] & 0xFFFFFF);
        }
        OK(!diff, what);
    }
    cairo_surface_destroy(back);
    ef_buf_reset(&png);
}

static void case_png_writer(void)
{
    static const int sizes[][2] = {{1, 1}, {37, 23}, {300, 7}, {1201, 40}};
    for (size_t k = 0; k < EF_ARRAY_LEN(sizes); k++) {
        int w = sizes[k][0], h = sizes[k][1];
        cairo_surface_t *sf =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        unsigned char *d = cairo_image_surface_get_data(sf);
        int stride = cairo_image_surface_get_stride(sf);
        cairo_t *cr;

        /* noise: every byte a literal */
        rng_state = 100 + k;
        cairo_surface_flush(sf);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint32_t v = (uint32_t)(rnd() * 16777216.0);
                memcpy(d + (size_t)y * stride + (size_t)x * 4, &v, 4);
            }
        cairo_surface_mark_dirty(sf);
        png_roundtrip("PNG writer: noise", sf);
        /* flat colour, runs of every length around 258, repeated rows,
         * antialiased shapes and text-like edges */
        cr = cairo_create(sf);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        for (int i = 0; i < 40; i++) {
            cairo_set_source_rgb(cr, rnd(), rnd(), rnd());
            cairo_rectangle(cr, rnd() * w, rnd() * h, 80 + i * 7 % 200,
                            rnd() * 9);
            cairo_fill(cr);
            cairo_arc(cr, rnd() * w, rnd() * h, rnd() * 6, 0, 6.3);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0.84, 0.37, 0);
        cairo_rectangle(cr, 0, 0, w > 259 ? 259.0 / 3 : w, 1);
        cairo_rectangle(cr, 0, 1 % h, w > 261 ? 261.0 / 3 : w, 1);
        cairo_fill(cr);
        cairo_destroy(cr);
        png_roundtrip("PNG writer: shapes", sf);
        cairo_surface_destroy(sf);
    }
}

/* ==== Cases =========================================================== */

static void case_one_period(void)
{
    ef_report *r = new_report(EF_PERIOD_WEEK);
    rng_state = 1;
    r->periods = calloc(1, sizeof *r->periods);
    r->nperiods = 1;
    period_dates(r, &r->periods[0], 0);
    period_counts(r, &r->periods[0], 1234, 0.12, 0.5);
    totals(r, 0, 0, 0);
    r->channels = calloc(1, sizeof *r->channels);
    channel(r, "reviews", 1234, 0.12);
    static const char *const titles[] = {
        "trend_volume",
        "1,234 items in week 2024-W14",
        "trend_negative",
        "Negative share was 11% in week 2024-W14",
        "channels",
        "Negative share for reviews is 11%",
        NULL};
    render_case("one-period", r,
                "trend_volume,trend_negative,channels,distribution", titles);
    report_free(r);
}

static void case_all_neutral(void)
{
    ef_report *r = new_report(EF_PERIOD_DAY);
    r->periods = calloc(7, sizeof *r->periods);
    r->nperiods = 7;
    for (size_t i = 0; i < 7; i++) {
        ef_period_stat *p = &r->periods[i];
        period_dates(r, p, i);
        p->n = p->count[EF_NEUTRAL] = 50 + i * 7;
        p->negative = share(0, p->n);
    }
    totals(r, 0, 0, 0);
    memset(r->hist, 0, sizeof r->hist);
    r->hist[20] = r->n;
    r->channels = calloc(1, sizeof *r->channels);
    channel(r, "(none)", r->n, 0);
    static const char *const titles[] = {
        "trend_negative", "No item scored negative", "distribution",
        "All feedback scores neutral", NULL};
    render_case("all-neutral", r, "trend_volume,trend_negative,distribution",
                titles);
    report_free(r);
}

static void case_thousand_days(void)
{
    ef_report *r = new_report(EF_PERIOD_DAY);
    size_t n = 1000;
    rng_state = 7;
    r->periods = calloc(n, sizeof *r->periods);
    r->nperiods = n;
    for (size_t i = 0; i < n; i++) {
        ef_period_stat *p = &r->periods[i];
        uint64_t m =
            i % 7 >= 5 ? 20 + i % 13 : 300 + (uint64_t)(100 * sin(i / 30.0));
        period_dates(r, p, i);
        period_counts(r, p, m, (i % 211 == 100) ? 0.4 : 0.1 + i / 20000.0,
                      0.5);
        p->spike = i % 211 == 100 && !p->too_few;
        if (p->spike) {
            p->terms[0] = terms_crisis[i % 5];
            p->nterms = 1;
        }
        nps_fill(&p->nps, 20 + i % 5, 10, 12);
    }
    totals(r, 0, 0, 0);
    nps_fill(&r->nps, 22000, 10000, 12000);
    static const char *const titles[] = {
        "trend_negative",
        "Negative share rose from 10% to 16%, with 3 spikes (highest: "
        "2025-02-06, 42%)",
        "trend_volume", "Volume held steady at about 250 items a day", NULL};
    render_case("thousand-days", r,
                "trend_volume,trend_negative,distribution,nps", titles);
    report_free(r);
}

/* Three years of weeks with a gap of missing weeks, a few quiet weeks
 * and calibration without per-week estimates (one adjusted line). */
static void case_three_years(void)
{
    ef_report *r = new_report(EF_PERIOD_WEEK);
    size_t n = 0;
    static const char *const titles[] = {
        "trend_negative", "Negative share stayed near 7.9%", NULL};
    rng_state = 11;
    r->periods = calloc(156, sizeof *r->periods);
    for (size_t i = 0; i < 156; i++) {
        ef_period_stat *p = &r->periods[n];
        if (i >= 60 && i < 66) /* no data for six weeks */
            continue;
        period_dates(r, p, i);
        period_counts(r, p, i % 17 == 3 ? 12 : 2000, 0.08, 0.6);
        n++;
    }
    r->nperiods = n;
    totals(r, 0, 0, 0);
    r->calib.has = 1;
    r->calib.labeled = 300;
    r->calib.adjusted = share(0, 1);
    r->calib.adjusted.share = 0.19;
    render_case("three-years", r, "trend_volume,trend_negative,distribution",
                titles);
    report_free(r);
}

static void case_long_names(void)
{
    static const char *names[] = {
        "a channel whose name goes on and on well past any sensible width",
        "\xE7\xA4\xBE\xE4\xBA\xA4\xE5\xAA\x92\xE4\xBD\x93 (Weibo)",
        "bad \xFF utf-8 and a\ttab", "x", "<script>&amp;</script>"};
    char wide[128] = "x", want_wide[256] = "Negative share is highest for x";
    const char *const titles[] = {
        "trend_negative",
        "Negative share fell from 19% to 11%",
        "channels",
        want_wide,
        "stars",
        "Only 10 ratings: too few to call (average 5.0 of 5)",
        NULL};
    ef_report *r = new_report(EF_PERIOD_MONTH);
    size_t n = 36;
    char(*extra)[16] = calloc(40, sizeof *extra);

    for (int i = 0; i < 39; i++)
        strcat(wide, "\xE5\xBE\xAE");
    for (int i = 0; i < 28; i++) /* 30 with the x and the "…" */
        strcat(want_wide, "\xE5\xBE\xAE");
    strcat(want_wide, "\xE2\x80\xA6 (30%) and lowest for segment 15 (8.7%)");
    rng_state = 9;
    r->periods = calloc(n, sizeof *r->periods);
    r->nperiods = n;
    for (size_t i = 0; i < n; i++) {
        period_dates(r, &r->periods[i], i);
        period_counts(r, &r->periods[i], 900 + i * 40, 0.2 - i * 0.003, 0.4);
    }
    totals(r, 0, 0, 0);
    r->channels = calloc(46, sizeof *r->channels);
    /* the highest share, with a name of 40 characters (39 of 3 bytes):
     * the title cuts it to 30, never inside a character */
    channel(r, wide, 6000, 0.3);
    for (size_t i = 0; i < 5; i++)
        channel(r, names[i], 5000 - i * 700, 0.1 + 0.02 * (double)i);
    for (size_t i = 0; i < 40; i++) {
        snprintf(extra[i], sizeof extra[i], "segment %zu", i);
        channel(r, extra[i], 900 - i * 20, 0.15);
    }
    r->has_stars = 1;
    r->stars_n = 10;
    r->stars[4] = 10;
    r->stars_mean = 5;
    r->stars_lo = r->stars_hi = 5;
    r->csat = share(10, 10);
    render_case("long-names", r,
                "trend_volume,trend_negative,channels,distribution,stars",
                titles);
    report_free(r);
    free(extra);
}

static void case_no_periods(void)
{
    ef_report *r = new_report(EF_PERIOD_WEEK);
    totals(r, 10, 20, 30);
    r->channels = calloc(2, sizeof *r->channels);
    channel(r, "email", 40, 0.2);
    channel(r, "chat", 20, 0.1);
    nps_fill(&r->nps, 3, 2, 1);
    static const char *const titles[] = {
        "nps",
        "Only 6 NPS answers: too few to call (NPS +33 \xC2\xB1"
        "60)",
        NULL};
    render_case("no-periods", r, "channels,distribution,nps", titles);
    report_free(r);
}

static void case_errors(void)
{
    ef_report *r = new_report(EF_PERIOD_WEEK);
    ef_chart_set cs = {NULL, 0};
    ef_err e = {0};
    totals(r, 10, 20, 30);
    INT_EQ(ef_chart_render_all(r, OUT, "fonts/no-such-font.ttf", &cs, &e),
           EF_ERR_CHART, "missing font: EF_ERR_CHART");
    OK(strstr(e.msg, "no-such-font.ttf") != NULL, "names the font");
    INT_EQ(cs.n, 0, "no charts on error");
    memset(&e, 0, sizeof e);
    INT_EQ(ef_chart_render_all(r, "/nonexistent/dir", FONT, &cs, &e),
           EF_ERR_CANTCREAT, "unwritable dir: EF_ERR_CANTCREAT");
    OK(strstr(e.msg, "/nonexistent/dir/charts") != NULL, "names the dir");
    ef_chart_set_free(&cs);
    ef_chart_set_free(NULL);
    report_free(r);
}

static void case_realistic(void)
{
    ef_report *r = realistic();
    static const char *const titles[] = {
        "trend_volume",
        "Volume peaked in week 2024-W34 at 41,000 items, 2.1\xC3\x97 a "
        "typical week",
        "trend_negative",
        "Negative share stayed near 18%, except weeks 2024-W34 and 2025-W03",
        "channels",
        "Negative share is highest for twitter (17%) and lowest for survey "
        "(6.1%)",
        "distribution",
        "Most feedback scores positive: 52% positive, 35% neutral, 13% "
        "negative",
        "nps",
        "NPS is +23 (\xC2\xB1"
        "1), with a low of \xE2\x88\x92"
        "3 in week "
        "2024-W34",
        "stars",
        "Average rating 3.8 of 5; 70% gave 4 or 5 stars",
        NULL};
    render_case("realistic", r,
                "trend_volume,trend_negative,channels,distribution,nps,stars",
                titles);
    report_free(r);
}

void test_chart(void)
{
    case_png_writer();
    case_realistic();
    case_one_period();
    case_all_neutral();
    case_thousand_days();
    case_long_names();
    case_three_years();
    case_no_periods();
    case_errors();
}

/* ==== Dark mode ======================================================= */

unsigned dark_colour(unsigned c); /* EF_STATIC */

void test_chart_dark(void)
{
    static const struct {
        unsigned in, want;
    } cases[] = {
        /* greys turn over: L' = 0.93 - 0.82 L */
        {0xFFFFFF, 0x1C1C1C}, /* paper: L 1 -> 0.11, 28.05 of 255 */
        {0x222222, 0xD1D1D1}, /* ink: L 0.133 -> 0.821, 209.3 */
        {0x666666, 0x9A9A9A}, /* muted: L 0.4 -> 0.602, 153.5 */
        {0xE5E5E5, 0x313131}, /* grid: L 0.898 -> 0.194, 49.5 */
        /* a light tint keeps its hue, darkens: L' = 1 - L, S x 0.6 */
        {0xF6C7A6, 0x492D19}, /* the band: L 0.808 -> 0.192 */
        /* data colours read on both: kept */
        {0xD55E00, 0xD55E00},
        {0x0072B2, 0x0072B2},
        {0x009E73, 0x009E73},
    };
    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++)
        INT_EQ(dark_colour(cases[i].in), cases[i].want, "dark_colour");
}

/* ==== Font fallback =================================================== */

#include <unistd.h>

#include "render/fontfall.h"

void test_chart_fallback(void)
{
    char path[4096];
    int index = -1;

    /* a character no font has: none offered */
    INT_EQ(ef_font_fallback(0x0378, path, sizeof path, &index), 0,
           "U+0378 (unassigned): no font");
    /* make deps installs Noto CJK: the Japanese sun has a font */
    if (access("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               R_OK) == 0) {
        OK(ef_font_fallback(0x65E5, path, sizeof path, &index) &&
               strstr(path, "NotoSansCJK") != NULL && index >= 0,
           "U+65E5: Noto Sans CJK");
        /* the same question, the same answer (deterministic charts) */
        {
            char again[4096];
            int i2 = -1;
            OK(ef_font_fallback(0x65E5, again, sizeof again, &i2) &&
                   strcmp(again, path) == 0 && i2 == index,
               "the same answer twice");
        }
    }
    OK(ef_font_fallback(0x65E5, path, 4, &index) == 0,
       "a path that does not fit: none");
    ef_font_fallback_done();
}
