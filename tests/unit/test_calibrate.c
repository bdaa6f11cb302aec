/* test_calibrate.c - the calibrated negative share on hand-made data.
 *
 * Score bins (default thresholds), ascending: 0 <= -0.75 < 1 <= -0.5 < 2
 * <= -0.25 < 3 <= -0.05 < 4 < 0.05 <= 5 < 0.25 <= 6 < 0.5 <= 7 < 0.75 <= 8.
 * The rows below use compound -0.9 (bin 0), -0.6 (bin 1), 0.0 (bin 4,
 * VADER neutral) and 0.6 (bin 7).
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "test.h"

/* EF_STATIC in calibrate.c */
double ef_calib_acc(double observed, double tpr, double fpr);
void ef_calib_allocate(const size_t *pop, int nb, int neutral, size_t want,
                       size_t *take);

static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;

/* Adds count rows of one kind: compound, label (-1: none), period. */
static void rows(ef_calib *c, int count, double compound, int label,
                 int64_t period)
{
    for (int i = 0; i < count; i++)
        ef_calib_add(c, compound, label, period);
}

/* A report with VADER's shares and the given periods, as the aggregator
 * would hand it over (the calibrator reads only these fields). */
static ef_report *report(uint64_t n, uint64_t neg, uint64_t pos,
                         const int64_t *starts, size_t nper)
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
        r->periods[i].start = starts[i];
    return r;
}

static void report_free(ef_report *r)
{
    free(r->periods);
    free(r);
}

/* The population of the post-stratification case: 500 rows.
 *   bin 1: 100 rows, 20 labelled: 16 negative, 4 neutral   (rate 0.8)
 *   bin 4: 300 rows, 40 labelled: 10 negative, 30 neutral  (rate 0.25)
 *   bin 7: 100 rows, 20 labelled: 4 negative, 16 positive  (rate 0.2)
 * 30 labelled negative, 50 other: just enough (EF_CALIB_MIN_CLASS). */
static void population(ef_calib *c, int64_t period)
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
        {-1.0, 0},    {-0.75, 0},    {-0.7499, 1}, {-0.5, 1},  {-0.25, 2},
        {-0.05, 3},   {-0.0499, 4},  {0.0, 4},     {0.0499, 4}, {0.05, 5},
        {0.25, 6},    {0.4999, 6},   {0.5, 7},     {0.75, 8},  {1.0, 8},
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
    for (int m = 0; m < 2; m++) {
        ef_calib *c = ef_calib_new(&thr, 7);
        ef_report *r = report(150, 50, 50, NULL, 0);
        static const uint64_t want[3][3] = {
            {40, 20, 10}, {10, 30, 0}, {0, 0, 40}};

        ef_calib_set_method(c, m ? EF_CALIB_ACC : EF_CALIB_POSTSTRAT);
        rows(c, 40, -0.6, EF_NEGATIVE, 0);
        rows(c, 10, -0.6, EF_NEUTRAL, 0);
        rows(c, 20, 0.0, EF_NEGATIVE, 0);
        rows(c, 30, 0.0, EF_NEUTRAL, 0);
        rows(c, 10, 0.6, EF_NEGATIVE, 0);
        rows(c, 40, 0.6, EF_POSITIVE, 0);
        ef_calib_finish(c, r);
        INT_EQ(r->calib.has, 1, "has");
        INT_EQ(r->calib.labeled, 150, "labeled");
        for (int h = 0; h < 3; h++)
            for (int v = 0; v < 3; v++)
                INT_EQ(r->calib.confusion[h][v], want[h][v], "confusion");
        DBL_NEAR(r->calib.tpr, 40.0 / 70, 1e-12, "tpr");
        DBL_NEAR(r->calib.fpr, 0.125, 1e-12, "fpr");
        DBL_NEAR(r->calib.raw_share, 1.0 / 3, 1e-12, "raw share");
        DBL_NEAR(r->calib.adjusted.share, 70.0 / 150, 1e-12,
                 m ? "classify-and-count, all labelled"
                   : "post-stratified, all labelled");
        /* positives: 40 of 150 by the people, 50 by VADER */
        DBL_NEAR(r->calib.adjusted_pos.share, 40.0 / 150, 1e-12,
                 "positive share, all labelled");
        if (m == 0) /* every row labelled: nothing left to estimate */
            OK(r->calib.adjusted.lo == r->calib.adjusted.share &&
                   r->calib.adjusted.hi == r->calib.adjusted.share,
               "all labelled: the interval is the point");
        OK(ef_calib_is_adjusted(&r->calib), "adjusted");
        STR_EQ(r->calib.method,
               m ? "adjusted classify-and-count"
                 : "post-stratified on the score (3 bins)",
               "method");
        ef_calib_free(c);
        report_free(r);
    }
}

