/* headline.c - the report's first sentences (see headline.h). */
#include "metrics/headline.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "metrics/reference.h"

/* Appends to a fixed buffer, cut at its end. */
typedef struct {
    char *s;
    size_t o, cap;
} out;

static void put(out *b, const char *fmt, ...) EF_PRINTF(2, 3);
static void put(out *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (b->o + 1 >= b->cap)
        return;
    va_start(ap, fmt);
    k = vsnprintf(b->s + b->o, b->cap - b->o, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->o = (size_t)k < b->cap - b->o ? b->o + (size_t)k : b->cap - 1;
}

/* "12.3%" */
static void pct(char *buf, size_t cap, double x)
{
    snprintf(buf, cap, "%.1f%%", 100 * x);
}

/* VADER's error on a reference, in words: "17.6 points below
 * people's", "within 0.1 points of people's". */
static void error_words(const ef_reference *e, char *buf, size_t cap)
{
    double d = 100 * (e->vader - e->people);
    if (fabs(d) < 1)
        snprintf(buf, cap, "within %.1f points of people's", fabs(d));
    else
        snprintf(buf, cap, "%.1f points %s people's", fabs(d),
                 d < 0 ? "below" : "above");
}

void ef_headline_unchecked(const ef_report *r, char *buf, size_t cap)
{
    const ef_reference *near = ef_reference_comparable(r->band_neutral);
    const ef_reference *other = NULL;
    char e1[64], e2[64], here[16], q1[16], q2[16];
    out b = {buf, 0, cap};

    for (size_t i = 0; i < ef_nreferences; i++)
        if (&ef_references[i] != near)
            other = &ef_references[i];
    buf[0] = '\0';
    error_words(near, e1, sizeof e1);
    snprintf(here, sizeof here, "%.0f%%", 100 * r->band_neutral);
    snprintf(q1, sizeof q1, "%.0f%%", 100 * near->neutral);
    put(&b,
        "Not checked against people: on public %s, the closer match "
        "(%s of them without a word VADER rates, %s here), VADER's "
        "negative share was %s",
        near->what, q1, here, e1);
    if (other) {
        error_words(other, e2, sizeof e2);
        snprintf(q2, sizeof q2, "%.0f%%", 100 * other->neutral);
        put(&b, "; on %s (%s) it was %s", other->what, q2, e2);
    }
    put(&b, ". To check it, label a sample: --label-sample 300, then "
            "earful label, then --labels.");
}

const char *ef_headline_verdict(const ef_report *r)
{
    const ef_share *sh = &r->calib.adjusted;

    if (!ef_calib_is_adjusted(&r->calib))
        return "VADER's share is unchecked, so this cannot tell whether "
               "the belief is right";
    if (r->expected_negative > sh->hi)
        return "less negative than feared";
    if (r->expected_negative < sh->lo)
        return "more negative than believed";
    return r->calib.exact ? "as people labelled it"
                          : "within the interval the labels give";
}

/* "complete " when the period compared is not the last one (the last is
 * partial), else "". */
static const char *complete(const ef_report *r)
{
    return r->change_last + 1 < r->nperiods ? "complete " : "";
}

/* When the last period is partial: says so. compared: a comparison was
 * made (of the last complete period), so it is "not compared". */
static void partial_last(const ef_report *r, out *b, int compared)
{
    const ef_period_stat *t;

    if (r->nperiods < 2 || !r->periods[r->nperiods - 1].partial)
        return;
    t = &r->periods[r->nperiods - 1];
    put(b, "%s%s, the last %s, is partial (data for %d of its %d %s%s)%s",
        compared ? "" : " ", t->label, r->period_name, t->covered, t->length,
        r->period_kind == EF_PERIOD_DAY ? "hour" : "day",
        t->length == 1 ? "" : "s",
        compared ? ", so it is not compared. " : ".");
}

/* The last period against the one before, VADER's counts. */
static void change_vader(const ef_report *r, out *b)
{
    const ef_period_stat *l = &r->periods[r->change_last];
    const ef_period_stat *p = &r->periods[r->change_prev];
    const char *which = complete(r);
    char s[16], lo[16], hi[16], prev[16], n[32];

    pct(s, sizeof s, l->negative.share);
    pct(lo, sizeof lo, l->negative.lo);
    pct(hi, sizeof hi, l->negative.hi);
    pct(prev, sizeof prev, p->negative.share);
    ef_fmt_count(n, sizeof n, l->n);
    put(b,
        "In %s, the last %s%s, VADER scored %s of %s items negative "
        "(sampling error alone: %s to %s), ",
        l->label, which, r->period_name, s, n, lo, hi);
    if (fabs(r->change) < 0.0005)
        put(b, "the same as in %s", p->label);
    else
        put(b, "%s from %s in %s", r->change > 0 ? "up" : "down", prev,
            p->label);
    put(b,
        r->change_p < 0.05 ? " (p = %.3f: unlikely to be chance). "
                           : " (p = %.2f: within chance). ",
        r->change_p);
    partial_last(r, b, 1);
}

/* The same with the re-estimated shares. */
static void change_adjusted(const ef_report *r, out *b)
{
    const ef_calibration *k = &r->calib;
    const ef_period_stat *l = &r->periods[r->change_last];
    const ef_period_stat *p = &r->periods[r->change_prev];
    const char *which = complete(r);
    char s[16], lo[16], hi[16], prev[16], n[32];

    pct(s, sizeof s, l->adj.share);
    pct(lo, sizeof lo, l->adj.lo);
    pct(hi, sizeof hi, l->adj.hi);
    pct(prev, sizeof prev, p->adj.share);
    ef_fmt_count(n, sizeof n, l->n);
    if (k->exact) {
        put(b,
            "In %s, the last %s%s, people called %s of %s items negative, "
            "%s %s in %s. ",
            l->label, which, r->period_name, s, n,
            fabs(k->change) < 0.0005 ? "the same as"
            : k->change > 0          ? "up from"
                                     : "down from",
            prev, p->label);
        partial_last(r, b, 1);
        return;
    }
    put(b,
        "In %s, the last %s%s, %s of %s items were negative by the "
        "labels' estimate (95%% interval %s to %s), ",
        l->label, which, r->period_name, s, n, lo, hi);
    if (fabs(k->change) < 0.0005)
        put(b, "the same as in %s", p->label);
    else
        put(b, "%s %.1f points from %s in %s", k->change > 0 ? "up" : "down",
            100 * fabs(k->change), prev, p->label);
    put(b, " (95%% interval of the change: %+.1f to %+.1f points; %s). ",
        100 * k->change_lo, 100 * k->change_hi,
        k->change_lo > 0 || k->change_hi < 0 ? "unlikely to be chance"
                                             : "within chance");
    partial_last(r, b, 1);
}

void ef_headline_make(ef_report *r)
{
    const ef_calibration *k = &r->calib;
    int adj = ef_calib_is_adjusted(k);
    char s[16], lo[16], hi[16], raw[16], n[32], lab[32], exp[16];
    out b = {r->headline, 0, sizeof r->headline};

    r->headline[0] = '\0';
    if (r->n == 0) {
        put(&b, "No usable feedback was found in the input.");
        return;
    }
    pct(raw, sizeof raw, r->negative.share);
    ef_fmt_count(n, sizeof n, r->n);
    ef_fmt_count(lab, sizeof lab, k->labeled);
    if (adj) {
        pct(s, sizeof s, k->adjusted.share);
        pct(lo, sizeof lo, k->adjusted.lo);
        pct(hi, sizeof hi, k->adjusted.hi);
        if (k->has_change)
            change_adjusted(r, &b);
        if (k->exact)
            put(&b,
                "%s labelled all %s items: %s are negative, exactly "
                "(VADER alone counts %s).",
                k->has_change ? "Over the whole period, people" : "People", n,
                s, raw);
        else if (k->has_change)
            put(&b,
                "Over the whole period, %s were negative (%s to %s), "
                "re-estimated from %s human labels; VADER alone counts %s.",
                s, lo, hi, lab, raw);
        else
            put(&b,
                "Re-estimated from %s human labels, %s of %s items "
                "were negative (95%% interval %s to %s); VADER alone "
                "counts %s.",
                lab, s, n, lo, hi, raw);
    } else {
        char unchecked[512];
        pct(s, sizeof s, r->negative.share);
        pct(lo, sizeof lo, r->negative.lo);
        pct(hi, sizeof hi, r->negative.hi);
        if (r->has_change) {
            change_vader(r, &b);
            put(&b,
                "Over the whole period VADER scored %s negative "
                "(sampling error alone: %s to %s). ",
                s, lo, hi);
        } else {
            put(&b,
                "VADER scored %s of %s items negative (sampling error "
                "alone: %s to %s). ",
                s, n, lo, hi);
        }
        ef_headline_unchecked(r, unchecked, sizeof unchecked);
        put(&b, "%s", unchecked);
        if (k->has)
            put(&b, " The %s labels given are too few to re-estimate it.",
                lab);
    }
    if (!(adj ? k->has_change : r->has_change)) /* no comparison made */
        partial_last(r, &b, 0);
    if (r->has_expected) {
        pct(exp, sizeof exp, r->expected_negative);
        if (adj)
            put(&b, " Leadership expected %s: %s.", exp,
                ef_headline_verdict(r));
        else
            put(&b,
                " Leadership expected %s; against VADER's unchecked "
                "share that belief can be neither confirmed nor refuted.",
                exp);
    }
}
