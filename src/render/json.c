/* json.c - metrics.json, the contract CI gates read: every number of the
 * model under the keys DESIGN.md lists (schema earful.metrics/1), written
 * byte-stable; and the --fail-if gates, checked against the same tree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "metrics/reference.h"
#include "render/render.h"
#include "util/text.h"

#define MAX_DEPTH 8

/* A JSON writer that also remembers each number under its dotted path
 * ("sentiment.negative.share", "periods[3].n"), for the gates. */
typedef struct {
    ef_buf *out;
    int depth;
    int first[MAX_DEPTH]; /* no member written yet at this depth */
    int is_array[MAX_DEPTH];
    size_t index[MAX_DEPTH];
    char path[256];
    size_t plen[MAX_DEPTH + 1];
    /* the numbers, when recording */
    int record;
    char **paths;
    double *values;
    int *is_null;
    size_t n, cap;
    /* array lengths, for negative indexes */
    char **arrays;
    size_t *lens, narrays;
} jw;

static void indent(jw *w)
{
    ef_buf_putc(w->out, '\n');
    for (int i = 0; i <= w->depth; i++)
        ef_buf_put(w->out, "  ", 2);
}

/* Starts a member (key != NULL) or an array element. */
static void member(jw *w, const char *key)
{
    int d = w->depth;

    if (!w->first[d])
        ef_buf_putc(w->out, ',');
    w->first[d] = 0;
    indent(w);
    w->path[w->plen[d]] = '\0';
    size_t l = w->plen[d];
    if (w->is_array[d]) {
        l += (size_t)snprintf(w->path + l, sizeof w->path - l, "[%zu]",
                              w->index[d]++);
    } else if (key) {
        ef_text_json_string(w->out, key, strlen(key));
        ef_buf_put(w->out, ": ", 2);
        l += (size_t)snprintf(w->path + l, sizeof w->path - l, "%s%s",
                              l ? "." : "", key);
    }
    if (l >= sizeof w->path)
        l = sizeof w->path - 1;
    w->plen[d + 1] = l;
}

static void open(jw *w, const char *key, int array)
{
    if (w->depth >= 0 && (key || w->is_array[w->depth]))
        member(w, key);
    ef_buf_putc(w->out, array ? '[' : '{');
    w->depth++;
    w->first[w->depth] = 1;
    w->is_array[w->depth] = array;
    w->index[w->depth] = 0;
}

static void close_(jw *w)
{
    int array = w->is_array[w->depth];

    if (array && w->record) {
        w->arrays = ef_xrealloc(w->arrays, (w->narrays + 1) * sizeof(char *));
        w->lens = ef_xrealloc(w->lens, (w->narrays + 1) * sizeof(size_t));
        w->arrays[w->narrays] = ef_xstrndup(w->path, w->plen[w->depth]);
        w->lens[w->narrays++] = w->index[w->depth];
    }
    w->depth--;
    if (!w->first[w->depth + 1])
        indent(w);
    ef_buf_putc(w->out, array ? ']' : '}');
}

static void remember(jw *w, double v, int null)
{
    if (!w->record)
        return;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->paths = ef_xrealloc(w->paths, w->cap * sizeof(char *));
        w->values = ef_xrealloc(w->values, w->cap * sizeof(double));
        w->is_null = ef_xrealloc(w->is_null, w->cap * sizeof(int));
    }
    w->paths[w->n] = ef_xstrndup(w->path, w->plen[w->depth + 1]);
    w->values[w->n] = v;
    w->is_null[w->n++] = null;
}

/* A number: integers as integers, others with up to 6 decimals (shares,
 * scores) or, for tiny p-values, in exponent form. */
static void num(jw *w, const char *key, double v)
{
    char b[64];

    member(w, key);
    if (!isfinite(v)) {
        ef_buf_puts(w->out, "null");
        remember(w, 0, 1);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(b, sizeof b, "%.0f", v == 0 ? 0.0 : v);
    } else if (fabs(v) < 1e-4) {
        snprintf(b, sizeof b, "%.3e", v);
    } else {
        int n = snprintf(b, sizeof b, "%.6f", v);
        while (n > 1 && b[n - 1] == '0' && b[n - 2] != '.')
            b[--n] = '\0';
        if (strcmp(b, "-0.0") == 0)
            strcpy(b, "0.0");
    }
    ef_buf_puts(w->out, b);
    remember(w, v, 0);
}

