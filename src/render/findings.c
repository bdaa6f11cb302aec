/* findings.c - the report's sentences from the model (see findings.h). */
#include "render/findings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"
#include "util/text.h"

static const char *const MONTH_NAME[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *ef_find_unit(const ef_report *r)
{
    switch (r->period_kind) {
    case EF_PERIOD_DAY: return "day";
    case EF_PERIOD_MONTH: return "month";
    default: return "week";
    }
}

void ef_find_period_phrase(const ef_report *r, const ef_period_stat *p,
                           char *out, size_t cap)
{
    int y, m;
    if (r->period_kind == EF_PERIOD_MONTH &&
        sscanf(p->label, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
        snprintf(out, cap, "%s %d", MONTH_NAME[m - 1], y);
    else if (r->period_kind == EF_PERIOD_DAY)
        snprintf(out, cap, "%s", p->label);
    else
        snprintf(out, cap, "week %s", p->label);
}

void ef_find_period_label(const ef_period_stat *p, char *out, size_t cap)
{
    snprintf(out, cap, p->partial ? "%s (partial)" : "%s", p->label);
}

void ef_find_partial_periods(const ef_report *r, ef_buf *b)
{
    const char *unit = r->period_kind == EF_PERIOD_DAY ? "hour" : "day";

    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        if (!p->partial)
            continue;
        ef_buf_printf(b,
                      "%s%s is partial: the data cover %d of its %d "
                      "%s%s.",
                      b->len ? " " : "", p->label, p->covered, p->length, unit,
                      p->length == 1 ? "" : "s");
    }
}

void ef_find_partial_note(const ef_report *r, ef_buf *b)
{
    size_t len = b->len;

    ef_find_partial_periods(r, b);
    if (b->len > len)
        ef_buf_printf(b,
                      " A partial %s is marked, and no comparison or "
                      "trend sentence uses it.",
                      r->period_name);
}

void ef_find_partial_mark(const ef_report *r, const char *how, ef_buf *b)
{
    size_t k = 0;

    for (size_t i = 0; i < r->nperiods; i++)
        k += r->periods[i].partial != 0;
    if (k == 0)
        return;
    ef_buf_printf(b, "%s%s: %s%s%s, which the data cover only in part.",
                  b->len ? " " : "", how, k == 1 ? "a partial " : "partial ",
                  ef_find_unit(r), k == 1 ? "" : "s");
}

/* ==== Numbers as the sentences say them ================================ */

/* "1,234,567" */
void ef_find_count(char *out, uint64_t v)
{
    ef_fmt_count(out, 32, v);
}

/* A share as a percentage with d decimals: "12.3%". */
void ef_find_pct(char *out, double share, int d)
{
    int n = ef_fmt_fixed(out, share * 100.0, d);
    out[n] = '%';
    out[n + 1] = '\0';
}

/* A share as people say it: "12%", "4.5%", "0.3%", "<0.1%". */
void ef_find_share(char *out, double s)
{
    if (s > 0 && s < 0.0005)
        strcpy(out, "<0.1%");
    else if (s < 0.00005 || s > 0.99995)
        ef_find_pct(out, s, 0);
    else
        ef_find_pct(out, s, s >= 0.0995 ? 0 : 1);
}

/* n rounded to two significant digits, as a count: "1,200". */
void ef_find_about(char *out, double v)
{
    double mag;

    if (v < 100) {
        ef_find_count(out, (uint64_t)llround(v));
        return;
    }
    mag = pow(10, floor(log10(v)) - 1);
    ef_find_count(out, (uint64_t)llround(llround(v / mag) * mag));
}

int ef_find_reliable(const ef_period_stat *p)
{
    return !p->too_few && p->n > 0;
}

int ef_find_spike(const ef_period_stat *p)
{
    return p->spike && ef_find_reliable(p);
}

/* Whether the report's shares are re-estimated from human labels: then
 * charts plot those first, VADER's beside them. */
int ef_find_checked(const ef_report *r)
{
    return r->calib.has && r->nperiods > 0 && r->periods[0].adjusted;
}

/* The share a chart plots for a period or group: the re-estimated one
 * when there is one, else VADER's. */
const ef_share *ef_find_plotted(int adjusted, const ef_share *adj,
                                const ef_share *vader)
{
    return adjusted ? adj : vader;
}

/* Periods a trend sentence may use: reliable and whole (a partial first
 * or last period would read as a fall in volume). */
static int whole(const ef_period_stat *p)
{
    return ef_find_reliable(p) && !p->partial;
}

/* Pooled two-proportion z of k2/n2 against k1/n1. */
static double two_prop_z(double k1, double n1, double k2, double n2)
{
    double p = (k1 + k2) / (n1 + n2);
    double se = sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
    return se > 0 ? (k2 / n2 - k1 / n1) / se : 0;
}

/* Title of the negative share trend: level or direction, and spikes. */
void ef_find_title_negative(const ef_report *r, ef_buf *b)
{
    size_t n = r->nperiods, nrel = 0, nbase = 0, nsp = 0, hi_sp = 0, only = 0;
    double *v = ef_xmalloc((n + 1) * sizeof *v);
    char a[32], c[32], ph[64], ph2[64];
    int moved = 0;

    int (*use)(const ef_period_stat *) = ef_find_reliable;

    for (size_t i = 0; i < n; i++) /* whole periods, if there are any */
        if (whole(&r->periods[i]))
            use = whole;
    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *p = &r->periods[i];
        if (!use(p))
            continue;
        nrel++;
        only = i;
        if (ef_find_spike(p)) {
            if (nsp == 0 ||
                EF_PSHARE(p)->share > EF_PSHARE(&r->periods[hi_sp])->share)
                hi_sp = i;
            nsp++;
        } else {
            v[nbase++] = EF_PSHARE(p)->share;
        }
    }
    if (nrel == 0) {
        ef_buf_printf(b, "Too few items per %s to call the negative share",
                      ef_find_unit(r));
        free(v);
        return;
    }
    if (nrel == 1) {
        ef_find_share(a, EF_PSHARE(&r->periods[only])->share);
        ef_find_period_phrase(r, &r->periods[only], ph, sizeof ph);
        ef_buf_printf(b, "Negative share was %s in %s", a, ph);
        free(v);
        return;
    }
    if (nbase >= 4 && ef_find_checked(r)) {
        /* re-estimated: the first and last quarter's mean shares, and a
         * move only when their mean intervals do not overlap */
        size_t k = nbase / 4 > 8 ? 8 : nbase / 4, seen = 0;
        double m1 = 0, m2 = 0, l1 = 0, l2 = 0, h1 = 0, h2 = 0;
        for (size_t i = 0; i < n; i++) {
            const ef_period_stat *p = &r->periods[i];
            if (!ef_find_reliable(p) || ef_find_spike(p))
                continue;
            if (seen < k) {
                m1 += p->adj.share / (double)k;
                l1 += p->adj.lo / (double)k;
                h1 += p->adj.hi / (double)k;
            }
            if (seen >= nbase - k) {
                m2 += p->adj.share / (double)k;
                l2 += p->adj.lo / (double)k;
                h2 += p->adj.hi / (double)k;
            }
            seen++;
        }
        if (fabs(m2 - m1) >= 0.02 && (l2 > h1 || l1 > h2)) {
            ef_find_share(a, m1);
            ef_find_share(c, m2);
            ef_buf_printf(b, "Negative share %s from %s to %s",
                          m2 > m1 ? "rose" : "fell", a, c);
            moved = 1;
        }
    } else if (nbase >= 4) {
        /* the first and last quarter (up to 8 periods each), pooled */
        size_t k = nbase / 4 > 8 ? 8 : nbase / 4, seen = 0;
        double k1 = 0, n1 = 0, k2 = 0, n2 = 0;
        for (size_t i = 0; i < n; i++) {
            const ef_period_stat *p = &r->periods[i];
            if (!use(p) || ef_find_spike(p))
                continue;
            if (seen < k) {
                k1 += (double)p->count[EF_NEGATIVE];
                n1 += (double)p->n;
            }
            if (seen >= nbase - k) {
                k2 += (double)p->count[EF_NEGATIVE];
                n2 += (double)p->n;
            }
            seen++;
        }
        if (fabs(k2 / n2 - k1 / n1) >= 0.02 &&
            fabs(two_prop_z(k1, n1, k2, n2)) >= 3) {
            ef_find_share(a, k1 / n1);
            ef_find_share(c, k2 / n2);
            ef_buf_printf(b, "Negative share %s from %s to %s",
                          k2 > k1 / n1 * n2 ? "rose" : "fell", a, c);
            moved = 1;
        }
    }
    if (!moved && r->negative.count == 0 && !ef_find_checked(r)) {
        ef_buf_puts(b, "No item scored negative");
    } else if (!moved) {
        ef_find_share(a, nbase                ? ef_median(v, nbase)
                         : ef_find_checked(r) ? r->calib.adjusted.share
                                              : r->negative.share);
        ef_buf_printf(b, "Negative share stayed near %s", a);
    }
    free(v);
    if (nsp == 0)
        return;
    ef_find_period_phrase(r, &r->periods[hi_sp], ph, sizeof ph);
    ef_find_share(a, EF_PSHARE(&r->periods[hi_sp])->share);
    if (nsp == 1) {
        ef_buf_printf(b,
                      moved ? ", with a spike in %s (%s)" : ", except %s (%s)",
                      ph, a);
    } else if (nsp == 2) {
        size_t other = 0, p1, p2;
        for (size_t i = 0; i < n; i++)
            if (ef_find_spike(&r->periods[i]) && use(&r->periods[i]) &&
                i != hi_sp)
                other = i;
        p1 = other < hi_sp ? other : hi_sp;
        p2 = other < hi_sp ? hi_sp : other;
        if (r->period_kind == EF_PERIOD_WEEK) {
            /* "weeks 2025-W14 and W15": the year once when it is shared */
            const char *l1 = r->periods[p1].label, *l2 = r->periods[p2].label;
            snprintf(ph, sizeof ph, "weeks %s", l1);
            snprintf(ph2, sizeof ph2, "%s",
                     strncmp(l1, l2, 5) == 0 && strlen(l2) > 5 ? l2 + 5 : l2);
        } else {
            ef_find_period_phrase(r, &r->periods[p1], ph, sizeof ph);
            ef_find_period_phrase(r, &r->periods[p2], ph2, sizeof ph2);
        }
        ef_buf_printf(
            b, moved ? ", with spikes in %s and %s" : ", except %s and %s", ph,
            ph2);
    } else {
        ef_buf_printf(b, ", with %zu spikes (highest: %s, %s)", nsp, ph, a);
    }
}

void ef_find_title_volume(const ef_report *r, ef_buf *b)
{
    size_t n = 0, peak = 0, *at = ef_xmalloc(r->nperiods * sizeof *at);
    double *v = ef_xmalloc(r->nperiods * sizeof *v), med;
    char a[32], c[32], ph[64];

    /* whole periods only: a partial last week is not a fall in volume */
    for (size_t i = 0; i < r->nperiods; i++)
        if (!r->periods[i].partial)
            at[n++] = i;
    if (n == 0)
        for (size_t i = 0; i < r->nperiods; i++)
            at[n++] = i;
    for (size_t i = 0; i < n; i++) {
        v[i] = (double)r->periods[at[i]].n;
        if (r->periods[at[i]].n > r->periods[at[peak]].n)
            peak = i;
    }
    ef_find_period_phrase(r, &r->periods[at[peak]], ph, sizeof ph);
    ef_find_count(a, r->periods[at[peak]].n);
    if (n == 1) {
        ef_buf_printf(b, "%s items in %s", a, ph);
        free(v);
        free(at);
        return;
    }
    med = ef_median(v, n);
    if (n >= 3 && (double)r->periods[at[peak]].n >= 2 * med && med > 0) {
        ef_buf_printf(
            b, "Volume peaked in %s at %s items, %.1f\xC3\x97 a typical %s",
            ph, a, (double)r->periods[at[peak]].n / med, ef_find_unit(r));
    } else {
        size_t k = n / 4 > 8 ? 8 : n / 4 ? n / 4 : 1;
        double m1 = 0, m2 = 0;
        for (size_t i = 0; i < k; i++) {
            m1 += (double)r->periods[at[i]].n / (double)k;
            m2 += (double)r->periods[at[n - k + i]].n / (double)k;
        }
        if (n >= 4 && m2 >= 1.25 * m1 + 1) {
            ef_find_about(a, m1);
            ef_find_about(c, m2);
            ef_buf_printf(b, "Volume grew from about %s to %s items a %s", a,
                          c, ef_find_unit(r));
        } else if (n >= 4 && m2 <= 0.8 * m1 - 1) {
            ef_find_about(a, m1);
            ef_find_about(c, m2);
            ef_buf_printf(b, "Volume fell from about %s to %s items a %s", a,
                          c, ef_find_unit(r));
        } else {
            ef_find_about(a, med);
            ef_buf_printf(b, "Volume held steady at about %s items a %s", a,
                          ef_find_unit(r));
        }
    }
    free(v);
    free(at);
}

/* ==== Notes on tables =================================================== */

void ef_find_group_note(const ef_report *r, int segment, ef_buf *b)
{
    const ef_group_info *in = segment ? &r->segment_info : &r->channel_info;
    const char *what = segment ? "values" : "channels";
    const char *about = in->estimated ? "about " : "";
    uint64_t left = in->values - in->shown;
    char v[32], n[32], p[32], col[96];

    if (in->shown == in->values && !in->estimated)
        return;
    ef_find_count(v, in->values);
    ef_find_count(n, in->rows);
    ef_find_count(p, left);
    if (segment)
        snprintf(col, sizeof col, "%.60s column",
                 r->segment_name ? r->segment_name : "segment");
    else
        snprintf(col, sizeof col, "channel column");
    if (in->id_like)
        ef_buf_printf(b,
                      "%sThe %s has %s%s distinct values in %s items, as an "
                      "id or a URL column would: is it the right column (see "
                      "--map)?",
                      b->len ? " " : "", col, about, v, n);
    ef_buf_printf(b,
                  "%sThe %zu %s with the most items are shown; the last row "
                  "pools the rest (%s%s %.*s).",
                  b->len ? " " : "", in->shown, what, about, p,
                  (int)strlen(what) - (left == 1), what);
    if (in->estimated) {
        ef_find_count(v, EF_GROUPS_TRACKED);
        ef_buf_printf(b,
                      " Past %s distinct values, the rows of new ones go to "
                      "the pool directly, and their number is an estimate "
                      "(within about 2%%).",
                      v);
    }
}

/* ==== Numbers as charts say them ======================================== */

#define MINUS "\xE2\x88\x92" /* U+2212: numbers drawn and said */

void ef_find_signed(char *out, double v)
{
    long k = lround(v);

    if (k > 0)
        sprintf(out, "+%ld", k);
    else if (k < 0)
        sprintf(out, MINUS "%ld", -k);
    else
        strcpy(out, "0");
}

void ef_find_score(char *out, double v)
{
    char num[32];
    int n = ef_fmt_fixed(num, fabs(v), 2);

    while (num[n - 1] == '0')
        num[--n] = '\0';
    if (num[n - 1] == '.')
        num[--n] = '\0';
    sprintf(out, "%s%s", v > 0 ? "+" : v < 0 ? MINUS : "", num);
}

/* A threshold as the mix chart's axis shows it (ticks 0.01 apart). */
static void threshold(char *out, double v)
{
    ef_find_score(out, fabs(v) < 0.01 * 1e-6 ? 0 : v);
}

int ef_find_adjusted(const ef_report *r)
{
    if (!ef_find_checked(r))
        return 0;
    for (size_t i = 0; i < r->nperiods; i++)
        if (r->periods[i].adjusted && ef_find_reliable(&r->periods[i]))
            return 1;
    return 0;
}

int ef_find_nps_periods(const ef_report *r)
{
    for (size_t i = 0; i < r->nperiods; i++)
        if (r->periods[i].nps.has && r->periods[i].nps.n > 0)
            return 1;
    return 0;
}

int ef_find_nps_reliable(const ef_report *r, const ef_period_stat *q)
{
    return q->nps.has && q->nps.n >= r->min_n && q->nps.n > 0;
}

/* ==== The charts' words ================================================= */

void ef_find_text_reset(ef_find_text *t)
{
    ef_buf_reset(&t->title);
    ef_buf_reset(&t->subtitle);
    ef_buf_reset(&t->note);
    ef_buf_reset(&t->desc);
}

/* The subtitle of a negative share chart, per period or per channel:
 * re-estimated from human labels (adj) or as VADER scored it. */
static void share_subtitle(const ef_report *r, int adj, const char *per,
                           ef_buf *b)
{
    char a[32], d[32];

    ef_find_count(a, r->n);
    if (adj) {
        ef_find_count(d, r->calib.labeled);
        ef_buf_printf(b,
                      "Share people would call negative per %s, from %s "
                      "human labels, with its 95%% interval \xC2\xB7 %s "
                      "items",
                      per, d, a);
    } else {
        ef_buf_printf(b,
                      "Share VADER scored negative per %s, unchecked, with "
                      "its 95%% interval (sampling error only) \xC2\xB7 %s "
                      "items",
                      per, a);
    }
}

/* " 3 weeks had fewer than 30 items<tail>." */
static void too_few(const ef_report *r, size_t few, const char *tail,
                    ef_buf *b)
{
    ef_buf_printf(b, " %zu %s%s had fewer than %llu items%s.", few,
                  ef_find_unit(r), few == 1 ? "" : "s",
                  (unsigned long long)r->min_n, tail);
}

void ef_find_chart_volume(const ef_report *r, ef_find_text *t)
{
    size_t few = 0, lo = 0, hi = 0;
    char a[32], x[32], y[32];
    uint64_t total = 0;

    for (size_t i = 0; i < r->nperiods; i++) {
        total += r->periods[i].n;
        few += r->periods[i].too_few != 0;
        if (r->periods[i].n < r->periods[lo].n)
            lo = i;
        if (r->periods[i].n > r->periods[hi].n)
            hi = i;
    }
    ef_find_title_volume(r, &t->title);
    ef_find_count(a, total);
    ef_buf_printf(&t->subtitle,
                  "Items per %s by sentiment class \xC2\xB7 %s "
                  "items in %zu %s%s",
                  ef_find_unit(r), a, r->nperiods, ef_find_unit(r),
                  r->nperiods == 1 ? "" : "s");
    if (few) {
        ef_find_count(x, r->min_n);
        ef_buf_printf(&t->note,
                      "Lighter bars: fewer than %s items, too few "
                      "to call.",
                      x);
    }
    ef_find_partial_mark(r, "Hatched bars", &t->note);
    ef_buf_printf(&t->desc,
                  "Stacked bar chart of the number of items per %s "
                  "from %s to %s, split into negative, neutral and positive. ",
                  ef_find_unit(r), r->periods[0].label,
                  r->periods[r->nperiods - 1].label);
    ef_find_count(x, r->periods[lo].n);
    ef_find_count(y, r->periods[hi].n);
    ef_buf_printf(&t->desc,
                  "%s items in all; fewest in %s (%s), most in "
                  "%s (%s).",
                  a, r->periods[lo].label, x, r->periods[hi].label, y);
    if (few)
        too_few(r, few, "", &t->desc);
    ef_find_partial_periods(r, &t->desc);
}

void ef_find_chart_negative(const ef_report *r, ef_find_text *t)
{
    size_t n = r->nperiods, few = 0, nsp = 0, lo = SIZE_MAX, hi = SIZE_MAX;
    char c[32], d[32];
    int adj = ef_find_adjusted(r);

    ef_find_title_negative(r, &t->title);
    share_subtitle(r, adj, ef_find_unit(r), &t->subtitle);
    ef_find_share(c, adj ? r->calib.adjusted.share : r->negative.share);
    ef_buf_printf(&t->desc,
                  "Line chart of the negative share per %s from %s "
                  "to %s (%zu %s%s), %s. Over all items the negative share "
                  "is %s.",
                  ef_find_unit(r), r->periods[0].label,
                  r->periods[n - 1].label, n, ef_find_unit(r),
                  n == 1 ? "" : "s",
                  adj ? "re-estimated from human labels, with 95% intervals, "
                        "and VADER's share as a dashed line"
                      : "as VADER scored it, with 95% Wilson intervals",
                  c);
    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *q = &r->periods[i];
        if (!ef_find_reliable(q)) {
            few += q->too_few != 0;
            continue;
        }
        if (lo == SIZE_MAX ||
            EF_PSHARE(q)->share < EF_PSHARE(&r->periods[lo])->share)
            lo = i;
        if (hi == SIZE_MAX ||
            EF_PSHARE(q)->share > EF_PSHARE(&r->periods[hi])->share)
            hi = i;
        nsp += ef_find_spike(q);
    }
    if (lo != SIZE_MAX && lo != hi) {
        ef_find_share(c, EF_PSHARE(&r->periods[lo])->share);
        ef_find_share(d, EF_PSHARE(&r->periods[hi])->share);
        ef_buf_printf(&t->desc, " Lowest %s in %s, highest %s in %s.", c,
                      r->periods[lo].label, d, r->periods[hi].label);
    }
    for (size_t i = 0; i < n && nsp; i++) {
        const ef_period_stat *q = &r->periods[i];
        if (!ef_find_spike(q))
            continue;
        ef_find_share(c, q->negative.share);
        ef_find_share(d, q->baseline);
        ef_buf_printf(&t->desc,
                      " Spike in %s: VADER scored %s negative "
                      "against a baseline of %s",
                      q->label, c, d);
        if (q->nterms) {
            ef_buf_puts(&t->desc, "; its terms: ");
            for (size_t k = 0; k < q->nterms && k < 5; k++) {
                char *term = ef_text_clean(q->terms[k]);
                ef_buf_printf(&t->desc, "%s%s", k ? ", " : "", term);
                free(term);
            }
        }
        ef_buf_putc(&t->desc, '.');
    }
    if (few)
        too_few(r, few,
                few == 1 ? " and is shown hollow, too few to call"
                         : " and are shown hollow, too few to call",
                &t->desc);
    if (adj) {
        ef_find_share(c, r->negative.share);
        ef_buf_printf(&t->desc, " VADER alone scored %s negative.", c);
    }
    if (nsp)
        ef_buf_printf(&t->note,
                      "Spike: a %s whose negatives are improbably "
                      "many against the median share of the 8 %ss before "
                      "(binomial p < 0.001, at least 10 negatives).",
                      ef_find_unit(r), ef_find_unit(r));
    ef_find_partial_mark(r, "Open dot", &t->note);
    ef_find_partial_periods(r, &t->desc);
}

