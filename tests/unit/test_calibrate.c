/* test_calibrate.c - the re-estimated shares on hand-made data.
 *
 * Score bins (default thresholds), ascending: 0 <= -0.75 < 1 <= -0.5 < 2
 * <= -0.25 < 3 <= -0.05 < 4 < 0.05 <= 5 < 0.25 <= 6 < 0.5 <= 7 < 0.75 <= 8.
 * The rows below use compound -0.9 (bin 0), -0.6 (bin 1), 0.0 (bin 4,
 * VADER neutral) and 0.6 (bin 7).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "metrics/mrp.h"
#include "metrics/stats.h"
#include "test.h"

/* EF_STATIC in calibrate.c */
double ef_calib_acc(double observed, double tpr, double fpr);
void ef_calib_allocate(const size_t *pop, int nb, int neutral, size_t want,
                       size_t *take);
double select_quantile(double *v, size_t n, double q);

static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;

/* Adds count rows of one kind: compound, label (-1: none), period and
 * channel numbers. */
static void rows_in(ef_calib *c, int count, double compound, int label,
                    uint32_t period, uint32_t channel)
{
    const uint32_t grp[EF_CALIB_DIMS] = {period, channel, 0};
    for (int i = 0; i < count; i++)
        ef_calib_add(c, compound, label, grp);
}

static void rows(ef_calib *c, int count, double compound, int label,
                 uint32_t period)
{
    rows_in(c, count, compound, label, period, 0);
}

/* A report with VADER's shares and nper periods and nch channels, as the
 * aggregator would hand it over (the calibrator reads only these
 * fields). */
static ef_report *report_g(uint64_t n, uint64_t neg, uint64_t pos, size_t nper,
                           size_t nch)
{
    ef_report *r = calloc(1, sizeof *r);
    r->n = n;
    r->negative.count = neg;
    r->negative.n = n;
    r->negative.share = (double)neg / (double)n;
    r->negative.lo = r->negative.share - 0.01;
    r->negative.hi = r->negative.share + 0.01;
    r->positive.count = pos;
    r->positive.n = n;
    r->positive.share = (double)pos / (double)n;
    r->periods = calloc(nper + 1, sizeof *r->periods);
    r->nperiods = nper;
    for (size_t i = 0; i < nper; i++)
        r->periods[i].start = 86400 * (int64_t)i;
    r->channels = calloc(nch + 1, sizeof *r->channels);
    r->nchannels = nch;
    return r;
}

static ef_report *report(uint64_t n, uint64_t neg, uint64_t pos,
                         const int64_t *starts, size_t nper)
{
    (void)starts;
    return report_g(n, neg, pos, nper, 0);
}

static void report_free(ef_report *r)
{
    free(r->periods);
    free(r->channels);
    free(r);
}

/* Maps: id i -> row i, for periods and channels (SIZE_MAX-free). */
static const size_t ident[8] = {0, 1, 2, 3, 4, 5, 6, 7};

static void finish(ef_calib *c, ef_report *r)
{
    ef_calib_map maps[EF_CALIB_DIMS] = {
        {r->nperiods ? ident : NULL, r->nperiods},
        {r->nchannels ? ident : NULL, r->nchannels},
        {NULL, 0}};
    ef_calib_finish(c, r, maps);
}

/* The population of the post-stratification case: 500 rows.
 *   bin 1: 100 rows, 20 labelled: 16 negative, 4 neutral   (rate 0.8)
 *   bin 4: 300 rows, 40 labelled: 10 negative, 30 neutral  (rate 0.25)
 *   bin 7: 100 rows, 20 labelled: 4 negative, 16 positive  (rate 0.2)
 * 30 labelled negative, 50 other: just enough (EF_CALIB_MIN_CLASS). */
static void population(ef_calib *c, uint32_t period)
{
    rows(c, 16, -0.6, EF_NEGATIVE, period);
    rows(c, 4, -0.6, EF_NEUTRAL, period);
    rows(c, 80, -0.6, -1, period);
    rows(c, 10, 0.0, EF_NEGATIVE, period);
    rows(c, 30, 0.0, EF_NEUTRAL, period);
    rows(c, 260, 0.0, -1, period);
    rows(c, 4, 0.6, EF_NEGATIVE, period);
    rows(c, 16, 0.6, EF_POSITIVE, period);
    rows(c, 80, 0.6, -1, period);
}

