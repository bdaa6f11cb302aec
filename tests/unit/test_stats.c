/* test_stats.c - statistics against values worked out independently.
 *
 * Every expected value was computed outside this code, as the comment next
 * to it shows: by hand, with Python 3.11's math, statistics and fractions,
 * or (for binomial tails of large n, where Python's float lgamma loses
 * digits) by direct summation at 50 digits with mpmath, checked against
 * the exact Fraction sum where that finishes. In the Python below,
 * z = 1.959963984540054 and F = fractions.Fraction; F(p) is the exact value
 * of the double p.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"
#include "test.h"
#include "util/util.h"

/* |got - want| <= rel |want|, and NaN never passes */
#define REL_NEAR(got, want, rel, what)                                        \
    DBL_NEAR((got), (want), (rel)*fabs(want), (what))

static void stats_wilson(void)
{
    /* Python: ph = k/n; c = ph + z*z/(2*n);
     * h = z*math.sqrt(ph*(1-ph)/n + z*z/(4*n*n)); d = 1 + z*z/n;
     * lo, hi = (c-h)/d, (c+h)/d  (the textbook form, not ours) */
    static const struct {
        uint64_t k, n;
        double lo, hi;
    } c[] = {
        {12, 40, 0.18074845229746528, 0.45430018818144935},
        {0, 40, 0.0, 0.08762160119728664},
        {40, 40, 0.9123783988027134, 1.0},
        {1, 1, 0.20654931437723742, 1.0},
        {5, 10, 0.236593090512564, 0.763406909487436},
        /* the same formula with mpmath at 50 digits: float cancels here */
        {3, 1000000, 1.0202712409681228e-6, 8.8211497743124351e-6},
        {999997, 1000000, 0.99999117885022569, 0.99999897972875903},
    };
    double lo, hi;

    for (size_t i = 0; i < EF_ARRAY_LEN(c); i++) {
        ef_wilson(c[i].k, c[i].n, EF_STATS_Z95, &lo, &hi);
        REL_NEAR(lo, c[i].lo, 1e-13, "wilson lo");
        REL_NEAR(hi, c[i].hi, 1e-13, "wilson hi");
        OK(lo >= 0 && lo <= hi && hi <= 1, "wilson: 0 <= lo <= hi <= 1");
    }
    ef_wilson(0, 40, EF_STATS_Z95, &lo, &hi);
    OK(lo == 0.0, "wilson k=0: lo exactly 0");
    ef_wilson(40, 40, EF_STATS_Z95, &lo, &hi);
    /* the textbook form gives 1.0000000000000002 here */
    OK(hi == 1.0, "wilson k=n: hi exactly 1");
    ef_wilson(0, 0, EF_STATS_Z95, &lo, &hi);
    OK(lo == 0.0 && hi == 1.0, "wilson n=0: [0, 1]");
    ef_wilson(50, 40, EF_STATS_Z95, &lo, &hi); /* k > n read as k = n */
    REL_NEAR(lo, 0.9123783988027134, 1e-13, "wilson k>n lo");
    OK(hi == 1.0, "wilson k>n hi");
    ef_wilson(3, 12, 0.0, &lo, &hi); /* z = 0: the point 3/12 */
    DBL_NEAR(lo, 0.25, 1e-16, "wilson z=0 lo");
    DBL_NEAR(hi, 0.25, 1e-16, "wilson z=0 hi");
}