static void str(jw *w, const char *key, const char *s)
{
    member(w, key);
    ef_text_json_string(w->out, s, strlen(s));
}

static void null(jw *w, const char *key)
{
    member(w, key);
    ef_buf_puts(w->out, "null");
    remember(w, 0, 1);
}

static void boolean(jw *w, const char *key, int b)
{
    member(w, key);
    ef_buf_puts(w->out, b ? "true" : "false");
    remember(w, b, 0);
}

static void date(jw *w, const char *key, int64_t t)
{
    char b[32];
    if (t == EF_NO_TIME) {
        null(w, key);
        return;
    }
    ef_datetime_format_utc(t, b);
    str(w, key, b);
}

static void share(jw *w, const char *key, const ef_share *s)
{
    open(w, key, 0);
    num(w, "count", (double)s->count);
    num(w, "share", s->share);
    num(w, "ci_low", s->lo);
    num(w, "ci_high", s->hi);
    close_(w);
}

static void nps_score(jw *w, const char *key, const ef_nps_stat *n)
{
    if (n->has)
        num(w, key, n->score);
    else
        null(w, key);
}

static void write_all(jw *w, const ef_report *r)
{
    w->depth = -1;
    open(w, NULL, 0);
    str(w, "schema", "earful.metrics/1");

    open(w, "input", 0);
    num(w, "rows_read", (double)r->rows_read);
    num(w, "rows_used", (double)r->rows_used);
    num(w, "rows_rejected", (double)r->rows_rejected);
    num(w, "duplicates", (double)r->duplicates);
    num(w, "brand_posts", (double)r->brand_posts);
    date(w, "first_date", r->first_date);
    date(w, "last_date", r->last_date);
    open(w, "rejected_by_reason", 0);
    for (int i = 0; i < EF_REJECT_COUNT; i++)
        num(w, ef_reject_reason_name((ef_reject_reason)i),
            (double)r->rejected[i]);
    close_(w);
    num(w, "invalid_utf8_replaced", (double)r->invalid_utf8);
    num(w, "nul_bytes_dropped", (double)r->nul_bytes);
    open(w, "files", 1);
    for (size_t i = 0; i < r->nfiles; i++) {
        open(w, NULL, 0);
        str(w, "path", r->files[i].path);
        str(w, "sha256", r->files[i].sha256);
        str(w, "encoding", r->files[i].encoding);
        str(w, "kind", r->files[i].kind);
        num(w, "rows_used", (double)r->files[i].rows_used);
        num(w, "rows_rejected", (double)r->files[i].rows_rejected);
        num(w, "duplicates", (double)r->files[i].duplicates);
        num(w, "brand_posts", (double)r->files[i].brand_posts);
        str(w, "date_format",
            r->files[i].date_format ? r->files[i].date_format : "");
        boolean(w, "ids_mangled", r->files[i].ids_ignored);
        close_(w);
    }
    close_(w);
    close_(w);

    open(w, "sentiment", 0);
    str(w, "scorer", r->scorer);
    num(w, "n", (double)r->n);
    share(w, "positive", &r->positive);
    share(w, "neutral", &r->neutral);
    share(w, "negative", &r->negative);
    share(w, "strongly_negative", &r->strongly_negative);
    num(w, "net", r->net);
    num(w, "net_excluding_neutral", r->net_excl_neutral);
    /* whether people checked these (else: VADER's, with its error on
     * comparable public text, reference.h) */
    boolean(w, "checked", ef_calib_is_adjusted(&r->calib));
    {
        const ef_reference *e = ef_reference_comparable(r->band_neutral);
        num(w, "neutral_band_share", r->band_neutral);
        open(w, "reference", 0);
        str(w, "comparable", e->what);
        num(w, "vader_minus_people", e->vader - e->people);
        close_(w);
    }
    close_(w);

    if (r->nps.has) {
        open(w, "nps", 0);
        num(w, "n", (double)r->nps.n);
        num(w, "promoters", (double)r->nps.promoters);
        num(w, "passives", (double)r->nps.passives);
        num(w, "detractors", (double)r->nps.detractors);
        num(w, "score", r->nps.score);
        num(w, "margin_of_error", r->nps.moe);
        close_(w);
    } else {
        null(w, "nps");
    }
    if (r->has_stars) {
        open(w, "stars", 0);
        num(w, "n", (double)r->stars_n);
        num(w, "mean", r->stars_mean);
        num(w, "mean_ci_low", r->stars_lo);
        num(w, "mean_ci_high", r->stars_hi);
        num(w, "csat", r->csat.share);
        open(w, "distribution", 1);
        for (int i = 0; i < 5; i++)
            num(w, NULL, (double)r->stars[i]);
        close_(w);
        close_(w);
    } else {
        null(w, "stars");
    }

    str(w, "period", r->period_name);
    open(w, "periods", 1);
    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        open(w, NULL, 0);
        str(w, "start", p->date);
        str(w, "label", p->label);
        num(w, "n", (double)p->n);
        num(w, "positive", (double)p->count[EF_POSITIVE]);
        num(w, "neutral", (double)p->count[EF_NEUTRAL]);
        num(w, "negative", (double)p->count[EF_NEGATIVE]);
        num(w, "negative_share", p->negative.share);
        num(w, "ci_low", p->negative.lo);
        num(w, "ci_high", p->negative.hi);
        nps_score(w, "nps", &p->nps);
        boolean(w, "spike", p->spike);
        boolean(w, "too_few", p->too_few);
        boolean(w, "partial", p->partial);
        if (p->tested) {
            num(w, "baseline", p->baseline);
            num(w, "p_value", p->p_value);
        }
        if (p->adjusted) {
            num(w, "adjusted_negative_share", p->adj.share);
            num(w, "adjusted_ci_low", p->adj.lo);
            num(w, "adjusted_ci_high", p->adj.hi);
        }
        if (p->nterms) {
            open(w, "terms", 1);
            for (size_t k = 0; k < p->nterms; k++)
                str(w, NULL, p->terms[k]);
            close_(w);
        }
        close_(w);
    }
    close_(w);
    if (r->has_change) {
        open(w, "change", 0);
        str(w, "last", r->periods[r->change_last].label);
        str(w, "previous", r->periods[r->change_prev].label);
        num(w, "difference", r->change);
        num(w, "z", r->change_z);
        num(w, "p_value", r->change_p);
        close_(w);
    } else {
        null(w, "change");
    }

    for (int g = 0; g < 2; g++) {
        const ef_group_stat *gs = g ? r->segments : r->channels;
        size_t n = g ? r->nsegments : r->nchannels;
        if (g && !r->segment_name)
            break;
        if (g)
            str(w, "segment", r->segment_name);
        open(w, g ? "segments" : "channels", 1);
        for (size_t i = 0; i < n; i++) {
            open(w, NULL, 0);
            str(w, "name", gs[i].name);
            num(w, "n", (double)gs[i].n);
            num(w, "negative_share", gs[i].negative.share);
            num(w, "ci_low", gs[i].negative.lo);
            num(w, "ci_high", gs[i].negative.hi);
            nps_score(w, "nps", &gs[i].nps);
            if (gs[i].has_response)
                num(w, "response_rate", gs[i].response_rate);
            else
                null(w, "response_rate");
            boolean(w, "too_few", gs[i].too_few);
            if (gs[i].adjusted) {
                num(w, "adjusted_negative_share", gs[i].adj.share);
                num(w, "adjusted_ci_low", gs[i].adj.lo);
                num(w, "adjusted_ci_high", gs[i].adj.hi);
            }
            boolean(w, "pooled", gs[i].pooled);
            num(w, "values", (double)gs[i].values);
            close_(w);
        }
        close_(w);
        {
            const ef_group_info *in = g ? &r->segment_info : &r->channel_info;
            open(w, g ? "segments_distinct" : "channels_distinct", 0);
            num(w, "values", (double)in->values);
            boolean(w, "estimated", in->estimated);
            boolean(w, "id_like", in->id_like);
            close_(w);
        }
    }

    open(w, "themes", 1);
    for (size_t i = 0; i < r->nthemes; i++) {
        open(w, NULL, 0);
        str(w, "term", r->themes[i].term);
        num(w, "count", (double)r->themes[i].count);
        num(w, "z", r->themes[i].z);
        close_(w);
    }
    close_(w);

    if (r->has_authors) {
        open(w, "concentration", 0);
        num(w, "negative_authors", (double)r->negative_authors);
        num(w, "top1_share", r->top1_share);
        num(w, "top5_share", r->top5_share);
        num(w, "top10_share", r->top10_share);
        num(w, "repeat_authors", (double)r->repeat_authors);
        num(w, "anonymous_share", r->anonymous_share);
        close_(w);
    } else {
        null(w, "concentration");
    }
    if (r->negative.count) {
        open(w, "venting", 0);
        num(w, "terse_share", r->terse_share);
        num(w, "abusive_share", r->abusive_share);
        num(w, "detailed_share", r->detailed_share);
        close_(w);
    } else {
        null(w, "venting");
    }
    if (r->has_response) {
        open(w, "response", 0);
        num(w, "rate", r->response_rate);
        num(w, "negative_rate", r->rate_by_class[EF_NEGATIVE]);
        num(w, "median_hours", r->median_hours);
        num(w, "p90_hours", r->p90_hours);
        close_(w);
    } else {
        null(w, "response");
    }
    if (r->has_authors) {
        open(w, "turned_around", 0);
        num(w, "authors", (double)r->turned_authors);
        num(w, "share_of_negative_authors", r->turned_share);
        num(w, "after_response", (double)r->turned_after_response);
        close_(w);
    } else {
        null(w, "turned_around");
    }
    if (r->calib.has) {
        const ef_calibration *c = &r->calib;
        open(w, "calibration", 0);
        num(w, "labeled", (double)c->labeled);
        num(w, "tpr", c->tpr);
        num(w, "fpr", c->fpr);
        num(w, "raw_negative_share", c->raw_share);
        num(w, "adjusted_negative_share", c->adjusted.share);
        num(w, "ci_low", c->adjusted.lo);
        num(w, "ci_high", c->adjusted.hi);
        num(w, "adjusted_positive_share", c->adjusted_pos.share);
        if (ef_calib_is_adjusted(c) && c->has_pos) {
            num(w, "adjusted_positive_ci_low", c->adjusted_pos.lo);
            num(w, "adjusted_positive_ci_high", c->adjusted_pos.hi);
            num(w, "adjusted_neutral_share", c->adjusted_neu.share);
            num(w, "adjusted_neutral_ci_low", c->adjusted_neu.lo);
            num(w, "adjusted_neutral_ci_high", c->adjusted_neu.hi);
            num(w, "adjusted_net", c->net);
            num(w, "adjusted_net_ci_low", c->net_lo);
            num(w, "adjusted_net_ci_high", c->net_hi);
        }
        if (c->has_change) {
            num(w, "adjusted_change", c->change);
            num(w, "adjusted_change_ci_low", c->change_lo);
            num(w, "adjusted_change_ci_high", c->change_hi);
        }
        boolean(w, "adjusted", ef_calib_is_adjusted(c));
        boolean(w, "exact", c->exact);
        num(w, "replicates", (double)c->replicates);
        str(w, "method", c->method);
        open(w, "label_files", 1);
        for (size_t i = 0; i < r->nlabels; i++) {
            const ef_label_stats *l = &r->labels[i];
            open(w, NULL, 0);
            str(w, "path", l->path);
            num(w, "rows", (double)l->rows);
            num(w, "labels", (double)l->labels);
            num(w, "joined", (double)l->joined);
            num(w, "recovered", (double)l->recovered);
            num(w, "unmatched", (double)l->unmatched);
            num(w, "several", (double)l->several);
            num(w, "conflicting", (double)l->conflicting);
            num(w, "items", (double)l->items);
            close_(w);
        }
        close_(w);
        close_(w);
    } else {
        null(w, "calibration");
    }
    if (r->has_expected)
        num(w, "expected_negative", r->expected_negative);
    close_(w);
    ef_buf_putc(w->out, '\n');
}