static void test_bins(void)
{
    static const struct {
        double compound;
        int bin;
    } cases[] = {
        {-1.0, 0},  {-0.75, 0},   {-0.7499, 1}, {-0.5, 1},   {-0.25, 2},
        {-0.05, 3}, {-0.0499, 4}, {0.0, 4},     {0.0499, 4}, {0.05, 5},
        {0.25, 6},  {0.4999, 6},  {0.5, 7},     {0.75, 8},   {1.0, 8},
    };
    const ef_thresholds wide = {-0.3, 0.3};

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++)
        INT_EQ(ef_calib_bin(&thr, cases[i].compound), cases[i].bin,
               "score bin");
    INT_EQ(ef_calib_nbins(&thr), 9, "nine bins by default");
    /* --thresholds -0.3,0.3: the -0.25 and 0.25 edges fall inside the
     * neutral class and are dropped: edges -0.75 -0.5 -0.3 0.3 0.5 0.75 */
    INT_EQ(ef_calib_nbins(&wide), 7, "wide thresholds: seven bins");
    INT_EQ(ef_calib_bin(&wide, -0.3), 2, "wide: -0.3 is negative");
    INT_EQ(ef_calib_bin(&wide, 0.29), 3, "wide: 0.29 is neutral");
    INT_EQ(ef_calib_bin(&wide, 0.3), 4, "wide: 0.3 is positive");
}

static void test_all_labelled(void)
{
    /* 150 rows, all labelled, so both estimators must give the people's
     * share exactly:
     *   -0.6 (VADER negative): 40 negative, 10 neutral
     *    0.0 (VADER neutral):  20 negative, 30 neutral
     *    0.6 (VADER positive): 10 negative, 40 positive
     * confusion [human][vader]: neg {40,20,10}, neu {10,30,0},
     * pos {0,0,40}; tpr = 40/70, fpr = 10/80 = 0.125; the people's share
     * 70/150 = 0.4667. Classify-and-count: observed 50/150, and
     * (1/3 - 0.125) / (4/7 - 0.125) = 0.20833 / 0.44643 = 0.4667. */
    static const ef_calib_method methods[3] = {
        EF_CALIB_MRP, EF_CALIB_POSTSTRAT, EF_CALIB_ACC};
    static const char *const names[3] = {
        "multilevel regression and post-stratification on score bin and "
        "group",
        "post-stratified on the score (3 bins)",
        "adjusted classify-and-count"};
    for (int m = 0; m < 3; m++) {
        ef_calib *c = ef_calib_new(&thr, 7);
        ef_report *r = report(150, 50, 50, NULL, 0);
        static const uint64_t want[3][3] = {
            {40, 20, 10}, {10, 30, 0}, {0, 0, 40}};

        ef_calib_set_method(c, methods[m]);
        rows(c, 40, -0.6, EF_NEGATIVE, 0);
        rows(c, 10, -0.6, EF_NEUTRAL, 0);
        rows(c, 20, 0.0, EF_NEGATIVE, 0);
        rows(c, 30, 0.0, EF_NEUTRAL, 0);
        rows(c, 10, 0.6, EF_NEGATIVE, 0);
        rows(c, 40, 0.6, EF_POSITIVE, 0);
        finish(c, r);
        INT_EQ(r->calib.has, 1, "has");
        INT_EQ(r->calib.labeled, 150, "labeled");
        for (int h = 0; h < 3; h++)
            for (int v = 0; v < 3; v++)
                INT_EQ(r->calib.confusion[h][v], want[h][v], "confusion");
        DBL_NEAR(r->calib.tpr, 40.0 / 70, 1e-12, "tpr");
        DBL_NEAR(r->calib.fpr, 0.125, 1e-12, "fpr");
        DBL_NEAR(r->calib.raw_share, 1.0 / 3, 1e-12, "raw share");
        DBL_NEAR(r->calib.adjusted.share, 70.0 / 150, 1e-12, names[m]);
        INT_EQ(r->calib.exact, 1, "all labelled: exact");
        /* positives: 40 of 150 by the people, 50 by VADER */
        DBL_NEAR(r->calib.adjusted_pos.share, 40.0 / 150, 1e-12,
                 "positive share, all labelled");
        if (m < 2) /* every row labelled: nothing left to estimate */
            OK(r->calib.adjusted.lo == r->calib.adjusted.share &&
                   r->calib.adjusted.hi == r->calib.adjusted.share,
               "all labelled: the interval is the point");
        /* neutral 40/150 by the people, net (40 - 70) / 150 */
        DBL_NEAR(r->calib.adjusted_neu.share, 40.0 / 150, 1e-12,
                 "all labelled: neutral");
        DBL_NEAR(r->calib.net, -30.0 / 150, 1e-12, "all labelled: net");
        OK(ef_calib_is_adjusted(&r->calib), "adjusted");
        STR_EQ(r->calib.method, names[m], "method");
        ef_calib_free(c);
        report_free(r);
    }
}