static void stats_nps(void)
{
    double s, m;

    /* P=50, passives 30, D=20, m=100: score 100*30/100 = 30;
     * p=.5, d=.2: 1.96*100*sqrt((.7 - .09)/100) = 196*sqrt(.0061)
     * = 15.308089364777041 (Python) */
    INT_EQ(ef_nps(50, 30, 20, &s, &m), 0, "nps rc");
    OK(s == 30.0, "nps 50/30/20: score exactly 30");
    DBL_NEAR(m, 15.308089364777041, 1e-12, "nps 50/30/20: moe");
    /* P=7, passives 2, D=4, m=13: 300/13 = 23.076923076923077;
     * p=7/13, d=4/13: 196*sqrt((11/13 - 9/169)/13) = 196*sqrt(134/2197)
     * = 48.405358626307745 (Python) */
    INT_EQ(ef_nps(7, 2, 4, &s, &m), 0, "nps rc 7/2/4");
    DBL_NEAR(s, 23.076923076923077, 1e-12, "nps 7/2/4: score");
    DBL_NEAR(m, 48.405358626307745, 1e-12, "nps 7/2/4: moe");
    /* all promoters: 100, variance 1 - 1 = 0 */
    ef_nps(10, 0, 0, &s, &m);
    OK(s == 100.0 && m == 0.0, "nps all promoters: 100 +- 0");
    /* all detractors: -100 +- 0; all passives: 0 +- 0 */
    ef_nps(0, 0, 9, &s, &m);
    OK(s == -100.0 && m == 0.0, "nps all detractors: -100 +- 0");
    ef_nps(0, 5, 0, &s, &m);
    OK(s == 0.0 && m == 0.0, "nps all passives: 0 +- 0");
    INT_EQ(ef_nps(0, 0, 0, &s, &m), -1, "nps m=0 -> -1");
    OK(isnan(s) && isnan(m), "nps m=0: NANs");
}

static void stats_two_prop(void)
{
    double z, p;

    /* 30/100 vs 20/100: pooled .25, se = sqrt(.25*.75*(2/100))
     * = sqrt(.00375) = .0612372435695794, z = .1/se = 1.6329931618554518;
     * p = math.erfc(z/math.sqrt(2)) = 0.1024704348597495 */
    INT_EQ(ef_two_prop_z(30, 100, 20, 100, &z, &p), 0, "z rc");
    DBL_NEAR(z, 1.6329931618554518, 1e-12, "z 30/100 vs 20/100");
    DBL_NEAR(p, 0.1024704348597495, 1e-13, "p 30/100 vs 20/100");
    /* 45/300 vs 80/310: pooled 125/610, the same formulas:
     * z = -3.3057014568342367, p = 0.0009473897144318433 */
    ef_two_prop_z(45, 300, 80, 310, &z, &p);
    DBL_NEAR(z, -3.3057014568342367, 1e-12, "z 45/300 vs 80/310");
    REL_NEAR(p, 0.0009473897144318433, 1e-11, "p 45/300 vs 80/310");
    /* equal shares: z = 0, p = erfc(0) = 1 */
    ef_two_prop_z(10, 40, 5, 20, &z, &p);
    OK(z == 0.0 && p == 1.0, "z equal shares");
    /* degenerate cases: z = 0, p = 1, rc -1 */
    INT_EQ(ef_two_prop_z(0, 0, 5, 20, &z, &p), -1, "z n1=0");
    OK(z == 0.0 && p == 1.0, "z n1=0 values");
    INT_EQ(ef_two_prop_z(3, 10, 0, 0, &z, &p), -1, "z n2=0");
    INT_EQ(ef_two_prop_z(0, 10, 0, 20, &z, &p), -1, "z pooled 0");
    OK(z == 0.0 && p == 1.0, "z pooled 0 values");
    INT_EQ(ef_two_prop_z(10, 10, 20, 20, &z, &p), -1, "z pooled 1");
    OK(z == 0.0 && p == 1.0, "z pooled 1 values");
    INT_EQ(ef_two_prop_z(11, 10, 2, 20, &z, &p), -1, "z k > n");
}

