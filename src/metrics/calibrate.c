/* calibrate.c - the negative share re-estimated from human labels.
 *
 * Post-stratification on VADER's compound score: the rows are cut into
 * score bins; the share of ALL rows in each bin is known exactly, the
 * people's negative rate in each bin is estimated from the labelled rows
 * in it, and the estimate is the bins' rates weighted by their sizes. The
 * 95% interval is a percentile bootstrap that resamples the labelled rows
 * within each stratum (rescaled, see rates_make; seeded, so runs are
 * identical). Adjusted classify-and-count is kept for comparison: on the
 * files in ../shared/calibration it erred 2-2.5 times as much on product
 * reviews and was no better on tweets (tests/calib_validate.c).
 *
 * Memory: the per-bin counts of all rows and of each period, and the
 * labelled rows (16 bytes each).
 */
#include "metrics/calibrate.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"

/* ==== Bins ============================================================== */

/* Edges besides the class thresholds: compound <= e for e on the negative
 * side (as compound <= neg_max is negative), >= e on the positive side. */
static const double neg_edges[] = {-0.75, -0.5, -0.25};
static const double pos_edges[] = {0.25, 0.5, 0.75};

typedef struct {
    double e[EF_CALIB_BINS - 1]; /* ascending */
    int neg[EF_CALIB_BINS - 1];  /* 1: a negative-side edge (<=) */
    int ne;                      /* edges in use; bins = ne + 1 */
} binning;

static void binning_init(binning *b, const ef_thresholds *thr)
{
    b->ne = 0;
    for (size_t i = 0; i < EF_ARRAY_LEN(neg_edges); i++)
        if (neg_edges[i] < thr->neg_max) {
            b->e[b->ne] = neg_edges[i];
            b->neg[b->ne++] = 1;
        }
    b->e[b->ne] = thr->neg_max;
    b->neg[b->ne++] = 1;
    if (thr->pos_min > thr->neg_max) {
        b->e[b->ne] = thr->pos_min;
        b->neg[b->ne++] = 0;
    }
    for (size_t i = 0; i < EF_ARRAY_LEN(pos_edges); i++)
        if (pos_edges[i] > thr->pos_min && pos_edges[i] > thr->neg_max) {
            b->e[b->ne] = pos_edges[i];
            b->neg[b->ne++] = 0;
        }
}

static int bin_of(const binning *b, double compound)
{
    int k = 0;
    for (int i = 0; i < b->ne; i++)
        if (b->neg[i] ? compound > b->e[i] : compound >= b->e[i])
            k = i + 1;
    return k;
}

/* The bin between the thresholds (VADER's neutral class). */
static int neutral_bin(const binning *b)
{
    int k = 0;
    while (k < b->ne && b->neg[k])
        k++;
    return k;
}

int ef_calib_bin(const ef_thresholds *thr, double compound)
{
    binning b;
    binning_init(&b, thr);
    return bin_of(&b, compound);
}

int ef_calib_nbins(const ef_thresholds *thr)
{
    binning b;
    binning_init(&b, thr);
    return b.ne + 1;
}

/* ==== The calibrator ==================================================== */

typedef struct {
    int64_t start;
    uint64_t n;
    uint64_t bins[EF_CALIB_BINS];
    uint64_t vneg, vpos; /* VADER's negatives and positives */
} period_bins;

typedef struct {
    int64_t period;                /* its period's start */
    unsigned char bin, label, vcls; /* score bin, ef_class, VADER's */
} lrow;

struct ef_calib {
    ef_thresholds thr;
    uint64_t seed;
    ef_calib_method method;
    int replicates;     /* bootstrap replicates */
    binning b;
    uint64_t n, bins[EF_CALIB_BINS], vneg, vpos;
    period_bins *per; /* sorted by start */
    size_t nper, capper;
    lrow *rows;
    size_t nrows, caprows;
};

ef_calib *ef_calib_new(const ef_thresholds *thr, uint64_t seed)
{
    ef_calib *c = ef_xcalloc(1, sizeof *c);
    c->thr = *thr;
    c->seed = seed;
    c->method = EF_CALIB_POSTSTRAT;
    c->replicates = EF_CALIB_REPLICATES;
    binning_init(&c->b, thr);
    return c;
}

void ef_calib_set_method(ef_calib *c, ef_calib_method m)
{
    c->method = m;
}

void ef_calib_free(ef_calib *c)
{
    if (c == NULL)
        return;
    free(c->per);
    free(c->rows);
    free(c);
}

