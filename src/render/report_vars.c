/* report_vars.c - the template variables of a report: every number of
 * the model formatted for people (percentages, thousands separators,
 * intervals), and the chart slots. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics/calibrate.h"
#include "metrics/headline.h"
#include "metrics/reference.h"
#include "metrics/traps.h"
#include "render/findings.h"
#include "render/render.h"

#define TEXT_MAX 280 /* characters of a feedback text shown in a table */

/* ==== Formatting ======================================================== */

static void fmt_pct(char *b, size_t cap, double x)
{
    snprintf(b, cap, "%.1f%%", 100 * x);
}

static void fmt_ci(char *b, size_t cap, const ef_share *s)
{
    snprintf(b, cap, "%.1f–%.1f%%", 100 * s->lo, 100 * s->hi);
}

static void fmt_hours(char *b, size_t cap, double h)
{
    if (isnan(h))
        snprintf(b, cap, "n/a");
    else if (h < 1)
        snprintf(b, cap, "%.0f min", h * 60);
    else if (h < 48)
        snprintf(b, cap, "%.1f h", h);
    else
        snprintf(b, cap, "%.1f days", h / 24);
}

static void fmt_date(char *b, int64_t t)
{
    if (t == EF_NO_TIME)
        snprintf(b, 11, "n/a");
    else
        ef_datetime_format_date(t, NULL, b);
}

/* Sets key to a formatted number, every minus sign in it the typographic
 * one (U+2212), as the template's "−0.75" and the charts have it: "-"
 * is a hyphen in prose. */
static void set_num(ef_tvalue *o, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_num(ef_tvalue *o, const char *key, const char *fmt, ...)
{
    char a[256];
    ef_buf b = EF_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a, sizeof a, fmt, ap);
    va_end(ap);
    for (size_t i = 0; a[i]; i++) {
        size_t e = i + 1;
        int zero = 1;
        if (a[i] != '-' || !(a[i + 1] >= '0' && a[i + 1] <= '9') ||
            !(i == 0 || a[i - 1] == ' ' || a[i - 1] == '(' ||
              a[i - 1] == '=')) {
            ef_buf_putc(&b, a[i]);
            continue;
        }
        for (; (a[e] >= '0' && a[e] <= '9') || a[e] == '.'; e++)
            zero &= a[e] == '0' || a[e] == '.';
        if (!zero) /* "-0.0" is a rounded zero: no sign */
            ef_buf_puts(&b, "\xE2\x88\x92");
    }
    ef_tobj_set_str(o, key, ef_buf_cstr(&b));
    ef_buf_reset(&b);
}

static void set_count(ef_tvalue *o, const char *key, uint64_t n)
{
    char b[32];
    ef_fmt_count(b, sizeof b, n);
    ef_tobj_set_str(o, key, b);
}

static void set_pct(ef_tvalue *o, const char *key, double x)
{
    char b[32];
    fmt_pct(b, sizeof b, x);
    ef_tobj_set_str(o, key, b);
}

static void set_share(ef_tvalue *o, const char *key, const ef_share *s)
{
    ef_tvalue *v = ef_tobj_set_obj(o, key);
    char b[48];

    set_pct(v, "share", s->share);
    fmt_ci(b, sizeof b, s);
    ef_tobj_set_str(v, "ci", b);
    set_count(v, "count", s->count);
}

/* A feedback text for a table: one line, at most TEXT_MAX characters
 * (cut at a code point boundary). The escaping is the renderer's. */