static void test_poststrat(void)
{
    ef_calib *c = ef_calib_new(&thr, 42);
    ef_report *r = report(500, 100, 100, NULL, 0);
    double lo, hi;

    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);
    population(c, 0);
    finish(c, r);
    /* (100 x 0.8 + 300 x 0.25 + 100 x 0.2) / 500 = 175 / 500 */
    DBL_NEAR(r->calib.adjusted.share, 0.35, 1e-12, "post-stratified");
    INT_EQ(r->calib.adjusted.n, 500, "adjusted.n: all rows");
    INT_EQ(r->calib.adjusted.count, 175, "adjusted.count: 0.35 x 500");
    DBL_NEAR(r->calib.raw_share, 0.2, 1e-12, "raw: 100 of 500");
    OK(r->calib.adjusted.lo < 0.35 && r->calib.adjusted.hi > 0.35,
       "the interval holds the estimate");
    OK(r->calib.adjusted.lo > 0.2 && r->calib.adjusted.hi < 0.5,
       "the interval is plausible");
    /* tpr/fpr weight each label by its bin's rows per label: 5 (bin 1),
     * 7.5 (bin 4), 5 (bin 7). People's negatives: 16x5 = 80 VADER
     * negative, 10x7.5 = 75 neutral, 4x5 = 20 positive: tpr = 80/175.
     * The rest: 4x5 = 20 VADER negative of 20 + 30x7.5 + 16x5 = 325. */
    DBL_NEAR(r->calib.tpr, 80.0 / 175, 1e-12, "weighted tpr");
    DBL_NEAR(r->calib.fpr, 20.0 / 325, 1e-12, "weighted fpr");
    INT_EQ(r->calib.confusion[EF_NEGATIVE][EF_NEGATIVE], 16, "confusion");
    INT_EQ(r->calib.confusion[EF_NEUTRAL][EF_NEUTRAL], 30, "confusion");
    /* only 16 labelled positives: the positive share stays VADER's */
    DBL_NEAR(r->calib.adjusted_pos.share, 0.2, 1e-12, "positive: raw");
    OK(strstr(r->calib.note, "The positive share is VADER's") != NULL,
       "note: too few positive labels");
    STR_EQ(r->calib.method, "post-stratified on the score (3 bins)", "method");

    /* determinism: the same seed gives the same interval, bit for bit */
    lo = r->calib.adjusted.lo;
    hi = r->calib.adjusted.hi;
    ef_calib_free(c);
    c = ef_calib_new(&thr, 42);
    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);
    population(c, 0);
    finish(c, r);
    OK(r->calib.adjusted.lo == lo && r->calib.adjusted.hi == hi,
       "bootstrap: same seed, same interval");
    ef_calib_free(c);
    c = ef_calib_new(&thr, 43);
    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);
    population(c, 0);
    finish(c, r);
    OK(r->calib.adjusted.lo != lo || r->calib.adjusted.hi != hi,
       "bootstrap: another seed, another interval");
    DBL_NEAR(r->calib.adjusted.share, 0.35, 1e-12, "estimate: no seed");
    ef_calib_free(c);

    /* the same labels through adjusted classify-and-count, unweighted:
     * tpr 16/30, fpr 4/50; (0.2 - 0.08) / (0.5333 - 0.08) = 0.2647 */
    c = ef_calib_new(&thr, 42);
    ef_calib_set_method(c, EF_CALIB_ACC);
    population(c, 0);
    finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 0.12 / (16.0 / 30 - 0.08), 1e-12,
             "classify-and-count");
    ef_calib_free(c);
    report_free(r);
}

static void test_acc_clip(void)
{
    /* (0.05 - 0.1) / 0.7 < 0 -> 0; (0.95 - 0.1) / 0.7 > 1 -> 1 */
    DBL_NEAR(ef_calib_acc(0.05, 0.8, 0.1), 0.0, 0, "ACC clipped at 0");
    DBL_NEAR(ef_calib_acc(0.95, 0.8, 0.1), 1.0, 0, "ACC clipped at 1");
    /* (0.3 - 0.1) / (0.5 - 0.1) = 0.5 */
    DBL_NEAR(ef_calib_acc(0.3, 0.5, 0.1), 0.5, 1e-12, "ACC");
    /* tpr <= fpr: the labels say VADER is useless; observed kept */
    DBL_NEAR(ef_calib_acc(0.3, 0.2, 0.2), 0.3, 0, "ACC, tpr == fpr");
}