static period_bins *period_get(ef_calib *c, int64_t start)
{
    size_t lo = 0, hi = c->nper;

    if (c->nper && c->per[c->nper - 1].start == start)
        return &c->per[c->nper - 1]; /* rows usually come in order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->per[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nper && c->per[lo].start == start)
        return &c->per[lo];
    if (c->nper == c->capper) {
        c->capper = c->capper ? 2 * c->capper : 16;
        c->per = ef_xrealloc(c->per, c->capper * sizeof *c->per);
    }
    memmove(&c->per[lo + 1], &c->per[lo], (c->nper - lo) * sizeof *c->per);
    memset(&c->per[lo], 0, sizeof *c->per);
    c->per[lo].start = start;
    c->nper++;
    return &c->per[lo];
}

void ef_calib_add(ef_calib *c, double compound, int label, int64_t period)
{
    int k = bin_of(&c->b, compound);
    ef_class v = ef_classify(compound, &c->thr);
    period_bins *p = period_get(c, period);

    c->n++;
    c->bins[k]++;
    p->n++;
    p->bins[k]++;
    if (v == EF_NEGATIVE) {
        c->vneg++;
        p->vneg++;
    } else if (v == EF_POSITIVE) {
        c->vpos++;
        p->vpos++;
    }
    if (label < 0 || label > 2)
        return;
    if (c->nrows == c->caprows) {
        c->caprows = c->caprows ? 2 * c->caprows : 256;
        c->rows = ef_xrealloc(c->rows, c->caprows * sizeof *c->rows);
    }
    c->rows[c->nrows++] = (lrow){period, (unsigned char)k,
                                 (unsigned char)label, (unsigned char)v};
}

/* ==== Strata ============================================================ */

/* The bins grouped into strata: sparse bins merged with a neighbour. */
typedef struct {
    int nb;                       /* bins */
    int ns;                       /* strata */
    int of[EF_CALIB_BINS];        /* bin -> stratum */
    uint64_t lab[EF_CALIB_BINS];  /* labelled rows per stratum */
    int sparse;                   /* bins with rows, too few labels */
    int used;                     /* strata holding rows */
} strata;

/* Groups the bins so that every stratum holding rows (pop[b] > 0) has at
 * least min_lab labelled rows (lab[b]): a sparse stratum joins the
 * neighbour with fewer labels. With fewer than min_lab labels in all,
 * everything becomes one stratum. */
static void strata_make(strata *s, int nb, const uint64_t *pop,
                        const uint64_t *lab, uint64_t min_lab)
{
    uint64_t p[EF_CALIB_BINS], l[EF_CALIB_BINS];
    int first[EF_CALIB_BINS]; /* first bin of each stratum */

    s->nb = nb;
    s->ns = nb;
    s->sparse = 0;
    for (int b = 0; b < nb; b++) {
        p[b] = pop[b];
        l[b] = lab[b];
        first[b] = b;
        s->sparse += pop[b] > 0 && lab[b] < min_lab;
    }
    for (;;) {
        int worst = -1, t;
        for (int i = 0; i < s->ns; i++)
            if (p[i] > 0 && l[i] < min_lab &&
                (worst < 0 || l[i] < l[worst]))
                worst = i;
        if (worst < 0 || s->ns == 1)
            break;
        if (worst == 0)
            t = 1;
        else if (worst == s->ns - 1)
            t = worst - 1;
        else
            t = l[worst - 1] <= l[worst + 1] ? worst - 1 : worst + 1;
        if (t < worst) { /* merge worst into t, keep index t */
            int tmp = t;
            t = worst;
            worst = tmp;
        }
        /* now worst < t: fold t into worst */
        p[worst] += p[t];
        l[worst] += l[t];
        for (int i = t; i + 1 < s->ns; i++) {
            p[i] = p[i + 1];
            l[i] = l[i + 1];
            first[i] = first[i + 1];
        }
        s->ns--;
    }
    for (int b = 0, i = 0; b < nb; b++) {
        while (i + 1 < s->ns && b >= first[i + 1])
            i++;
        s->of[b] = i;
    }
    s->used = 0;
    for (int i = 0; i < s->ns; i++) {
        s->lab[i] = l[i];
        s->used += p[i] > 0;
    }
}

/* ==== Estimates ========================================================= */

/* What a set of labelled rows says: per stratum, labelled rows and human
 * negatives / positives, and B bootstrap replicates of those rates. */
typedef struct {
    strata st;
    double neg[EF_CALIB_BINS], pos[EF_CALIB_BINS]; /* rates */
    double *rneg, *rpos; /* [B][ns] replicate rates */
    int B;
} rates;

static void rates_make(rates *R, const ef_calib *c, const uint64_t *pop,
                       const lrow *const *rows, size_t n, ef_rng *rng)
{
    uint64_t lab[EF_CALIB_BINS] = {0}, spop[EF_CALIB_BINS];
    size_t cnt[EF_CALIB_BINS] = {0}, off[EF_CALIB_BINS + 1];
    unsigned char *lb;
    int nb = c->b.ne + 1;

    for (size_t i = 0; i < n; i++)
        lab[rows[i]->bin]++;
    strata_make(&R->st, nb, pop, lab, EF_CALIB_MIN_BIN);
    /* the labels grouped by stratum, for resampling */
    lb = ef_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        cnt[R->st.of[rows[i]->bin]]++;
    off[0] = 0;
    for (int s = 0; s < R->st.ns; s++)
        off[s + 1] = off[s] + cnt[s];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        int s = R->st.of[rows[i]->bin];
        lb[off[s] + cnt[s]++] = rows[i]->label;
    }
    for (int s = 0; s < R->st.ns; s++) {
        size_t m = off[s + 1] - off[s], kn = 0, kp = 0;
        for (size_t j = off[s]; j < off[s + 1]; j++) {
            kn += lb[j] == EF_NEGATIVE;
            kp += lb[j] == EF_POSITIVE;
        }
        R->neg[s] = m ? (double)kn / (double)m : 0;
        R->pos[s] = m ? (double)kp / (double)m : 0;
    }
    R->B = c->replicates;
    R->rneg = ef_xmalloc((size_t)R->B * (size_t)R->st.ns * sizeof(double));
    R->rpos = ef_xmalloc((size_t)R->B * (size_t)R->st.ns * sizeof(double));
    /* Each replicate draws m - 1 of a stratum's m labels with
     * replacement and shrinks the draw's deviation from the stratum's
     * rate by sqrt(1 - m / N), N the stratum's rows: the rescaled
     * bootstrap (Rao and Wu 1988; McCarthy and Snowden 1985). Its
     * variance, p (1 - p) (1 - m / N) / (m - 1), is the unbiased one for a
     * sample without replacement from N rows; a plain bootstrap
     * understates it in small strata, and overstates it when much of a
     * stratum is labelled (all of it labelled: no uncertainty left). */
    for (int s = 0; s < R->st.ns; s++)
        spop[s] = 0;
    for (int b = 0; b < nb; b++)
        spop[R->st.of[b]] += pop[b];
    for (int r = 0; r < R->B; r++)
        for (int s = 0; s < R->st.ns; s++) {
            size_t m = off[s + 1] - off[s], kn = 0, kp = 0;
            size_t draw = m >= 2 ? m - 1 : m;
            double f = spop[s] > m ? (double)m / (double)spop[s] : 1;
            double shrink = sqrt(1 - f);
            double *on = &R->rneg[(size_t)r * (size_t)R->st.ns + s];
            double *op = &R->rpos[(size_t)r * (size_t)R->st.ns + s];
            for (size_t j = 0; j < draw; j++) {
                unsigned char l = lb[off[s] + ef_rng_below(rng, m)];
                kn += l == EF_NEGATIVE;
                kp += l == EF_POSITIVE;
            }
            *on = R->neg[s];
            *op = R->pos[s];
            if (draw) {
                *on += shrink * ((double)kn / (double)draw - R->neg[s]);
                *op += shrink * ((double)kp / (double)draw - R->pos[s]);
            }
        }
    free(lb);
}