static void set_text(ef_tvalue *o, const char *key, const char *text)
{
    char buf[TEXT_MAX * 4 + 8];
    size_t n = 0, chars = 0;
    const unsigned char *s = (const unsigned char *)text;

    for (; *s && chars < TEXT_MAX && n + 5 < sizeof buf; s++) {
        unsigned char c = *s;
        if ((c & 0xc0) != 0x80)
            chars++;
        buf[n++] = (char)(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    }
    while (*s && (*s & 0xc0) == 0x80 && n + 5 < sizeof buf)
        buf[n++] = (char)*s++; /* finish the code point */
    if (*s) {
        memcpy(buf + n, "…", strlen("…"));
        n += strlen("…");
    }
    buf[n] = '\0';
    ef_tobj_set_str(o, key, buf);
}

static void set_nps(ef_tvalue *o, const char *key, const ef_nps_stat *n)
{
    if (n->has)
        set_num(o, key, "%+.0f", n->score);
    else
        ef_tobj_set_str(o, key, "–");
}

/* ==== Sections ========================================================== */

static void chart_slots(ef_tvalue *root, const ef_chart_set *charts,
                        const ef_render_opts *o, int html)
{
    ef_tvalue *c = ef_tobj_set_obj(root, "charts");

    for (size_t i = 0; charts && i < charts->n; i++) {
        const ef_chart *ch = &charts->items[i];
        if (html)
            ef_tobj_set_strf(c, ch->name, "EFCHART-%016llx-%s",
                             (unsigned long long)o->nonce, ch->name);
        else
            ef_tobj_set_strf(c, ch->name, "![%s](%s)", ch->title, ch->png);
    }
}

/* The re-estimated shares (when the labels allow): adj.negative,
 * .neutral, .positive ({share, ci}), .net, .labeled, .exact. */
static void adjusted_kpis(ef_tvalue *root, const ef_report *r)
{
    const ef_calibration *c = &r->calib;
    ef_tvalue *x;
    char b[64];

    ef_tobj_set_bool(root, "checked", ef_calib_is_adjusted(c));
    if (!ef_calib_is_adjusted(c))
        return;
    x = ef_tobj_set_obj(root, "adj");
    set_count(x, "labeled", c->labeled);
    ef_tobj_set_bool(x, "exact", c->exact);
    ef_tobj_set_bool(x, "has_pos", c->has_pos);
    {
        const ef_share *sh[3] = {&c->adjusted, &c->adjusted_neu,
                                 &c->adjusted_pos};
        static const char *const key[3] = {"negative", "neutral", "positive"};
        for (int i = 0; i < 3; i++) {
            ef_tvalue *v;
            if (i > 0 && !c->has_pos)
                break;
            v = ef_tobj_set_obj(x, key[i]);
            set_pct(v, "share", sh[i]->share);
            if (c->exact)
                ef_tobj_set_str(v, "ci", "exact");
            else {
                fmt_ci(b, sizeof b, sh[i]);
                ef_tobj_set_str(v, "ci", b);
            }
        }
    }
    if (c->has_pos) {
        ef_tobj_set_strf(x, "net", "%+.1f points", 100 * c->net);
        if (c->exact)
            ef_tobj_set_str(x, "net_ci", "exact");
        else
            ef_tobj_set_strf(x, "net_ci", "%+.1f to %+.1f", 100 * c->net_lo,
                             100 * c->net_hi);
    }
}

static void kpis(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *k = ef_tobj_set_obj(root, "kpi");
    const ef_calibration *c = &r->calib;
    int adj = ef_calib_is_adjusted(c) && c->has_pos;
    double net = adj ? c->net : r->net;
    double pn = adj ? c->adjusted_pos.share + c->adjusted.share
                    : (double)(r->positive.count + r->negative.count) /
                          (double)(r->n ? r->n : 1);
    double excl = pn > 0 ? net / pn : 0;
    char b[64];

    set_share(k, "negative", &r->negative);
    set_share(k, "neutral", &r->neutral);
    set_share(k, "positive", &r->positive);
    set_share(k, "strong", &r->strongly_negative);
    adjusted_kpis(root, r);
    set_num(root, "net", "%+.1f points", 100 * net);
    set_num(root, "vader_net", "%+.1f points", 100 * r->net);
    ef_tobj_set_str(root, "net_whose",
                    adj ? "re-estimated from the labels"
                        : "VADER's, unchecked");
    fmt_pct(b, sizeof b, adj ? c->adjusted_neu.share : r->neutral.share);
    ef_tobj_set_str(root, "neutral_share", b);
    set_num(root, "net_excl_neutral", "%+.1f points", 100 * excl);
    {
        double a = fabs(net), x = fabs(excl);
        /* "1.0 times as large" says nothing: below 1.05, "about" */
        if (a > 0.0005 && x >= 1.05 * a)
            ef_tobj_set_strf(root, "net_factor", "%.1f times", x / a);
        else
            ef_tobj_set_str(root, "net_factor", "about");
    }
    if (r->nps.has) {
        ef_tvalue *n = ef_tobj_set_obj(root, "nps");
        set_num(n, "score", "%+.1f", r->nps.score);
        ef_tobj_set_strf(n, "moe", "%.1f", r->nps.moe);
        set_count(n, "n", r->nps.n);
        set_count(n, "promoters", r->nps.promoters);
        set_count(n, "passives", r->nps.passives);
        set_count(n, "detractors", r->nps.detractors);
    }
    if (r->has_stars) {
        ef_tvalue *s = ef_tobj_set_obj(root, "stars");
        ef_tobj_set_strf(s, "mean", "%.2f", r->stars_mean);
        snprintf(b, sizeof b, "%.2f–%.2f", r->stars_lo, r->stars_hi);
        ef_tobj_set_str(s, "ci", b);
        set_pct(s, "csat", r->csat.share);
        set_count(s, "n", r->stars_n);
    }
}

static void examples(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *l = ef_tobj_set_list(root, "examples");
    static const ef_class order[3] = {EF_NEGATIVE, EF_NEUTRAL, EF_POSITIVE};

    for (int k = 0; k < 3; k++) {
        ef_class c = order[k];
        for (size_t i = 0; i < r->nexamples[c]; i++) {
            ef_tvalue *x = ef_tlist_add_obj(l);
            ef_tobj_set_str(x, "name", ef_class_name(c));
            set_num(x, "compound", "%+.2f", r->examples[c][i].scores.compound);
            set_text(x, "text", r->examples[c][i].text);
        }
    }
}

/* A row's re-estimated share: adj_share and adj_ci ("–" when none). */
static void set_adjusted(ef_tvalue *x, int adjusted, const ef_share *a,
                         int exact)
{
    char b[64];
    if (!adjusted) {
        ef_tobj_set_str(x, "adj_share", "–");
        ef_tobj_set_str(x, "adj_ci", "–");
        return;
    }
    set_pct(x, "adj_share", a->share);
    if (exact || a->lo == a->hi)
        ef_tobj_set_str(x, "adj_ci", "exact");
    else {
        fmt_ci(b, sizeof b, a);
        ef_tobj_set_str(x, "adj_ci", b);
    }
}

/* The note on partial periods (findings.h), or "". */
static void partial_note(ef_tvalue *root, const ef_report *r)
{
    ef_buf b = EF_BUF_INIT;

    ef_find_partial_note(r, &b);
    ef_tobj_set_str(root, "partial_note", ef_buf_cstr(&b));
    ef_buf_reset(&b);
}

static void periods(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *l = ef_tobj_set_list(root, "periods");
    ef_tobj_set_bool(root, "adjusted_periods",
                     r->nperiods > 0 && r->periods[0].adjusted);
    ef_tvalue *sp = ef_tobj_set_list(root, "spikes");
    char b[64];

    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        ef_tvalue *x = ef_tlist_add_obj(l);
        ef_tobj_set_str(x, "label", p->label);
        set_count(x, "n", p->n);
        set_count(x, "positive", p->count[EF_POSITIVE]);
        set_count(x, "neutral", p->count[EF_NEUTRAL]);
        set_count(x, "negative", p->count[EF_NEGATIVE]);
        set_pct(x, "share", p->negative.share);
        fmt_ci(b, sizeof b, &p->negative);
        ef_tobj_set_str(x, "ci", b);
        set_nps(x, "nps", &p->nps);
        ef_tobj_set_bool(x, "too_few", p->too_few);
        ef_tobj_set_bool(x, "partial", p->partial);
        ef_tobj_set_bool(x, "spike", p->spike);
        set_adjusted(x, p->adjusted, &p->adj, r->calib.exact);
        if (p->spike) {
            ef_tvalue *s = ef_tlist_add_obj(sp);
            ef_buf terms = EF_BUF_INIT;
            ef_tobj_set_str(s, "label", p->label);
            set_pct(s, "share", p->negative.share);
            set_count(s, "n", p->n);
            set_pct(s, "baseline", p->baseline);
            if (p->p_value < 1e-6) {
                ef_tobj_set_str(s, "p", "< 0.000001");
                ef_tobj_set_str(s, "p_text", "p < 0.000001");
            } else {
                ef_tobj_set_strf(s, "p", "%.2g", p->p_value);
                ef_tobj_set_strf(s, "p_text", "p = %.2g", p->p_value);
            }
            for (size_t k = 0; k < p->nterms; k++)
                ef_buf_printf(&terms, "%s%s", k ? ", " : "", p->terms[k]);
            ef_tobj_set_str(s, "terms",
                            terms.len ? ef_buf_cstr(&terms)
                                      : "no term used by enough authors");
            ef_buf_reset(&terms);
        }
    }
    partial_note(root, r);
    if (r->has_change) {
        ef_tvalue *c = ef_tobj_set_obj(root, "change");
        const ef_period_stat *a = &r->periods[r->change_last];
        const ef_period_stat *p = &r->periods[r->change_prev];
        ef_tobj_set_str(c, "last", a->label);
        ef_tobj_set_str(c, "previous", p->label);
        ef_tobj_set_str(c, "which",
                        r->change_last + 1 < r->nperiods ? "last complete"
                                                         : "last");
        if (r->calib.has_change && r->calib.exact)
            set_num(c, "text",
                    "the negative share people labelled moved "
                    "%+.1f points, from %.1f%% to %.1f%%",
                    100 * r->calib.change, 100 * p->adj.share,
                    100 * a->adj.share);
        else if (r->calib.has_change)
            set_num(c, "text",
                    "the re-estimated negative share moved %+.1f "
                    "points, from %.1f%% to %.1f%% (95%% interval "
                    "of the change %+.1f to %+.1f points%s); "
                    "VADER's moved %+.1f points",
                    100 * r->calib.change, 100 * p->adj.share,
                    100 * a->adj.share, 100 * r->calib.change_lo,
                    100 * r->calib.change_hi,
                    r->calib.change_lo > 0 || r->calib.change_hi < 0
                        ? ": unlikely to be chance"
                        : ": within chance",
                    100 * r->change);
        else
            set_num(c, "text",
                    "the negative share moved %+.1f points, from %.1f%% "
                    "to %.1f%% (z = %.2f, p = %.3f%s)",
                    100 * r->change, 100 * p->negative.share,
                    100 * a->negative.share, r->change_z, r->change_p,
                    r->change_p < 0.05 ? ": unlikely to be chance"
                                       : ": within chance");
    }
}