static void test_merge(void)
{
    ef_calib *c = ef_calib_new(&thr, 1);
    ef_report *r = report(550, 150, 100, NULL, 0);

    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);

    /* bin 0: 50 rows, 3 labelled (3 negative): fewer than 10 labels, so
     * merged with bin 1 (its only neighbour holding rows):
     * bin 1: 100 rows, 27 labelled (21 negative, 6 neutral)
     *   merged: 150 rows, 24 of 30 negative, rate 0.8
     * bin 4: 300 rows, 40 labelled (10 negative), rate 0.25
     * bin 7: 100 rows, 20 labelled (2 negative, 18 positive), rate 0.1
     * (150 x 0.8 + 300 x 0.25 + 100 x 0.1) / 550 = 205 / 550 */
    rows(c, 3, -0.9, EF_NEGATIVE, 0);
    rows(c, 47, -0.9, -1, 0);
    rows(c, 21, -0.6, EF_NEGATIVE, 0);
    rows(c, 6, -0.6, EF_NEUTRAL, 0);
    rows(c, 73, -0.6, -1, 0);
    rows(c, 10, 0.0, EF_NEGATIVE, 0);
    rows(c, 30, 0.0, EF_NEUTRAL, 0);
    rows(c, 260, 0.0, -1, 0);
    rows(c, 2, 0.6, EF_NEGATIVE, 0);
    rows(c, 18, 0.6, EF_POSITIVE, 0);
    rows(c, 80, 0.6, -1, 0);
    finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 205.0 / 550, 1e-12, "sparse bin merged");
    STR_EQ(r->calib.method, "post-stratified on the score (3 bins)",
           "method: three strata left");
    OK(strstr(r->calib.note, "1 score bin with under 10 labels merged") !=
           NULL,
       "note: merged bin");
    ef_calib_free(c);
    report_free(r);
}

static void test_too_few(void)
{
    ef_calib *c = ef_calib_new(&thr, 1);
    ef_report *r = report(200, 40, 60, NULL, 0);

    /* 10 labelled rows: fewer than 30 negatives, no adjustment */
    rows(c, 5, -0.6, EF_NEGATIVE, 0);
    rows(c, 35, -0.6, -1, 0);
    rows(c, 5, 0.0, EF_NEUTRAL, 0);
    rows(c, 95, 0.0, -1, 0);
    rows(c, 60, 0.6, -1, 0);
    finish(c, r);
    INT_EQ(r->calib.has, 1, "too few: has");
    INT_EQ(r->calib.labeled, 10, "too few: labeled");
    STR_EQ(r->calib.method, "none: too few labels", "too few: method");
    OK(!ef_calib_is_adjusted(&r->calib), "too few: not adjusted");
    DBL_NEAR(r->calib.adjusted.share, 0.2, 0, "too few: VADER's share");
    DBL_NEAR(r->calib.adjusted.lo, r->negative.lo, 0, "too few: its CI");
    /* one plain sentence, not "VADER 20%, people 20%" */
    STR_EQ(r->calib.note,
           "10 items labelled, 5 of them negative: 30 "
           "negative and 30 other labels are needed to re-estimate the "
           "shares.",
           "too few: the note");
    DBL_NEAR(r->calib.tpr, 1.0, 1e-12, "too few: tpr still given");
    ef_calib_free(c);

    /* 20 rows, all labelled, 5 negative: too few for the rule, but the
     * people's share is known exactly: 5 / 20 */
    c = ef_calib_new(&thr, 1);
    rows(c, 5, -0.6, EF_NEGATIVE, 0);
    rows(c, 15, 0.0, EF_NEUTRAL, 0);
    finish(c, r);
    OK(ef_calib_is_adjusted(&r->calib), "all labelled: adjusted");
    DBL_NEAR(r->calib.adjusted.share, 0.25, 1e-12, "all labelled: exact");
    DBL_NEAR(r->calib.adjusted.hi - r->calib.adjusted.lo, 0, 0,
             "all labelled: no interval");
    ef_calib_free(c);

    /* no labels at all: nothing */
    c = ef_calib_new(&thr, 1);
    rows(c, 200, 0.0, -1, 0);
    finish(c, r);
    INT_EQ(r->calib.has, 0, "no labels: has = 0");
    OK(!ef_calib_is_adjusted(&r->calib), "no labels: not adjusted");
    ef_calib_free(c);
    report_free(r);
}

