/* calib_validate.c - checks the re-estimated shares against files where
 * people labelled every row (issues 7 and 12).
 *
 * usage: calib_validate [--seeds N] [--draws N] FILE.csv...
 *        (columns "text" and "label" or "human_label", in any order)
 *
 * For each file, the people's labels of all rows are the truth (rows
 * without a valid label are dropped). Labelled samples are drawn (100
 * seeds, at 300 and at 1,000 rows; 200 for the default estimator at 300
 * rows): every row is fed to the calibrator, only the sampled rows with
 * their labels. Checked, for the default
 * estimator: with 300 labels the median absolute error of the negative
 * share is at most 2.5 points; with 1,000 labels it is within 3 points
 * in at least 90% of draws; the 95% interval covers the people's share
 * in at least 90% of draws at both sizes. The same checks are made for a
 * stratified sample (ef_calib_sample), and the mean interval widths of
 * the two designs are printed side by side. Figures for the other
 * estimators (post-stratification on the score alone, adjusted
 * classify-and-count) are printed, not checked. A size is skipped for a
 * file with fewer than twice as many rows.
 *
 * Groups (issue 12): all files together, each file a channel (their
 * people read VADER's scores differently), 300 labels drawn at random
 * (20 draws, --draws): every channel's share is re-estimated; checked:
 * the median over draws of the worst channel's error is at most 8
 * points, the median error of the overall share at most 2.5, every
 * channel's interval covers its truth in at least 80% of draws. The
 * same figures for the overall per-bin rates applied to each channel are
 * printed beside them.
 *
 * Reference figures (item 3): VADER's negative share against people's
 * on each file that src/metrics/reference.c names, re-measured and
 * compared with the constants there (to 0.05 points), so they cannot go
 * stale silently.
 *
 * --seeds changes the number of draws per file (for studies; the checks
 * are set for 100). Prints "ok: ..." or "FAIL ..." per check, then "N
 * passed, N failed".
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"
#include "input/input.h"
#include "metrics/calibrate.h"
#include "metrics/reference.h"
#include "metrics/stats.h"
#include "sentiment/sentiment.h"

#define BOOT_SEED 20141101 /* the aggregator's */

static int SEEDS = 100; /* draws per file and size */
static int DRAWS = 20;  /* draws of the channel check */

typedef struct {
    double *compound;
    int *label;
    uint32_t *channel; /* its file, when files are put together */
    size_t n;
} dataset;

typedef enum { SRS, STRAT } design;

typedef struct {
    double med_err, within3, coverage, width, bias; /* points, shares */
} figures;

static int passed, failed;

static void check(int ok, const char *fmt, ...) EF_PRINTF(2, 3);
static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    printf(ok ? "ok: " : "FAIL ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (ok)
        passed++;
    else
        failed++;
}