/* The note on the channel (segment) table, ef_find_group_note's. */
static void group_note(ef_tvalue *x, const char *key, const ef_report *r,
                       int segment)
{
    ef_buf b = EF_BUF_INIT;

    ef_find_group_note(r, segment, &b);
    ef_tobj_set_str(x, key, ef_buf_cstr(&b));
    ef_buf_reset(&b);
}

static void group_rows(ef_tvalue *l, const ef_group_stat *g, size_t n,
                       int exact)
{
    char b[64];
    for (size_t i = 0; i < n; i++) {
        ef_tvalue *x = ef_tlist_add_obj(l);
        ef_tobj_set_str(x, "name", g[i].name);
        set_adjusted(x, g[i].adjusted, &g[i].adj, exact);
        set_count(x, "n", g[i].n);
        set_pct(x, "share", g[i].negative.share);
        fmt_ci(b, sizeof b, &g[i].negative);
        ef_tobj_set_str(x, "ci", b);
        set_nps(x, "nps", &g[i].nps);
        ef_tobj_set_bool(x, "too_few", g[i].too_few);
        ef_tobj_set_bool(x, "pooled", g[i].pooled);
        if (g[i].has_response)
            set_pct(x, "response_rate", g[i].response_rate);
        else
            ef_tobj_set_str(x, "response_rate", "–");
    }
}