/* "Showing the 12 largest of 40 channels." */
static void showing(size_t shown, size_t n, ef_buf *b)
{
    ef_buf_printf(b, "%sShowing the %zu largest of %zu channels.",
                  b->len ? " " : "", shown, n);
}

void ef_find_chart_channels(const ef_report *r, const size_t *rows,
                            size_t shown, ef_find_text *t)
{
    size_t n = r->nchannels, nrel = 0;
    int adj = ef_find_checked(r) && n > 0 && r->channels[0].adjusted;
    char a[32], c[32];

    for (size_t k = 0; k < shown; k++)
        nrel += !r->channels[rows[k]].too_few;
    if (nrel == 0) {
        ef_buf_puts(&t->title, "Too few items per channel to compare "
                               "negative shares");
    } else if (nrel == 1) {
        char *c30 = ef_text_clip(r->channels[rows[0]].name, 30);
        char *name = ef_text_isolate(c30);
        free(c30);
        ef_find_share(a, EF_GSHARE(&r->channels[rows[0]])->share);
        ef_buf_printf(&t->title, "Negative share for %s is %s", name, a);
        free(name);
    } else {
        const ef_group_stat *h = &r->channels[rows[0]];
        const ef_group_stat *l = &r->channels[rows[nrel - 1]];
        ef_find_share(a, EF_GSHARE(h)->share);
        ef_find_share(c, EF_GSHARE(l)->share);
        if (EF_GSHARE(h)->lo > EF_GSHARE(l)->hi) {
            char *c1 = ef_text_clip(h->name, 30), *t1 = ef_text_isolate(c1);
            char *c2 = ef_text_clip(l->name, 30), *t2 = ef_text_isolate(c2);
            free(c1);
            free(c2);
            ef_buf_printf(&t->title,
                          "Negative share is highest for %s (%s) "
                          "and lowest for %s (%s)",
                          t1, a, t2, c);
            free(t1);
            free(t2);
        } else {
            ef_buf_printf(&t->title,
                          "Negative share is similar across "
                          "channels (%s to %s)",
                          c, a);
        }
    }
    share_subtitle(r, adj, "channel", &t->subtitle);
    ef_buf_printf(&t->desc,
                  "Horizontal bar chart of the negative share in "
                  "each of %zu channel%s, highest first, with 95%% "
                  "intervals%s.",
                  shown, shown == 1 ? "" : "s",
                  adj ? ", re-estimated from human labels; VADER's share "
                        "follows in brackets"
                      : ", as VADER scored it");
    for (size_t k = 0; k < shown; k++) {
        const ef_group_stat *g = &r->channels[rows[k]];
        char *name = ef_text_clean(g->name);
        ef_find_count(a, g->n);
        if (g->too_few) {
            ef_buf_printf(&t->desc, " %s: too few to call (n = %s).", name, a);
        } else if (adj) {
            char v[32];
            ef_find_pct(c, g->adj.share, 1);
            ef_find_pct(v, g->negative.share, 1);
            ef_buf_printf(&t->desc, " %s: %s (VADER %s; n = %s).", name, c, v,
                          a);
        } else {
            ef_find_pct(c, g->negative.share, 1);
            ef_buf_printf(&t->desc, " %s: %s (n = %s).", name, c, a);
        }
        free(name);
    }
    if (shown < n) {
        showing(shown, n, &t->note);
        ef_buf_printf(&t->desc, " %zu smaller channel%s not shown.", n - shown,
                      n - shown == 1 ? " is" : "s are");
    }
}