static void test_periods(void)
{
    ef_calib *c = ef_calib_new(&thr, 5);
    ef_report *r = report(700, 200, 100, NULL, 2);

    /* post-stratification on the score alone: the overall per-bin rates
     * applied to each period. Period 0: the population above; period 1:
     * 100 unlabelled rows in bin 1 and 100 in bin 4. The overall rates:
     * bin 1 = 16/20, bin 4 = 10/40, bin 7 = 4/20, so period 0 = 0.35 as
     * above and period 1 = (100 x 0.8 + 100 x 0.25) / 200 = 0.525.
     * Overall: (200 x 0.8 + 400 x 0.25 + 100 x 0.2) / 700. */
    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);
    rows(c, 100, -0.6, -1, 1); /* the later period first */
    population(c, 0);
    rows(c, 100, 0.0, -1, 1);
    finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 280.0 / 700, 1e-12, "overall");
    INT_EQ(r->periods[0].adjusted, 1, "period 0 adjusted");
    INT_EQ(r->periods[1].adjusted, 1, "period 1 adjusted");
    DBL_NEAR(r->periods[0].adj.share, 0.35, 1e-12, "period 0");
    DBL_NEAR(r->periods[1].adj.share, 0.525, 1e-12, "period 1");
    OK(r->periods[1].adj.lo < 0.525 && r->periods[1].adj.hi > 0.525,
       "period 1 interval");
    ef_calib_free(c);
    report_free(r);
}

/* ==== Multilevel regression and post-stratification ==================== */

/* The model alone (mrp.h): one group, one bin of 10 labels, 8 with the
 * label. The Newton fit (groups eliminated) against plain gradient
 * descent on the same objective: the same parameters. */
static double objective_twin(const ef_mrp *m, const double *a, const double *u,
                             const uint32_t *n, const uint32_t *k)
{
    double f = 0;
    for (int b = 0; b < m->nb; b++) {
        f += 0.5 * a[b] * a[b] / (EF_MRP_SD_BIN * EF_MRP_SD_BIN);
        if (b > 0)
            f += 0.5 * (a[b] - a[b - 1]) * (a[b] - a[b - 1]) /
                 (EF_MRP_SD_STEP * EF_MRP_SD_STEP);
    }
    for (size_t g = 0; g < m->ng; g++) {
        const double *ug = u + g * EF_MRP_PAR;
        f += 0.5 * ug[0] * ug[0] / (m->sd[0] * m->sd[0]);
        for (int q = 1; q < EF_MRP_PAR; q++)
            f += 0.5 * ug[q] * ug[q] / (m->sd[1] * m->sd[1]);
        for (int b = 0; b < m->nb; b++) {
            size_t at = g * (size_t)m->nb + (size_t)b;
            double eta = a[b] + ug[0] + ug[1 + m->cls[b]];
            f += (double)n[at] * log1p(exp(eta)) - (double)k[at] * eta;
        }
    }
    return f;
}