static void test_poststrat(void)
{
    ef_calib *c = ef_calib_new(&thr, 42);
    ef_report *r = report(500, 100, 100, NULL, 0);
    double lo, hi;

    population(c, 0);
    ef_calib_finish(c, r);
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
    OK(strstr(r->calib.note, "Positive share not adjusted") != NULL,
       "note: too few positive labels");
    STR_EQ(r->calib.method, "post-stratified on the score (3 bins)",
           "method");

    /* determinism: the same seed gives the same interval, bit for bit */
    lo = r->calib.adjusted.lo;
    hi = r->calib.adjusted.hi;
    ef_calib_free(c);
    c = ef_calib_new(&thr, 42);
    population(c, 0);
    ef_calib_finish(c, r);
    OK(r->calib.adjusted.lo == lo && r->calib.adjusted.hi == hi,
       "bootstrap: same seed, same interval");
    ef_calib_free(c);
    c = ef_calib_new(&thr, 43);
    population(c, 0);
    ef_calib_finish(c, r);
    OK(r->calib.adjusted.lo != lo || r->calib.adjusted.hi != hi,
       "bootstrap: another seed, another interval");
    DBL_NEAR(r->calib.adjusted.share, 0.35, 1e-12, "estimate: no seed");
    ef_calib_free(c);

    /* the same labels through adjusted classify-and-count, unweighted:
     * tpr 16/30, fpr 4/50; (0.2 - 0.08) / (0.5333 - 0.08) = 0.2647 */
    c = ef_calib_new(&thr, 42);
    ef_calib_set_method(c, EF_CALIB_ACC);
    population(c, 0);
    ef_calib_finish(c, r);
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
    ef_calib_finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 205.0 / 550, 1e-12,
             "sparse bin merged");
    STR_EQ(r->calib.method, "post-stratified on the score (3 bins)",
           "method: three strata left");
    OK(strstr(r->calib.note, "1 score bin with under 10 labels merged")
           != NULL, "note: merged bin");
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
    ef_calib_finish(c, r);
    INT_EQ(r->calib.has, 1, "too few: has");
    INT_EQ(r->calib.labeled, 10, "too few: labeled");
    STR_EQ(r->calib.method, "none: too few labels", "too few: method");
    OK(!ef_calib_is_adjusted(&r->calib), "too few: not adjusted");
    DBL_NEAR(r->calib.adjusted.share, 0.2, 0, "too few: VADER's share");
    DBL_NEAR(r->calib.adjusted.lo, r->negative.lo, 0, "too few: its CI");
    OK(strstr(r->calib.note, "Too few labels") != NULL, "too few: note");
    DBL_NEAR(r->calib.tpr, 1.0, 1e-12, "too few: tpr still given");
    ef_calib_free(c);

    /* 20 rows, all labelled, 5 negative: too few for the rule, but the
     * people's share is known exactly: 5 / 20 */
    c = ef_calib_new(&thr, 1);
    rows(c, 5, -0.6, EF_NEGATIVE, 0);
    rows(c, 15, 0.0, EF_NEUTRAL, 0);
    ef_calib_finish(c, r);
    OK(ef_calib_is_adjusted(&r->calib), "all labelled: adjusted");
    DBL_NEAR(r->calib.adjusted.share, 0.25, 1e-12, "all labelled: exact");
    DBL_NEAR(r->calib.adjusted.hi - r->calib.adjusted.lo, 0, 0,
             "all labelled: no interval");
    ef_calib_free(c);

    /* no labels at all: nothing */
    c = ef_calib_new(&thr, 1);
    rows(c, 200, 0.0, -1, 0);
    ef_calib_finish(c, r);
    INT_EQ(r->calib.has, 0, "no labels: has = 0");
    OK(!ef_calib_is_adjusted(&r->calib), "no labels: not adjusted");
    ef_calib_free(c);
    report_free(r);
}