static void stats_norm(void)
{
    /* mpmath, 40 digits: mp.erfc(mp.mpf(z)/mp.sqrt(2))/2 */
    static const struct {
        double z, sf;
    } c[] = {
        {0.0, 0.5},
        {1.0, 0.15865525393145705},
        {1.959963984540054, 0.025000000000000011},
        {3.0, 0.0013498980316300945},
        {10.0, 7.6198530241605261e-24},
        {20.0, 2.7536241186062337e-89},
        {30.0, 4.9067139271481871e-198}, /* naive erfc(z/sqrt2): 1.2e-13 */
        {37.0, 5.7255712225245768e-300},
        {-5.0, 0.99999971334842812},
    };

    for (size_t i = 0; i < EF_ARRAY_LEN(c); i++) {
        REL_NEAR(ef_norm_sf(c[i].z), c[i].sf, 1e-14, "norm sf");
        REL_NEAR(ef_norm_cdf(-c[i].z), c[i].sf, 1e-14, "norm cdf(-z)");
    }
    /* mpmath: mp.ncdf(1) = 0.84134474606854294859 */
    DBL_NEAR(ef_norm_cdf(1.0), 0.84134474606854295, 2e-16, "cdf(1)");
    OK(ef_norm_sf(INFINITY) == 0.0 && ef_norm_sf(-INFINITY) == 1.0,
       "norm sf at +-inf");
    OK(ef_norm_cdf(INFINITY) == 1.0 && ef_norm_cdf(-INFINITY) == 0.0,
       "norm cdf at +-inf");
    OK(ef_norm_sf(40.0) == 0.0, "norm sf(40) underflows to 0"); /* 3.7e-350 */
    OK(isnan(ef_norm_sf(NAN)), "norm sf(NaN)");
}