void ef_find_chart_mix(const ef_report *r, ef_find_text *t)
{
    const ef_share *sh[3] = {&r->negative, &r->neutral, &r->positive};
    static const char *const cls[3] = {"negative", "neutral", "positive"};
    char a[32], b[32], c[32], x[40], y[40];
    int big = 0;

    for (int k = 1; k < 3; k++)
        if (sh[k]->share > sh[big]->share)
            big = k;
    ef_find_share(a, r->positive.share);
    ef_find_share(b, r->neutral.share);
    ef_find_share(c, r->negative.share);
    if (sh[big]->share >= 0.9995)
        ef_buf_printf(&t->title, "All feedback scores %s", cls[big]);
    else if (lround(sh[big]->share * 100) > 50)
        ef_buf_printf(&t->title,
                      "Most feedback scores %s: %s positive, %s "
                      "neutral, %s negative",
                      cls[big], a, b, c);
    else if (lround(sh[big]->share * 100) >= 45)
        ef_buf_printf(&t->title,
                      "About half the feedback scores %s: %s positive, %s "
                      "neutral, %s negative",
                      cls[big], a, b, c);
    else
        ef_buf_printf(&t->title,
                      "No class holds a majority: %s positive, %s "
                      "neutral, %s negative",
                      a, b, c);
    ef_find_count(a, r->n);
    ef_buf_printf(&t->subtitle,
                  "VADER compound score of every item, in bins "
                  "of 0.05 \xC2\xB7 %s items",
                  a);
    threshold(x, r->thr.neg_max);
    threshold(y, r->thr.pos_min);
    ef_buf_printf(&t->note,
                  "Negative: %s or below; positive: %s or "
                  "above; neutral in between.",
                  x, y);
    ef_buf_printf(&t->desc,
                  "Histogram of the VADER compound score of "
                  "%s items in 40 bins from " MINUS "1 to +1, coloured "
                  "by class: negative at %s or below, positive at %s or "
                  "above, neutral in between. ",
                  a, x, y);
    ef_find_pct(a, r->negative.share, 1);
    ef_find_pct(b, r->neutral.share, 1);
    ef_find_pct(c, r->positive.share, 1);
    ef_buf_printf(&t->desc, "Negative %s, neutral %s, positive %s.", a, b, c);
}

