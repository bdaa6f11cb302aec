/* report_vars.c - the template variables of a report: every number of
 * the model formatted for people (percentages, thousands separators,
 * intervals), and the chart slots. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metrics/calibrate.h"
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
        ef_tobj_set_strf(o, key, "%+.0f", n->score);
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

static void kpis(ef_tvalue *root, const ef_report *r)
{
    ef_tvalue *k = ef_tobj_set_obj(root, "kpi");
    char b[64];

    set_share(k, "negative", &r->negative);
    set_share(k, "neutral", &r->neutral);
    set_share(k, "positive", &r->positive);
    set_share(k, "strong", &r->strongly_negative);
    ef_tobj_set_strf(root, "net", "%+.1f points", 100 * r->net);
    ef_tobj_set_strf(root, "net_excl_neutral", "%+.1f points",
                     100 * r->net_excl_neutral);
    {
        double a = fabs(r->net), x = fabs(r->net_excl_neutral);
        if (a > 0.0005 && x > a)
            ef_tobj_set_strf(root, "net_factor", "%.1f times", x / a);
        else
            ef_tobj_set_str(root, "net_factor", "about");
    }
    if (r->nps.has) {
        ef_tvalue *n = ef_tobj_set_obj(root, "nps");
        ef_tobj_set_strf(n, "score", "%+.1f", r->nps.score);
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
            ef_tobj_set_strf(x, "compound", "%+.2f",
                             r->examples[c][i].scores.compound);
            set_text(x, "text", r->examples[c][i].text);
        }
    }
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
        ef_tobj_set_bool(x, "spike", p->spike);
        if (p->adjusted)
            ef_tobj_set_strf(x, "adjusted", "%.1f%% (%.1f–%.1f%%)",
                             100 * p->adj.share, 100 * p->adj.lo,
                             100 * p->adj.hi);
        else
            ef_tobj_set_str(x, "adjusted", "–");
        if (p->spike) {
            ef_tvalue *s = ef_tlist_add_obj(sp);
            ef_buf terms = EF_BUF_INIT;
            ef_tobj_set_str(s, "label", p->label);
            set_pct(s, "share", p->negative.share);
            set_count(s, "n", p->n);
            set_pct(s, "baseline", p->baseline);
            if (p->p_value < 1e-6)
                ef_tobj_set_str(s, "p", "< 0.000001");
            else
                ef_tobj_set_strf(s, "p", "%.2g", p->p_value);
            for (size_t k = 0; k < p->nterms; k++)
                ef_buf_printf(&terms, "%s%s", k ? ", " : "", p->terms[k]);
            ef_tobj_set_str(s, "terms",
                            terms.len ? ef_buf_cstr(&terms) : "(no term)");
            ef_buf_reset(&terms);
        }
    }
    if (r->has_change) {
        ef_tvalue *c = ef_tobj_set_obj(root, "change");
        const ef_period_stat *a = &r->periods[r->nperiods - 1];
        const ef_period_stat *p = &r->periods[r->nperiods - 2];
        ef_tobj_set_str(c, "last", a->label);
        ef_tobj_set_str(c, "previous", p->label);
        ef_tobj_set_strf(c, "text",
                         "the negative share moved %+.1f points, from %.1f%% "
                         "to %.1f%% (z = %.2f, p = %.3f%s)",
                         100 * r->change, 100 * p->negative.share,
                         100 * a->negative.share, r->change_z, r->change_p,
                         r->change_p < 0.05 ? ": unlikely to be chance"
                                            : ": within chance");
    }
}

static void group_rows(ef_tvalue *l, const ef_group_stat *g, size_t n)
{
    char b[64];
    for (size_t i = 0; i < n; i++) {
        ef_tvalue *x = ef_tlist_add_obj(l);
        ef_tobj_set_str(x, "name", g[i].name);
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
            ef_tobj_set_strf(x, "z", "%.1f", r->themes[i].z);
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
            ef_tobj_set_strf(x, "compound", "%+.2f", k->scores.compound);
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
        snprintf(b, sizeof b, "every item was labelled: the people's share "
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
        ef_tobj_set_str(x, "why",
                        "Too few labels to adjust the share: the report "
                        "shows VADER's.");
    else if (c->adjusted.share > c->raw_share + 0.005)
        ef_tobj_set_str(x, "why",
                        "VADER misses negatives that people see, which is "
                        "common in longer reviews: the headline uses the "
                        "adjusted share.");
    else if (c->adjusted.share < c->raw_share - 0.005)
        ef_tobj_set_str(x, "why",
                        "VADER calls some items negative that people do not: "
                        "the headline uses the adjusted share.");
    else
        ef_tobj_set_str(x, "why",
                        "On this data VADER and people agree on the share.");
    m = ef_tobj_set_list(x, "matrix");
    for (int h = 0; h < 3; h++) {
        ef_tvalue *row = ef_tlist_add_obj(m);
        ef_tobj_set_str(row, "label", names[h]);
        set_count(row, "neg", c->confusion[h][EF_NEGATIVE]);
        set_count(row, "neu", c->confusion[h][EF_NEUTRAL]);
        set_count(row, "pos", c->confusion[h][EF_POSITIVE]);
    }
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
    for (size_t i = 0; i < r->nfiles; i++) {
        ef_tvalue *x = ef_tlist_add_obj(f);
        ef_tobj_set_str(x, "path", r->files[i].path);
        ef_tobj_set_str(x, "kind", r->files[i].kind);
        ef_tobj_set_str(x, "encoding", r->files[i].encoding);
        set_count(x, "rows_used", r->files[i].rows_used);
        ef_tobj_set_str(x, "sha256", r->files[i].sha256);
    }
}

void ef_report_vars(const ef_report *r, const ef_chart_set *charts,
                    const ef_render_opts *o, int html_mode, ef_tctx *ctx)
{
    ef_tvalue *root = ef_tctx_root(ctx);
    char b[64];
    time_t t = (time_t)r->generated;
    struct tm tm;
    static const char *const desc[3] = {"calendar days", "ISO weeks (Monday "
                                        "to Sunday)", "calendar months"};
    static const char *const title[3] = {"Day", "Week", "Month"};

    ef_tobj_set_str(root, "title", o->title ? o->title : "Feedback report");
    ef_tobj_set_str(root, "version", o->version ? o->version : "");
    ef_tobj_set_str(root, "headline", r->headline);
    gmtime_r(&t, &tm);
    strftime(b, sizeof b, "%Y-%m-%d %H:%M UTC", &tm);
    ef_tobj_set_str(root, "generated", b);
    ef_tobj_set_str(root, "period", r->period_name);
    ef_tobj_set_str(root, "period_title",
                    title[r->period_kind >= 0 && r->period_kind < 3
                              ? r->period_kind : 1]);
    ef_tobj_set_str(root, "period_desc",
                    desc[r->period_kind >= 0 && r->period_kind < 3
                             ? r->period_kind : 1]);
    ef_tobj_set_str(root, "tz", r->tz);
    ef_tobj_set_str(root, "scorer", r->scorer);
    set_count(root, "min_n", r->min_n);
    {
        ef_tvalue *th = ef_tobj_set_obj(root, "thr");
        ef_tobj_set_strf(th, "pos", "%g", r->thr.pos_min);
        ef_tobj_set_strf(th, "neg", "%g", r->thr.neg_max);
    }
    if (r->has_expected) {
        ef_tvalue *x = ef_tobj_set_obj(root, "expected");
        const ef_share *sh = r->calib.has ? &r->calib.adjusted : &r->negative;
        set_pct(x, "share", r->expected_negative);
        set_pct(x, "measured", sh->share);
        if (r->expected_negative > sh->hi)
            ef_tobj_set_str(x, "verdict", "less negative than feared");
        else if (r->expected_negative < sh->lo)
            ef_tobj_set_str(x, "verdict", "more negative than believed");
        else
            ef_tobj_set_str(x, "verdict", "within the measured interval");
    }
    chart_slots(root, charts, o, html_mode);
    kpis(root, r);
    examples(root, r);
    periods(root, r);
    {
        ef_tvalue *l = ef_tobj_set_list(root, "channels");
        group_rows(l, r->channels, r->nchannels);
        ef_tobj_set_str(root, "channels_note", r->channel_info.note);
    }
    if (r->segment_name) {
        ef_tvalue *s = ef_tobj_set_obj(root, "segments");
        ef_tobj_set_str(s, "name", r->segment_name);
        group_rows(ef_tobj_set_list(s, "rows"), r->segments, r->nsegments);
        ef_tobj_set_str(s, "note", r->segment_info.note);
    }
    who(root, r);
    responding(root, r);
    calibration(root, r);
    quality(root, r, o);
}