static void rates_free(rates *R)
{
    free(R->rneg);
    free(R->rpos);
}

/* The post-stratified share for bin sizes pop (of total n) with the given
 * stratum rates. */
static double poststrat(const strata *st, const uint64_t *pop, uint64_t n,
                        const double *rate)
{
    double sum = 0;
    if (n == 0)
        return 0;
    for (int b = 0; b < st->nb; b++)
        sum += (double)pop[b] * rate[st->of[b]];
    return sum / (double)n;
}


/* The 2.5% and 97.5% points of v[0..n-1] (sorted in place). */
static void percentile_ci(double *v, size_t n, double *lo, double *hi)
{
    *lo = ef_quantile(v, n, 0.025);
    *hi = ef_quantile_sorted(v, n, 0.975);
}

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* ==== Adjusted classify-and-count ======================================= */

/* tpr/fpr of one class against the rest, and B bootstrap replicates. */
typedef struct {
    double tpr[2], fpr[2];  /* [0] negative, [1] positive */
    double *rep;            /* [B][4]: tpr neg, fpr neg, tpr pos, fpr pos */
    int B;
} acc_model;

static void acc_rates(const lrow *const *rows, const size_t *idx, size_t n,
                      double out[4])
{
    uint64_t hn = 0, hnv = 0, on = 0, onv = 0, hp = 0, hpv = 0, op = 0,
             opv = 0;
    for (size_t j = 0; j < n; j++) {
        const lrow *r = rows[idx ? idx[j] : j];
        if (r->label == EF_NEGATIVE) {
            hn++;
            hnv += r->vcls == EF_NEGATIVE;
        } else {
            on++;
            onv += r->vcls == EF_NEGATIVE;
        }
        if (r->label == EF_POSITIVE) {
            hp++;
            hpv += r->vcls == EF_POSITIVE;
        } else {
            op++;
            opv += r->vcls == EF_POSITIVE;
        }
    }
    out[0] = hn ? (double)hnv / (double)hn : 0;
    out[1] = on ? (double)onv / (double)on : 0;
    out[2] = hp ? (double)hpv / (double)hp : 0;
    out[3] = op ? (double)opv / (double)op : 0;
}

static void acc_make(acc_model *M, const lrow *const *rows, size_t n, int B,
                     ef_rng *rng)
{
    double t[4];
    size_t *idx = ef_xmalloc((n + 1) * sizeof *idx);

    acc_rates(rows, NULL, n, t);
    M->tpr[0] = t[0];
    M->fpr[0] = t[1];
    M->tpr[1] = t[2];
    M->fpr[1] = t[3];
    M->B = B;
    M->rep = ef_xmalloc((size_t)B * 4 * sizeof(double));
    for (int r = 0; r < B; r++) {
        for (size_t j = 0; j < n; j++)
            idx[j] = (size_t)ef_rng_below(rng, n);
        acc_rates(rows, idx, n, M->rep + (size_t)r * 4);
    }
    free(idx);
}

