/* mrp.c - a binary multilevel logistic model on score bin and group
 * (see mrp.h), fitted by Newton's method on the penalised likelihood. */
#include "metrics/mrp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITER 50
#define TOL 1e-8 /* largest step, logit scale, to stop at */

double ef_mrp_logistic(double x)
{
    return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

/* log(1 + e^x), without overflow. */
static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

void ef_mrp_init(ef_mrp *m, int nb, const int *cls, size_t ng)
{
    size_t k = ng ? ng : 1;

    memset(m, 0, sizeof *m);
    m->nb = nb < EF_MRP_MAX_BINS ? nb : EF_MRP_MAX_BINS;
    for (int b = 0; b < m->nb; b++)
        m->cls[b] = cls[b] < 0 ? 0 : cls[b] > 2 ? 2 : cls[b];
    m->ng = ng;
    m->sd[0] = m->sd[1] = EF_MRP_SD_START;
    m->u = ef_xcalloc(k * EF_MRP_PAR, sizeof(double));
    m->du = ef_xcalloc(k * EF_MRP_PAR, sizeof(double));
    m->gu = ef_xcalloc(k * EF_MRP_PAR, sizeof(double));
    m->dinv = ef_xcalloc(k * EF_MRP_PAR * EF_MRP_PAR, sizeof(double));
    m->cw =
        ef_xcalloc(k * (size_t)EF_MRP_MAX_BINS * EF_MRP_PAR, sizeof(double));
}

void ef_mrp_reset(ef_mrp *m)
{
    free(m->u);
    free(m->du);
    free(m->gu);
    free(m->dinv);
    free(m->cw);
    memset(m, 0, sizeof *m);
}

double ef_mrp_prob(const ef_mrp *m, size_t g, int b)
{
    double eta = m->a[b];
    if (g != SIZE_MAX) {
        const double *u = m->u + g * EF_MRP_PAR;
        eta += u[0] + u[1 + m->cls[b]];
    }
    return ef_mrp_logistic(eta);
}

/* ==== Small dense algebra =============================================== */

/* Cholesky factor of the n x n symmetric positive definite s (row-major,
 * lower triangle used) into l. Returns -1 if s is not positive definite
 * (it always is here: the priors add to its diagonal). */
static int cholesky(const double *s, int n, double *l)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double sum = s[i * n + j];
            for (int k = 0; k < j; k++)
                sum -= l[i * n + k] * l[j * n + k];
            if (i == j) {
                if (!(sum > 0))
                    return -1;
                l[i * n + i] = sqrt(sum);
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    return 0;
}

/* Solves L L^T x = b in place (b becomes x). */
static void chol_solve(const double *l, int n, double *b)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < i; k++)
            b[i] -= l[i * n + k] * b[k];
        b[i] /= l[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int k = i + 1; k < n; k++)
            b[i] -= l[k * n + i] * b[k];
        b[i] /= l[i * n + i];
    }
}

/* ==== The objective ===================================================== */

/* The prior precisions of a group's parameters. */
static void group_prec_of(const ef_mrp *m, double prec[EF_MRP_PAR])
{
    prec[0] = 1 / (m->sd[0] * m->sd[0]);
    prec[1] = prec[2] = prec[3] = 1 / (m->sd[1] * m->sd[1]);
}

/* The negative log posterior (up to a constant) at a, u. */
static double objective(const ef_mrp *m, const double *a, const double *u,
                        const uint32_t *n, const uint32_t *k)
{
    const double step = 1 / (EF_MRP_SD_STEP * EF_MRP_SD_STEP);
    const double bin = 1 / (EF_MRP_SD_BIN * EF_MRP_SD_BIN);
    double f = 0, group_prec[EF_MRP_PAR];

    group_prec_of(m, group_prec);
    for (int b = 0; b < m->nb; b++) {
        f += 0.5 * bin * a[b] * a[b];
        if (b > 0)
            f += 0.5 * step * (a[b] - a[b - 1]) * (a[b] - a[b - 1]);
    }
    for (size_t g = 0; g < m->ng; g++) {
        const double *ug = u + g * EF_MRP_PAR;
        const uint32_t *ng = n + g * (size_t)m->nb,
                       *kg = k + g * (size_t)m->nb;
        for (int p = 0; p < EF_MRP_PAR; p++)
            f += 0.5 * group_prec[p] * ug[p] * ug[p];
        for (int b = 0; b < m->nb; b++) {
            double eta;
            if (ng[b] == 0)
                continue;
            eta = a[b] + ug[0] + ug[1 + m->cls[b]];
            f += (double)ng[b] * softplus(eta) - (double)kg[b] * eta;
        }
    }
    return f;
}