static void stats_binom(void)
{
    /* Exact: F(s, D**n) with p = F(p) = A/D and
     * s = sum(math.comb(n,i) * A**i * (D-A)**(n-i) for i in range(k, n+1)),
     * i.e. sum(comb(n,i) p^i (1-p)^(n-i)) over i >= k, in whole numbers.
     * 50 digits: mpmath, t = exp(loggamma(n+1) - loggamma(k+1)
     * - loggamma(n-k+1) + k log p + (n-k) log q), then summing
     * t *= (n-i)/(i+1) p/q upwards until t < 1e-40 of the sum (for k below
     * the mean, 1 minus the same sum of the lower tail from k-1 down).
     * float log space, as a cross-check: lt = [math.lgamma(n+1)
     * - math.lgamma(i+1) - math.lgamma(n-i+1) + i*math.log(p)
     * + (n-i)*math.log1p(-p) for i in range(k, n+1)]; m = max(lt);
     * math.exp(m) * math.fsum(math.exp(t-m) for t in lt): this agrees to
     * 3e-12 at n = 5000 but only to 8e-9 at n = 1e7 (lgamma cancels). */
    static const struct {
        uint64_t k, n;
        double p, want;
    } c[] = {
        /* exact; 50 digits 3.8107517772955992e-9; float lgamma
         * 3.810751777309059e-09 (3.5e-12 off) */
        {900, 5000, 0.15, 3.810751777295599e-09},
        /* exact; float lgamma 2.391753391963903e-59: the ~1e-60ish tail */
        {300, 10000, 0.01, 2.39175339199e-59},
        /* exact; k just above the mean 750 */
        {750, 5000, 0.15, 0.5060567022940147},
        /* exact: 0.3**20 */
        {20, 20, 0.3, 3.4867844009999975e-11},
        {7, 20, 0.3, 0.391990187799076},  /* exact */
        {1, 20, 0.3, 0.9992020773370239}, /* exact, = 1 - 0.7**20 */
        /* 50 digits; the float lgamma sums are off by 2.5e-9 .. 8e-9 */
        {601500, 2000000, 0.3, 0.010352207084019675},
        {500000, 1000000, 0.5, 0.50039894218066588},
        {10500, 10000000, 0.001, 3.5532667425240317e-7},
        {12000, 1000000, 0.01, 7.4596078504951108e-85},
        /* n beyond 2^32: about Poisson(5) >= 10 */
        {10, 5000000000u, 1e-9, 0.031828057233673668},
        /* 0.5**990 (exact), just above the 1e-300 floor */
        {990, 990, 0.5, 9.5566194534729613e-299},
    };

    for (size_t i = 0; i < EF_ARRAY_LEN(c); i++)
        REL_NEAR(ef_binom_sf(c[i].k, c[i].n, c[i].p), c[i].want, 1e-12,
                 "binom sf");
    /* the brief's bound for the float-lgamma cross-check value */
    REL_NEAR(ef_binom_sf(900, 5000, 0.15), 3.810751777309059e-09, 1e-9,
             "binom sf 900/5000 vs float log space");

    /* Bin(30, 0.37), every k, exact (the Fraction sum above): both the
     * continued-fraction side and the 1 - lower-tail side */
    {
        static const double bin30[32] = {
            1.0,
            0.9999990445312583,
            0.9999822100820002,
            0.9998388500498251,
            0.9990530246882733,
            0.9959377884335499,
            0.9864239558080137,
            0.9631427516317675,
            0.9162635922020476,
            0.8371085035617861,
            0.7234713921805291,
            0.583318954810312,
            0.4336612294799216,
            0.2944953817189897,
            0.1813275494738363,
            0.10062169178426544,
            0.05006310157026975,
            0.022225782553635203,
            0.008761981199184513,
            0.003051144822208514,
            0.0009328395996710507,
            0.00024859338889902894,
            5.723201476021708e-05,
            1.125558071387917e-05,
            1.8635693420944755e-06,
            2.5475257933506047e-07,
            2.7986026108019093e-08,
            2.3744190585669246e-09,
            1.460135069391053e-10,
            5.7907086223887836e-12,
            1.1118641361099377e-13,
            0.0,
        };
        for (uint64_t k = 0; k < 32; k++)
            REL_NEAR(ef_binom_sf(k, 30, 0.37), bin30[k], 1e-13,
                     "binom sf Bin(30, .37)");
    }

    /* below the floor: 0.5**1000 = 9.33e-302 (exact), and
     * Bin(10000, .01) >= 3000 = 2.2e-3380 (50 digits) */
    OK(ef_binom_sf(1000, 1000, 0.5) == 0.0, "binom 2^-1000 -> 0");
    OK(ef_binom_sf(3000, 10000, 0.01) == 0.0, "binom 2e-3380 -> 0");
    /* edge cases */
    OK(ef_binom_sf(0, 10, 0.3) == 1.0, "binom k=0");
    OK(ef_binom_sf(0, 0, 0.3) == 1.0, "binom k=0 n=0");
    OK(ef_binom_sf(11, 10, 0.3) == 0.0, "binom k>n");
    OK(ef_binom_sf(1, 10, 0.0) == 0.0, "binom p=0");
    OK(ef_binom_sf(10, 10, 1.0) == 1.0, "binom p=1, k=n");
    OK(ef_binom_sf(3, 10, 1.0) == 1.0, "binom p=1");
    OK(ef_binom_sf(11, 10, 1.0) == 0.0, "binom p=1, k>n");
    /* 1 - 0.999**1 = 0.001 */
    REL_NEAR(ef_binom_sf(1, 1, 0.001), 0.001, 1e-15, "binom n=1");
    /* 1 - (1 - 1e-12)**10 = 1e-11 - 45e-24 + ... (by hand) */
    REL_NEAR(ef_binom_sf(1, 10, 1e-12), 1e-11 - 45e-24, 1e-10,
             "binom 1 - tiny");
    OK(isnan(ef_binom_sf(1, 10, -0.1)), "binom p<0");
    OK(isnan(ef_binom_sf(1, 10, 1.5)), "binom p>1");
    OK(isnan(ef_binom_sf(1, 10, NAN)), "binom p NaN");
}

