/* stats.c - intervals, tests, tail probabilities, quantiles and a PRNG.
 *
 * Numerical notes. Wilson bounds are computed in forms without
 * cancellation. The normal tail comes from erfc with the rounding of
 * z / sqrt(2) corrected, so it keeps full relative precision far out. The
 * binomial tail is the regularized incomplete beta function
 * I_p(k, n - k + 1) = P(X >= k), evaluated by its continued fraction
 * (modified Lentz) on the side where that converges; the prefactor is a
 * binomial probability, whose log is taken as Loader's saddle-point form
 * (Stirling-series remainders and a deviance term) because the plain
 * lgamma sum loses about log10(n) digits to cancellation when n is large.
 */
#include "metrics/stats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LN_SQRT_2PI 0.91893853320467274178 /* log(sqrt(2 pi)) */
#define TWO_PI 6.28318530717958647693
#define TWO_OVER_SQRT_PI 1.12837916709551257390 /* erfc'(0) = -2/sqrt(pi) */
/* 1/sqrt(2) as a double plus the rest of its value */
#define SQRT1_2_HI 0.70710678118654752440
#define SQRT1_2_LO (-4.8336466567264565e-17)
/* Tail probabilities below this are reported as 0. */
#define TAIL_MIN 1e-300

/* ==== Proportions ======================================================= */

void ef_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
    double kd, nd, z2, c, s, top;

    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    if (k > n)
        k = n;
    kd = (double)k;
    nd = (double)n;
    z = fabs(z);
    z2 = z * z;
    /* The bounds are the roots of (n + z^2) t^2 - (2k + z^2) t + k^2/n;
     * with c = k + z^2/2 and s the root of the discriminant / 4, the upper
     * one is (c + z s) / (n + z^2) and, from the product of the roots, the
     * lower one k^2 / (n (c + z s)): neither form subtracts. */
    c = kd + z2 / 2;
    s = sqrt(kd * ((nd - kd) / nd) + z2 / 4);
    top = c + z * s;
    *lo = k == 0 ? 0.0 : kd * (kd / (nd * top));
    *hi = k == n ? 1.0 : top / (nd + z2);
    if (*lo > 1.0)
        *lo = 1.0;
    if (*hi > 1.0)
        *hi = 1.0;
}

int ef_nps(uint64_t promoters, uint64_t passives, uint64_t detractors,
           double *score, double *moe)
{
    double m = (double)promoters + (double)passives + (double)detractors;
    double p, d, var;

    if (m == 0) {
        *score = NAN;
        *moe = NAN;
        return -1;
    }
    p = (double)promoters / m;
    d = (double)detractors / m;
    /* Multiply before dividing: 100 (P - D) is exact, so 30/100 is 30. */
    *score = 100.0 * ((double)promoters - (double)detractors) / m;
    /* p + d - (p - d)^2 >= 0 in exact arithmetic; keep rounding from
     * making it a hair negative when one class has every answer. */
    var = p + d - (p - d) * (p - d);
    if (var < 0)
        var = 0;
    *moe = 1.96 * 100.0 * sqrt(var / m);
    return 0;
}

int ef_two_prop_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                  double *z, double *p_two_sided)
{
    double nn, kk, pq, se;

    *z = 0.0;
    *p_two_sided = 1.0;
    if (n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2)
        return -1;
    kk = (double)k1 + (double)k2;
    nn = (double)n1 + (double)n2;
    if (kk == 0 || kk == nn)
        return -1;
    /* pooled p (1 - p) from the counts, without forming 1 - p */
    pq = (kk / nn) * ((nn - kk) / nn);
    se = sqrt(pq * (1.0 / (double)n1 + 1.0 / (double)n2));
    *z = ((double)k1 / (double)n1 - (double)k2 / (double)n2) / se;
    *p_two_sided = 2.0 * ef_norm_sf(fabs(*z));
    if (*p_two_sided > 1.0)
        *p_two_sided = 1.0;
    return 0;
}

/* ==== Normal distribution =============================================== */

