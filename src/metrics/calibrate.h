/* calibrate.h - every share re-estimated from human labels (issues 7
 * and 12). The aggregator feeds every scored row with its groups (period,
 * channel, segment); rows with a human label are kept, the others only
 * counted per score bin and group.
 *
 * The estimator (EF_CALIB_MRP, the default): multilevel regression and
 * post-stratification. The rows are cut into score bins at the class
 * thresholds and at +-0.25, +-0.5, +-0.75 (9 bins by default). For each
 * grouping (channels, segments, periods), a logistic model of the label
 * (negative or not; positive or not) on score bin and group (mrp.h:
 * group effects shrunk towards the common rates) is fitted to the
 * labelled rows; a group's share is then its labelled rows' own labels
 * plus, for each of its bins, the bin's unlabelled rows times the
 * model's probability for that group and bin, over the group's rows.
 * People are not assumed to read a score the same way in every group.
 * The overall shares, and net sentiment, are the sum over the channels
 * (one channel "(none)" when there is no channel column).
 *
 * The 95% intervals: percentile bootstrap (EF_CALIB_REPLICATES, seeded):
 * the labelled rows resampled within score bins, the models refitted
 * (from the first fit's parameters; with fewer than
 * EF_CALIB_RESELECT_GROUPS labelled groups, their spread re-estimated
 * too), and a normal draw for the unlabelled rows' own binomial spread
 * added to each group's count. Fewer replicates
 * are run when labelled groups or groups are very many (the note says
 * how many): an interval costs groups x replicates. A group whose rows
 * are all labelled has its people's share, exact.
 *
 * Fallbacks, each said in calib.note:
 *   - fewer than EF_CALIB_MIN_CLASS labelled negatives, or fewer than that
 *     many labelled other rows: has = 1, labeled, confusion, tpr, fpr set,
 *     but method "none: too few labels" and adjusted = r->negative (VADER's
 *     share and Wilson interval); no group or period is adjusted. Test
 *     with ef_calib_is_adjusted. The positive share likewise, on its own
 *     (then neutral and net are not adjusted either).
 *   - every row labelled: the people's shares, exact (calib.exact = 1),
 *     however few the labels.
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

/* The groupings a row belongs to. */
enum { EF_CALIB_PERIOD, EF_CALIB_CHANNEL, EF_CALIB_SEGMENT, EF_CALIB_DIMS };

/* A new calibrator; seed makes the bootstrap reproducible. */
ef_calib *ef_calib_new(const ef_thresholds *thr, uint64_t seed);

/* One scored row: its compound, the human label (an ef_class, or -1 when
 * unlabelled) and its groups: group[d] is the caller's number (0, 1, 2,
 * ...: memory grows with the largest) for the row's period, channel and
 * segment. */
void ef_calib_add(ef_calib *c, double compound, int label,
                  const uint32_t group[EF_CALIB_DIMS]);

/* Where each group number of a grouping went in the report: row[id] is
 * an index into r->periods, r->channels or r->segments, SIZE_MAX for
 * none; several ids may share a row (a pooled "other" row). row == NULL:
 * that grouping is not re-estimated (for the channels: the overall
 * shares then come from one group of all rows). */
typedef struct {
    const size_t *row;
    size_t n; /* ids in row[] */
} ef_calib_map;

/* Fills r->calib, and the adjusted share (adjusted, adj) of every period,
 * channel and segment it can, from what was added. Does nothing
 * (r->calib.has = 0) without labelled rows. maps[d] as above. */
void ef_calib_finish(ef_calib *c, ef_report *r,
                     const ef_calib_map maps[EF_CALIB_DIMS]);

void ef_calib_free(ef_calib *c);

/* ==== Details and additions ============================================= */

#define EF_CALIB_BINS 9             /* score bins at most */
#define EF_CALIB_REPLICATES 1000    /* bootstrap replicates */
#define EF_CALIB_MIN_REPLICATES 200 /* however many the groups */
#define EF_CALIB_MIN_CLASS 30       /* labels needed of a class and the rest */
#define EF_CALIB_MIN_BIN 10         /* EF_CALIB_POSTSTRAT: labels per bin */
#define EF_CALIB_FLOOR 30           /* ef_calib_sample: labels per bin, most */
/* work budgets of the MRP bootstrap: replicates x labelled groups (each
 * refitted), and replicates x report rows x bins (each averaged) */
#define EF_CALIB_FIT_BUDGET 800000.0
/* labelled groups below which a replicate re-estimates their spread */
#define EF_CALIB_RESELECT_GROUPS 20
#define EF_CALIB_ROW_BUDGET 40000000.0

typedef enum {
    EF_CALIB_MRP = 0,   /* multilevel regression and post-stratification
                           on score bin and group (default) */
    EF_CALIB_POSTSTRAT, /* post-stratified on the score alone: the
                           overall per-bin rates, for every group too
                           (small bins merged, EF_CALIB_MIN_BIN); for
                           comparisons */
    EF_CALIB_ACC        /* adjusted classify-and-count: (observed -
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
    EF_CALIB_ROW_FREE = 0, /* may be drawn */
    EF_CALIB_ROW_LABELLED, /* has a label: counts in its cell, not drawn */
    EF_CALIB_ROW_SKIP      /* never drawn (a duplicate, a shared key) */
};
typedef struct {
    const double *compound;     /* each row's score */
    const int *group;           /* its group, 0 .. ngroups - 1 (NULL: 0) */
    const unsigned char *state; /* EF_CALIB_ROW_* (NULL: all free) */
    size_t n;
    int ngroups;
} ef_calib_rows;

#define EF_CALIB_GROUP_FLOOR                                                  \
    10 /* ef_calib_sample_groups: labels a group                              \
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
