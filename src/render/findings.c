/* findings.c - the report's sentences from the model (see findings.h). */
#include "render/findings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"

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
