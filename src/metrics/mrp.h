/* mrp.h - the model behind the re-estimated shares (internal to
 * src/metrics/, used by calibrate.c): a binary multilevel logistic
 * regression of a human label on VADER's score bin and a group (a
 * channel, a segment, a period), for multilevel regression and
 * post-stratification.
 *
 *   logit P(label = 1 | bin b, group g) = a[b] + u[g] + v[g][class(b)]
 *
 * a[b]: the bins' common rates, a first-order random walk across the bins
 *       (a[b] - a[b-1] ~ N(0, EF_MRP_SD_STEP^2)) with a weak
 *       a[b] ~ N(0, EF_MRP_SD_BIN^2), so that a bin with few or no labels
 *       borrows from its neighbours;
 * u[g]: how the group's people read every score, ~ N(0, sd[0]^2);
 * v[g][c]: and each of VADER's classes (class(b): 0 the negative bins,
 *       1 the neutral one, 2 the positive ones), ~ N(0, sd[1]^2): people
 *       may read a neutral score as a complaint in reviews and not in
 *       tweets, and a negative one the other way round.
 *
 * A group with many labels gets its own rates, one with a few is pulled
 * towards the others', one without any gets theirs; how hard they are
 * pulled is sd, the spread of the groups, estimated from the labels
 * (ef_mrp_select: the sd pair on a grid with the highest Laplace
 * approximation of the marginal likelihood, as lme4's glmer does): when
 * the groups do not differ, it goes to nearly 0 and every group gets the
 * common rates; when they do, each gets its own. Fitted by penalised
 * maximum likelihood (the mode given sd) with Newton's method; the
 * groups' blocks of the Hessian are eliminated (Schur complement), so an
 * iteration costs O(groups with labels).
 *
 * Only groups with labels are in the model: the caller numbers them 0 ..
 * ng - 1 and gives each cell (group, bin) its labelled rows and how many
 * of them have the label. Everything is in the struct (caller-owned;
 * ef_mrp_init / ef_mrp_reset).
 */
#ifndef EF_MRP_H
#define EF_MRP_H

#include "util/util.h"

#define EF_MRP_MAX_BINS 16
#define EF_MRP_SD_STEP 2.0  /* between neighbouring bins, logit scale */
#define EF_MRP_SD_BIN 5.0   /* each bin */
#define EF_MRP_SD_START 1.0 /* sd[] before ef_mrp_select */
#define EF_MRP_GRID 8       /* sd values tried: 0.01, then 0.125 .. 8 */

#define EF_MRP_PAR 4 /* parameters per group: u, v[0], v[1], v[2] */

typedef struct {
    int nb;                    /* bins */
    int cls[EF_MRP_MAX_BINS];  /* bin -> VADER's class 0, 1, 2 */
    size_t ng;                 /* groups with labels */
    double sd[2];              /* the groups' spread: u, v */
    double a[EF_MRP_MAX_BINS]; /* the parameters */
    double *u;                 /* [ng][EF_MRP_PAR] */
    double logdet;             /* log det of the groups' blocks, from
                                  the last Newton step */
    /* work */
    double *du, *dinv, *cw; /* per group: step, D^-1, C D^-1 */
    double *gu;             /* per group: gradient */
    int iterations;         /* of the last fit */
} ef_mrp;

/* A model of nb bins (cls: each bin's class) and ng groups, parameters
 * zero. Free with ef_mrp_reset. */
void ef_mrp_init(ef_mrp *m, int nb, const int *cls, size_t ng);
void ef_mrp_reset(ef_mrp *m);

/* Fits the cells n[g * nb + b] (labelled rows) of which k[g * nb + b]
 * have the label, starting from the current parameters (warm starts make
 * a bootstrap replicate cost two or three iterations). */
void ef_mrp_fit(ef_mrp *m, const uint32_t *n, const uint32_t *k);

/* Fits for each sd pair of the grid (0.01, 0.125, 0.25, ... 8, both
 * components) and keeps the fit whose Laplace approximation of the
 * marginal likelihood of the labels is highest; returns that log
 * likelihood. */
double ef_mrp_select(ef_mrp *m, const uint32_t *n, const uint32_t *k);

/* Refits for a bootstrap replicate, the groups' spread re-estimated
 * too: from the current sd pair, a step on the grid to the neighbour
 * with the higher marginal likelihood, while there is one. Returns the
 * log likelihood. */
double ef_mrp_reselect(ef_mrp *m, const uint32_t *n, const uint32_t *k);

/* The Laplace approximation of the log marginal likelihood of the cells
 * (up to a constant that does not depend on sd) at the current fit. */
double ef_mrp_laplace(ef_mrp *m, const uint32_t *n, const uint32_t *k);

/* The fitted probability of the label in bin b for group g, or for a
 * group without labels (g == SIZE_MAX: a[b] alone). */
double ef_mrp_prob(const ef_mrp *m, size_t g, int b);

/* The logistic function, 1 / (1 + e^-x). */
double ef_mrp_logistic(double x);

#endif