/* Appends ", with a low of -3 in week 2025-W14" when one period's NPS
 * lies clearly below the typical period's (its margin included). */
static int nps_low(const ef_report *r, ef_buf *b)
{
    size_t n = r->nperiods, cnt = 0, lo = 0;
    int said = 0;
    double *v = ef_xmalloc((n + 1) * sizeof *v), med;
    char x[32], ph[64];

    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *q = &r->periods[i];
        if (!ef_find_nps_reliable(r, q))
            continue;
        if (cnt == 0 || q->nps.score < r->periods[lo].nps.score)
            lo = i;
        v[cnt++] = q->nps.score;
    }
    if (cnt >= 3) {
        const ef_nps_stat *q = &r->periods[lo].nps;
        med = ef_median(v, cnt);
        if (q->score + q->moe < med && med - q->score >= 10) {
            ef_find_signed(x, q->score);
            ef_find_period_phrase(r, &r->periods[lo], ph, sizeof ph);
            ef_buf_printf(b, ", with a low of %s in %s", x, ph);
            said = 1;
        }
    }
    free(v);
    return said;
}

/* Whether NPS moved between the first and last quarter of the periods
 * with enough answers (pooled, beyond 3 standard errors and 5 points):
 * then the title says so ("NPS rose from +5 to +20; overall ..."). */