/* ==== Newton's method =================================================== */

/* One Newton step into m->du and da; returns the objective at the
 * current parameters. */
static double newton_step(ef_mrp *m, const uint32_t *n, const uint32_t *k,
                          double *da)
{
    const int nb = m->nb;
    const double step = 1 / (EF_MRP_SD_STEP * EF_MRP_SD_STEP);
    const double bin = 1 / (EF_MRP_SD_BIN * EF_MRP_SD_BIN);
    double s[EF_MRP_MAX_BINS * EF_MRP_MAX_BINS] = {0};
    double l[EF_MRP_MAX_BINS * EF_MRP_MAX_BINS];
    double ga[EF_MRP_MAX_BINS] = {0};
    double f = 0, group_prec[EF_MRP_PAR];

    group_prec_of(m, group_prec);
    m->logdet = 0;
    /* the bins' prior */
    for (int b = 0; b < nb; b++) {
        s[b * nb + b] += bin;
        ga[b] += bin * m->a[b];
        f += 0.5 * bin * m->a[b] * m->a[b];
        if (b > 0) {
            double d = m->a[b] - m->a[b - 1];
            ga[b] += step * d;
            ga[b - 1] -= step * d;
            s[b * nb + b] += step;
            s[(b - 1) * nb + b - 1] += step;
            s[b * nb + b - 1] -= step;
            s[(b - 1) * nb + b] -= step;
            f += 0.5 * step * d * d;
        }
    }
    /* each group: its block D, its coupling C with the bins, eliminated */
    for (size_t g = 0; g < m->ng; g++) {
        const double *ug = m->u + g * EF_MRP_PAR;
        const uint32_t *ng = n + g * (size_t)nb, *kg = k + g * (size_t)nb;
        double d[EF_MRP_PAR * EF_MRP_PAR] = {0}, ld[EF_MRP_PAR * EF_MRP_PAR];
        double c[EF_MRP_MAX_BINS * EF_MRP_PAR] = {0};
        double *gu = m->gu + g * EF_MRP_PAR;
        double *dinv = m->dinv + g * EF_MRP_PAR * EF_MRP_PAR;
        double *cw = m->cw + g * (size_t)EF_MRP_MAX_BINS * EF_MRP_PAR;

        for (int p = 0; p < EF_MRP_PAR; p++) {
            d[p * EF_MRP_PAR + p] = group_prec[p];
            gu[p] = group_prec[p] * ug[p];
            f += 0.5 * group_prec[p] * ug[p] * ug[p];
        }
        for (int b = 0; b < nb; b++) {
            int q = 1 + m->cls[b];
            double eta, p, r, w;
            if (ng[b] == 0)
                continue;
            eta = m->a[b] + ug[0] + ug[q];
            p = ef_mrp_logistic(eta);
            r = (double)ng[b] * p - (double)kg[b];
            w = (double)ng[b] * p * (1 - p);
            f += (double)ng[b] * softplus(eta) - (double)kg[b] * eta;
            ga[b] += r;
            gu[0] += r;
            gu[q] += r;
            s[b * nb + b] += w;
            d[0] += w;
            d[q] += w;
            d[q * EF_MRP_PAR] += w;
            d[q * EF_MRP_PAR + q] += w;
            c[b * EF_MRP_PAR] += w;
            c[b * EF_MRP_PAR + q] += w;
        }
        /* D^-1, column by column */
        cholesky(d, EF_MRP_PAR, ld);
        for (int p = 0; p < EF_MRP_PAR; p++)
            m->logdet += 2 * log(ld[p * EF_MRP_PAR + p]);
        for (int j = 0; j < EF_MRP_PAR; j++) {
            double e[EF_MRP_PAR] = {0};
            e[j] = 1;
            chol_solve(ld, EF_MRP_PAR, e);
            for (int i = 0; i < EF_MRP_PAR; i++)
                dinv[i * EF_MRP_PAR + j] = e[i];
        }
        /* W = C D^-1; S -= W C^T; the bins' right side gets W g_u. C's
         * rows are zero but for the group's bins with labels (a group
         * has few labels, often in one or two bins): only those. */
        {
            int used[EF_MRP_MAX_BINS], nu = 0;
            for (int b = 0; b < nb; b++) {
                if (ng[b] == 0) {
                    memset(cw + b * EF_MRP_PAR, 0, EF_MRP_PAR * sizeof *cw);
                    continue;
                }
                used[nu++] = b;
                for (int j = 0; j < EF_MRP_PAR; j++) {
                    double sum = 0;
                    for (int i = 0; i < EF_MRP_PAR; i++)
                        sum +=
                            c[b * EF_MRP_PAR + i] * dinv[i * EF_MRP_PAR + j];
                    cw[b * EF_MRP_PAR + j] = sum;
                }
            }
            for (int x = 0; x < nu; x++) {
                int b = used[x];
                double wg = 0;
                for (int j = 0; j < EF_MRP_PAR; j++)
                    wg += cw[b * EF_MRP_PAR + j] * gu[j];
                ga[b] -= wg; /* the right side is -ga + W g_u */
                for (int y = 0; y <= x; y++) {
                    int e = used[y];
                    double sum = 0;
                    for (int j = 0; j < EF_MRP_PAR; j++)
                        sum += cw[b * EF_MRP_PAR + j] * c[e * EF_MRP_PAR + j];
                    s[b * nb + e] -= sum;
                    if (e != b)
                        s[e * nb + b] -= sum;
                }
            }
        }
    }
    /* the bins' step, then each group's */
    for (int b = 0; b < nb; b++)
        da[b] = -ga[b];
    if (cholesky(s, nb, l) != 0) {
        memset(da, 0, (size_t)nb * sizeof *da);
        memset(m->du, 0, m->ng * EF_MRP_PAR * sizeof *m->du);
        return f;
    }
    chol_solve(l, nb, da);
    for (size_t g = 0; g < m->ng; g++) {
        const double *gu = m->gu + g * EF_MRP_PAR;
        const double *dinv = m->dinv + g * EF_MRP_PAR * EF_MRP_PAR;
        const double *cw = m->cw + g * (size_t)EF_MRP_MAX_BINS * EF_MRP_PAR;
        double *du = m->du + g * EF_MRP_PAR;
        const uint32_t *ngb = n + g * (size_t)nb;
        for (int i = 0; i < EF_MRP_PAR; i++) {
            double sum = 0;
            for (int j = 0; j < EF_MRP_PAR; j++)
                sum -= dinv[i * EF_MRP_PAR + j] * gu[j];
            for (int b = 0; b < nb; b++)
                if (ngb[b])
                    sum -= cw[b * EF_MRP_PAR + i] * da[b];
            du[i] = sum;
        }
    }
    return f;
}