/* (observed - fpr) / (tpr - fpr), clipped to [0, 1]; the observed share
 * itself when tpr <= fpr (the classifier says nothing). */
EF_STATIC double ef_calib_acc(double observed, double tpr, double fpr)
{
    if (!(tpr - fpr > 1e-9))
        return observed;
    return clip01((observed - fpr) / (tpr - fpr));
}

/* ==== Estimators, behind one face ======================================= */

typedef struct {
    ef_calib_method method;
    rates R;      /* post-stratification */
    acc_model A;  /* adjusted classify-and-count */
} model;

static void model_make(model *m, const ef_calib *c, const uint64_t *pop,
                       const lrow *const *rows, size_t n, ef_rng *rng)
{
    memset(m, 0, sizeof *m);
    m->method = c->method;
    if (m->method == EF_CALIB_ACC)
        acc_make(&m->A, rows, n, c->replicates, rng);
    else
        rates_make(&m->R, c, pop, rows, n, rng);
}

static void model_free(model *m)
{
    if (m->method == EF_CALIB_ACC)
        free(m->A.rep);
    else
        rates_free(&m->R);
}

/* The share of class cls (EF_NEGATIVE or EF_POSITIVE) for a population
 * with bin sizes pop, n rows and vader rows of that class, with its 95%
 * percentile interval. */
static void model_apply(const model *m, const uint64_t *pop, uint64_t n,
                        uint64_t vader, int cls, double *share, double *lo,
                        double *hi)
{
    int B = m->method == EF_CALIB_ACC ? m->A.B : m->R.B;
    double *v = ef_xmalloc((size_t)B * sizeof(double));
    int k = cls == EF_POSITIVE;

    if (m->method == EF_CALIB_ACC) {
        double obs = n ? (double)vader / (double)n : 0;
        *share = ef_calib_acc(obs, m->A.tpr[k], m->A.fpr[k]);
        for (int r = 0; r < B; r++) {
            const double *t = m->A.rep + (size_t)r * 4 + 2 * k;
            v[r] = ef_calib_acc(obs, t[0], t[1]);
        }
    } else {
        const rates *R = &m->R;
        *share = poststrat(&R->st, pop, n, k ? R->pos : R->neg);
        for (int r = 0; r < B; r++)
            v[r] = poststrat(&R->st, pop, n,
                             (k ? R->rpos : R->rneg) +
                                 (size_t)r * (size_t)R->st.ns);
    }
    percentile_ci(v, (size_t)B, lo, hi);
    free(v);
}

/* ==== Finishing ========================================================= */

