/* calibrate.h - the negative share re-estimated from human labels
 * (issue: honest numbers). The aggregator feeds every scored row; rows
 * with a human label are kept, the others only counted per score bin.
 *
 * The estimator: post-stratification on VADER's compound score. The rows
 * are cut into score bins at the class thresholds and at +-0.25, +-0.5,
 * +-0.75 (9 bins by default); each bin's share of ALL rows is known
 * exactly, the people's negative rate in it is estimated from its labelled
 * rows, and the estimate is sum(bin share x bin rate). It works for a
 * simple random label sample and for ef_calib_sample's stratified one.
 * The 95% interval is a percentile bootstrap (EF_CALIB_REPLICATES,
 * seeded): labels resampled within each bin, rescaled for small bins and
 * for the share of the bin labelled (all rows labelled: the interval is
 * the point).
 *
 * Fallbacks, each said in calib.note:
 *   - a bin holding rows but fewer than EF_CALIB_MIN_BIN labels is merged
 *     with a neighbour (repeatedly, the one with fewer labels);
 *   - fewer than EF_CALIB_MIN_CLASS labelled negatives, or fewer than that
 *     many labelled other rows: has = 1, labeled, confusion, tpr, fpr set,
 *     but method "none: too few labels" and adjusted = r->negative (VADER's
 *     share and Wilson interval); periods are not adjusted. Test with
 *     ef_calib_is_adjusted. The positive share likewise, on its own.
 *     (Unless every row is labelled: the people's shares are then exact.)
 *   - periods: each period's own labels when every period has at least
 *     EF_CALIB_PERIOD_MIN labels and EF_CALIB_MIN_CLASS of each side (then
 *     calib.per_period = 1); else the overall bin rates applied to each
 *     period's bins (per_period = 0). Either way periods[i].adjusted = 1.
 *
 * calib.tpr/fpr weight each label by its bin's rows per label, so that a
 * stratified sample describes all rows; with a simple random sample they
 * are close to the confusion matrix's ratios. adjusted.n is all rows and
 * adjusted.count round(share x n): the estimated negative items.
 */
#ifndef EF_CALIBRATE_H
#define EF_CALIBRATE_H

#include "metrics/metrics.h"

typedef struct ef_calib ef_calib;

/* A new calibrator; seed makes the bootstrap reproducible. */
ef_calib *ef_calib_new(const ef_thresholds *thr, uint64_t seed);

/* One scored row: its compound, VADER's class, the human label (an
 * ef_class, or -1 when unlabelled) and its period's start. */
void ef_calib_add(ef_calib *c, double compound, int label, int64_t period);

/* Fills r->calib, and r->periods[i].adjusted/adj where it can, from what
 * was added. Does nothing (r->calib.has = 0) without labelled rows. */
void ef_calib_finish(ef_calib *c, ef_report *r);

void ef_calib_free(ef_calib *c);

/* ==== Details and additions ============================================= */

#define EF_CALIB_BINS 9          /* score bins at most */
#define EF_CALIB_REPLICATES 1000 /* bootstrap replicates */
#define EF_CALIB_MIN_CLASS 30    /* labels needed of a class and the rest */
#define EF_CALIB_MIN_BIN 10      /* labels per bin, else it is merged */
#define EF_CALIB_PERIOD_MIN 100  /* labels per period for its own rates */
#define EF_CALIB_FLOOR 30        /* ef_calib_sample: labels per bin, most */

typedef enum {
    EF_CALIB_POSTSTRAT = 0, /* post-stratified on the score (default) */
    EF_CALIB_ACC            /* adjusted classify-and-count: (observed -
                               fpr) / (tpr - fpr), clipped to [0, 1], with
                               unweighted tpr/fpr (a simple random sample
                               only); for comparisons */
} ef_calib_method;

/* Chooses the estimator; call before ef_calib_finish. */
void ef_calib_set_method(ef_calib *c, ef_calib_method m);

/* Whether k->adjusted is an adjusted share: 0 without labels or when
 * there were too few (method "none: ..."; the share is then VADER's). */
int ef_calib_is_adjusted(const ef_calibration *k);

/* The score bin of a compound (0 .. ef_calib_nbins - 1, ascending), and
 * how many bins the thresholds give (9 by default; fewer when a threshold
 * lies beyond +-0.25). */
int ef_calib_bin(const ef_thresholds *thr, double compound);
int ef_calib_nbins(const ef_thresholds *thr);

/* Draws min(want, n) of the n rows with scores compound[] for a person to
 * label (--label-sample), stratified by score bin: every bin first gets
 * min(its rows, EF_CALIB_FLOOR, want / (2 x bins with rows)), the rest go
 * by Neyman allocation with a guessed spread per bin. Seeded: the same
 * call gives the same rows. Writes their indices, ascending, to out (room
 * for want) and returns how many. Feed their labels back (--labels) with
 * ALL rows: the estimator weights by the bins' true sizes. */
size_t ef_calib_sample(const double *compound, size_t n,
                       const ef_thresholds *thr, size_t want, uint64_t seed,
                       size_t *out);

/* The rows --label-sample draws from, for ef_calib_sample_groups. */
enum {
    EF_CALIB_ROW_FREE = 0,  /* may be drawn */
    EF_CALIB_ROW_LABELLED,  /* has a label: counts in its cell, not drawn */
    EF_CALIB_ROW_SKIP       /* never drawn (a duplicate, a shared key) */
};
typedef struct {
    const double *compound;     /* each row's score */
    const int *group;           /* its group, 0 .. ngroups - 1 (NULL: 0) */
    const unsigned char *state; /* EF_CALIB_ROW_* (NULL: all free) */
    size_t n;
    int ngroups;
} ef_calib_rows;

#define EF_CALIB_GROUP_FLOOR 10 /* ef_calib_sample_groups: labels a group
                                   gets at least, when there is room */

/* Like ef_calib_sample, stratified by group (channel or segment) as well
 * as by score bin: each group first gets labels of its own (at most
 * EF_CALIB_GROUP_FLOOR, a quarter of want over all groups), spread over
 * its bins as its rows are; the rest go to the bins as ef_calib_sample's
 * do, and within a bin to its groups in proportion to their rows there
 * (Webster's apportionment), so that a labelled row stands for as many
 * rows whatever its group and an estimate by bin stays unbiased (the
 * floors aside: they tilt a bin toward a small group by at most
 * EF_CALIB_GROUP_FLOOR labels). Labels rows already have count toward
 * their cell (a top-up fills where labels are short) and those rows are
 * never drawn again. With one group and every row free it draws what
 * ef_calib_sample draws. Writes at most want indices, ascending, to out;
 * returns how many. */
size_t ef_calib_sample_groups(const ef_calib_rows *rows,
                              const ef_thresholds *thr, size_t want,
                              uint64_t seed, size_t *out);

#endif