/* erfc(z / sqrt(2)). z * SQRT1_2_HI is off from z / sqrt(2) by delta (the
 * product's rounding and the constant's), which costs a relative error of
 * about z^2 * 1e-16 in the far tail; one Taylor step, erfc(x + delta) =
 * erfc(x) (1 - r delta) with r = -erfc'(x) / erfc(x), takes it back. */
static double erfc_scaled_z(double z)
{
    double x = z * SQRT1_2_HI;
    double delta = fma(z, SQRT1_2_HI, -x) + z * SQRT1_2_LO;
    double e = erfc(x);
    double r;

    if (e == 0 || !isfinite(x))
        return e;
    if (x < 26.0)
        r = TWO_OVER_SQRT_PI * exp(-x * x) / e;
    else /* exp(-x^2) underflows; erfc(x) ~ e^-x^2 / (x sqrt(pi)) */
        r = 2.0 * x + 1.0 / x;
    return e * (1.0 - r * delta);
}

double ef_norm_cdf(double z)
{
    return 0.5 * erfc_scaled_z(-z);
}

double ef_norm_sf(double z)
{
    return 0.5 * erfc_scaled_z(z);
}

/* ==== Binomial tail ===================================================== */

/* stirlerr(n) = log(n!) - log(sqrt(2 pi n) (n/e)^n), the error of
 * Stirling's formula, for a whole number n >= 1. Exact values to 15, then
 * the Stirling series 1/12n - 1/360n^3 + 1/1260n^5 - ..., whose first
 * omitted term is below 1e-19 there. */
static double stirlerr(double n)
{
    static const double table[16] = {
        0.0,
        0.08106146679532725821967026,
        0.04134069595540929409382208,
        0.02767792568499833914878929,
        0.02079067210376509311152277,
        0.01664469118982119216319487,
        0.01387612882307074799874573,
        0.01189670994589177009505572,
        0.01041126526197209649747857,
        0.009255462182712732917728637,
        0.008330563433362871256469319,
        0.007573675487951840794972024,
        0.006942840107209529865664153,
        0.006408994188004207068439631,
        0.005951370112758847735624416,
        0.00555473355196280137103869,
    };
    double nn;

    if (n <= 15)
        return table[(int)n];
    nn = 1.0 / (n * n);
    return (1.0 / 12 -
            nn * (1.0 / 360 -
                  nn * (1.0 / 1260 -
                        nn * (1.0 / 1680 -
                              nn * (1.0 / 1188 - nn * (691.0 / 360360 -
                                                       nn * (1.0 / 156))))))) /
           n;
}

/* bd0(x, m) = x log(x / m) + m - x, the deviance term, for x >= 0, m > 0.
 * Near x == m the direct form cancels to nothing; with v = (x - m)/(x + m),
 * log(x/m) = 2 atanh(v) = 2 (v + v^3/3 + v^5/5 + ...) gives the series
 * (x - m) v + 2 x (v^3/3 + v^5/5 + ...) of positive terms. */
static double bd0(double x, double m)
{
    double v, v2, term, s, s1;
    int j;

    if (fabs(x - m) >= 0.1 * (x + m))
        return x * log(x / m) + m - x;
    v = (x - m) / (x + m);
    v2 = v * v;
    s = (x - m) * v;
    term = 2.0 * x * v;
    for (j = 3; j < 1000; j += 2) {
        term *= v2;
        s1 = s + term / j;
        if (s1 == s)
            break;
        s = s1;
    }
    return s;
}

/* log P(X = j) for X ~ Bin(n, p), 0 < p < 1, q = 1 - p, j <= n. For
 * 0 < j < n: log C(n,j) p^j q^(n-j) rewritten with Stirling's formula
 * as log sqrt(n / (2 pi j (n-j))) + stirlerr(n) - stirlerr(j)
 * - stirlerr(n-j) - bd0(j, n p) - bd0(n-j, n q): every term is small or
 * carries its own scale, so nothing of size n log n cancels. */
static double binom_logpmf(double j, double n, double p, double q)
{
    if (j == 0)
        return n * log1p(-p);
    if (j == n)
        return n * log(p);
    return stirlerr(n) - stirlerr(j) - stirlerr(n - j) - bd0(j, n * p) -
           bd0(n - j, n * q) + 0.5 * log(n / (TWO_PI * j * (n - j)));
}