static void stats_quantile(void)
{
    /* statistics.quantiles(data, n=4, method='inclusive') = [2.5, 4.25,
     * 8.25]; n=10 gives [1.6, 2.2, 2.8, 3.5, 4.25, 6.2, 7.8, 8.7, 10.2];
     * statistics.median(data) = 4.25 */
    static const double data[7] = {7.5, 1, 3, 12, 4.25, 9, 2};
    static const double q10[9] = {1.6, 2.2, 2.8, 3.5, 4.25,
                                  6.2, 7.8, 8.7, 10.2};
    double v[7], one = 42.0;

    memcpy(v, data, sizeof v);
    DBL_NEAR(ef_quantile(v, 7, 0.25), 2.5, 1e-12, "quantile .25");
    /* sorted in place */
    OK(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4.25 && v[4] == 7.5 &&
           v[5] == 9 && v[6] == 12,
       "quantile sorts v");
    memcpy(v, data, sizeof v);
    DBL_NEAR(ef_quantile(v, 7, 0.75), 8.25, 1e-12, "quantile .75");
    for (int i = 0; i < 9; i++)
        DBL_NEAR(ef_quantile_sorted(v, 7, (i + 1) / 10.0), q10[i], 1e-12,
                 "quantile deciles");
    memcpy(v, data, sizeof v);
    OK(ef_median(v, 7) == 4.25, "median odd");
    OK(ef_quantile(v, 7, 0.0) == 1.0, "quantile 0 = min");
    OK(ef_quantile(v, 7, 1.0) == 12.0, "quantile 1 = max");
    /* statistics.median([4, 1, 3, 2]) = 2.5 */
    {
        double w[4] = {4, 1, 3, 2};
        OK(ef_median(w, 4) == 2.5, "median even");
    }
    /* by hand: h = .9 * 2 = 1.8 between 10 and 20 -> 18 */
    {
        double w[3] = {20, 0, 10};
        DBL_NEAR(ef_quantile(w, 3, 0.9), 18.0, 1e-12, "p90 of 3");
    }
    /* no overflow from b - a */
    {
        double w[2] = {-1e308, 1e308};
        DBL_NEAR(ef_quantile(w, 2, 0.5), 0.0, 1e293, "quantile huge range");
        DBL_NEAR(ef_quantile(w, 2, 0.75), 5e307, 1e293, "quantile huge .75");
    }
    OK(ef_median(&one, 1) == 42.0, "median n=1");
    OK(isnan(ef_median(NULL, 0)), "median n=0");
    OK(isnan(ef_quantile(v, 7, 1.5)), "quantile q>1");
    OK(isnan(ef_quantile(v, 7, -0.1)), "quantile q<0");
    OK(isnan(ef_quantile(v, 7, NAN)), "quantile q NaN");
}

static void stats_mean_ci(void)
{
    double m, lo, hi;

    /* 1..5: sum 15, sumsq 55; statistics.mean = 3, stdev = sqrt(2.5);
     * 3 -+ z*sqrt(2.5)/sqrt(5) = 1.6140961756503223, 4.385903824349677 */
    ef_mean_ci(15, 55, 5, &m, &lo, &hi);
    DBL_NEAR(m, 3.0, 1e-15, "mean_ci mean");
    DBL_NEAR(lo, 1.6140961756503223, 1e-13, "mean_ci lo");
    DBL_NEAR(hi, 4.385903824349677, 1e-13, "mean_ci hi");
    /* all equal (4, 4, 4): no spread, and rounding must not make it NaN */
    ef_mean_ci(12, 48, 3, &m, &lo, &hi);
    OK(m == 4 && lo == 4 && hi == 4, "mean_ci no spread");
    /* 0.1 x 3: sumsq - sum*mean rounds below 0 */
    ef_mean_ci(0.1 + 0.1 + 0.1, 0.01 + 0.01 + 0.01, 3, &m, &lo, &hi);
    OK(!isnan(lo) && !isnan(hi) && lo <= m && m <= hi, "mean_ci rounding");
    ef_mean_ci(4.5, 20.25, 1, &m, &lo, &hi);
    OK(m == 4.5 && lo == 4.5 && hi == 4.5, "mean_ci n=1");
    ef_mean_ci(0, 0, 0, &m, &lo, &hi);
    OK(isnan(m) && isnan(lo) && isnan(hi), "mean_ci n=0");
}

