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

#include "metrics/mrp.h"
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

/* The VADER class of the rows of bin k: 0 negative, 1 neutral, 2
 * positive (bins are cut at the thresholds, so each lies in one). */
static int bin_class(const binning *b, const ef_thresholds *thr, int k)
{
    int nb = neutral_bin(b);
    if (k < nb)
        return 0;
    return k == nb && thr->pos_min > thr->neg_max ? 1 : 2;
}

/* ==== The calibrator ==================================================== */

/* Per group number of a grouping: its rows per bin (VADER's negatives
 * are the rows of the negative-class bins). */
#define STRIDE EF_CALIB_BINS

typedef struct {
    uint64_t *pop; /* [cap][STRIDE] */
    size_t cap;    /* group numbers with room */
    size_t n;      /* 1 + the largest group number seen */
} grouping;

typedef struct {
    uint32_t grp[EF_CALIB_DIMS];    /* its groups */
    unsigned char bin, label, vcls; /* score bin, ef_class, VADER's */
} lrow;

struct ef_calib {
    ef_thresholds thr;
    uint64_t seed;
    ef_calib_method method;
    int replicates; /* bootstrap replicates */
    binning b;
    uint64_t n, bins[EF_CALIB_BINS], vneg, vpos;
    grouping dim[EF_CALIB_DIMS];
    lrow *rows;
    size_t nrows, caprows;
};

ef_calib *ef_calib_new(const ef_thresholds *thr, uint64_t seed)
{
    ef_calib *c = ef_xcalloc(1, sizeof *c);
    c->thr = *thr;
    c->seed = seed;
    c->method = EF_CALIB_MRP;
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
    for (int d = 0; d < EF_CALIB_DIMS; d++)
        free(c->dim[d].pop);
    free(c->rows);
    free(c);
}

static inline uint64_t *group_pop(grouping *g, uint32_t id)
{
    if (__builtin_expect(id >= g->cap, 0)) {
        size_t cap = g->cap ? g->cap : 16;
        while (cap <= id)
            cap *= 2;
        g->pop = ef_xrealloc(g->pop, cap * STRIDE * sizeof *g->pop);
        memset(g->pop + g->cap * STRIDE, 0,
               (cap - g->cap) * STRIDE * sizeof *g->pop);
        g->cap = cap;
    }
    if (id >= g->n)
        g->n = (size_t)id + 1;
    return g->pop + (size_t)id * STRIDE;
}

void ef_calib_add(ef_calib *c, double compound, int label,
                  const uint32_t group[EF_CALIB_DIMS])
{
    int k = bin_of(&c->b, compound);
    ef_class v = ef_classify(compound, &c->thr);

    c->n++;
    c->bins[k]++;
    c->vneg += v == EF_NEGATIVE;
    c->vpos += v == EF_POSITIVE;
    for (int d = 0; d < EF_CALIB_DIMS; d++)
        group_pop(&c->dim[d], group[d])[k]++;
    if (label < 0 || label > 2)
        return;
    if (c->nrows == c->caprows) {
        c->caprows = c->caprows ? 2 * c->caprows : 256;
        c->rows = ef_xrealloc(c->rows, c->caprows * sizeof *c->rows);
    }
    c->rows[c->nrows] =
        (lrow){{0}, (unsigned char)k, (unsigned char)label, (unsigned char)v};
    memcpy(c->rows[c->nrows].grp, group, sizeof c->rows[0].grp);
    c->nrows++;
}

/* ==== Strata ============================================================ */