static void who(ef_tvalue *root, const ef_report *r)
{
    if (r->has_authors) {
        ef_tvalue *a = ef_tobj_set_obj(root, "authors");
        ef_tvalue *l = ef_tobj_set_list(a, "loudest");
        set_count(a, "negative_authors", r->negative_authors);
        set_pct(a, "top1", r->top1_share);
        set_pct(a, "top5", r->top5_share);
        set_pct(a, "top10", r->top10_share);
        set_count(a, "repeat", r->repeat_authors);
        set_pct(a, "anonymous", r->anonymous_share);
        for (size_t i = 0; i < r->nloudest; i++) {
            ef_tvalue *x = ef_tlist_add_obj(l);
            ef_tobj_set_str(x, "name", r->loudest[i]);
            set_count(x, "n", r->loudest_n[i]);
        }
        if (r->has_turned) {
            ef_tvalue *t = ef_tobj_set_obj(root, "turned");
            set_count(t, "authors", r->turned_authors);
            set_pct(t, "share", r->turned_share);
            set_count(t, "after_response", r->turned_after_response);
        }
    }
    {
        ef_tvalue *v = ef_tobj_set_obj(root, "venting");
        set_pct(v, "terse", r->terse_share);
        set_pct(v, "abusive", r->abusive_share);
        set_pct(v, "detailed", r->detailed_share);
    }
    if (r->nthemes) {
        ef_tvalue *t = ef_tobj_set_obj(root, "themes");
        ef_tvalue *l = ef_tobj_set_list(t, "rows");
        for (size_t i = 0; i < r->nthemes; i++) {
            ef_tvalue *x = ef_tlist_add_obj(l);
            ef_tobj_set_str(x, "term", r->themes[i].term);
            set_count(x, "count", r->themes[i].count);
            set_count(x, "other", r->themes[i].other);
            set_num(x, "z", "%.1f", r->themes[i].z);
        }
    }
}