static void stats_log_odds(void)
{
    /* y_i=10, n_i=100, y_j=5, n_j=200, a_w=.5, a_0=10:
     * delta = log(10.5/99.5) - log(5.5/204.5), var = 1/10.5 + 1/5.5;
     * delta/math.sqrt(var) = 2.5971463914363624 (Python) */
    DBL_NEAR(ef_log_odds_z(10, 100, 5, 200, 0.5, 10), 2.5971463914363624,
             1e-13, "log-odds z");
    /* swapping the groups flips the sign */
    DBL_NEAR(ef_log_odds_z(5, 200, 10, 100, 0.5, 10), -2.5971463914363624,
             1e-13, "log-odds z swapped");
    /* same rate in both: 4/40 and 8/80 with a_w = .1, a_0 = 1 -> odds
     * 4.1/36.9 vs 8.1/72.9 = 1/9 both: 0 */
    DBL_NEAR(ef_log_odds_z(4, 40, 8, 80, 0.1, 1), 0.0, 1e-15,
             "log-odds z equal rates");
    /* a term absent from both groups still has its prior: y = 0 */
    OK(isfinite(ef_log_odds_z(0, 100, 0, 200, 0.5, 10)), "log-odds y=0");
    OK(isnan(ef_log_odds_z(0, 100, 0, 200, 0, 10)), "log-odds no prior");
    OK(isnan(ef_log_odds_z(10, 5, 1, 200, 0.5, 1)), "log-odds y > n");
    OK(isnan(ef_log_odds_z(NAN, 100, 1, 200, 0.5, 1)), "log-odds NaN");
}