/* One step of the modified Lentz method for a continued fraction's next
 * term 1 + dj/(...): updates the running c and d and returns the factor
 * by which the fraction's value changes. */
static double lentz_step(double dj, double *c, double *d)
{
    const double tiny = 1e-300;

    *d = 1.0 + dj * *d;
    if (fabs(*d) < tiny)
        *d = tiny;
    *c = 1.0 + dj / *c;
    if (fabs(*c) < tiny)
        *c = tiny;
    *d = 1.0 / *d;
    return *c * *d;
}

/* The continued fraction of the incomplete beta function:
 * I_x(a, b) = x^a (1-x)^b / (a B(a, b)) / (1 + d1/(1 + d2/(1 + ...))) with
 * d(2m+1) = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),
 * d(2m)   = m (b-m) x / ((a+2m-1)(a+2m)).
 * Returns 1/(1 + d1/(1 + ...)), by the modified Lentz method. It converges
 * fast for x < (a+1)/(a+b+2), in O(sqrt(max(a, b))) steps at worst; for a
 * whole b it ends at m = b, where d(2m) = 0. */
static double beta_cf(double a, double b, double x)
{
    double f = 1.0, c = 1.0, d = 0.0, dj, delta;
    unsigned long m;

    for (m = 0; m < 10000000; m++) {
        /* odd step: d(2m+1) */
        dj = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1));
        delta = lentz_step(dj, &c, &d);
        f *= delta;
        if (fabs(delta - 1.0) < 2 * DBL_EPSILON && m > 0)
            break;
        /* even step: d(2m+2) */
        dj = (m + 1.0) * (b - m - 1.0) * x /
             ((a + 2.0 * m + 1) * (a + 2.0 * m + 2));
        delta = lentz_step(dj, &c, &d);
        f *= delta;
        if (fabs(delta - 1.0) < 2 * DBL_EPSILON)
            break;
    }
    return 1.0 / f;
}

double ef_binom_sf(uint64_t k, uint64_t n, double p)
{
    double kd, nd, q, r;

    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (k == 0)
        return 1.0;
    if (k > n || p == 0)
        return 0.0;
    if (p == 1)
        return 1.0;
    kd = (double)k;
    nd = (double)n;
    q = 1.0 - p;
    /* P(X >= k) = I_p(k, n-k+1), and x^a (1-x)^b / (a B(a,b)) is then
     * P(X = k) q. */
    if (p < (kd + 1) / (nd + 3)) {
        r = binom_logpmf(kd, nd, p, q) + log(q * beta_cf(kd, nd - kd + 1, p));
        return r < log(TAIL_MIN) ? 0.0 : exp(r);
    }
    /* k at or below the mean: 1 - P(X <= k-1), and P(X <= k-1) is the
     * upper tail P(n - X >= n-k+1) of Bin(n, q), prefactor P(X = k-1) p. */
    r = exp(binom_logpmf(kd - 1, nd, p, q)) * p * beta_cf(nd - kd + 1, kd, q);
    r = 1.0 - r;
    return r < TAIL_MIN ? 0.0 : r;
}

/* ==== Samples =========================================================== */

/* Ascending, with NaNs last so that qsort sees a consistent order. */
static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;

    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

double ef_quantile_sorted(const double *v, size_t n, double q)
{
    double h, frac, a, b, r;
    size_t i;

    if (n == 0 || !(q >= 0 && q <= 1))
        return NAN;
    h = q * (double)(n - 1);
    i = (size_t)h;
    if (i >= n - 1)
        return v[n - 1];
    frac = h - (double)i;
    a = v[i];
    b = v[i + 1];
    if (frac == 0)
        return a;
    r = a + frac * (b - a);
    if (!isfinite(r)) /* b - a overflowed */
        r = (1.0 - frac) * a + frac * b;
    /* rounding must not step outside [a, b] */
    if (r < a)
        r = a;
    if (r > b)
        r = b;
    return r;
}

double ef_quantile(double *v, size_t n, double q)
{
    if (n == 0 || !(q >= 0 && q <= 1))
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return ef_quantile_sorted(v, n, q);
}