static void responding(ef_tvalue *root, const ef_report *r)
{
    char b[32];

    if (r->has_response) {
        ef_tvalue *x = ef_tobj_set_obj(root, "response");
        set_pct(x, "rate", r->response_rate);
        set_pct(x, "negative_rate", r->rate_by_class[EF_NEGATIVE]);
        set_pct(x, "positive_rate", r->rate_by_class[EF_POSITIVE]);
        set_pct(x, "neutral_rate", r->rate_by_class[EF_NEUTRAL]);
        fmt_hours(b, sizeof b, r->median_hours);
        ef_tobj_set_str(x, "median", b);
        fmt_hours(b, sizeof b, r->p90_hours);
        ef_tobj_set_str(x, "p90", b);
    }
    if (r->nrepair) {
        ef_tvalue *q = ef_tobj_set_obj(root, "repair");
        ef_tvalue *l = ef_tobj_set_list(q, "rows");
        for (size_t i = 0; i < r->nrepair; i++) {
            const ef_kept_item *k = &r->repair[i];
            ef_tvalue *x = ef_tlist_add_obj(l);
            fmt_date(b, k->date);
            ef_tobj_set_strf(x, "rank", "%zu", i + 1);
            ef_tobj_set_str(x, "date", b);
            ef_tobj_set_str(x, "channel", k->channel[0] ? k->channel : "–");
            ef_tobj_set_str(x, "author", k->author[0] ? k->author : "–");
            set_num(x, "compound", "%+.2f", k->scores.compound);
            set_text(x, "text", k->text);
        }
    }
}