static const period_bins *period_find(const ef_calib *c, int64_t start)
{
    size_t lo = 0, hi = c->nper;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->per[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nper && c->per[lo].start == start ? &c->per[lo] : NULL;
}

/* Orders labelled rows by period, then as they were added. */
static int cmp_period(const void *a, const void *b)
{
    const lrow *x = *(const lrow *const *)a, *y = *(const lrow *const *)b;
    if (x->period != y->period)
        return x->period < y->period ? -1 : 1;
    return (x > y) - (x < y);
}

/* The labelled rows of the period starting at start, in prow[0..n-1]
 * sorted by cmp_period: sets *first and returns how many. */
static size_t period_rows(const lrow *const *prow, size_t n, int64_t start,
                          size_t *first)
{
    size_t lo = 0, hi = n, end;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (prow[mid]->period < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    for (end = lo; end < n && prow[end]->period == start; end++)
        ;
    return end - lo;
}

static void set_share(ef_share *sh, double share, double lo, double hi,
                      uint64_t n)
{
    sh->share = share;
    sh->lo = lo < share ? lo : share;
    sh->hi = hi > share ? hi : share;
    sh->n = n;
    sh->count = (uint64_t)llround(share * (double)n);
}

/* Appends to the note (cut at its size). */
static void note_add(ef_calibration *k, const char *fmt, ...) EF_PRINTF(2, 3);
static void note_add(ef_calibration *k, const char *fmt, ...)
{
    size_t o = strlen(k->note);
    va_list ap;
    if (o + 1 >= sizeof k->note)
        return;
    if (o)
        k->note[o++] = ' ';
    va_start(ap, fmt);
    vsnprintf(k->note + o, sizeof k->note - o, fmt, ap);
    va_end(ap);
}

/* Whether the labelled rows rows[0..n-1] have enough of class cls and of
 * the rest to adjust that class's share. */
static int enough(const lrow *const *rows, size_t n, int cls)
{
    uint64_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += rows[i]->label == cls;
    return in >= EF_CALIB_MIN_CLASS && n - in >= EF_CALIB_MIN_CLASS;
}

/* tpr and fpr of VADER's negative class against the people's, each
 * labelled row weighted by its stratum's rows per label, so that a
 * stratified sample describes the whole population. */
static void weighted_rates(const ef_calib *c, const strata *st,
                           double *tpr, double *fpr)
{
    double w[EF_CALIB_BINS] = {0}, hn = 0, hnv = 0, on = 0, onv = 0;
    uint64_t pop[EF_CALIB_BINS] = {0};

    for (int b = 0; b < st->nb; b++)
        pop[st->of[b]] += c->bins[b];
    for (int s = 0; s < st->ns; s++)
        w[s] = st->lab[s] ? (double)pop[s] / (double)st->lab[s] : 0;
    for (size_t i = 0; i < c->nrows; i++) {
        const lrow *r = &c->rows[i];
        double wi = w[st->of[r->bin]];
        if (r->label == EF_NEGATIVE) {
            hn += wi;
            hnv += r->vcls == EF_NEGATIVE ? wi : 0;
        } else {
            on += wi;
            onv += r->vcls == EF_NEGATIVE ? wi : 0;
        }
    }
    *tpr = hn > 0 ? hnv / hn : 0;
    *fpr = on > 0 ? onv / on : 0;
}

void ef_calib_finish(ef_calib *c, ef_report *r)
{
    ef_calibration *k = &r->calib;
    const lrow **rows;
    ef_rng rng;
    model m;
    int ok_neg, ok_pos, own = 0;

    memset(k, 0, sizeof *k);
    k->raw_share = r->negative.share;
    for (size_t i = 0; i < r->nperiods; i++)
        r->periods[i].adjusted = 0;
    if (c->nrows == 0 || c->n == 0)
        return;
    k->has = 1;
    k->labeled = c->nrows;
    rows = ef_xmalloc(c->nrows * sizeof *rows);
    for (size_t i = 0; i < c->nrows; i++) {
        rows[i] = &c->rows[i];
        k->confusion[c->rows[i].label][c->rows[i].vcls]++;
    }
    ef_rng_seed(&rng, c->seed);
    model_make(&m, c, c->bins, rows, c->nrows, &rng);
    {
        /* tpr/fpr describe the classifier whatever the estimator */
        uint64_t lab[EF_CALIB_BINS] = {0};
        strata st;
        for (size_t i = 0; i < c->nrows; i++)
            lab[c->rows[i].bin]++;
        strata_make(&st, c->b.ne + 1, c->bins, lab, 1);
        weighted_rates(c, &st, &k->tpr, &k->fpr);
    }

    /* every row labelled: the people's shares are known, however few */
    ok_neg = c->nrows == c->n || enough(rows, c->nrows, EF_NEGATIVE);
    ok_pos = c->nrows == c->n || enough(rows, c->nrows, EF_POSITIVE);
    if (ok_neg) {
        double s, lo, hi;
        model_apply(&m, c->bins, c->n, c->vneg, EF_NEGATIVE, &s, &lo, &hi);
        set_share(&k->adjusted, s, lo, hi, c->n);
        if (m.method == EF_CALIB_ACC)
            snprintf(k->method, sizeof k->method,
                     "adjusted classify-and-count");
        else
            snprintf(k->method, sizeof k->method,
                     "post-stratified on the score (%d bins)", m.R.st.used);
        if (m.method != EF_CALIB_ACC && m.R.st.sparse)
            note_add(k, "%d score bin%s with under %d labels merged into "
                     "%s neighbour%s.", m.R.st.sparse,
                     m.R.st.sparse == 1 ? "" : "s", EF_CALIB_MIN_BIN,
                     m.R.st.sparse == 1 ? "a" : "their",
                     m.R.st.sparse == 1 ? "" : "s");
    } else {
        k->adjusted = r->negative;
        snprintf(k->method, sizeof k->method, "none: too few labels");
        note_add(k, "Too few labels to adjust: %llu labelled, %llu "
                 "negative (%d negative and %d other needed); VADER's "
                 "share is shown.",
                 (unsigned long long)c->nrows,
                 (unsigned long long)(k->confusion[0][0] +
                                      k->confusion[0][1] +
                                      k->confusion[0][2]),
                 EF_CALIB_MIN_CLASS, EF_CALIB_MIN_CLASS);
    }
    if (ok_pos) {
        double s, lo, hi;
        model_apply(&m, c->bins, c->n, c->vpos, EF_POSITIVE, &s, &lo, &hi);
        set_share(&k->adjusted_pos, s, lo, hi, c->n);
    } else {
        k->adjusted_pos = r->positive;
        if (ok_neg)
            note_add(k, "Positive share not adjusted: under %d positive "
                     "labels or under %d other.", EF_CALIB_MIN_CLASS,
                     EF_CALIB_MIN_CLASS);
    }

    /* per period: own labels when every period has enough, else the
     * overall correction applied to each period's rows */
    if (ok_neg && r->nperiods > 0) {
        const lrow **prow = ef_xmalloc(c->nrows * sizeof *prow);
        memcpy(prow, rows, c->nrows * sizeof *prow);
        qsort(prow, c->nrows, sizeof *prow, cmp_period);
        own = r->nperiods > 1;
        for (size_t i = 0; i < r->nperiods && own; i++) {
            size_t first, np = period_rows(prow, c->nrows,
                                           r->periods[i].start, &first);
            if (np < EF_CALIB_PERIOD_MIN ||
                !enough(prow + first, np, EF_NEGATIVE))
                own = 0;
        }
        for (size_t i = 0; i < r->nperiods; i++) {
            ef_period_stat *ps = &r->periods[i];
            const period_bins *pb = period_find(c, ps->start);
            double s, lo, hi;
            if (pb == NULL || pb->n == 0)
                continue;
            if (own) {
                size_t first, np = period_rows(prow, c->nrows, ps->start,
                                               &first);
                model pm;
                model_make(&pm, c, pb->bins, prow + first, np, &rng);
                model_apply(&pm, pb->bins, pb->n, pb->vneg, EF_NEGATIVE, &s,
                            &lo, &hi);
                model_free(&pm);
            } else {
                model_apply(&m, pb->bins, pb->n, pb->vneg, EF_NEGATIVE, &s,
                            &lo, &hi);
            }
            set_share(&ps->adj, s, lo, hi, pb->n);
            ps->adjusted = 1;
        }
        free(prow);
        k->per_period = own;
        if (r->nperiods > 1)
            note_add(k, own ? "Each period is adjusted with its own labels."
                            : "Periods use the overall correction (some "
                              "period has under %d labels, or under %d "
                              "of a class).",
                     EF_CALIB_PERIOD_MIN, EF_CALIB_MIN_CLASS);
    }
    model_free(&m);
    free(rows);
}

int ef_calib_is_adjusted(const ef_calibration *k)
{
    return k->has && strncmp(k->method, "none", 4) != 0;
}

/* ==== Stratified label sample =========================================== */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The spread sqrt(p (1 - p)) of the people's negative rate p in a bin,
 * guessed before any label is seen, by the bin's distance from the
 * neutral bin: people agree most with VADER's extreme scores (p near 0 or
 * 1), least near the thresholds (p near 1/2). An assumption, not fitted;
 * a wrong guess costs precision, never bias (the estimator weights by the
 * bins' true sizes whatever the allocation). */
static double guess_sd(int bin, int neutral)
{
    static const double sd[] = {0.5, 0.45, 0.4, 0.3, 0.25};
    int d = bin > neutral ? bin - neutral : neutral - bin;
    return sd[d < (int)EF_ARRAY_LEN(sd) ? d : (int)EF_ARRAY_LEN(sd) - 1];
}

/* Splits want labels over nb bins holding pop[k] rows (neutral: the index
 * of the bin between the thresholds) into take[k]: first a floor for every
 * bin, min(its rows, EF_CALIB_FLOOR, want / (2 bins)), so that no bin is
 * left to merging; then each further label to the bin where it cuts the
 * estimate's variance most, sum (N_k sd_k)^2 / n_k: Neyman allocation,
 * greedily, with sd_k guessed. */
EF_STATIC void ef_calib_allocate(const size_t *pop, int nb, int neutral,
                                 size_t want, size_t *take)
{
    size_t total = 0, given = 0, nonempty = 0, floor_n;

    for (int k = 0; k < nb; k++) {
        total += pop[k];
        nonempty += pop[k] > 0;
        take[k] = 0;
    }
    if (want > total)
        want = total;
    if (nonempty == 0)
        return;
    floor_n = want / (2 * nonempty);
    if (floor_n > EF_CALIB_FLOOR)
        floor_n = EF_CALIB_FLOOR;
    for (int k = 0; k < nb; k++) {
        take[k] = pop[k] < floor_n ? pop[k] : floor_n;
        given += take[k];
    }
    while (given < want) {
        int best = -1;
        double bestv = -1;
        for (int k = 0; k < nb && bestv < INFINITY; k++) {
            double a, v;
            if (take[k] >= pop[k])
                continue;
            a = (double)pop[k] * guess_sd(k, neutral);
            v = take[k] == 0 ? INFINITY
                             : a * a / ((double)take[k] * (take[k] + 1.0));
            if (v > bestv) {
                bestv = v;
                best = k;
            }
        }
        take[best]++;
        given++;
    }
}

size_t ef_calib_sample(const double *compound, size_t n,
                       const ef_thresholds *thr, size_t want, uint64_t seed,
                       size_t *out)
{
    binning b;
    int nb;
    size_t pop[EF_CALIB_BINS] = {0}, take[EF_CALIB_BINS] = {0};
    size_t off[EF_CALIB_BINS + 1], fill[EF_CALIB_BINS] = {0}, got = 0;
    size_t *idx;
    ef_rng rng;

    if (want > n)
        want = n;
    if (want == 0)
        return 0;
    binning_init(&b, thr);
    nb = b.ne + 1;
    for (size_t i = 0; i < n; i++)
        pop[bin_of(&b, compound[i])]++;
    ef_calib_allocate(pop, nb, neutral_bin(&b), want, take);
    off[0] = 0;
    for (int k = 0; k < nb; k++)
        off[k + 1] = off[k] + pop[k];
    idx = ef_xmalloc((n + 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++) {
        int k = bin_of(&b, compound[i]);
        idx[off[k] + fill[k]++] = i;
    }
    ef_rng_seed(&rng, seed);
    for (int k = 0; k < nb; k++) {
        size_t *v = idx + off[k];
        /* partial Fisher-Yates: the first take[k] become the sample */
        for (size_t j = 0; j < take[k]; j++) {
            size_t t = j + (size_t)ef_rng_below(&rng, pop[k] - j), tmp;
            tmp = v[j];
            v[j] = v[t];
            v[t] = tmp;
            out[got++] = v[j];
        }
    }
    free(idx);
    qsort(out, got, sizeof *out, cmp_size);
    return got;
}

/* ==== Stratified by group as well (--label-sample) ====================== */

/* Like ef_calib_allocate, over bins that already hold have[k] labels:
 * take[k] (new labels, at most free[k]) so that have + take is what
 * allocating want + sum(have) from scratch would give, as near as the
 * labels already given allow. Floors first (min(rows, EF_CALIB_FLOOR,
 * total / (2 bins with rows)), never below have), then greedy Neyman. */
static void allocate_topup(const size_t *have, const size_t *free_, int nb,
                           int neutral, size_t want, size_t *take)
{
    size_t pop[EF_CALIB_BINS], has = 0, free_all = 0, nonempty = 0;
    size_t cnt[EF_CALIB_BINS], given = 0, total, floor_n;

    for (int k = 0; k < nb; k++) {
        pop[k] = have[k] + free_[k];
        has += have[k];
        free_all += free_[k];
        nonempty += pop[k] > 0;
        take[k] = 0;
    }
    if (want > free_all)
        want = free_all;
    if (want == 0)
        return;
    total = want + has;
    floor_n = total / (2 * nonempty);
    if (floor_n > EF_CALIB_FLOOR)
        floor_n = EF_CALIB_FLOOR;
    /* floors that the new labels can pay for */
    for (;; floor_n--) {
        size_t need = 0;
        for (int k = 0; k < nb; k++) {
            size_t f = pop[k] < floor_n ? pop[k] : floor_n;
            need += f > have[k] ? f - have[k] : 0;
        }
        if (need <= want || floor_n == 0)
            break;
    }
    for (int k = 0; k < nb; k++) {
        size_t f = pop[k] < floor_n ? pop[k] : floor_n;
        cnt[k] = f > have[k] ? f : have[k];
        given += cnt[k] - have[k];
    }
    while (given < want) {
        int best = -1;
        double bestv = -1;
        for (int k = 0; k < nb && bestv < INFINITY; k++) {
            double a, v;
            if (cnt[k] >= pop[k])
                continue;
            a = (double)pop[k] * guess_sd(k, neutral);
            v = cnt[k] == 0 ? INFINITY
                            : a * a / ((double)cnt[k] * (cnt[k] + 1.0));
            if (v > bestv) {
                bestv = v;
                best = k;
            }
        }
        cnt[best]++;
        given++;
    }
    for (int k = 0; k < nb; k++)
        take[k] = cnt[k] - have[k];
}

/* Webster's apportionment of want more units over n parties that hold
 * have[i] already, with room for cap[i] more and targets target[i] (> 0
 * where cap[i] > 0): each unit in turn to the party with room whose
 * (have + take + 1/2) / target is least (ties: the lower index, so that
 * the result is reproducible). Unbiased to big and small parties alike,
 * and it never takes a unit back as want grows. */
static void webster(const double *target, const size_t *have,
                    const size_t *cap, int n, size_t want, size_t *take)
{
    int *heap = ef_xmalloc(((size_t)n + 1) * sizeof(int)), nh = 0;
    double *pri = ef_xcalloc((size_t)n + 1, sizeof(double));

#define LESS(a, b) (pri[a] < pri[b] || (pri[a] == pri[b] && (a) < (b)))
    for (int i = 0; i < n; i++) {
        int at;
        take[i] = 0;
        if (cap[i] == 0)
            continue;
        pri[i] = ((double)have[i] + 0.5) / target[i];
        for (at = nh++; at > 0 && LESS(i, heap[(at - 1) / 2]);
             at = (at - 1) / 2)
            heap[at] = heap[(at - 1) / 2];
        heap[at] = i;
    }
    for (size_t u = 0; u < want && nh > 0; u++) {
        int i = heap[0], at = 0, last;
        take[i]++;
        pri[i] = ((double)(have[i] + take[i]) + 0.5) / target[i];
        last = take[i] < cap[i] ? i : heap[--nh];
        for (;;) { /* sift last down from the root */
            int c = 2 * at + 1;
            if (c >= nh)
                break;
            if (c + 1 < nh && LESS(heap[c + 1], heap[c]))
                c++;
            if (!LESS(heap[c], last))
                break;
            heap[at] = heap[c];
            at = c;
        }
        if (nh > 0)
            heap[at] = last;
    }
#undef LESS
    free(pri);
    free(heap);
}

size_t ef_calib_sample_groups(const ef_calib_rows *r, const ef_thresholds *thr,
                              size_t want, uint64_t seed, size_t *out)
{
    binning b;
    int nb, ng = r->ngroups > 0 ? r->ngroups : 1, groups = 0;
    size_t ncell, free_all = 0, used = 0, floor_n, got = 0;
    /* per cell (group g, bin k) at g * nb + k: labels had, free rows,
       labels drawn; the free rows' indices, by cell in row order */
    size_t *have, *freec, *draw, *off, *fill, *idx;
    size_t hk[EF_CALIB_BINS], fk[EF_CALIB_BINS], tk[EF_CALIB_BINS];
    double *target;
    size_t *h, *cap, *q;
    ef_rng rng;

    binning_init(&b, thr);
    nb = b.ne + 1;
    ncell = (size_t)ng * (size_t)nb;
    have = ef_xcalloc(ncell, sizeof(size_t));
    freec = ef_xcalloc(ncell, sizeof(size_t));
    draw = ef_xcalloc(ncell, sizeof(size_t));
    off = ef_xcalloc(ncell + 1, sizeof(size_t));
    fill = ef_xcalloc(ncell, sizeof(size_t));
    target = ef_xcalloc((size_t)ng + nb, sizeof(double));
    h = ef_xcalloc((size_t)ng + nb, sizeof(size_t));
    cap = ef_xcalloc((size_t)ng + nb, sizeof(size_t));
    q = ef_xcalloc((size_t)ng + nb, sizeof(size_t));
#define CELL(i)                                                               \
    ((size_t)(r->group ? r->group[i] : 0) * (size_t)nb +                      \
     (size_t)bin_of(&b, r->compound[i]))
#define STATE(i) (r->state ? r->state[i] : EF_CALIB_ROW_FREE)
    for (size_t i = 0; i < r->n; i++) {
        if (STATE(i) == EF_CALIB_ROW_LABELLED)
            have[CELL(i)]++;
        else if (STATE(i) == EF_CALIB_ROW_FREE)
            freec[CELL(i)]++;
    }
    for (size_t c = 0; c < ncell; c++)
        free_all += freec[c];
    if (want > free_all)
        want = free_all;

    /* 1. each group, when there are several, a few labels of its own
       (EF_CALIB_GROUP_FLOOR at most, a quarter of want over all),
       spread over its bins as its rows are */
    for (int g = 0; g < ng; g++) {
        size_t rows = 0;
        for (int k = 0; k < nb; k++)
            rows += have[g * nb + k] + freec[g * nb + k];
        groups += rows > 0;
    }
    floor_n = ng > 1 && groups > 0 ? want / (4 * (size_t)groups) : 0;
    if (floor_n > EF_CALIB_GROUP_FLOOR)
        floor_n = EF_CALIB_GROUP_FLOOR;
    for (int g = 0; g < ng && floor_n > 0; g++) {
        size_t had = 0, fr = 0, f;
        for (int k = 0; k < nb; k++) {
            had += have[g * nb + k];
            fr += freec[g * nb + k];
            target[k] = (double)freec[g * nb + k];
            h[k] = 0;
        }
        f = floor_n > had ? floor_n - had : 0;
        f = f < fr ? f : fr;
        webster(target, h, freec + (size_t)g * nb, nb, f,
                draw + (size_t)g * nb);
        used += f;
    }

    /* 2. the rest over the bins, as ef_calib_sample does, counting what
       the bins hold already */
    for (int k = 0; k < nb; k++) {
        hk[k] = fk[k] = 0;
        for (int g = 0; g < ng; g++) {
            hk[k] += have[g * nb + k] + draw[g * nb + k];
            fk[k] += freec[g * nb + k] - draw[g * nb + k];
        }
    }
    allocate_topup(hk, fk, nb, neutral_bin(&b), want - used, tk);

    /* 3. each bin's labels over its groups as its rows are (then every
       labelled row of a bin stands for as many rows, whatever its group:
       an estimator by bin stays unbiased) */
    for (int k = 0; k < nb; k++) {
        size_t pop = hk[k] + fk[k];
        for (int g = 0; g < ng; g++) {
            size_t c = (size_t)g * nb + (size_t)k;
            target[g] = pop ? (double)(hk[k] + tk[k]) *
                                  (double)(have[c] + freec[c]) / (double)pop
                            : 0;
            h[g] = have[c] + draw[c];
            cap[g] = freec[c] - draw[c];
        }
        webster(target, h, cap, ng, tk[k], q);
        for (int g = 0; g < ng; g++)
            draw[(size_t)g * nb + (size_t)k] += q[g];
    }

    /* 4. the rows: a partial Fisher-Yates in each cell, as
       ef_calib_sample, group by group */
    for (size_t c = 0; c < ncell; c++)
        off[c + 1] = off[c] + freec[c];
    idx = ef_xmalloc((off[ncell] + 1) * sizeof *idx);
    for (size_t i = 0; i < r->n; i++)
        if (STATE(i) == EF_CALIB_ROW_FREE) {
            size_t c = CELL(i);
            idx[off[c] + fill[c]++] = i;
        }
#undef CELL
#undef STATE
    ef_rng_seed(&rng, seed);
    for (size_t c = 0; c < ncell; c++) {
        size_t *v = idx + off[c];
        for (size_t j = 0; j < draw[c]; j++) {
            size_t t = j + (size_t)ef_rng_below(&rng, freec[c] - j), tmp;
            tmp = v[j];
            v[j] = v[t];
            v[t] = tmp;
            out[got++] = v[j];
        }
    }
    qsort(out, got, sizeof *out, cmp_size);
    free(idx);
    free(q);
    free(cap);
    free(h);
    free(target);
    free(fill);
    free(off);
    free(draw);
    free(freec);
    free(have);
    return got;
}