void ef_mrp_fit(ef_mrp *m, const uint32_t *n, const uint32_t *k)
{
    const size_t np = m->ng * EF_MRP_PAR;
    double *u0 = ef_xmalloc((np ? np : 1) * sizeof *u0);
    double a0[EF_MRP_MAX_BINS], da[EF_MRP_MAX_BINS];

    m->iterations = 0;
    while (m->iterations < MAX_ITER) {
        double f = newton_step(m, n, k, da), t = 1, big = 0;
        m->iterations++;
        memcpy(a0, m->a, sizeof a0);
        memcpy(u0, m->u, np * sizeof *u0);
        for (int b = 0; b < m->nb; b++)
            big = fmax(big, fabs(da[b]));
        for (size_t i = 0; i < np; i++)
            big = fmax(big, fabs(m->du[i]));
        /* the objective is convex: a full step almost always lowers it;
         * halve it when it does not */
        for (int h = 0; h < 30; h++, t /= 2) {
            for (int b = 0; b < m->nb; b++)
                m->a[b] = a0[b] + t * da[b];
            for (size_t i = 0; i < np; i++)
                m->u[i] = u0[i] + t * m->du[i];
            if (big * t < TOL || objective(m, m->a, m->u, n, k) <= f)
                break;
        }
        if (big * t < TOL)
            break;
    }
    free(u0);
}

/* ==== The groups' spread ================================================ */

double ef_mrp_laplace(ef_mrp *m, const uint32_t *n, const uint32_t *k)
{
    double da[EF_MRP_MAX_BINS];
    /* a Newton step at the mode computes its objective and the blocks'
     * log determinants (its own step, near zero, is not taken) */
    double f = newton_step(m, n, k, da);
    double logsig = 2 * log(m->sd[0]) + 3 * 2 * log(m->sd[1]);

    /* log p(y) ~ -F(mode) - 1/2 sum_g (log det Sigma + log det D_g): the
     * Gaussian prior's normalisation and the integral over each group's
     * parameters; the bins' prior is the same for every sd */
    return -f - 0.5 * ((double)m->ng * logsig + m->logdet);
}