static void calibration(ef_tvalue *root, const ef_report *r)
{
    const ef_calibration *c = &r->calib;
    static const char *const names[3] = {"Negative", "Neutral", "Positive"};
    ef_tvalue *x, *m;
    char b[64];

    if (!c->has)
        return;
    x = ef_tobj_set_obj(root, "calibration");
    set_count(x, "labeled", c->labeled);
    set_pct(x, "raw_share", c->raw_share);
    set_pct(x, "adjusted_share", c->adjusted.share);
    if (c->adjusted.lo == c->adjusted.hi)
        snprintf(b, sizeof b,
                 "every item was labelled: the people's share "
                 "is exact");
    else
        snprintf(b, sizeof b, "95%% interval %.1f–%.1f%%",
                 100 * c->adjusted.lo, 100 * c->adjusted.hi);
    ef_tobj_set_str(x, "adjusted_ci", b);
    if (c->adjusted.lo == c->adjusted.hi)
        ef_tobj_set_str(x, "adjusted_range", "exact (all labelled)");
    else
        ef_tobj_set_strf(x, "adjusted_range", "%.1f–%.1f%%",
                         100 * c->adjusted.lo, 100 * c->adjusted.hi);
    set_pct(x, "raw_pos", r->positive.share);
    set_pct(x, "adjusted_pos", c->adjusted_pos.share);
    ef_tobj_set_bool(x, "adjusted", ef_calib_is_adjusted(c));
    set_pct(x, "tpr", c->tpr);
    set_pct(x, "fpr", c->fpr);
    ef_tobj_set_str(x, "method", c->method);
    ef_tobj_set_str(x, "note", c->note);
    if (!ef_calib_is_adjusted(c))
        ef_tobj_set_str(x, "why", "");
    else if (c->adjusted.share > c->raw_share + 0.005)
        /* the reviews sentence only where the items are long */
        ef_tobj_set_str(x, "why",
                        r->long_share >= 0.5
                            ? "VADER misses negatives that people see, as it "
                              "does in longer reviews."
                            : "VADER misses negatives that people see: "
                              "complaints without a word it rates (\"my "
                              "flight was delayed\") score neutral.");
    else if (c->adjusted.share < c->raw_share - 0.005)
        ef_tobj_set_str(x, "why",
                        "VADER calls some items negative that people do "
                        "not.");
    else
        ef_tobj_set_str(x, "why",
                        "On this data VADER and people agree on the share.");
    ef_tobj_set_strf(x, "replicates", "%d", c->replicates);
    ef_tobj_set_strf(x, "bins", "%d", ef_calib_nbins(&r->thr));
    m = ef_tobj_set_list(x, "matrix");
    for (int h = 0; h < 3; h++) {
        ef_tvalue *row = ef_tlist_add_obj(m);
        ef_tobj_set_str(row, "label", names[h]);
        set_count(row, "neg", c->confusion[h][EF_NEGATIVE]);
        set_count(row, "neu", c->confusion[h][EF_NEUTRAL]);
        set_count(row, "pos", c->confusion[h][EF_POSITIVE]);
    }
}

/* What an unchecked share is worth: unchecked.text (the headline's
 * sentence), and the reference figures for the Method section. */
static void unchecked(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *x = ef_tobj_set_obj(root, "reference");
    ef_tvalue *l = ef_tobj_set_list(x, "rows");
    const ef_reference *near = ef_reference_comparable(r->band_neutral);
    char buf[512];

    ef_headline_unchecked(r, buf, sizeof buf);
    ef_tobj_set_str(x, "text", buf);
    set_pct(x, "here", r->band_neutral);
    ef_tobj_set_str(x, "comparable", near->what);
    for (size_t i = 0; i < ef_nreferences; i++) {
        const ef_reference *e = &ef_references[i];
        ef_tvalue *y = ef_tlist_add_obj(l);
        ef_tobj_set_str(y, "what", e->what);
        ef_tobj_set_str(y, "file", e->file);
        set_count(y, "rows", e->rows);
        set_pct(y, "people", e->people);
        set_pct(y, "vader", e->vader);
        ef_tobj_set_strf(y, "error", "%+.1f", 100 * (e->vader - e->people));
        set_pct(y, "neutral", e->neutral);
    }
}

/* Each --labels file: a row of the Data quality table, and what went
 * wrong in plain words (labels that reached no item are never silent). */