static void test_periods(void)
{
    static const int64_t starts[2] = {0, 86400};
    ef_calib *c = ef_calib_new(&thr, 5);
    ef_report *r = report(700, 200, 100, starts, 2);

    /* period 0: the population above (80 labels, so not its own rates);
     * period 1: 100 unlabelled rows in bin 1 and 100 in bin 4. The
     * overall rates: bin 1 = 16/20, bin 4 = 10/40, bin 7 = 4/20, so
     * period 0 = 0.35 as above and period 1 = (100 x 0.8 + 100 x 0.25) /
     * 200 = 0.525. Overall: (200 x 0.8 + 400 x 0.25 + 100 x 0.2) / 700. */
    rows(c, 100, -0.6, -1, 86400); /* the later period first */
    population(c, 0);
    rows(c, 100, 0.0, -1, 86400);
    ef_calib_finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 280.0 / 700, 1e-12, "overall");
    INT_EQ(r->calib.per_period, 0, "overall correction per period");
    INT_EQ(r->periods[0].adjusted, 1, "period 0 adjusted");
    INT_EQ(r->periods[1].adjusted, 1, "period 1 adjusted");
    DBL_NEAR(r->periods[0].adj.share, 0.35, 1e-12, "period 0");
    DBL_NEAR(r->periods[1].adj.share, 0.525, 1e-12, "period 1");
    OK(r->periods[1].adj.lo < 0.525 && r->periods[1].adj.hi > 0.525,
       "period 1 interval");
    OK(strstr(r->calib.note, "overall correction") != NULL,
       "note: overall correction per period");
    ef_calib_free(c);
    report_free(r);

    /* Each period with 110 labels, 30+ of each side: its own rates.
     * period 0: bin 1 60 rows all labelled, 45 negative (0.75);
     *           bin 4 100 rows, 50 labelled, 10 negative (0.2)
     *           (60 x 0.75 + 100 x 0.2) / 160 = 65 / 160 = 0.40625
     * period 1: bin 1 40 rows all labelled, 20 negative (0.5);
     *           bin 4 100 rows, 70 labelled, 14 negative (0.2)
     *           (40 x 0.5 + 100 x 0.2) / 140 = 40 / 140
     * overall:  bin 1 65/100, bin 4 24/120 = 0.2: (65 + 40) / 300 */
    c = ef_calib_new(&thr, 5);
    r = report(300, 100, 0, starts, 2);
    rows(c, 45, -0.6, EF_NEGATIVE, 0);
    rows(c, 15, -0.6, EF_NEUTRAL, 0);
    rows(c, 10, 0.0, EF_NEGATIVE, 0);
    rows(c, 40, 0.0, EF_NEUTRAL, 0);
    rows(c, 50, 0.0, -1, 0);
    rows(c, 20, -0.6, EF_NEGATIVE, 86400);
    rows(c, 20, -0.6, EF_NEUTRAL, 86400);
    rows(c, 14, 0.0, EF_NEGATIVE, 86400);
    rows(c, 56, 0.0, EF_NEUTRAL, 86400);
    rows(c, 30, 0.0, -1, 86400);
    ef_calib_finish(c, r);
    DBL_NEAR(r->calib.adjusted.share, 0.35, 1e-12, "overall, two periods");
    INT_EQ(r->calib.per_period, 1, "own rates per period");
    DBL_NEAR(r->periods[0].adj.share, 0.40625, 1e-12, "period 0, own");
    DBL_NEAR(r->periods[1].adj.share, 40.0 / 140, 1e-12, "period 1, own");
    OK(strstr(r->calib.note, "its own labels") != NULL,
       "note: own labels per period");
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
    INT_EQ(ef_calib_sample(compound, 300, &thr, 0, 1, b), 0,
           "sample: want 0");
}

void test_calibrate(void)
{
    test_bins();
    test_all_labelled();
    test_poststrat();
    test_acc_clip();
    test_merge();
    test_too_few();
    test_periods();
    test_sample();
}