double ef_mrp_select(ef_mrp *m, const uint32_t *n, const uint32_t *k)
{
    double grid[EF_MRP_GRID], best = -INFINITY, bsd[2] = {1, 1};
    double ba[EF_MRP_MAX_BINS];
    double *bu = ef_xmalloc((m->ng * EF_MRP_PAR + 1) * sizeof *bu);

    grid[0] = 0.01;
    for (int i = 1; i < EF_MRP_GRID; i++)
        grid[i] = 0.125 * pow(2, i - 1);
    if (m->ng <= 1) { /* one group or none: no spread to estimate (one
                       * group's shift is the bins' own) */
        m->sd[0] = m->sd[1] = grid[0];
        ef_mrp_fit(m, n, k);
        free(bu);
        return ef_mrp_laplace(m, n, k);
    }
    for (int i = 0; i < EF_MRP_GRID; i++)
        for (int j = 0; j < EF_MRP_GRID; j++) {
            double ll;
            /* in a snake, so that each fit starts next to the last */
            m->sd[0] = grid[i];
            m->sd[1] = grid[i % 2 ? EF_MRP_GRID - 1 - j : j];
            ef_mrp_fit(m, n, k);
            ll = ef_mrp_laplace(m, n, k);
            if (ll > best) {
                best = ll;
                bsd[0] = m->sd[0];
                bsd[1] = m->sd[1];
                memcpy(ba, m->a, sizeof ba);
                memcpy(bu, m->u, m->ng * EF_MRP_PAR * sizeof *bu);
            }
        }
    m->sd[0] = bsd[0];
    m->sd[1] = bsd[1];
    memcpy(m->a, ba, sizeof ba);
    memcpy(m->u, bu, m->ng * EF_MRP_PAR * sizeof *bu);
    free(bu);
    return best;
}

/* The grid value nearest to sd, as an index. */
static int grid_index(double sd)
{
    int best = 0;
    double bd = INFINITY;
    for (int i = 0; i < EF_MRP_GRID; i++) {
        double g = i == 0 ? 0.01 : 0.125 * pow(2, i - 1);
        double d = fabs(log(g) - log(sd));
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

static double grid_value(int i)
{
    return i == 0 ? 0.01 : 0.125 * pow(2, i - 1);
}

double ef_mrp_reselect(ef_mrp *m, const uint32_t *n, const uint32_t *k)
{
    static const int step[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    int gi[2];
    double best, ba[EF_MRP_MAX_BINS];
    double *bu;

    ef_mrp_fit(m, n, k);
    if (m->ng <= 1)
        return ef_mrp_laplace(m, n, k);
    best = ef_mrp_laplace(m, n, k);
    bu = ef_xmalloc((m->ng * EF_MRP_PAR + 1) * sizeof *bu);
    gi[0] = grid_index(m->sd[0]);
    gi[1] = grid_index(m->sd[1]);
    for (int moves = 0; moves < EF_MRP_GRID; moves++) {
        int bi = -1, cur[2] = {gi[0], gi[1]};
        memcpy(ba, m->a, sizeof ba);
        memcpy(bu, m->u, m->ng * EF_MRP_PAR * sizeof *bu);
        for (int s = 0; s < 4; s++) {
            int i = cur[0] + step[s][0], j = cur[1] + step[s][1];
            double ll;
            if (i < 0 || j < 0 || i >= EF_MRP_GRID || j >= EF_MRP_GRID)
                continue;
            /* each neighbour from the current best fit */
            memcpy(m->a, ba, sizeof ba);
            memcpy(m->u, bu, m->ng * EF_MRP_PAR * sizeof *bu);
            m->sd[0] = grid_value(i);
            m->sd[1] = grid_value(j);
            ef_mrp_fit(m, n, k);
            ll = ef_mrp_laplace(m, n, k);
            if (ll > best) {
                best = ll;
                bi = s;
                gi[0] = i;
                gi[1] = j;
                memcpy(ba, m->a, sizeof ba);
                memcpy(bu, m->u, m->ng * EF_MRP_PAR * sizeof *bu);
            }
        }
        memcpy(m->a, ba, sizeof ba);
        memcpy(m->u, bu, m->ng * EF_MRP_PAR * sizeof *bu);
        m->sd[0] = grid_value(gi[0]);
        m->sd[1] = grid_value(gi[1]);
        if (bi < 0)
            break;
    }
    free(bu);
    return best;
}
