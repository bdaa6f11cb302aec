/* calibrate.h - the negative share re-estimated from human labels
 * (issue: honest numbers). The aggregator feeds every scored row; rows
 * with a human label are kept, the others only counted per score bin. */
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
#define EF_CALIB_MIN_BIN 10      /* labels per stratum before merging */
#define EF_CALIB_PERIOD_MIN 100  /* labels per period for its own rates */
#define EF_CALIB_FLOOR 30        /* stratified sample: labels per bin */

typedef enum {
    EF_CALIB_POSTSTRAT = 0, /* post-stratified on the score (default) */
    EF_CALIB_ACC            /* adjusted classify-and-count */
} ef_calib_method;

/* Chooses the estimator (for comparisons; the default is the better). */
void ef_calib_set_method(ef_calib *c, ef_calib_method m);

/* Bootstrap replicates (at least 100; default EF_CALIB_REPLICATES). */
void ef_calib_set_replicates(ef_calib *c, int replicates);

/* Whether r->calib.adjusted is an adjusted share: 0 without labels or
 * when there were too few (method "none: ..."; the share is VADER's). */
int ef_calib_is_adjusted(const ef_calibration *k);

/* The score bin (0 .. ef_calib_nbins - 1, ascending) of a compound. */
int ef_calib_bin(const ef_thresholds *thr, double compound);
int ef_calib_nbins(const ef_thresholds *thr);

/* Draws min(want, n) of the n rows with scores compound[] for a person to
 * label, stratified by score bin (seeded: the same call gives the same
 * rows). Writes their indices to out (room for want), ascending, and
 * returns how many. */
size_t ef_calib_sample(const double *compound, size_t n,
                       const ef_thresholds *thr, size_t want, uint64_t seed,
                       size_t *out);

#endif