static void stats_rng(void)
{
    /* A separate Python implementation, M = 2**64 - 1:
     *   def seed(x):          # splitmix64, four outputs
     *       s = []
     *       for _ in range(4):
     *           x = (x + 0x9e3779b97f4a7c15) & M; y = x
     *           y = ((y ^ y >> 30) * 0xbf58476d1ce4e5b9) & M
     *           y = ((y ^ y >> 27) * 0x94d049bb133111eb) & M
     *           s.append(y ^ y >> 31)
     *       return s
     *   rotl = lambda x, k: (x << k | x >> 64 - k) & M
     *   def nxt(s):           # xoshiro256**
     *       r = rotl(s[1] * 5 & M, 7) * 9 & M; t = s[1] << 17 & M
     *       s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
     *       s[2] ^= t; s[3] = rotl(s[3], 45); return r
     *   def below(s, n):      # reject x < 2**64 % n, then x % n
     *       while (x := nxt(s)) < 2**64 % n: pass
     *       return x % n
     * Seed 0's first word is splitmix64's well-known 0xe220a8397b1dcdaf. */
    ef_rng r;
    static const uint64_t out42[4] = {0x15780b2e0c2ec716u, 0x6104d9866d113a7eu,
                                      0xae17533239e499a1u,
                                      0xecb8ad4703b360a1u};
    /* 60000 draws of below(6) with seed 7, counted in Python */
    static const int cnt6[6] = {9995, 9947, 10157, 10052, 9960, 9889};
    int cnt[6] = {0};
    int in_range = 1;

    ef_rng_seed(&r, 0);
    OK(r.s[0] == 0xe220a8397b1dcdafu && r.s[1] == 0x6e789e6aa1b965f4u &&
           r.s[2] == 0x06c45d188009454fu && r.s[3] == 0xf88bb8a8724c81ecu,
       "rng seed 0 state");
    ef_rng_seed(&r, 42);
    OK(r.s[0] == 0xbdd732262feb6e95u && r.s[3] == 0x581ce1ff0e4ae394u,
       "rng seed 42 state");
    for (int i = 0; i < 4; i++)
        OK(ef_rng_next(&r) == out42[i], "rng seed 42 outputs");
    /* the next two as (x >> 11) / 2**53 */
    OK(ef_rng_uniform(&r) == 0.9918039142821028, "rng uniform 1");
    OK(ef_rng_uniform(&r) == 0.7697394604342425, "rng uniform 2");

    ef_rng_seed(&r, 7);
    for (int i = 0; i < 60000; i++) {
        uint64_t x = ef_rng_below(&r, 6);
        if (x >= 6)
            in_range = 0;
        else
            cnt[x]++;
    }
    OK(in_range, "rng below(6) in range");
    for (int i = 0; i < 6; i++)
        INT_EQ(cnt[i], cnt6[i], "rng below(6) counts");
    /* n = 3*2^62: values below 2^64 mod n = 2^62 are rejected; Python
     * gives 12923355070828475994, 5142052590334782674, 1653334851210475926
     */
    ef_rng_seed(&r, 7);
    OK(ef_rng_below(&r, 3ull << 62) == 12923355070828475994u, "below big 1");
    OK(ef_rng_below(&r, 3ull << 62) == 5142052590334782674u, "below big 2");
    OK(ef_rng_below(&r, 3ull << 62) == 1653334851210475926u, "below big 3");
    OK(ef_rng_below(&r, 0) == 0 && ef_rng_below(&r, 1) == 0, "below 0, 1");
    {
        double u, umin = 1, umax = 0;
        for (int i = 0; i < 100000; i++) {
            u = ef_rng_uniform(&r);
            umin = u < umin ? u : umin;
            umax = u > umax ? u : umax;
        }
        OK(umin >= 0 && umin < 1e-3 && umax < 1 && umax > 0.999,
           "rng uniform in [0, 1)");
    }
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* ef_sort_floats against qsort: below and above its radix threshold,
 * negatives, duplicates, zeros, infinities, already sorted input. */
static void stats_sort_floats(void)
{
    static const size_t sizes[] = {0, 1, 2, 511, 512, 513, 5000, 100000};
    ef_rng r;
    int same = 0;

    ef_rng_seed(&r, 11);
    for (size_t k = 0; k < EF_ARRAY_LEN(sizes); k++) {
        size_t n = sizes[k];
        float *a = ef_xmalloc((n + 1) * sizeof *a);
        float *b = ef_xmalloc((n + 1) * sizeof *b);
        for (size_t i = 0; i < n; i++) {
            uint64_t x = ef_rng_below(&r, 1000);
            a[i] = x < 5     ? INFINITY
                   : x < 10  ? -INFINITY
                   : x < 50  ? 0.0f
                   : x < 300 ? (float)ef_rng_below(&r, 20) - 10.0f
                             : (float)((ef_rng_uniform(&r) - 0.3) * 1e6);
        }
        memcpy(b, a, n * sizeof *a);
        ef_sort_floats(a, n);
        qsort(b, n, sizeof *b, cmp_f);
        same += n == 0 || memcmp(a, b, n * sizeof *a) == 0;
        ef_sort_floats(a, n); /* sorted already */
        same += n == 0 || memcmp(a, b, n * sizeof *a) == 0;
        free(a);
        free(b);
    }
    INT_EQ(same, 2 * (int)EF_ARRAY_LEN(sizes), "ef_sort_floats == qsort");
    {
        float one[1] = {-2.5f}, same5[600];
        for (size_t i = 0; i < 600; i++)
            same5[i] = 5.0f;
        ef_sort_floats(one, 1);
        ef_sort_floats(same5, 600);
        OK(one[0] == -2.5f && same5[0] == 5.0f && same5[599] == 5.0f,
           "ef_sort_floats: one value, every key alike");
    }
}

void test_stats(void)
{
    stats_sort_floats();
    stats_wilson();
    stats_nps();
    stats_two_prop();
    stats_norm();
    stats_binom();
    stats_quantile();
    stats_mean_ci();
    stats_log_odds();
    stats_rng();
}