static void test_mrp_model(void)
{
    /* 3 bins (classes 0, 1, 2), 3 groups; group 2's cells differ */
    static const int cls[3] = {0, 1, 2};
    static const uint32_t n[9] = {20, 30, 10, 15, 25, 5, 10, 40, 20};
    static const uint32_t k[9] = {16, 6, 1, 12, 5, 0, 5, 30, 4};
    ef_mrp m;
    double a[3] = {0}, u[3 * EF_MRP_PAR] = {0}, step = 0.01, f0, f1;
    int worse = 0;

    ef_mrp_init(&m, 3, cls, 3);
    m.sd[0] = 1;
    m.sd[1] = 0.5;
    ef_mrp_fit(&m, n, k);
    OK(m.iterations < 20, "Newton: a few iterations");
    /* the twin: plain gradient descent on the same objective, each
     * derivative written out, long enough to converge */
    f0 = objective_twin(&m, a, u, n, k);
    for (int it = 0; it < 40000; it++) {
        double ga[3] = {0}, gu[3 * EF_MRP_PAR] = {0};
        for (int b = 0; b < 3; b++) {
            ga[b] += a[b] / (EF_MRP_SD_BIN * EF_MRP_SD_BIN);
            if (b > 0) {
                double d =
                    (a[b] - a[b - 1]) / (EF_MRP_SD_STEP * EF_MRP_SD_STEP);
                ga[b] += d;
                ga[b - 1] -= d;
            }
        }
        for (int g = 0; g < 3; g++) {
            double *ug = u + g * EF_MRP_PAR, *dg = gu + g * EF_MRP_PAR;
            dg[0] += ug[0] / (m.sd[0] * m.sd[0]);
            for (int q = 1; q < EF_MRP_PAR; q++)
                dg[q] += ug[q] / (m.sd[1] * m.sd[1]);
            for (int b = 0; b < 3; b++) {
                double eta = a[b] + ug[0] + ug[1 + cls[b]];
                double r = n[g * 3 + b] / (1 + exp(-eta)) - k[g * 3 + b];
                ga[b] += r;
                dg[0] += r;
                dg[1 + cls[b]] += r;
            }
        }
        for (int b = 0; b < 3; b++)
            a[b] -= step * ga[b];
        for (int i = 0; i < 3 * EF_MRP_PAR; i++)
            u[i] -= step * gu[i];
    }
    f1 = objective_twin(&m, a, u, n, k);
    OK(f1 < f0, "gradient descent went down");
    for (int b = 0; b < 3; b++)
        worse += fabs(a[b] - m.a[b]) > 1e-4;
    for (int i = 0; i < 3 * EF_MRP_PAR; i++)
        worse += fabs(u[i] - m.u[i]) > 1e-4;
    INT_EQ(worse, 0, "Newton with the groups eliminated == gradient descent");
    /* the fitted rates follow the data: group 0, bin 0: 16 of 20 */
    DBL_NEAR(ef_mrp_prob(&m, 0, 0), 0.8, 0.08, "group 0, bin 0 near 16/20");
    /* a group without labels gets the common rates */
    DBL_NEAR(ef_mrp_prob(&m, SIZE_MAX, 1), ef_mrp_logistic(m.a[1]), 0,
             "no labels: the common rate");
    ef_mrp_reset(&m);

    /* the groups' spread, estimated: two groups that read every score
     * alike (the same cells) give a spread near 0; two that read the
     * neutral bin far apart (80% against 10%) a large one */
    {
        static const uint32_t same_n[6] = {50, 50, 50, 50, 50, 50};
        static const uint32_t same_k[6] = {40, 20, 5, 40, 20, 5};
        static const uint32_t diff_k[6] = {40, 40, 5, 40, 5, 5};
        ef_mrp_init(&m, 3, cls, 2);
        ef_mrp_select(&m, same_n, same_k);
        OK(m.sd[0] <= 0.125 && m.sd[1] <= 0.125,
           "alike groups: spread near 0");
        DBL_NEAR(ef_mrp_prob(&m, 0, 1), ef_mrp_prob(&m, 1, 1), 1e-3,
                 "alike groups: the same rates");
        ef_mrp_reset(&m);
        ef_mrp_init(&m, 3, cls, 2);
        ef_mrp_select(&m, same_n, diff_k);
        OK(m.sd[1] >= 1, "different groups: a large spread");
        DBL_NEAR(ef_mrp_prob(&m, 0, 1), 0.8, 0.06, "group 0 neutral: 40/50");
        DBL_NEAR(ef_mrp_prob(&m, 1, 1), 0.1, 0.06, "group 1 neutral: 5/50");
        ef_mrp_reset(&m);
    }
}

/* Two channels whose people read a neutral score differently: channel 0
 * (reviews) 80 of 100 labelled neutral-scored items negative, channel 1
 * (tweets) 10 of 100. Each has 500 neutral-scored rows and 100 rows in
 * bin 1 (-0.6) with 30 labelled, 27 and 24 negative. The people's
 * shares (the labels are a fair sample): channel 0 about (0.8 x 500 +
 * 0.9 x 100) / 600 = 0.817, channel 1 about (0.1 x 500 + 0.8 x 100) /
 * 600 = 0.217. The overall per-bin rates pull both to the middle
 * (neutral: 90 of 200): (0.45 x 500 + 0.85 x 100) / 600 = 0.517. */
static void two_channels(ef_calib *c)
{
    rows_in(c, 80, 0.0, EF_NEGATIVE, 0, 0);
    rows_in(c, 20, 0.0, EF_NEUTRAL, 0, 0);
    rows_in(c, 400, 0.0, -1, 0, 0);
    rows_in(c, 27, -0.6, EF_NEGATIVE, 0, 0);
    rows_in(c, 3, -0.6, EF_NEUTRAL, 0, 0);
    rows_in(c, 70, -0.6, -1, 0, 0);
    rows_in(c, 10, 0.0, EF_NEGATIVE, 1, 1);
    rows_in(c, 90, 0.0, EF_NEUTRAL, 1, 1);
    rows_in(c, 400, 0.0, -1, 1, 1);
    rows_in(c, 24, -0.6, EF_NEGATIVE, 1, 1);
    rows_in(c, 6, -0.6, EF_NEUTRAL, 1, 1);
    rows_in(c, 70, -0.6, -1, 1, 1);
}