static void label_quality(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *l = ef_tobj_set_list(root, "labels");

    for (size_t i = 0; i < r->nlabels; i++) {
        const ef_label_stats *st = &r->labels[i];
        ef_tvalue *x = ef_tlist_add_obj(l);
        ef_buf b = EF_BUF_INIT;
        char n1[32], n2[32];

        ef_tobj_set_str(x, "file", st->path);
        ef_fmt_count(n1, sizeof n1, st->joined);
        ef_fmt_count(n2, sizeof n2, st->labels);
        ef_tobj_set_strf(x, "joined", "%s of %s joined an item", n1, n2);
        if (st->labels && st->joined * 10 < st->labels * 9)
            ef_buf_printf(&b,
                          "Only %s of its %s labels joined an item, "
                          "so the adjusted shares rest on fewer labels than "
                          "were given. ",
                          n1, n2);
        if (st->unmatched) {
            ef_fmt_count(n1, sizeof n1, st->unmatched);
            ef_buf_printf(&b,
                          "%s name no item of these inputs (the first "
                          "on line %llu). ",
                          n1, (unsigned long long)st->first_unmatched_line);
        }
        if (st->several) {
            ef_fmt_count(n1, sizeof n1, st->several);
            ef_buf_printf(&b,
                          "%s name several different items (ids that "
                          "are not unique, or keys a spreadsheet rounded), "
                          "and none of those items got them. ",
                          n1);
        }
        if (st->conflicting) {
            ef_fmt_count(n1, sizeof n1, st->conflicting);
            ef_buf_printf(&b,
                          "%s disagree with another label for the same "
                          "item, and neither was used. ",
                          n1);
        }
        if (st->recovered) {
            ef_fmt_count(n1, sizeof n1, st->recovered);
            ef_buf_printf(&b,
                          "%s keys a spreadsheet had turned into "
                          "numbers were matched back by their number and "
                          "text. ",
                          n1);
        }
        if (b.len > 0) {
            b.data[--b.len] = '\0'; /* the last space */
            ef_tobj_set_str(x, "problem", b.data);
        }
        ef_buf_reset(&b);
    }
}

/* The notes on the inputs (mangled ids, the form of the dates), one
 * list item per line. */
static void input_notes(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *l = ef_tobj_set_list(root, "input_notes");
    int any = 0;

    for (size_t i = 0; i < r->nfiles; i++) {
        const char *p = r->files[i].notes;
        while (p && *p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            char *line = ef_xstrndup(p, n);
            ef_tobj_set_str(ef_tlist_add_obj(l), "text", line);
            free(line);
            p += n + (nl != NULL);
            any = 1;
        }
    }
    ef_tobj_set_bool(root, "has_input_notes", any);
}

static void quality(ef_tvalue *root, const ef_report *r,
                    const ef_render_opts *o)
{
    ef_tvalue *l = ef_tobj_set_list(root, "rejects");
    ef_tvalue *f = ef_tobj_set_list(root, "files");
    char b[40], c[40];

    set_count(root, "rows_read", r->rows_read);
    set_count(root, "rows_used", r->rows_used);
    set_count(root, "rows_rejected", r->rows_rejected);
    set_count(root, "duplicates", r->duplicates);
    set_count(root, "brand_posts", r->brand_posts);
    ef_tobj_set_bool(root, "has_brand_accounts", r->brand_accounts != NULL);
    ef_tobj_set_str(root, "brand_accounts",
                    r->brand_accounts ? r->brand_accounts : "");
    set_count(root, "invalid_utf8", r->invalid_utf8);
    for (int i = 0; i < EF_REJECT_COUNT; i++) {
        if (r->rejected[i] == 0)
            continue;
        ef_tvalue *x = ef_tlist_add_obj(l);
        ef_tobj_set_str(x, "reason",
                        ef_reject_reason_name((ef_reject_reason)i));
        set_count(x, "count", r->rejected[i]);
    }
    ef_tobj_set_bool(root, "rejected_file", o->rejected_file);
    if (r->first_date != EF_NO_TIME) {
        ef_datetime_format_utc(r->first_date, b);
        ef_datetime_format_utc(r->last_date, c);
    } else {
        strcpy(b, "n/a");
        strcpy(c, "n/a");
    }
    ef_tobj_set_str(root, "first_date", b);
    ef_tobj_set_str(root, "last_date", c);
    fmt_date(b, r->first_date);
    fmt_date(c, r->last_date);
    ef_tobj_set_strf(root, "date_range", "%s to %s", b, c);
    label_quality(root, r);
    for (size_t i = 0; i < r->nfiles; i++) {
        ef_tvalue *x = ef_tlist_add_obj(f);
        ef_tobj_set_str(x, "path", r->files[i].path);
        ef_tobj_set_str(x, "kind", r->files[i].kind);
        ef_tobj_set_str(x, "encoding", r->files[i].encoding);
        set_count(x, "rows_used", r->files[i].rows_used);
        ef_tobj_set_str(x, "sha256", r->files[i].sha256);
    }
    input_notes(root, r);
}