static int nps_moved(const ef_report *r, const char *a, const char *m,
                     ef_buf *b)
{
    size_t n = r->nperiods, cnt = 0, k, seen = 0;
    double P1 = 0, D1 = 0, N1 = 0, P2 = 0, D2 = 0, N2 = 0;

    for (size_t i = 0; i < n; i++)
        cnt += ef_find_nps_reliable(r, &r->periods[i]);
    k = cnt / 4 > 8 ? 8 : cnt / 4;
    for (size_t i = 0; i < n && cnt >= 4; i++) {
        const ef_nps_stat *q = &r->periods[i].nps;
        if (!ef_find_nps_reliable(r, &r->periods[i]))
            continue;
        if (seen < k) {
            P1 += (double)q->promoters;
            D1 += (double)q->detractors;
            N1 += (double)q->n;
        }
        if (seen >= cnt - k) {
            P2 += (double)q->promoters;
            D2 += (double)q->detractors;
            N2 += (double)q->n;
        }
        seen++;
    }
    if (cnt >= 4 && N1 > 0 && N2 > 0) {
        double p1 = P1 / N1, d1 = D1 / N1, p2 = P2 / N2, d2 = D2 / N2;
        double s1 = 100 * 100 * (p1 + d1 - (p1 - d1) * (p1 - d1)) / N1;
        double s2 = 100 * 100 * (p2 + d2 - (p2 - d2) * (p2 - d2)) / N2;
        double n1 = 100 * (p1 - d1), n2 = 100 * (p2 - d2);
        if (fabs(n2 - n1) >= 5 && fabs(n2 - n1) > 3 * sqrt(s1 + s2)) {
            char x[32], y[32];
            ef_find_signed(x, n1);
            ef_find_signed(y, n2);
            ef_buf_printf(b, "NPS %s from %s to %s; overall %s (\xC2\xB1%s)",
                          n2 > n1 ? "rose" : "fell", x, y, a, m);
            return 1;
        }
    }
    return 0;
}