double ef_median(double *v, size_t n)
{
    return ef_quantile(v, n, 0.5);
}

static int cmp_float(const void *pa, const void *pb)
{
    float a = *(const float *)pa, b = *(const float *)pb;
    return (a > b) - (a < b);
}

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

void ef_sort_floats(float *v, size_t n)
{
    uint32_t *key, *tmp, *from, *to;
    size_t *count;

    /* (stats.c stands alone, for the sample's generator and the
     * PostgreSQL extension: malloc, and qsort when it fails) */
    key = n < 512 ? NULL : malloc(n * sizeof *key);
    tmp = key ? malloc(n * sizeof *tmp) : NULL;
    count = tmp ? malloc(RADIX * sizeof *count) : NULL;
    if (count == NULL) { /* or few: the passes would cost more */
        free(key);
        free(tmp);
        qsort(v, n, sizeof *v, cmp_float);
        return;
    }
    /* a float's bits, as an unsigned number in the floats' order:
     * negative ones reversed below the positive ones */
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], sizeof u);
        key[i] = u & 0x80000000u ? ~u : u | 0x80000000u;
    }
    from = key;
    to = tmp;
    for (unsigned shift = 0; shift < 32; shift += RADIX_BITS) {
        size_t sum = 0;
        memset(count, 0, RADIX * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(from[i] >> shift) & (RADIX - 1)]++;
        if (count[(from[0] >> shift) & (RADIX - 1)] == n)
            continue; /* every key has this digit: nothing to move */
        for (size_t d = 0; d < RADIX; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & (RADIX - 1)]++] = from[i];
        uint32_t *t = from;
        from = to;
        to = t;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t u = from[i] & 0x80000000u ? from[i] & 0x7fffffffu : ~from[i];
        memcpy(&v[i], &u, sizeof u);
    }
    free(key);
    free(tmp);
    free(count);
}

void ef_mean_ci(double sum, double sumsq, uint64_t n, double *mean, double *lo,
                double *hi)
{
    double nd = (double)n, var, half;

    if (n == 0) {
        *mean = *lo = *hi = NAN;
        return;
    }
    *mean = sum / nd;
    if (n == 1) {
        *lo = *hi = *mean;
        return;
    }
    var = (sumsq - sum * *mean) / (nd - 1);
    if (var < 0) /* rounding, when all values are equal */
        var = 0;
    half = EF_STATS_Z95 * sqrt(var / nd);
    *lo = *mean - half;
    *hi = *mean + half;
}

/* ==== Distinctive terms ================================================= */

double ef_log_odds_z(double y_i, double n_i, double y_j, double n_j,
                     double a_w, double a_0)
{
    double ai = y_i + a_w, bi = n_i + a_0 - y_i - a_w;
    double aj = y_j + a_w, bj = n_j + a_0 - y_j - a_w;

    /* written so that NaNs fail too */
    if (!(ai > 0 && bi > 0 && aj > 0 && bj > 0))
        return NAN;
    /* one log of a ratio of odds: no cancellation when they are close */
    return log((ai / bi) / (aj / bj)) / sqrt(1.0 / ai + 1.0 / aj);
}

/* ==== Random numbers ==================================================== */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void ef_rng_seed(ef_rng *r, uint64_t seed)
{
    /* splitmix64: each output is a bijective mix of a distinct counter
     * value, so the four words are never all zero. */
    for (int i = 0; i < 4; i++) {
        uint64_t x = (seed += 0x9e3779b97f4a7c15u);
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
        r->s[i] = x ^ (x >> 31);
    }
}

uint64_t ef_rng_next(ef_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double ef_rng_uniform(ef_rng *r)
{
    return (double)(ef_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t ef_rng_below(ef_rng *r, uint64_t n)
{
    /* Reject the lowest 2^64 mod n values so that what is left is a whole
     * number of copies of [0, n). */
    uint64_t floor_, x;

    if (n == 0)
        return 0;
    floor_ = -n % n;
    do
        x = ef_rng_next(r);
    while (x < floor_);
    return x % n;
}
