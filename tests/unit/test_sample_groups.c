/* test_sample_groups.c - the label sample stratified by group as well as
 * by score bin (ef_calib_sample_groups), against ef_calib_sample, its
 * simple twin, and the top-up that never draws a labelled row. */
#include <stdlib.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "test.h"

#define N 3000

static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;

/* A score spread over every bin, from a small generator. */
static double score(size_t i)
{
    uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 32;
    return -1.0 + 2.0 * (double)(x % 100000) / 100000.0;
}

void test_sample_groups(void)
{
    static double compound[N];
    static int group[N];
    static unsigned char state[N];
    static size_t a[N], b[N], c[N];
    size_t per[3] = {0}, per2[3] = {0}, got, got2, overlap = 0;
    ef_calib_rows rows = {compound, NULL, NULL, N, 1};

    for (size_t i = 0; i < N; i++)
        compound[i] = score(i);

    /* one group, every row free: exactly ef_calib_sample's draw */
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (size_t want = 1; want <= 601; want += 150) {
            size_t n1 = ef_calib_sample(compound, N, &thr, want, seed, a);
            size_t n2 = ef_calib_sample_groups(&rows, &thr, want, seed, b);
            OK(n1 == n2 && memcmp(a, b, n1 * sizeof *a) == 0,
               "one group: the same rows as ef_calib_sample");
        }

    /* three groups of 2700, 270 and 30 rows, 120 labels: first 10 each
     * of their own (120 / (4 x 3) = 10); the other 90 by bin, and in a
     * bin by the groups' rows there, the 30 already drawn counting: the
     * groups' shares of 120 are 108, 10.8 and 1.2, so the middle group
     * gets about 1 more and the small one none: 99, 11, 10 */
    for (size_t i = 0; i < N; i++)
        group[i] = i < 2700 ? 0 : i < 2970 ? 1 : 2;
    rows.group = group;
    rows.ngroups = 3;
    got = ef_calib_sample_groups(&rows, &thr, 120, 7, a);
    INT_EQ(got, 120, "groups: 120 drawn");
    for (size_t i = 0; i < got; i++)
        per[group[a[i]]]++;
    INT_EQ(per[0], 99, "groups: the big group");
    INT_EQ(per[1], 11, "groups: the middle one");
    INT_EQ(per[2], 10, "groups: the small one gets labels of its own");
    for (size_t i = 1; i < got; i++)
        OK(a[i - 1] < a[i], "groups: ascending, no repeats");
    got2 = ef_calib_sample_groups(&rows, &thr, 120, 7, b);
    OK(got2 == got && memcmp(a, b, got * sizeof *a) == 0,
       "groups: the same seed draws the same rows");
    got2 = ef_calib_sample_groups(&rows, &thr, 120, 8, b);
    OK(memcmp(a, b, got * sizeof *a) != 0, "groups: another seed, others");

    /* a top-up: the 120 labelled, 120 more with another seed. None is
     * drawn again, and the groups end where 240 from scratch put them
     * (a divisor method never takes a label back as the total grows,
     * and the targets grow in proportion: 148, 51, 41) */
    rows.state = state;
    for (size_t i = 0; i < got; i++)
        state[a[i]] = EF_CALIB_ROW_LABELLED;
    if (state[5] == EF_CALIB_ROW_FREE)
        state[5] = EF_CALIB_ROW_SKIP; /* a repeat of another row */
    got2 = ef_calib_sample_groups(&rows, &thr, 120, 99, b);
    INT_EQ(got2, 120, "top-up: 120 more");
    for (size_t i = 0; i < got2; i++) {
        overlap += state[b[i]] != EF_CALIB_ROW_FREE;
        per2[group[b[i]]]++;
    }
    INT_EQ(overlap, 0, "top-up: no labelled or skipped row drawn again");
    rows.state = NULL;
    ef_calib_sample_groups(&rows, &thr, 240, 7, c);
    {
        size_t scratch[3] = {0};
        for (size_t i = 0; i < 240; i++)
            scratch[group[c[i]]]++;
        for (int g = 0; g < 3; g++)
            INT_EQ(per[g] + per2[g], scratch[g],
                   "top-up: groups as if drawn at once");
    }

    /* one bin, groups of 900 and 100 rows, 100 labels: floors of 10
     * each (100 / (4 x 2) = 12, at most 10), the other 80 as the rows
     * are: 90 and 10 in all, one label per 10 rows in either group, so a
     * labelled row stands for as many rows whatever its group */
    {
        static double flat[1000];
        static int g2[1000];
        size_t k2[2] = {0};
        ef_calib_rows r2 = {flat, g2, NULL, 1000, 2};
        for (size_t i = 0; i < 1000; i++) {
            flat[i] = 0.0;
            g2[i] = i < 900 ? 0 : 1;
        }
        got = ef_calib_sample_groups(&r2, &thr, 100, 3, a);
        for (size_t i = 0; i < got; i++)
            k2[g2[a[i]]]++;
        INT_EQ(k2[0], 90, "in a bin, as the rows are: the big group");
        INT_EQ(k2[1], 10, "in a bin, as the rows are: the small group");
    }

    /* more wanted than rows free: every free row */
    rows.state = state;
    memset(state, EF_CALIB_ROW_SKIP, N);
    for (size_t i = 0; i < 50; i++)
        state[i * 7] = EF_CALIB_ROW_FREE;
    INT_EQ(ef_calib_sample_groups(&rows, &thr, 500, 1, a), 50,
           "want > free rows: all free rows");
}