static void test_mrp(void)
{
    ef_calib *c = ef_calib_new(&thr, 11);
    ef_report *r = report_g(1200, 200, 0, 2, 2);
    double lo, hi;

    two_channels(c);
    finish(c, r);
    OK(ef_calib_is_adjusted(&r->calib), "MRP: adjusted");
    INT_EQ(r->channels[0].adjusted && r->channels[1].adjusted, 1,
           "MRP: every channel re-estimated");
    DBL_NEAR(r->channels[0].adj.share, 0.817, 0.03,
             "MRP: channel 0 keeps its own reading");
    DBL_NEAR(r->channels[1].adj.share, 0.217, 0.03,
             "MRP: channel 1 keeps its own reading");
    OK(r->channels[0].adj.lo < r->channels[0].adj.share &&
           r->channels[0].adj.hi > r->channels[0].adj.share,
       "MRP: channel 0's interval holds its estimate");
    /* overall: the sum over the channels */
    DBL_NEAR(
        r->calib.adjusted.share,
        (r->channels[0].adj.share * 600 + r->channels[1].adj.share * 600) /
            1200,
        1e-9, "MRP: overall = the channels' sum");
    /* the periods here are the channels (period i = channel i) */
    INT_EQ(r->periods[0].adjusted, 1, "MRP: periods re-estimated");
    DBL_NEAR(r->periods[0].adj.share, r->channels[0].adj.share, 1e-9,
             "MRP: the same groups by period give the same shares");
    lo = r->channels[1].adj.lo;
    hi = r->channels[1].adj.hi;
    ef_calib_free(c);

    /* determinism: the same seed, the same intervals */
    c = ef_calib_new(&thr, 11);
    two_channels(c);
    finish(c, r);
    OK(r->channels[1].adj.lo == lo && r->channels[1].adj.hi == hi,
       "MRP: same seed, same interval");
    ef_calib_free(c);

    /* the overall per-bin rates would pull both to 0.517 */
    c = ef_calib_new(&thr, 11);
    ef_calib_set_method(c, EF_CALIB_POSTSTRAT);
    two_channels(c);
    finish(c, r);
    DBL_NEAR(r->channels[0].adj.share, (0.45 * 500 + 0.85 * 100) / 600, 1e-9,
             "overall rates: channel 0 pulled to the middle");
    DBL_NEAR(r->channels[1].adj.share, (0.45 * 500 + 0.85 * 100) / 600, 1e-9,
             "overall rates: channel 1 pulled to the middle");
    ef_calib_free(c);
    report_free(r);

    /* a channel whose rows are all labelled has its people's share,
     * exactly, while another is estimated: channel 0 as above, channel 1
     * 40 rows, all labelled, 10 negative */
    c = ef_calib_new(&thr, 3);
    r = report_g(640, 200, 0, 1, 2);
    rows_in(c, 80, 0.0, EF_NEGATIVE, 0, 0);
    rows_in(c, 20, 0.0, EF_NEUTRAL, 0, 0);
    rows_in(c, 400, 0.0, -1, 0, 0);
    rows_in(c, 27, -0.6, EF_NEGATIVE, 0, 0);
    rows_in(c, 3, -0.6, EF_NEUTRAL, 0, 0);
    rows_in(c, 70, -0.6, -1, 0, 0);
    rows_in(c, 10, -0.6, EF_NEGATIVE, 0, 1);
    rows_in(c, 30, 0.6, EF_POSITIVE, 0, 1);
    finish(c, r);
    DBL_NEAR(r->channels[1].adj.share, 0.25, 1e-12,
             "a fully labelled channel: its people's share");
    OK(r->channels[1].adj.lo == 0.25 && r->channels[1].adj.hi == 0.25,
       "a fully labelled channel: no interval");
    OK(r->channels[0].adj.hi > r->channels[0].adj.lo,
       "the other channel: an interval");
    INT_EQ(r->calib.exact, 0, "not every row labelled: not exact");
    ef_calib_free(c);
    report_free(r);

    /* ids that share a row (a pooled "other" row): their rows and labels
     * are counted together. Channel ids 0 and 1 both go to row 0. */
    {
        static const size_t pooled[2] = {0, 0};
        ef_calib_map maps[EF_CALIB_DIMS] = {{NULL, 0}, {pooled, 2}, {NULL, 0}};
        c = ef_calib_new(&thr, 3);
        r = report_g(1200, 200, 0, 0, 1);
        two_channels(c);
        ef_calib_finish(c, r, maps);
        INT_EQ(r->channels[0].adj.n, 1200, "pooled row: every row");
        DBL_NEAR(r->channels[0].adj.share, r->calib.adjusted.share, 1e-9,
                 "pooled row: the overall share");
        ef_calib_free(c);
        report_free(r);
    }
}

/* The change between the last two periods: its interval comes from the
 * same bootstrap replicates as theirs. */