void ef_find_chart_nps(const ef_report *r, ef_find_text *t)
{
    const ef_nps_stat *s = &r->nps;
    char a[32], m[32], pr[32], de[32], pa[32], cnt[32];
    int moved = 0;

    ef_find_signed(a, s->score);
    snprintf(m, sizeof m, s->moe < 0.95 ? "%.1f" : "%.0f", s->moe);
    ef_find_share(pr, (double)s->promoters / (double)s->n);
    ef_find_share(pa, (double)s->passives / (double)s->n);
    ef_find_share(de, (double)s->detractors / (double)s->n);
    ef_find_count(cnt, s->n);
    if (ef_find_nps_periods(r))
        moved = nps_moved(r, a, m, &t->title);
    if (s->n < r->min_n) {
        ef_buf_printf(&t->title,
                      "Only %s NPS answer%s: too few to call "
                      "(NPS %s \xC2\xB1%s)",
                      cnt, s->n == 1 ? "" : "s", a, m);
    } else if (!moved) {
        ef_buf_printf(&t->title, "NPS is %s (\xC2\xB1%s)", a, m);
        if (!nps_low(r, &t->title))
            ef_buf_printf(&t->title, ": %s promoters, %s detractors", pr, de);
    }
    ef_buf_printf(&t->subtitle, "Net Promoter Score%s%s \xC2\xB7 %s answer%s",
                  ef_find_nps_periods(r) ? " per " : "",
                  ef_find_nps_periods(r) ? ef_find_unit(r) : "", cnt,
                  s->n == 1 ? "" : "s");
    ef_buf_puts(&t->note,
                "Promoters answer 9 or 10, passives 7 or 8, "
                "detractors 0 to 6; NPS = % promoters - % detractors.");
    ef_buf_printf(&t->desc,
                  "Net Promoter Score %s with a 95%% margin of "
                  "%s points over %llu answer%s: %s promoters, %s passives, "
                  "%s detractors.",
                  a, m, (unsigned long long)s->n, s->n == 1 ? "" : "s", pr, pa,
                  de);
    if (!ef_find_nps_periods(r))
        return;
    ef_buf_printf(&t->desc, " Line chart of NPS per %s with its margin:",
                  ef_find_unit(r));
    for (size_t i = 0, c = 0; i < r->nperiods; i++) {
        const ef_period_stat *q = &r->periods[i];
        if (!ef_find_nps_reliable(r, q))
            continue;
        if (c++ == 60) {
            ef_buf_puts(&t->desc, " ...");
            break;
        }
        ef_find_signed(a, q->nps.score);
        ef_buf_printf(&t->desc, "%s %s %s", c > 1 ? "," : "", q->label, a);
    }
    ef_buf_putc(&t->desc, '.');
}