void ef_report_vars(const ef_report *r, const ef_chart_set *charts,
                    const ef_render_opts *o, int html_mode, ef_tctx *ctx)
{
    ef_tvalue *root = ef_tctx_root(ctx);
    char b[64];
    time_t t = (time_t)r->generated;
    struct tm tm;
    static const char *const desc[3] = {"calendar days",
                                        "ISO weeks (Monday "
                                        "to Sunday)",
                                        "calendar months"};
    static const char *const title[3] = {"Day", "Week", "Month"};

    ef_tobj_set_str(root, "title", o->title ? o->title : "Feedback report");
    ef_tobj_set_str(root, "version", o->version ? o->version : "");
    ef_tobj_set_str(root, "headline", r->headline);
    gmtime_r(&t, &tm);
    strftime(b, sizeof b, "%Y-%m-%d %H:%M UTC", &tm);
    ef_tobj_set_str(root, "generated", b);
    ef_tobj_set_str(root, "period", r->period_name);
    ef_tobj_set_str(
        root, "period_title",
        title[r->period_kind >= 0 && r->period_kind < 3 ? r->period_kind : 1]);
    ef_tobj_set_str(
        root, "period_desc",
        desc[r->period_kind >= 0 && r->period_kind < 3 ? r->period_kind : 1]);
    ef_tobj_set_str(root, "tz", r->tz);
    ef_tobj_set_str(root, "scorer", r->scorer);
    set_count(root, "min_n", r->min_n);
    ef_tobj_set_strf(root, "spike_term_authors", "%d", EF_SPIKE_TERM_AUTHORS);
    {
        ef_tvalue *th = ef_tobj_set_obj(root, "thr");
        set_num(th, "pos", "%g", r->thr.pos_min);
        set_num(th, "neg", "%g", r->thr.neg_max);
    }
    if (r->has_expected) {
        ef_tvalue *x = ef_tobj_set_obj(root, "expected");
        int adj = ef_calib_is_adjusted(&r->calib);
        const ef_share *sh = adj ? &r->calib.adjusted : &r->negative;
        set_pct(x, "share", r->expected_negative);
        set_pct(x, "measured", sh->share);
        ef_tobj_set_bool(x, "checked", adj);
        ef_tobj_set_str(x, "verdict", ef_headline_verdict(r));
    }
    unchecked(root, r);
    if (r->ntraps) {
        ef_tvalue *tv = ef_tobj_set_obj(root, "traps");
        ef_tvalue *l = ef_tobj_set_list(tv, "rows");
        for (size_t i = 0; i < r->ntraps; i++) {
            char buf[512];
            ef_trap_text(&r->traps[i], buf, sizeof buf);
            ef_tobj_set_str(ef_tlist_add_obj(l), "text", buf);
        }
    }
    chart_slots(root, charts, o, html_mode);
    kpis(root, r);
    examples(root, r);
    periods(root, r);
    {
        ef_tvalue *l = ef_tobj_set_list(root, "channels");
        group_rows(l, r->channels, r->nchannels, r->calib.exact);
        ef_tobj_set_bool(root, "adjusted_channels",
                         r->nchannels > 0 && r->channels[0].adjusted);
        group_note(root, "channels_note", r, 0);
    }
    if (r->segment_name) {
        ef_tvalue *s = ef_tobj_set_obj(root, "segments");
        ef_tobj_set_str(s, "name", r->segment_name);
        ef_tobj_set_bool(s, "adjusted",
                         r->nsegments > 0 && r->segments[0].adjusted);
        group_rows(ef_tobj_set_list(s, "rows"), r->segments, r->nsegments,
                   r->calib.exact);
        group_note(s, "note", r, 1);
    }
    who(root, r);
    responding(root, r);
    calibration(root, r);
    quality(root, r, o);
}
