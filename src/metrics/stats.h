/* stats.h - the statistics the report needs, as pure functions.
 *
 * Nothing here allocates, reads global state or fails loudly: invalid or
 * degenerate input gives a documented value (NAN, 0, 1 or -1), never an
 * ef_err. Counts are uint64_t and converted to double where needed (exact
 * up to 2^53). All are thread-safe: ef_rng state lives with the caller.
 *
 * The names follow the report's vocabulary (ef_wilson, ef_nps, ...) rather
 * than ef_stats_<verb>: each is a standard statistic with a standard name.
 */
#ifndef EF_STATS_H
#define EF_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The two-sided 95% normal quantile, Phi^-1(0.975). */
#define EF_STATS_Z95 1.959963984540054

/* ==== Proportions ======================================================= */

/* Wilson score interval [*lo, *hi] for k successes in n trials with normal
 * quantile z (EF_STATS_Z95 for 95%). Clamped to [0, 1]; *lo is exactly 0
 * when k == 0 and *hi exactly 1 when k == n. n == 0 (no information) gives
 * [0, 1]; k > n is read as k == n. */
void ef_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi);

/* Net Promoter Score over m = promoters + passives + detractors answers:
 * *score = 100 (P - D) / m and *moe the 95% margin of error
 * 1.96 * 100 * sqrt((p + d - (p - d)^2) / m), p = P/m, d = D/m.
 * Returns 0, or -1 when m == 0 (then both outputs are NAN). */
int ef_nps(uint64_t promoters, uint64_t passives, uint64_t detractors,
           double *score, double *moe);

/* Two-proportion z-test of k1/n1 against k2/n2 with the pooled standard
 * error; *z > 0 when k1/n1 is the larger share, *p_two_sided = P(|Z| > |z|).
 * Returns 0, or -1 when the test is undefined (n1 or n2 == 0, k > n, pooled
 * share 0 or 1): then *z = 0 and *p_two_sided = 1. */
int ef_two_prop_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
                  double *z, double *p_two_sided);

/* ==== Distributions ===================================================== */

/* Standard normal P(Z <= z) and P(Z > z), from erfc: accurate relative to
 * the result deep into the tails (down to underflow near z = +-38.5).
 * NAN gives NAN. */
double ef_norm_cdf(double z);
double ef_norm_sf(double z);

/* P(X >= k) for X ~ Binomial(n, p), exact (no normal approximation):
 * relative error below 2e-13 up to n = 1e7 (1e-11 at n = 1e9, about the
 * result's sensitivity to p's last bit). Results below 1e-300 are reported
 * as 0. k == 0 gives 1, k > n gives 0; p outside [0, 1] or NAN gives NAN. */
double ef_binom_sf(uint64_t k, uint64_t n, double p);

/* ==== Samples =========================================================== */

/* The q-quantile (0 <= q <= 1) of v[0..n-1] by linear interpolation between
 * order statistics (type 7: R's default, numpy.percentile, Python's
 * statistics.quantiles(method='inclusive')). Sorts v in place. n == 0 or q
 * outside [0, 1] gives NAN. v must not hold NaNs: filter them first. */
double ef_quantile(double *v, size_t n, double q);

/* The same for v already sorted ascending (v is not touched), so that
 * several quantiles of one sample cost one sort. */
double ef_quantile_sorted(const double *v, size_t n, double q);

/* The median of v[0..n-1] (ef_quantile at 0.5): sorts v, n == 0 gives NAN. */
double ef_median(double *v, size_t n);

/* Sorts v[0..n-1] ascending (finite values, or infinities; no NaNs): a
 * radix sort, for the hours to a response of up to every item (a tenth
 * of the time of qsort on a million). */
void ef_sort_floats(float *v, size_t n);

/* Mean of n values given their sum and sum of squares, with a 95% normal
 * interval mean +- 1.96 s / sqrt(n), s the sample standard deviation
 * (n - 1). n == 1 gives lo = hi = mean; n == 0 gives NAN for all three.
 * The sums lose precision when |mean| >> s: shift the data first. */
void ef_mean_ci(double sum, double sumsq, uint64_t n, double *mean, double *lo,
                double *hi);

/* ==== Distinctive terms ================================================= */

/* z-score of the log-odds ratio with informative Dirichlet prior (Monroe,
 * Colaresi & Quinn 2008, eq. 22) of a term counted y_i times in the n_i
 * tokens of the negative items and y_j times in the n_j tokens of the
 * others; > 0 means typical of the negative items. a_w is the term's prior
 * count and a_0 the sum of a_w over the vocabulary. The usual choice (the
 * caller's): a_w = scale * (term's count in the whole corpus) / (corpus
 * tokens), so that a_0 = scale, e.g. scale = corpus tokens times a factor
 * such as 0.01-1. Returns NAN when a count or denominator is not > 0. */
double ef_log_odds_z(double y_i, double n_i, double y_j, double n_j,
                     double a_w, double a_0);

/* ==== Random numbers ==================================================== */

/* xoshiro256** (Blackman & Vigna), for deterministic bootstraps and
 * samples: the same seed gives the same stream on every platform. Not for
 * secrets. A caller-owned value; no init/reset beyond ef_rng_seed. */
typedef struct {
    uint64_t s[4]; /* state; never all zero after ef_rng_seed */
} ef_rng;

/* Seeds r from one 64-bit number, expanded by splitmix64. */
void ef_rng_seed(ef_rng *r, uint64_t seed);

/* The next 64 random bits. */
uint64_t ef_rng_next(ef_rng *r);

/* A uniform double in [0, 1) with 53 random bits. */
double ef_rng_uniform(ef_rng *r);

/* A uniform integer in [0, n), without modulo bias; n == 0 gives 0. */
uint64_t ef_rng_below(ef_rng *r, uint64_t n);

#endif
