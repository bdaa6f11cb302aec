/* sample_validate.c - the label sample stratified by group
 * (ef_calib_sample_groups) against people's labels of every row: with the
 * default estimator the calibrated share must stay as good as with the
 * sample stratified by score bin alone (ef_calib_sample), while every
 * group gets labels of its own.
 *
 * usage: sample_validate A.csv B.csv
 *        (columns "text" and "label"; rows without a valid label dropped)
 *
 * The two files are two channels of one brand, whose people read VADER's
 * scores differently (tweets and product reviews): then a design that
 * gave a bin's labels to its groups out of proportion would bias an
 * estimate by bin. Three mixes: B whole, every 10th row of B (a channel
 * of 8%), every 50th (a channel of 2%, whose labels come from the floor
 * of 10 more than from its share). For each, 200 samples of 300 labels per
 * design; checked for the group design: |bias| <= 0.5 points, the 95% interval
 * covering the people's share in at least 90% of samples, and at least 10
 * labels in the small channel every time. Prints "ok: ..." or "FAIL ...", the
 * figures of both designs, then "N passed, N failed".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"
#include "input/input.h"
#include "metrics/calibrate.h"
#include "sentiment/sentiment.h"

#define SEEDS 100
#define LABELS 300

typedef struct {
    double *compound;
    int *label, *group;
    size_t n, cap;
} dataset;

static int passed, failed;

/* Adds every `every`-th labelled row of path as group g. */
static int load(const char *path, int g, size_t every, const ef_vader *v,
                ef_vader_scratch *s, dataset *d)
{
    ef_csv_reader *rd;
    ef_csv_record rec;
    ef_err err = {0};
    int eof = 0, ct = -1, cl = -1;
    size_t row = 0;

    if (ef_csv_open(path, NULL, &rd, &err) != EF_OK) {
        fprintf(stderr, "sample_validate: %s\n", err.msg);
        return -1;
    }
    while (ef_csv_next(rd, &rec, &eof, &err) == EF_OK && !eof) {
        ef_scores sc;
        int lab;
        if (ct < 0 || cl < 0) {
            for (size_t i = 0; i < rec.n; i++) {
                if (strcmp(rec.field[i], "text") == 0)
                    ct = (int)i;
                if (strcmp(rec.field[i], "label") == 0)
                    cl = (int)i;
            }
            if (ct < 0 || cl < 0) {
                fprintf(stderr, "sample_validate: %s: no text/label\n", path);
                ef_csv_free(rd);
                return -1;
            }
            continue;
        }
        if ((size_t)ct >= rec.n || (size_t)cl >= rec.n || row++ % every)
            continue;
        lab = ef_label_parse(rec.field[cl], rec.len[cl]);
        if (lab < 0)
            continue;
        if (d->n == d->cap) {
            d->cap = d->cap ? 2 * d->cap : 4096;
            d->compound = ef_xrealloc(d->compound, d->cap * sizeof(double));
            d->label = ef_xrealloc(d->label, d->cap * sizeof(int));
            d->group = ef_xrealloc(d->group, d->cap * sizeof(int));
        }
        ef_vader_score(v, s, rec.field[ct], rec.len[ct], &sc);
        d->compound[d->n] = sc.compound;
        d->label[d->n] = lab;
        d->group[d->n++] = g;
    }
    ef_csv_free(rd);
    return err.code == EF_OK ? 0 : -1;
}

typedef struct {
    double bias, abs_err, coverage, small_min, small_mean;
} figures;