/* The bins grouped into strata: sparse bins merged with a neighbour. */
typedef struct {
    int nb;                      /* bins */
    int ns;                      /* strata */
    int of[EF_CALIB_BINS];       /* bin -> stratum */
    uint64_t lab[EF_CALIB_BINS]; /* labelled rows per stratum */
    int sparse;                  /* bins with rows, too few labels */
    int used;                    /* strata holding rows */
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
            if (p[i] > 0 && l[i] < min_lab && (worst < 0 || l[i] < l[worst]))
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
    double tpr[2], fpr[2]; /* [0] negative, [1] positive */
    double *rep;           /* [B][4]: tpr neg, fpr neg, tpr pos, fpr pos */
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
    rates R;     /* post-stratification */
    acc_model A; /* adjusted classify-and-count */
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

static void set_share(ef_share *sh, double share, double lo, double hi,
                      uint64_t n)
{
    sh->share = share;
    sh->lo = lo < share ? lo : share;
    sh->hi = hi > share ? hi : share;
    sh->n = n;
    sh->count = (uint64_t)llround(share * (double)n);
}

/* The re-estimated share of row `row` of dimension d (EF_CALIB_PERIOD,
 * _CHANNEL or _SEGMENT) in the report, marked as computed. */
static ef_share *adjusted_share(ef_report *r, int d, size_t row)
{
    ef_group_stat *g;

    if (d == EF_CALIB_PERIOD) {
        r->periods[row].adjusted = 1;
        return &r->periods[row].adj;
    }
    g = d == EF_CALIB_CHANNEL ? &r->channels[row] : &r->segments[row];
    g->adjusted = 1;
    return &g->adj;
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
static void weighted_rates(const ef_calib *c, const strata *st, double *tpr,
                           double *fpr)
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

/* ==== Multilevel regression and post-stratification ==================== */

/* The k-th smallest of v[0..n-1] (reorders v). */
static double kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* The quantile q of v[0..n-1] as ef_quantile gives it (linear between
 * order statistics), by selection instead of a sort. Reorders v. */
EF_STATIC double select_quantile(double *v, size_t n, double q)
{
    double h = q * (double)(n - 1), a, b = INFINITY;
    size_t i = (size_t)h;

    a = kth(v, n, i);
    if (i + 1 >= n || h == (double)i)
        return a;
    for (size_t j = i + 1; j < n; j++) /* v[i+1..] >= a: their least */
        b = v[j] < b ? v[j] : b;
    return a + (h - (double)i) * (b - a);
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A standard normal draw fixed by (seed, a, b): Box-Muller on two hashed
 * uniforms, so that it does not depend on the order of the loops. */
static double normal_at(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = mix64(seed ^ mix64(a * 0x100000001b3ULL ^ mix64(b)));
    uint64_t y = mix64(x);
    double u1 = ((double)(x >> 11) + 0.5) * 0x1p-53;
    double u2 = (double)(y >> 11) * 0x1p-53;
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

/* One grouping's report rows, as the model and the averaging see them. */
typedef struct {
    int on;
    int rows; /* its rows are the report's (else one row of
                 everything, for the overall shares) */
    size_t nrow;
    uint64_t *pop;               /* [nrow][EF_CALIB_BINS]: every row */
    uint64_t *lab;               /* [nrow][EF_CALIB_BINS]: the labelled ones */
    uint64_t *kneg, *kpos;       /* [nrow]: of them people call neg., pos. */
    uint64_t *tot;               /* [nrow]: rows */
    size_t *cg;                  /* [nrow]: its number in the model, or
                                    SIZE_MAX (no labels: the common rates) */
    size_t ng;                   /* rows with labels */
    size_t *row_of;              /* [labelled rows]: their report row */
    ef_mrp neg, pos;             /* the fits to all labels */
    ef_mrp work;                 /* a replicate's fit */
    uint32_t *n, *kn, *kp;       /* [ng][nb]: the cells being fitted */
    uint64_t unl[EF_CALIB_BINS]; /* unlabelled rows of rows without any
                                    label, per bin */
    float *ra, *ru;              /* replicates: [B][nb] a, [B][ng][PAR] u */
} frame;

static void frame_free(frame *f)
{
    free(f->pop);
    free(f->lab);
    free(f->kneg);
    free(f->kpos);
    free(f->tot);
    free(f->cg);
    free(f->row_of);
    ef_mrp_reset(&f->neg);
    ef_mrp_reset(&f->pos);
    ef_mrp_reset(&f->work);
    free(f->n);
    free(f->kn);
    free(f->kp);
    free(f->ra);
    free(f->ru);
}

/* Fills the cells from the labelled rows idx[0..m-1] (indices into
 * c->rows). */
static void frame_cells(frame *f, const ef_calib *c, const size_t *idx,
                        size_t m, int nb)
{
    size_t cells = f->ng * (size_t)nb;
    memset(f->n, 0, cells * sizeof *f->n);
    memset(f->kn, 0, cells * sizeof *f->kn);
    memset(f->kp, 0, cells * sizeof *f->kp);
    for (size_t j = 0; j < m; j++) {
        const lrow *lr = &c->rows[idx[j]];
        size_t row = f->row_of[idx[j]], g;
        if (row == SIZE_MAX)
            continue;
        g = f->cg[row] * (size_t)nb + lr->bin;
        f->n[g]++;
        f->kn[g] += lr->label == EF_NEGATIVE;
        f->kp[g] += lr->label == EF_POSITIVE;
    }
}

/* Builds the frame of grouping d for report rows nrow (map as given to
 * ef_calib_finish; row == NULL: one row of everything). */
static void frame_make(frame *f, const ef_calib *c, int d,
                       const ef_calib_map *map, size_t nrow, const int *cls)
{
    const grouping *gr = &c->dim[d];
    int nb = c->b.ne + 1;
    size_t *all;

    memset(f, 0, sizeof *f);
    f->on = 1;
    f->rows = map->row != NULL;
    f->nrow = map->row ? nrow : 1;
    f->pop = ef_xcalloc(f->nrow * EF_CALIB_BINS + 1, sizeof *f->pop);
    f->lab = ef_xcalloc(f->nrow * EF_CALIB_BINS + 1, sizeof *f->lab);
    f->kneg = ef_xcalloc(f->nrow + 1, sizeof *f->kneg);
    f->kpos = ef_xcalloc(f->nrow + 1, sizeof *f->kpos);
    f->tot = ef_xcalloc(f->nrow + 1, sizeof *f->tot);
    f->cg = ef_xmalloc((f->nrow + 1) * sizeof *f->cg);
    f->row_of = ef_xmalloc((c->nrows + 1) * sizeof *f->row_of);
    if (map->row == NULL) {
        memcpy(f->pop, c->bins, sizeof c->bins);
        f->tot[0] = c->n;
    } else {
        for (size_t id = 0; id < gr->n && id < map->n; id++) {
            size_t row = map->row[id];
            const uint64_t *p = gr->pop + id * STRIDE;
            if (row >= f->nrow)
                continue;
            for (int b = 0; b < nb; b++) {
                f->pop[row * EF_CALIB_BINS + (size_t)b] += p[b];
                f->tot[row] += p[b];
            }
        }
    }
    for (size_t i = 0; i < c->nrows; i++) {
        const lrow *lr = &c->rows[i];
        size_t row = 0;
        if (map->row)
            row = lr->grp[d] < map->n ? map->row[lr->grp[d]] : SIZE_MAX;
        if (row >= f->nrow)
            row = SIZE_MAX;
        f->row_of[i] = row;
        if (row == SIZE_MAX)
            continue;
        f->lab[row * EF_CALIB_BINS + lr->bin]++;
        f->kneg[row] += lr->label == EF_NEGATIVE;
        f->kpos[row] += lr->label == EF_POSITIVE;
    }
    for (size_t row = 0; row < f->nrow; row++) {
        uint64_t l = 0;
        for (int b = 0; b < nb; b++)
            l += f->lab[row * EF_CALIB_BINS + (size_t)b];
        f->cg[row] = l ? f->ng++ : SIZE_MAX;
        if (l == 0)
            for (int b = 0; b < nb; b++)
                f->unl[b] += f->pop[row * EF_CALIB_BINS + (size_t)b];
    }
    ef_mrp_init(&f->neg, nb, cls, f->ng);
    ef_mrp_init(&f->pos, nb, cls, f->ng);
    ef_mrp_init(&f->work, nb, cls, f->ng);
    f->n = ef_xcalloc(f->ng * (size_t)nb + 1, sizeof *f->n);
    f->kn = ef_xcalloc(f->ng * (size_t)nb + 1, sizeof *f->kn);
    f->kp = ef_xcalloc(f->ng * (size_t)nb + 1, sizeof *f->kp);
    all = ef_xmalloc((c->nrows + 1) * sizeof *all);
    for (size_t i = 0; i < c->nrows; i++)
        all[i] = i;
    frame_cells(f, c, all, c->nrows, nb);
    free(all);
    ef_mrp_select(&f->neg, f->n, f->kn);
    ef_mrp_select(&f->pos, f->n, f->kp);
}

/* Copies the parameters of a fit into another of the same shape. */
static void mrp_copy(ef_mrp *to, const ef_mrp *from)
{
    memcpy(to->sd, from->sd, sizeof to->sd);
    memcpy(to->a, from->a, sizeof to->a);
    memcpy(to->u, from->u, from->ng * EF_MRP_PAR * sizeof *to->u);
}

/* A row's expected count of the class (known labels plus the model's
 * probabilities for the unlabelled rows) and its binomial variance, with
 * the bins' probabilities p[b] for this row. */
static void row_expect(const frame *f, size_t row, const double *p, int nb,
                       uint64_t known, double *count, double *var)
{
    double e = (double)known, v = 0;
    for (int b = 0; b < nb; b++) {
        size_t at = row * EF_CALIB_BINS + (size_t)b;
        double m = (double)(f->pop[at] - f->lab[at]);
        e += m * p[b];
        v += m * p[b] * (1 - p[b]);
    }
    *count = e;
    *var = v;
}

/* The probabilities of a row's bins under parameters a, u (u == NULL or
 * the row unlabelled: a alone). */
static void row_probs(const frame *f, const int *cls, size_t row,
                      const double *a, const double *u, int nb, double *p)
{
    size_t g = f->cg[row];
    for (int b = 0; b < nb; b++) {
        double eta = a[b];
        if (g != SIZE_MAX && u)
            eta += u[g * EF_MRP_PAR] + u[g * EF_MRP_PAR + 1 + cls[b]];
        p[b] = ef_mrp_logistic(eta);
    }
}

/* The whole grouping's count of a class under the fit m. */
static void frame_total(const frame *f, const ef_mrp *m, const int *cls,
                        const uint64_t *known, int nb, double *count,
                        double *var)
{
    double p[EF_CALIB_BINS], a[EF_CALIB_BINS], e = 0, v = 0;

    for (int b = 0; b < nb; b++) {
        a[b] = m->a[b];
        p[b] = ef_mrp_logistic(a[b]);
        e += (double)f->unl[b] * p[b];
        v += (double)f->unl[b] * p[b] * (1 - p[b]);
    }
    for (size_t row = 0; row < f->nrow; row++) {
        double ce, cv;
        if (f->cg[row] == SIZE_MAX) {
            e += (double)known[row]; /* 0: no labels */
            continue;
        }
        row_probs(f, cls, row, a, m->u, nb, p);
        row_expect(f, row, p, nb, known[row], &ce, &cv);
        e += ce;
        v += cv;
    }
    *count = e;
    *var = v;
}

/* A replicate's fit: with few labelled groups the groups' spread is
 * uncertain, and re-estimated in each replicate (so that the intervals
 * carry that uncertainty too); with many it is pinned down, and kept. */
static void refit(ef_mrp *m, const uint32_t *n, const uint32_t *k)
{
    if (m->ng < EF_CALIB_RESELECT_GROUPS)
        ef_mrp_reselect(m, n, k);
    else
        ef_mrp_fit(m, n, k);
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* The MRP estimates: overall shares from the channels' frame, and every
 * row of every grouping with a map. */
static void mrp_run(ef_calib *c, ef_report *r,
                    const ef_calib_map maps[EF_CALIB_DIMS], int ok_pos)
{
    ef_calibration *k = &r->calib;
    static const ef_calib_map none = {NULL, 0};
    frame fr[EF_CALIB_DIMS];
    size_t nrows[EF_CALIB_DIMS] = {r->nperiods, r->nchannels, r->nsegments};
    int nb = c->b.ne + 1, cls[EF_CALIB_BINS], B;
    double fit_work = 0, row_work = 0, N = (double)c->n;
    double *vneg, *vpos, *vals, *chg[2] = {NULL, NULL};
    size_t *byb, off[EF_CALIB_BINS + 1] = {0}, *pick;
    ef_rng rng;

    for (int b = 0; b < nb; b++)
        cls[b] = bin_class(&c->b, &c->thr, b);
    for (int d = 0; d < EF_CALIB_DIMS; d++) {
        const ef_calib_map *m = maps ? &maps[d] : &none;
        memset(&fr[d], 0, sizeof fr[d]);
        if (d != EF_CALIB_CHANNEL && (m->row == NULL || nrows[d] == 0))
            continue;
        frame_make(&fr[d], c, d, nrows[d] ? m : &none, nrows[d], cls);
        fit_work += (double)fr[d].ng + 1;
        row_work += (double)fr[d].nrow * nb;
    }
    /* replicates: as many as asked, fewer when the groups are very many */
    B = c->replicates;
    if (B > EF_CALIB_FIT_BUDGET / fit_work)
        B = (int)(EF_CALIB_FIT_BUDGET / fit_work);
    if (B > EF_CALIB_ROW_BUDGET / row_work)
        B = (int)(EF_CALIB_ROW_BUDGET / row_work);
    if (B < EF_CALIB_MIN_REPLICATES)
        B = EF_CALIB_MIN_REPLICATES;
    if (B > c->replicates)
        B = c->replicates;
    k->replicates = B;
    if (B < c->replicates)
        note_add(k, "%d bootstrap replicates (not %d): the groups are many.",
                 B, c->replicates);

    /* the labelled rows by bin, for resampling within bins */
    byb = ef_xmalloc((c->nrows + 1) * sizeof *byb);
    pick = ef_xmalloc((c->nrows + 1) * sizeof *pick);
    for (size_t i = 0; i < c->nrows; i++)
        off[c->rows[i].bin + 1]++;
    for (int b = 0; b < nb; b++)
        off[b + 1] += off[b];
    {
        size_t fill[EF_CALIB_BINS] = {0};
        for (size_t i = 0; i < c->nrows; i++)
            byb[off[c->rows[i].bin] + fill[c->rows[i].bin]++] = i;
    }
    for (int d = 0; d < EF_CALIB_DIMS; d++) {
        if (!fr[d].on || !fr[d].rows)
            continue;
        fr[d].ra = ef_xmalloc((size_t)B * (size_t)nb * sizeof(float));
        fr[d].ru = ef_xmalloc(((size_t)B * fr[d].ng * EF_MRP_PAR + 1) *
                              sizeof(float));
    }
    vneg = ef_xmalloc((size_t)B * sizeof *vneg);
    vpos = ef_xmalloc((size_t)B * sizeof *vpos);
    vals = ef_xmalloc((size_t)B * 3 * sizeof *vals);
    ef_rng_seed(&rng, c->seed);

    /* the point estimates of the overall shares */
    {
        frame *f = &fr[EF_CALIB_CHANNEL];
        double e, v;
        frame_total(f, &f->neg, cls, f->kneg, nb, &e, &v);
        k->adjusted.share = N > 0 ? e / N : 0;
        frame_total(f, &f->pos, cls, f->kpos, nb, &e, &v);
        k->adjusted_pos.share = N > 0 ? e / N : 0;
    }

    for (int rep = 0; rep < B; rep++) {
        size_t np = 0;
        /* m_b - 1 of bin b's m_b labels, with replacement: the rescaled
         * bootstrap (Rao and Wu 1988), whose variance of a bin's rate,
         * p (1 - p) / (m_b - 1), is the unbiased one; the unlabelled
         * rows' own spread (the normal draws below) completes it to the
         * finite population's, p (1 - p) (1 - m_b / N_b) / m_b */
        for (int b = 0; b < nb; b++)
            for (size_t j = off[b] + 1; j < off[b + 1]; j++)
                pick[np++] =
                    byb[off[b] + ef_rng_below(&rng, off[b + 1] - off[b])];
        for (int d = 0; d < EF_CALIB_DIMS; d++) {
            frame *f = &fr[d];
            double e, v;
            if (!f->on)
                continue;
            frame_cells(f, c, pick, np, nb);
            mrp_copy(&f->work, &f->neg);
            refit(&f->work, f->n, f->kn);
            if (f->ra) {
                for (int b = 0; b < nb; b++)
                    f->ra[(size_t)rep * (size_t)nb + (size_t)b] =
                        (float)f->work.a[b];
                for (size_t i = 0; i < f->ng * EF_MRP_PAR; i++)
                    f->ru[(size_t)rep * f->ng * EF_MRP_PAR + i] =
                        (float)f->work.u[i];
            }
            if (d != EF_CALIB_CHANNEL)
                continue;
            frame_total(f, &f->work, cls, f->kneg, nb, &e, &v);
            vneg[rep] =
                clamp((e + normal_at(c->seed, (uint64_t)rep, 1) * sqrt(v)) / N,
                      0, 1);
            if (ok_pos) {
                mrp_copy(&f->work, &f->pos);
                refit(&f->work, f->n, f->kp);
                frame_total(f, &f->work, cls, f->kpos, nb, &e, &v);
                vpos[rep] = clamp(
                    (e + normal_at(c->seed, (uint64_t)rep, 2) * sqrt(v)) / N,
                    0, 1);
            }
        }
    }

    /* the overall intervals: negative, positive, neutral, net */
    for (int rep = 0; rep < B; rep++) {
        vals[rep] = vneg[rep];
        if (ok_pos) {
            vals[B + rep] = 1 - vneg[rep] - vpos[rep];
            vals[2 * B + rep] = vpos[rep] - vneg[rep];
        }
    }
    {
        double lo = select_quantile(vals, (size_t)B, 0.025);
        double hi = select_quantile(vals, (size_t)B, 0.975);
        set_share(&k->adjusted, k->adjusted.share, lo, hi, c->n);
    }
    if (ok_pos) {
        double lo = select_quantile(vpos, (size_t)B, 0.025);
        double hi = select_quantile(vpos, (size_t)B, 0.975);
        double neu = 1 - k->adjusted.share - k->adjusted_pos.share;
        set_share(&k->adjusted_pos, k->adjusted_pos.share, lo, hi, c->n);
        lo = select_quantile(vals + B, (size_t)B, 0.025);
        hi = select_quantile(vals + B, (size_t)B, 0.975);
        set_share(&k->adjusted_neu, neu < 0 ? 0 : neu, lo, hi, c->n);
        k->net = k->adjusted_pos.share - k->adjusted.share;
        k->net_lo =
            fmin(select_quantile(vals + 2 * B, (size_t)B, 0.025), k->net);
        k->net_hi =
            fmax(select_quantile(vals + 2 * B, (size_t)B, 0.975), k->net);
        k->has_pos = 1;
    }

    /* every row of every grouping: its share and interval */
    for (int d = 0; d < EF_CALIB_DIMS; d++) {
        frame *f = &fr[d];
        if (!f->on || f->ra == NULL)
            continue;
        for (size_t row = 0; row < f->nrow; row++) {
            double p[EF_CALIB_BINS], a[EF_CALIB_BINS], e, v, share, lo, hi;
            double n = (double)f->tot[row], unl = n;
            ef_share *out;
            if (f->tot[row] == 0)
                continue;
            for (int b = 0; b < nb; b++)
                unl -= (double)f->lab[row * EF_CALIB_BINS + (size_t)b];
            row_probs(f, cls, row, f->neg.a, f->neg.u, nb, p);
            row_expect(f, row, p, nb, f->kneg[row], &e, &v);
            share = e / n;
            for (int rep = 0; rep < B; rep++) {
                const float *ra = f->ra + (size_t)rep * (size_t)nb;
                double u[EF_MRP_PAR] = {0}, eta;
                size_t g = f->cg[row];
                if (g != SIZE_MAX)
                    for (int q = 0; q < EF_MRP_PAR; q++)
                        u[q] = f->ru[((size_t)rep * f->ng + g) * EF_MRP_PAR +
                                     (size_t)q];
                for (int b = 0; b < nb; b++) {
                    a[b] = ra[b];
                    eta = a[b] + u[0] + u[1 + cls[b]];
                    p[b] = ef_mrp_logistic(eta);
                }
                row_expect(f, row, p, nb, f->kneg[row], &e, &v);
                /* between all unlabelled rows negative and none */
                vals[rep] = clamp((e + normal_at(c->seed ^ (uint64_t)d,
                                                 (uint64_t)rep, row + 3) *
                                           sqrt(v)) /
                                      n,
                                  (double)f->kneg[row] / n,
                                  ((double)f->kneg[row] + unl) / n);
            }
            /* the compared periods: the last complete one and the one
             * before (r->change_last, change_prev) */
            if (d == EF_CALIB_PERIOD && r->has_change &&
                (row == r->change_prev || row == r->change_last)) {
                double *keep = ef_xmalloc((size_t)B * sizeof *keep);
                memcpy(keep, vals, (size_t)B * sizeof *keep);
                chg[row == r->change_last] = keep;
            }
            lo = select_quantile(vals, (size_t)B, 0.025);
            hi = select_quantile(vals, (size_t)B, 0.975);
            out = adjusted_share(r, d, row);
            set_share(out, share, lo, hi, f->tot[row]);
        }
    }
    if (chg[0] && chg[1]) {
        const ef_period_stat *l = &r->periods[r->change_last];
        const ef_period_stat *p = &r->periods[r->change_prev];
        for (int rep = 0; rep < B; rep++)
            vals[rep] = chg[1][rep] - chg[0][rep];
        k->has_change = 1;
        k->change = l->adj.share - p->adj.share;
        k->change_lo =
            fmin(select_quantile(vals, (size_t)B, 0.025), k->change);
        k->change_hi =
            fmax(select_quantile(vals, (size_t)B, 0.975), k->change);
    }
    free(chg[0]);
    free(chg[1]);
    for (int d = 0; d < EF_CALIB_DIMS; d++)
        if (fr[d].on)
            frame_free(&fr[d]);
    free(byb);
    free(pick);
    free(vneg);
    free(vpos);
    free(vals);
}

/* Every row labelled: the people's shares, exactly, for the whole and
 * for every row of every grouping (no model, no interval). */
static void exact_run(ef_calib *c, ef_report *r,
                      const ef_calib_map maps[EF_CALIB_DIMS])
{
    ef_calibration *k = &r->calib;
    size_t nrows[EF_CALIB_DIMS] = {r->nperiods, r->nchannels, r->nsegments};
    uint64_t neg = 0, pos = 0;
    double n = (double)c->n;

    for (size_t i = 0; i < c->nrows; i++) {
        neg += c->rows[i].label == EF_NEGATIVE;
        pos += c->rows[i].label == EF_POSITIVE;
    }
    set_share(&k->adjusted, (double)neg / n, (double)neg / n, (double)neg / n,
              c->n);
    set_share(&k->adjusted_pos, (double)pos / n, (double)pos / n,
              (double)pos / n, c->n);
    set_share(&k->adjusted_neu, (double)(c->n - neg - pos) / n,
              (double)(c->n - neg - pos) / n, (double)(c->n - neg - pos) / n,
              c->n);
    k->net = k->net_lo = k->net_hi = ((double)pos - (double)neg) / n;
    k->has_pos = 1;
    for (int d = 0; maps && d < EF_CALIB_DIMS; d++) {
        uint64_t *cnt;
        if (maps[d].row == NULL || nrows[d] == 0)
            continue;
        cnt = ef_xcalloc(2 * nrows[d], sizeof *cnt); /* rows, negatives */
        for (size_t i = 0; i < c->nrows; i++) {
            uint32_t id = c->rows[i].grp[d];
            size_t row = id < maps[d].n ? maps[d].row[id] : SIZE_MAX;
            if (row >= nrows[d])
                continue;
            cnt[2 * row]++;
            cnt[2 * row + 1] += c->rows[i].label == EF_NEGATIVE;
        }
        for (size_t row = 0; row < nrows[d]; row++) {
            double sh;
            ef_share *out;
            if (cnt[2 * row] == 0)
                continue;
            sh = (double)cnt[2 * row + 1] / (double)cnt[2 * row];
            out = adjusted_share(r, d, row);
            set_share(out, sh, sh, sh, cnt[2 * row]);
        }
        free(cnt);
    }
    if (r->has_change && r->periods[r->change_last].adjusted &&
        r->periods[r->change_prev].adjusted) {
        k->has_change = 1;
        k->change = k->change_lo = k->change_hi =
            r->periods[r->change_last].adj.share -
            r->periods[r->change_prev].adj.share;
    }
}

/* The comparison estimators: one overall model, applied to the whole and
 * to each row of each grouping. */
static void simple_run(ef_calib *c, ef_report *r,
                       const ef_calib_map maps[EF_CALIB_DIMS],
                       const lrow **rows, int ok_pos, ef_rng *rng)
{
    ef_calibration *k = &r->calib;
    size_t nrows[EF_CALIB_DIMS] = {r->nperiods, r->nchannels, r->nsegments};
    int nb = c->b.ne + 1;
    double s, lo, hi;
    model m;

    model_make(&m, c, c->bins, rows, c->nrows, rng);
    if (m.method == EF_CALIB_ACC)
        snprintf(k->method, sizeof k->method, "adjusted classify-and-count");
    else
        snprintf(k->method, sizeof k->method,
                 "post-stratified on the score (%d bins)", m.R.st.used);
    model_apply(&m, c->bins, c->n, c->vneg, EF_NEGATIVE, &s, &lo, &hi);
    set_share(&k->adjusted, s, lo, hi, c->n);
    if (ok_pos) {
        model_apply(&m, c->bins, c->n, c->vpos, EF_POSITIVE, &s, &lo, &hi);
        set_share(&k->adjusted_pos, s, lo, hi, c->n);
    }
    k->replicates = c->replicates;
    if (m.method != EF_CALIB_ACC && m.R.st.sparse)
        note_add(k,
                 "%d score bin%s with under %d labels merged into "
                 "%s neighbour%s.",
                 m.R.st.sparse, m.R.st.sparse == 1 ? "" : "s",
                 EF_CALIB_MIN_BIN, m.R.st.sparse == 1 ? "a" : "their",
                 m.R.st.sparse == 1 ? "" : "s");
    for (int d = 0; maps && d < EF_CALIB_DIMS; d++) {
        const grouping *gr = &c->dim[d];
        uint64_t *pop;
        if (maps[d].row == NULL || nrows[d] == 0)
            continue;
        pop = ef_xcalloc(nrows[d] * STRIDE, sizeof *pop);
        for (size_t id = 0; id < gr->n && id < maps[d].n; id++) {
            size_t row = maps[d].row[id];
            if (row >= nrows[d])
                continue;
            for (int b = 0; b < STRIDE; b++)
                pop[row * STRIDE + (size_t)b] += gr->pop[id * STRIDE + b];
        }
        for (size_t row = 0; row < nrows[d]; row++) {
            uint64_t *p = pop + row * STRIDE, n = 0, vneg = 0;
            ef_share *out;
            for (int b = 0; b < nb; b++) {
                n += p[b];
                vneg += bin_class(&c->b, &c->thr, b) == 0 ? p[b] : 0;
            }
            if (n == 0)
                continue;
            model_apply(&m, p, n, vneg, EF_NEGATIVE, &s, &lo, &hi);
            out = adjusted_share(r, d, row);
            set_share(out, s, lo, hi, n);
        }
        free(pop);
    }
    model_free(&m);
}

void ef_calib_finish(ef_calib *c, ef_report *r,
                     const ef_calib_map maps[EF_CALIB_DIMS])
{
    ef_calibration *k = &r->calib;
    const lrow **rows;
    ef_rng rng;
    int ok_neg, ok_pos;
    uint64_t hneg = 0;

    memset(k, 0, sizeof *k);
    k->raw_share = r->negative.share;
    for (size_t i = 0; i < r->nperiods; i++)
        r->periods[i].adjusted = 0;
    for (size_t i = 0; i < r->nchannels; i++)
        r->channels[i].adjusted = 0;
    for (size_t i = 0; i < r->nsegments; i++)
        r->segments[i].adjusted = 0;
    if (c->nrows == 0 || c->n == 0)
        return;
    k->has = 1;
    k->labeled = c->nrows;
    rows = ef_xmalloc(c->nrows * sizeof *rows);
    for (size_t i = 0; i < c->nrows; i++) {
        rows[i] = &c->rows[i];
        k->confusion[c->rows[i].label][c->rows[i].vcls]++;
        hneg += c->rows[i].label == EF_NEGATIVE;
    }
    ef_rng_seed(&rng, c->seed);
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
    k->exact = c->nrows == c->n;
    ok_neg = k->exact || enough(rows, c->nrows, EF_NEGATIVE);
    ok_pos = k->exact || enough(rows, c->nrows, EF_POSITIVE);
    if (!ok_neg) {
        k->adjusted = r->negative;
        k->adjusted_pos = r->positive;
        snprintf(k->method, sizeof k->method, "none: too few labels");
        note_add(k,
                 "%llu item%s labelled, %llu of them negative: %d "
                 "negative and %d other labels are needed to re-estimate "
                 "the shares.",
                 (unsigned long long)c->nrows, c->nrows == 1 ? "" : "s",
                 (unsigned long long)hneg, EF_CALIB_MIN_CLASS,
                 EF_CALIB_MIN_CLASS);
        free(rows);
        return;
    }
    if (c->method == EF_CALIB_MRP) {
        snprintf(k->method, sizeof k->method,
                 "multilevel regression and post-stratification on score "
                 "bin and group");
        if (k->exact)
            exact_run(c, r, maps);
        else
            mrp_run(c, r, maps, ok_pos);
    } else {
        simple_run(c, r, maps, rows, ok_pos, &rng);
    }
    if (!ok_pos) {
        k->adjusted_pos = r->positive;
        note_add(k,
                 "The positive share is VADER's: under %d positive "
                 "labels or under %d other.",
                 EF_CALIB_MIN_CLASS, EF_CALIB_MIN_CLASS);
    } else if (!k->has_pos) {
        double neu = 1 - k->adjusted.share - k->adjusted_pos.share;
        set_share(&k->adjusted_neu, neu < 0 ? 0 : neu, neu < 0 ? 0 : neu,
                  neu < 0 ? 0 : neu, c->n);
        k->net = k->adjusted_pos.share - k->adjusted.share;
        k->net_lo = k->net_hi = k->net;
        k->has_pos = 1;
    }
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

/* Draws k of the n values at v, at random with rng (k <= n): a partial
 * Fisher-Yates shuffle brings them to v[0..k), and they are copied to
 * out in the order drawn. Returns k. */
static size_t draw_first(ef_rng *rng, size_t *v, size_t n, size_t k,
                         size_t *out)
{
    for (size_t j = 0; j < k; j++) {
        size_t t = j + (size_t)ef_rng_below(rng, n - j), tmp;
        tmp = v[j];
        v[j] = v[t];
        v[t] = tmp;
        out[j] = v[j];
    }
    return k;
}

/* Gives more labels, one at a time, each to the bin (of nb, holding
 * pop[k] rows, n[k] of them labelled so far) where it cuts the estimate's
 * variance most, sum (N_k sd_k)^2 / n_k, with sd_k guessed: Neyman
 * allocation, greedily. A bin with no label comes first; a full bin is
 * passed over. The caller sees to it that the bins have room for more. */
static void neyman_fill(const size_t *pop, int nb, int neutral, size_t more,
                        size_t *n)
{
    for (; more > 0; more--) {
        int best = -1;
        double bestv = -1;
        for (int k = 0; k < nb && bestv < INFINITY; k++) {
            double a, v;
            if (n[k] >= pop[k])
                continue;
            a = (double)pop[k] * guess_sd(k, neutral);
            v = n[k] == 0 ? INFINITY : a * a / ((double)n[k] * (n[k] + 1.0));
            if (v > bestv) {
                bestv = v;
                best = k;
            }
        }
        n[best]++;
    }
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
    neyman_fill(pop, nb, neutral, want - given, take);
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
    for (int k = 0; k < nb; k++)
        got += draw_first(&rng, idx + off[k], pop[k], take[k], out + got);
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
    neyman_fill(pop, nb, neutral, want - given, cnt);
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
    for (size_t c = 0; c < ncell; c++)
        got += draw_first(&rng, idx + off[c], freec[c], draw[c], out + got);
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