static void test_change(void)
{
    ef_calib *c = ef_calib_new(&thr, 9);
    ef_report *r = report_g(1200, 200, 0, 2, 1);

    r->has_change = 1;  /* the aggregator's: both periods big enough */
    r->change_last = 1; /* and whole: the last against the one before */
    r->change_prev = 0;
    two_channels(c); /* period 0 reads neutral as negative, 1 not */
    finish(c, r);
    INT_EQ(r->calib.has_change, 1, "change: computed");
    DBL_NEAR(r->calib.change,
             r->periods[1].adj.share - r->periods[0].adj.share, 1e-12,
             "change: the difference of the shares");
    OK(r->calib.change_lo <= r->calib.change &&
           r->calib.change <= r->calib.change_hi && r->calib.change_hi < 0,
       "change: its interval holds it, and excludes no change");
    ef_calib_free(c);
    report_free(r);
}

static void test_sample(void)
{
    size_t take[9];
    size_t pop1[9] = {0, 0, 0, 0, 1000, 0, 0, 0, 1000};
    size_t pop2[9] = {10, 0, 0, 0, 1000, 0, 0, 0, 1000};
    double compound[300];
    size_t a[60], b[60], got;
    size_t per[9] = {0};

    /* Neyman: n_k proportional to N_k sd_k, sd guessed 0.5 for the
     * neutral bin and 0.25 four bins away: 500 : 250 = 2 : 1. Floors
     * min(30, 100 / (2 x 2)) = 25 each, then 100 -> 67 + 33. */
    ef_calib_allocate(pop1, 9, 4, 100, take);
    INT_EQ(take[4], 67, "Neyman allocation, neutral bin");
    INT_EQ(take[8], 33, "Neyman allocation, outer bin");
    /* bin 0 holds only 10 rows (below its floor of 100 / 6 = 16): all 10
     * taken; the other 90 go 2 : 1 -> 60 + 30 */
    ef_calib_allocate(pop2, 9, 4, 100, take);
    INT_EQ(take[0], 10, "a small bin is taken whole");
    INT_EQ(take[4], 60, "the rest 2 : 1 (neutral)");
    INT_EQ(take[8], 30, "the rest 2 : 1 (outer)");
    ef_calib_allocate(pop1, 9, 4, 5000, take);
    INT_EQ(take[4] + take[8], 2000, "want > rows: every row");

    /* 300 rows: 270 neutral, 30 strongly negative */
    for (int i = 0; i < 300; i++)
        compound[i] = i % 10 == 0 ? -0.9 : 0.0;
    got = ef_calib_sample(compound, 300, &thr, 60, 99, a);
    INT_EQ(got, 60, "sample size");
    OK(ef_calib_sample(compound, 300, &thr, 60, 99, b) == 60 &&
           memcmp(a, b, sizeof a) == 0,
       "sample: same seed, same rows");
    for (size_t i = 1; i < got; i++)
        OK(a[i - 1] < a[i], "sample: ascending, no repeats");
    for (size_t i = 0; i < got; i++)
        per[ef_calib_bin(&thr, compound[a[i]])]++;
    /* floors 15 + 15, then Neyman on 2 x 270 : 1.25 x 30 (sd 0.5 and
     * 0.25 at distance 4): the small bin gets no more than its floor */
    INT_EQ(per[0], 15, "sample: the small bin gets its floor");
    INT_EQ(per[4], 45, "sample: the rest to the big bin");
    OK(ef_calib_sample(compound, 300, &thr, 60, 100, b) == 60 &&
           memcmp(a, b, sizeof a) != 0,
       "sample: another seed, other rows");
    INT_EQ(ef_calib_sample(compound, 3, &thr, 60, 1, b), 3,
           "sample: want > n gives n");
    INT_EQ(ef_calib_sample(compound, 300, &thr, 0, 1, b), 0, "sample: want 0");
}

/* The intervals' quantiles by selection against ef_quantile's sort, on
 * random arrays with many ties. */
static void test_select(void)
{
    unsigned seed = 77;
    int same = 0;
    for (int k = 0; k < 500; k++) {
        size_t n = 1 + (size_t)(k % 97);
        double a[97], b[97];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = b[i] = (double)((seed >> 16) % (k % 3 ? 7 : 1000)) / 7;
        }
        for (int q = 0; q < 3; q++) {
            static const double qs[3] = {0.025, 0.5, 0.975};
            double x = select_quantile(a, n, qs[q]);
            same += x == ef_quantile(b, n, qs[q]);
        }
    }
    INT_EQ(same, 1500, "select_quantile == ef_quantile");
}

void test_calibrate(void)
{
    test_select();
    test_bins();
    test_all_labelled();
    test_poststrat();
    test_acc_clip();
    test_merge();
    test_too_few();
    test_periods();
    test_mrp_model();
    test_mrp();
    test_change();
    test_sample();
}