static figures run(const dataset *d, double truth, int grouped)
{
    const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    size_t *pick = ef_xmalloc(d->n * sizeof *pick);
    unsigned char *lab = ef_xmalloc(d->n);
    static ef_report r;
    static ef_group_stat channels[2];
    static const size_t chrow[2] = {0, 1};
    const ef_calib_map maps[EF_CALIB_DIMS] = {
        {NULL, 0}, {chrow, 2}, {NULL, 0}};
    figures f = {0, 0, 0, 1e9, 0};

    for (int s = 1; s <= SEEDS; s++) {
        ef_calib_rows rows = {d->compound, d->group, NULL, d->n, 2};
        size_t got, small = 0;
        ef_calib *c;
        double a;
        got = grouped ? ef_calib_sample_groups(&rows, &thr, LABELS,
                                               (uint64_t)s, pick)
                      : ef_calib_sample(d->compound, d->n, &thr, LABELS,
                                        (uint64_t)s, pick);
        memset(lab, 0, d->n);
        for (size_t j = 0; j < got; j++) {
            lab[pick[j]] = 1;
            small += d->group[pick[j]] == 1;
        }
        c = ef_calib_new(&thr, 20141101);
        for (size_t i = 0; i < d->n; i++) {
            /* the report's estimator: a model of score bin and channel */
            const uint32_t g[EF_CALIB_DIMS] = {0, (uint32_t)d->group[i], 0};
            ef_calib_add(c, d->compound[i], lab[i] ? d->label[i] : -1, g);
        }
        memset(&r, 0, sizeof r);
        memset(channels, 0, sizeof channels);
        r.n = d->n;
        r.channels = channels;
        r.nchannels = 2;
        ef_calib_finish(c, &r, maps);
        ef_calib_free(c);
        a = r.calib.adjusted.share;
        f.bias += 100 * (a - truth) / SEEDS;
        f.abs_err += 100 * fabs(a - truth) / SEEDS;
        f.coverage +=
            (r.calib.adjusted.lo <= truth && truth <= r.calib.adjusted.hi) /
            (double)SEEDS;
        f.small_mean += (double)small / SEEDS;
        if ((double)small < f.small_min)
            f.small_min = (double)small;
    }
    free(lab);
    free(pick);
    return f;
}

int main(int argc, char **argv)
{
    ef_vader *v;
    ef_vader_scratch *s;
    ef_err err = {0};
    static const size_t every[] = {50, 10, 1};

    if (argc != 3) {
        fputs("usage: sample_validate A.csv B.csv\n", stderr);
        return 64;
    }
    if (ef_vader_new(&v, &err) != EF_OK) {
        fprintf(stderr, "sample_validate: %s\n", err.msg);
        return 70;
    }
    s = ef_vader_scratch_new();
    for (size_t m = 0; m < EF_ARRAY_LEN(every); m++) {
        dataset d = {0};
        double truth = 0;
        size_t small = 0;
        figures bin, grp;
        if (load(argv[1], 0, 1, v, s, &d) < 0 ||
            load(argv[2], 1, every[m], v, s, &d) < 0)
            return 65;
        for (size_t i = 0; i < d.n; i++) {
            truth += d.label[i] == EF_NEGATIVE;
            small += d.group[i] == 1;
        }
        truth /= (double)d.n;
        bin = run(&d, truth, 0);
        grp = run(&d, truth, 1);
        printf("note: %zu rows, %zu in the second channel; people: %.2f%% "
               "negative\n",
               d.n, small, 100 * truth);
        printf("note: by bin:         bias %+.2f pt, mean |err| %.2f pt, "
               "CI covers %.0f%%, %.1f labels in the second channel\n",
               bin.bias, bin.abs_err, 100 * bin.coverage, bin.small_mean);
        printf("note: by group x bin: bias %+.2f pt, mean |err| %.2f pt, "
               "CI covers %.0f%%, %.1f labels in the second channel "
               "(at least %.0f)\n",
               grp.bias, grp.abs_err, 100 * grp.coverage, grp.small_mean,
               grp.small_min);
#define CHECK(ok, ...)                                                        \
    do {                                                                      \
        printf((ok) ? "ok: " : "FAIL ");                                      \
        printf(__VA_ARGS__);                                                  \
        putchar('\n');                                                        \
        if (ok)                                                               \
            passed++;                                                         \
        else                                                                  \
            failed++;                                                         \
    } while (0)
        CHECK(fabs(grp.bias) <= 0.5, "group x bin, %zu rows: bias %+.2f pt",
              d.n, grp.bias);
        CHECK(grp.coverage >= 0.9, "group x bin, %zu rows: CI covers %.0f%%",
              d.n, 100 * grp.coverage);
        CHECK(grp.small_min >= 10,
              "group x bin, %zu rows: the second "
              "channel always has 10 labels or more (%.0f)",
              d.n, grp.small_min);
        free(d.compound);
        free(d.label);
        free(d.group);
    }
    ef_vader_scratch_free(s);
    ef_vader_free(v);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