/* Reads and scores a labelled file; returns 0, or -1 with a message. */
static int load(const char *path, const ef_vader *v, ef_vader_scratch *s,
                dataset *d)
{
    ef_csv_reader *rd;
    ef_csv_record rec;
    ef_err err = {0};
    int eof = 0, ctext = -1, clabel = -1;
    size_t cap = 0;

    memset(d, 0, sizeof *d);
    if (ef_csv_open(path, NULL, &rd, &err) != EF_OK) {
        fprintf(stderr, "calib_validate: %s\n", err.msg);
        return -1;
    }
    while (ef_csv_next(rd, &rec, &eof, &err) == EF_OK && !eof) {
        ef_scores sc;
        if (ctext < 0 || clabel < 0) { /* the header */
            for (size_t i = 0; i < rec.n; i++) {
                if (strcmp(rec.field[i], "text") == 0)
                    ctext = (int)i;
                if (strcmp(rec.field[i], "label") == 0 ||
                    strcmp(rec.field[i], "human_label") == 0)
                    clabel = (int)i;
            }
            if (ctext < 0 || clabel < 0) {
                fprintf(stderr, "calib_validate: %s: no text/label column\n",
                        path);
                ef_csv_free(rd);
                return -1;
            }
            continue;
        }
        if ((size_t)ctext >= rec.n || (size_t)clabel >= rec.n)
            continue;
        if (d->n == cap) {
            cap = cap ? 2 * cap : 4096;
            d->compound = ef_xrealloc(d->compound, cap * sizeof(double));
            d->label = ef_xrealloc(d->label, cap * sizeof(int));
        }
        ef_vader_score(v, s, rec.field[ctext], rec.len[ctext], &sc);
        d->compound[d->n] = sc.compound;
        d->label[d->n] = ef_label_parse(rec.field[clabel], rec.len[clabel]);
        d->n++;
    }
    ef_csv_free(rd);
    if (err.code != EF_OK) {
        fprintf(stderr, "calib_validate: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* Drops the rows without a valid label: the truth needs every row's. */
static void keep_labelled(dataset *d)
{
    size_t o = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->label[i] >= 0) {
            d->compound[o] = d->compound[i];
            d->label[o++] = d->label[i];
        }
    d->n = o;
}

/* A simple random sample of k of n rows (indices, any order). */
static void srs(size_t n, size_t k, uint64_t seed, size_t *out, size_t *tmp)
{
    ef_rng rng;
    ef_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        tmp[i] = i;
    for (size_t j = 0; j < k; j++) {
        size_t t = j + (size_t)ef_rng_below(&rng, n - j), x = tmp[j];
        tmp[j] = tmp[t];
        tmp[t] = x;
        out[j] = tmp[j];
    }
}

/* Calibrates with the rows marked in lab as labelled: fills r->calib,
 * and with nch > 0 channels (d->channel) r->channels[0..nch-1] (the
 * caller's array) as the report's channel rows, in file order. */
static void calibrate(const dataset *d, const unsigned char *lab,
                      ef_calib_method m, ef_report *r, ef_group_stat *ch,
                      size_t nch)
{
    const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_calib *c = ef_calib_new(&thr, BOOT_SEED);
    uint64_t neg = 0, pos = 0;
    size_t ident[16];
    ef_calib_map maps[EF_CALIB_DIMS] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};

    ef_calib_set_method(c, m);
    for (size_t i = 0; i < d->n; i++) {
        ef_class v = ef_classify(d->compound[i], &thr);
        uint32_t grp[EF_CALIB_DIMS] = {0, nch ? d->channel[i] : 0, 0};
        neg += v == EF_NEGATIVE;
        pos += v == EF_POSITIVE;
        ef_calib_add(c, d->compound[i], lab[i] ? d->label[i] : -1, grp);
    }
    memset(r, 0, sizeof *r);
    r->n = d->n;
    r->negative.share = (double)neg / (double)d->n;
    r->positive.share = (double)pos / (double)d->n;
    if (nch) {
        for (size_t k = 0; k < nch; k++)
            ident[k] = k;
        maps[EF_CALIB_CHANNEL] = (ef_calib_map){ident, nch};
        r->channels = ch;
        r->nchannels = nch;
    }
    ef_calib_finish(c, r, maps);
    r->channels = NULL;
    r->nchannels = 0;
    ef_calib_free(c);
}

static figures run(const dataset *d, double truth, size_t k, design g,
                   ef_calib_method m, int draws)
{
    const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    size_t *pick = ef_xmalloc(d->n * sizeof *pick);
    size_t *tmp = ef_xmalloc(d->n * sizeof *tmp);
    unsigned char *lab = ef_xmalloc(d->n);
    double *err = ef_xmalloc((size_t)draws * sizeof(double));
    int within = 0, cover = 0;
    figures f = {0};
    static ef_report r;

    for (int s = 0; s < draws; s++) {
        size_t got = k;
        const ef_share *a = &r.calib.adjusted;
        if (g == SRS)
            srs(d->n, k, (uint64_t)s + 1, pick, tmp);
        else
            got = ef_calib_sample(d->compound, d->n, &thr, k, (uint64_t)s + 1,
                                  pick);
        memset(lab, 0, d->n);
        for (size_t j = 0; j < got; j++)
            lab[pick[j]] = 1;
        calibrate(d, lab, m, &r, NULL, 0);
        err[s] = 100 * fabs(a->share - truth);
        within += err[s] <= 3.0;
        cover += a->lo <= truth && truth <= a->hi;
        f.width += 100 * (a->hi - a->lo) / draws;
        f.bias += 100 * (a->share - truth) / draws;
    }
    f.med_err = ef_median(err, (size_t)draws);
    free(err);
    f.within3 = (double)within / draws;
    f.coverage = (double)cover / draws;
    free(pick);
    free(tmp);
    free(lab);
    return f;
}

/* One line of figures; "note: " so that tests/run_all.sh shows it. */
static void show(const char *name, size_t k, const char *what,
                 const figures *f)
{
    printf("note: %s n=%zu %s: median |err| %.2f pt, within 3 pt %.0f%%, "
           "CI covers %.0f%%, mean CI width %.2f pt, bias %+.2f pt\n",
           name, k, what, f->med_err, 100 * f->within3, 100 * f->coverage,
           f->width, f->bias);
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ==== Channels ========================================================== */

typedef struct {
    double worst, overall; /* |err| points */
    int covered[16];       /* draws whose interval covered, per channel */
    double err[16];        /* |err| points, per channel */
    double bias[16];       /* signed err points, per channel */
} draw_figures;

/* One draw of k labels from the files put together as channels. */
static void channel_draw(const dataset *d, size_t nch, const double *truth,
                         double overall_truth, size_t k, uint64_t seed,
                         ef_calib_method m, draw_figures *f)
{
    size_t *pick = ef_xmalloc(d->n * sizeof *pick);
    size_t *tmp = ef_xmalloc(d->n * sizeof *tmp);
    unsigned char *lab = ef_xcalloc(d->n, 1);
    ef_group_stat ch[16];
    static ef_report r;

    memset(ch, 0, sizeof ch);
    srs(d->n, k, seed, pick, tmp);
    for (size_t j = 0; j < k; j++)
        lab[pick[j]] = 1;
    calibrate(d, lab, m, &r, ch, nch);
    f->worst = 0;
    for (size_t c = 0; c < nch; c++) {
        f->err[c] = 100 * fabs(ch[c].adj.share - truth[c]);
        f->bias[c] = 100 * (ch[c].adj.share - truth[c]);
        f->covered[c] = ch[c].adj.lo <= truth[c] && truth[c] <= ch[c].adj.hi;
        f->worst = fmax(f->worst, f->err[c]);
    }
    f->overall = 100 * fabs(r.calib.adjusted.share - overall_truth);
    free(pick);
    free(tmp);
    free(lab);
}

static void check_channels(const dataset *files, char **names, size_t nf)
{
    dataset all = {0};
    double truth[16] = {0}, overall = 0, *worst, *tot;
    double *worst_ps, *tot_ps, err_sum[16] = {0}, err_sum_ps[16] = {0};
    double bias[16] = {0};
    int cover[16] = {0};
    size_t cap = 0;

    if (nf < 2 || nf > 16)
        return;
    for (size_t f = 0; f < nf; f++)
        cap += files[f].n;
    all.compound = ef_xmalloc(cap * sizeof *all.compound);
    all.label = ef_xmalloc(cap * sizeof *all.label);
    all.channel = ef_xmalloc(cap * sizeof *all.channel);
    for (size_t f = 0; f < nf; f++) {
        uint64_t neg = 0;
        for (size_t i = 0; i < files[f].n; i++) {
            all.compound[all.n] = files[f].compound[i];
            all.label[all.n] = files[f].label[i];
            all.channel[all.n++] = (uint32_t)f;
            neg += files[f].label[i] == EF_NEGATIVE;
        }
        truth[f] = (double)neg / (double)files[f].n;
        overall += (double)neg;
    }
    overall /= (double)all.n;
    worst = ef_xmalloc((size_t)DRAWS * sizeof *worst);
    tot = ef_xmalloc((size_t)DRAWS * sizeof *tot);
    worst_ps = ef_xmalloc((size_t)DRAWS * sizeof *worst_ps);
    tot_ps = ef_xmalloc((size_t)DRAWS * sizeof *tot_ps);
    for (int s = 0; s < DRAWS; s++) {
        draw_figures a, b;
        channel_draw(&all, nf, truth, overall, 300, 1000 + (uint64_t)s,
                     EF_CALIB_MRP, &a);
        channel_draw(&all, nf, truth, overall, 300, 1000 + (uint64_t)s,
                     EF_CALIB_POSTSTRAT, &b);
        worst[s] = a.worst;
        tot[s] = a.overall;
        worst_ps[s] = b.worst;
        tot_ps[s] = b.overall;
        for (size_t c = 0; c < nf; c++) {
            cover[c] += a.covered[c];
            err_sum[c] += a.err[c] / DRAWS;
            bias[c] += a.bias[c] / DRAWS;
            err_sum_ps[c] += b.err[c] / DRAWS;
        }
    }
    for (size_t c = 0; c < nf; c++)
        printf("note: channels: %s: people %.1f%%; mean |err| %.2f pt, "
               "bias %+.2f pt (overall rates per bin: %.2f pt); interval "
               "covers in %d of %d draws\n",
               names[c], 100 * truth[c], err_sum[c], bias[c], err_sum_ps[c],
               cover[c], DRAWS);
    {
        double mw = ef_median(worst, (size_t)DRAWS);
        double mt = ef_median(tot, (size_t)DRAWS);
        double mwp = ef_median(worst_ps, (size_t)DRAWS);
        double mtp = ef_median(tot_ps, (size_t)DRAWS);
        double maxw = 0;
        for (int s = 0; s < DRAWS; s++)
            maxw = fmax(maxw, worst[s]);
        printf("note: channels: %d draws of 300 labels: worst channel's "
               "|err| median %.2f pt, largest %.2f pt; overall |err| median "
               "%.2f pt (the overall per-bin rates applied to each channel: "
               "worst %.2f pt, overall %.2f pt)\n",
               DRAWS, mw, maxw, mt, mwp, mtp);
        check(mw <= 8.0,
              "channels: 300 labels: the worst channel's median "
              "|err| %.2f pt <= 8",
              mw);
        check(mt <= 2.5,
              "channels: 300 labels: the overall median |err| "
              "%.2f pt <= 2.5",
              mt);
        for (size_t c = 0; c < nf; c++)
            check(cover[c] >= (int)ceil(0.8 * DRAWS),
                  "channels: %s: the "
                  "interval covers the people's share in %d of %d draws "
                  "(>= 80%%)",
                  names[c], cover[c], DRAWS);
    }
    free(worst);
    free(tot);
    free(worst_ps);
    free(tot_ps);
    free(all.compound);
    free(all.label);
    free(all.channel);
}

/* The reference figures of src/metrics/reference.c, re-measured. */
static void check_reference(const char *name, const dataset *d)
{
    const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    uint64_t hneg = 0, vneg = 0, neu = 0;

    for (size_t i = 0; i < d->n; i++) {
        hneg += d->label[i] == EF_NEGATIVE;
        vneg += ef_classify(d->compound[i], &thr) == EF_NEGATIVE;
        neu += d->compound[i] > -0.05 && d->compound[i] < 0.05;
    }
    printf("reference: %s: %zu rows, people %.2f%%, VADER %.2f%%, %.2f%% "
           "scored neutral\n",
           name, d->n, 100.0 * (double)hneg / (double)d->n,
           100.0 * (double)vneg / (double)d->n,
           100.0 * (double)neu / (double)d->n);
    for (size_t k = 0; k < ef_nreferences; k++) {
        const ef_reference *e = &ef_references[k];
        if (strcmp(e->file, name) != 0)
            continue;
        check(e->rows == d->n &&
                  fabs(e->people - (double)hneg / (double)d->n) < 0.0005 &&
                  fabs(e->vader - (double)vneg / (double)d->n) < 0.0005 &&
                  fabs(e->neutral - (double)neu / (double)d->n) < 0.0005,
              "%s: reference.c's figures (%u rows, people %.2f%%, VADER "
              "%.2f%%, neutral %.2f%%) are still what the file gives",
              name, e->rows, 100 * e->people, 100 * e->vader,
              100 * e->neutral);
    }
}

int main(int argc, char **argv)
{
    static const size_t sizes[2] = {300, 1000};
    ef_vader *v;
    ef_vader_scratch *s = ef_vader_scratch_new();
    ef_err err = {0};
    dataset files[16];
    char *names[16];
    size_t nf = 0;
    int a = 1;

    while (a + 1 < argc && (strcmp(argv[a], "--seeds") == 0 ||
                            strcmp(argv[a], "--draws") == 0)) {
        if (strcmp(argv[a], "--seeds") == 0)
            SEEDS = atoi(argv[a + 1]);
        else
            DRAWS = atoi(argv[a + 1]);
        a += 2;
    }
    if (a >= argc || SEEDS < 1 || DRAWS < 1) {
        fprintf(stderr, "usage: calib_validate [--seeds N] [--draws N] "
                        "FILE.csv...\n");
        return 64;
    }
    if (ef_vader_new(&v, &err) != EF_OK) {
        fprintf(stderr, "calib_validate: %s\n", err.msg);
        return 70;
    }
    ef_vader_set_names(v, 1); /* as report scores */
    for (; a < argc; a++) {
        dataset d;
        uint64_t hneg = 0, vneg = 0, nl = 0;
        const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
        double truth;
        const char *name = base(argv[a]);

        if (load(argv[a], v, s, &d) != 0) {
            check(0, "%s: readable, with text and label columns", name);
            free(d.compound);
            free(d.label);
            continue;
        }
        for (size_t i = 0; i < d.n; i++) {
            if (d.label[i] < 0)
                continue;
            nl++;
            hneg += d.label[i] == EF_NEGATIVE;
            vneg += ef_classify(d.compound[i], &thr) == EF_NEGATIVE;
        }
        if (nl < d.n)
            printf("note: %s: %llu rows without a valid label ignored\n", name,
                   (unsigned long long)(d.n - nl));
        keep_labelled(&d);
        truth = (double)hneg / (double)d.n;
        printf("note: %s: %zu rows, negative by the people %.1f%%, by "
               "VADER %.1f%%\n",
               name, d.n, 100 * truth, 100 * (double)vneg / (double)d.n);
        check_reference(name, &d);
        for (int z = 0; z < 2; z++) {
            size_t k = sizes[z];
            figures ps, acc, st, simple;
            if (2 * k > d.n) {
                printf("note: %s: n=%zu skipped: fewer than %zu rows\n", name,
                       k, 2 * k);
                continue;
            }
            /* the checked estimator at 300 labels: twice the draws, so
             * that a coverage near 93% does not read below 90% by chance
             * (with 100 draws it does one time in six) */
            int checked = k == 300 ? 2 * SEEDS : SEEDS;
            ps = run(&d, truth, k, SRS, EF_CALIB_MRP, checked);
            simple = run(&d, truth, k, SRS, EF_CALIB_POSTSTRAT, SEEDS);
            acc = run(&d, truth, k, SRS, EF_CALIB_ACC, SEEDS);
            st = run(&d, truth, k, STRAT, EF_CALIB_MRP, checked);
            show(name, k, "MRP, random sample", &ps);
            show(name, k, "post-stratified on the score alone", &simple);
            show(name, k, "classify-and-count, random sample", &acc);
            show(name, k, "MRP, stratified sample", &st);
            printf("note: %s n=%zu stratified sampling: mean CI width "
                   "%.2f pt against %.2f pt for a random sample (%+.0f%%)\n",
                   name, k, st.width, ps.width,
                   100 * (st.width / ps.width - 1));
            if (k == 300) {
                check(ps.med_err <= 2.5,
                      "%s: 300 labels: median |err| "
                      "%.2f pt <= 2.5",
                      name, ps.med_err);
                check(st.med_err <= 2.5,
                      "%s: 300 stratified labels: "
                      "median |err| %.2f pt <= 2.5",
                      name, st.med_err);
            } else {
                check(ps.within3 >= 0.9,
                      "%s: 1000 labels: within 3 pt in "
                      "%.0f%% of draws >= 90%%",
                      name, 100 * ps.within3);
                check(st.within3 >= 0.9,
                      "%s: 1000 stratified labels: "
                      "within 3 pt in %.0f%% of draws >= 90%%",
                      name, 100 * st.within3);
            }
            check(ps.coverage >= 0.9,
                  "%s: %zu labels: 95%% CI covers the "
                  "people's share in %.0f%% of draws >= 90%%",
                  name, k, 100 * ps.coverage);
            check(st.coverage >= 0.9,
                  "%s: %zu stratified labels: 95%% CI "
                  "covers in %.0f%% of draws >= 90%%",
                  name, k, 100 * st.coverage);
        }
        if (nf < 16) {
            files[nf] = d;
            names[nf++] = (char *)name;
        } else {
            free(d.compound);
            free(d.label);
        }
    }
    check_channels(files, names, nf);
    for (size_t f = 0; f < nf; f++) {
        free(files[f].compound);
        free(files[f].label);
    }
    ef_vader_scratch_free(s);
    ef_vader_free(v);
    printf("calibration: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