void ef_find_chart_stars(const ef_report *r, ef_find_text *t)
{
    char a[32], c[32], lo[32], hi[32];

    ef_fmt_fixed(a, r->stars_mean, 1);
    ef_find_share(c, r->csat.share);
    if (r->stars_n < r->min_n)
        ef_buf_printf(&t->title,
                      "Only %llu rating%s: too few to call "
                      "(average %s of 5)",
                      (unsigned long long)r->stars_n,
                      r->stars_n == 1 ? "" : "s", a);
    else
        ef_buf_printf(&t->title,
                      "Average rating %s of 5; %s gave 4 or 5 "
                      "stars",
                      a, c);
    ef_find_count(a, r->stars_n);
    ef_buf_printf(&t->subtitle,
                  "Share of ratings by stars \xC2\xB7 %s "
                  "ratings",
                  a);
    ef_fmt_fixed(a, r->stars_mean, 2);
    ef_fmt_fixed(lo, r->stars_lo, 2);
    ef_fmt_fixed(hi, r->stars_hi, 2);
    ef_buf_printf(&t->note,
                  "Mean %s (95%% interval %s to %s); CSAT, the "
                  "share of 4 and 5 stars, %s.",
                  a, lo, hi, c);
    ef_buf_printf(&t->desc, "Bar chart of %llu star ratings:",
                  (unsigned long long)r->stars_n);
    for (int k = 4; k >= 0; k--) {
        char x[32];
        ef_find_pct(
            x, r->stars_n ? (double)r->stars[k] / (double)r->stars_n : 0, 1);
        ef_buf_printf(&t->desc, "%s %d star%s %s", k < 4 ? "," : "", k + 1,
                      k ? "s" : "", x);
    }
    ef_buf_printf(&t->desc, ". Mean %s (95%% interval %s to %s), CSAT %s.", a,
                  lo, hi, c);
}