void ef_metrics_json(const ef_report *r, ef_buf *out)
{
    jw w;
    memset(&w, 0, sizeof w);
    w.out = out;
    write_all(&w, r);
}

/* ==== --fail-if ========================================================= */

static void jw_free(jw *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->paths[i]);
    for (size_t i = 0; i < w->narrays; i++)
        free(w->arrays[i]);
    free(w->paths);
    free(w->values);
    free(w->is_null);
    free(w->arrays);
    free(w->lens);
}

/* Rewrites "periods[-1].n" to "periods[51].n" using the array lengths. */
static void resolve_negative(const jw *w, const char *in, char *out,
                             size_t cap)
{
    size_t o = 0;
    const char *p = in;

    while (*p && o + 1 < cap) {
        const char *br = strstr(p, "[-");
        if (br == NULL) {
            o += (size_t)snprintf(out + o, cap - o, "%s", p);
            break;
        }
        size_t pre = (size_t)(br - p);
        if (o + pre >= cap)
            break;
        memcpy(out + o, p, pre);
        o += pre;
        out[o] = '\0';
        long k = strtol(br + 2, (char **)&p, 10);
        size_t len = 0;
        for (size_t i = 0; i < w->narrays; i++)
            if (strcmp(w->arrays[i], out) == 0)
                len = w->lens[i];
        o += (size_t)snprintf(out + o, cap - o, "[%ld]", (long)len - k);
        if (*p == ']')
            p++;
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* Whether p is a metric's path: names of letters, digits, '_' and '-',
 * joined by '.', each followed by any [N] or [-N]. */
static int path_ok(const char *p)
{
    for (;;) {
        size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
        if (k == 0)
            return 0;
        p += k;
        while (*p == '[') {
            p += p[1] == '-' ? 2 : 1;
            if ((k = strspn(p, "0123456789")) == 0 || p[k] != ']')
                return 0;
            p += k + 1;
        }
        if (*p == '\0')
            return 1;
        if (*p++ != '.')
            return 0;
    }
}

ef_status ef_gate_parse(const char *s, ef_gate *g, ef_err *e)
{
    const char *gate = s;
    char *end;
    size_t k = 0;

    memset(g, 0, sizeof *g);
    while (*s == ' ')
        s++;
    while (*s && *s != ' ' && *s != '<' && *s != '>' && k + 1 < sizeof g->path)
        g->path[k++] = *s++;
    while (*s == ' ')
        s++;
    if (*s == '<' || *s == '>') {
        g->op[0] = *s++;
        if (*s == '=')
            g->op[1] = *s++;
    }
    g->value = strtod(s, &end);
    while (end && *end == ' ')
        end++;
    if (!k || !g->op[0] || end == s || *end || !isfinite(g->value))
        return ef_fail(e, EF_ERR_USAGE,
                       "option --fail-if: expected 'metric OP number' "
                       "with OP one of < <= > >=, got '%s'",
                       gate);
    if (!path_ok(g->path))
        return ef_fail(e, EF_ERR_USAGE,
                       "option --fail-if: '%s' is not a metrics.json "
                       "path (names joined by '.', with [N] or [-N])",
                       g->path);
    return EF_OK;
}

ef_status ef_gates_check(const ef_report *r, const char *const *gates,
                         size_t n, int *tripped, ef_err *e)
{
    jw w;
    ef_buf sink = EF_BUF_INIT;
    ef_status rc = EF_OK;

    memset(&w, 0, sizeof w);
    w.out = &sink;
    w.record = 1;
    write_all(&w, r);
    *tripped = 0;
    for (size_t g = 0; g < n && rc == EF_OK; g++) {
        char full[300];
        const char *path, *op;
        ef_gate gate;
        size_t i;
        double want, got;
        int hit = 0;

        if ((rc = ef_gate_parse(gates[g], &gate, e)) != EF_OK)
            break;
        path = gate.path;
        op = gate.op;
        want = gate.value;
        resolve_negative(&w, path, full, sizeof full);
        for (i = 0; i < w.n; i++)
            if (strcmp(w.paths[i], full) == 0)
                break;
        if (i == w.n) {
            rc = ef_fail(e, EF_ERR_USAGE,
                         "option --fail-if: '%s' is not a number in "
                         "metrics.json",
                         path);
            break;
        }
        if (w.is_null[i]) {
            ef_warn("gate '%s' cannot be checked: %s is null in this report "
                    "(counted as tripped)",
                    gates[g], path);
            *tripped = 1;
            continue;
        }
        got = w.values[i];
        if (op[0] == '<')
            hit = op[1] ? got <= want : got < want;
        else
            hit = op[1] ? got >= want : got > want;
        if (hit) {
            ef_warn("gate tripped: %s = %.6g, %s %g", path, got, op, want);
            *tripped = 1;
        }
    }
    jw_free(&w);
    ef_buf_reset(&sink);
    return rc;
}
