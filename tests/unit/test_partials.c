/* test_partials.c - the report model from partial aggregates (metrics.h,
 * issue 18) equals the model from the same items folded one by one:
 * metrics.json byte for byte. The partials are computed here as the
 * PostgreSQL query set computes them (pg/queries.sql): cells per period x
 * channel x segment x class, scores, delays, terms, the merged authors,
 * a spike period's terms on demand, the shown items offered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/themes.h"
#include "render/render.h"
#include "test.h"

#define NITEMS 4000
#define NAUTHORS 60
#define WEEK (7 * 86400)
#define T0 1735516800 /* 2024-12-30, a Monday */

typedef struct {
    char text[96], id[16], author[16];
    const char *channel, *segment;
    int64_t date, responded_at;
    int rating, nps;
    ef_scores sc;
    ef_class cls;
} titem;

static titem items[NITEMS];

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* Generated items: 20 weeks, a spike of battery complaints in week 12,
 * three channels, two segments, sixty authors and anonymous ones. */
static void make_items(const ef_vader *v)
{
    static const char *const neg[] = {
        "the battery died again after an hour, terrible",
        "awful support, never buying this again",
        "the app crashes every time I open it, useless"};
    static const char *const pos[] = {
        "love the sound, great battery life all day",
        "excellent support team, thank you so much"};
    static const char *const neu[] = {"ordered a second pair for my son today",
                                      "which case fits the new model"};
    static const char *const chans[] = {"twitter", "Reviews", "email"};
    ef_vader_scratch *s = ef_vader_scratch_new();
    ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    uint32_t seed = 7;

    for (int i = 0; i < NITEMS; i++) {
        titem *it = &items[i];
        int week = (int)(rnd(&seed) % 20), k = (int)(rnd(&seed) % 100);
        int a = (int)(rnd(&seed) % (NAUTHORS + 10));
        it->date = T0 + (int64_t)week * WEEK + rnd(&seed) % WEEK;
        if (week == 12 && k < 40)
            snprintf(it->text, sizeof it->text,
                     "battery dead after the "
                     "update, ruined my day %d",
                     (int)(rnd(&seed) % 7));
        else if (k < 25)
            snprintf(it->text, sizeof it->text, "%s", neg[rnd(&seed) % 3]);
        else if (k < 70)
            snprintf(it->text, sizeof it->text, "%s", pos[rnd(&seed) % 2]);
        else
            snprintf(it->text, sizeof it->text, "%s", neu[rnd(&seed) % 2]);
        snprintf(it->id, sizeof it->id, "id-%05d", i);
        if (a < NAUTHORS)
            snprintf(it->author, sizeof it->author, "author%02d", a);
        it->channel = k % 7 == 0 ? "" : chans[rnd(&seed) % 3];
        it->segment = rnd(&seed) % 2 ? "social" : "owned";
        it->rating = (int)(rnd(&seed) % 6);   /* 0: none */
        it->nps = (int)(rnd(&seed) % 12) - 1; /* -1: none */
        it->responded_at =
            rnd(&seed) % 3 == 0
                ? it->date + (int64_t)(rnd(&seed) % 200000) - 3600
                : EF_NO_TIME;
        ef_vader_score(v, s, it->text, strlen(it->text), &it->sc);
        it->cls = ef_classify(it->sc.compound, &thr);
    }
    ef_vader_scratch_free(s);
}

static ef_item as_item(const titem *t)
{
    ef_item it;
    memset(&it, 0, sizeof it);
    it.text = t->text;
    it.text_len = strlen(t->text);
    it.date = t->date;
    it.id = t->id;
    it.channel = t->channel;
    it.author = t->author;
    it.url = "";
    it.segment = t->segment;
    it.rating = t->rating;
    it.nps = t->nps;
    it.responded_at = t->responded_at;
    it.label = -1;
    it.source = "t.csv";
    return it;
}

static ef_agg *new_agg(void)
{
    ef_agg_opts o;
    memset(&o, 0, sizeof o);
    o.thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    o.period = EF_PERIOD_WEEK;
    o.segment_name = "segment";
    o.min_n = 30;
    o.generated = 1700000000;
    o.period_terms = NULL;
    return ef_agg_new(&o);
}

static void add_source(ef_agg *a)
{
    ef_source_stats st;
    memset(&st, 0, sizeof st);
    snprintf(st.path, sizeof st.path, "t.csv");
    snprintf(st.kind, sizeof st.kind, "csv");
    st.rows_read = st.rows_used = NITEMS;
    for (int f = 0; f < EF_F_COUNT; f++)
        st.mapped[f] = f != EF_F_LABEL;
    ef_agg_add_source(a, &st);
}

/* ==== The partials, as the query set computes them ===================== */

/* pg/queries.sql's period_terms: a period's negative terms, with the
 * items and the distinct authors holding each. */
static int period_terms(void *ctx, int64_t start, int64_t next,
                        ef_agg_term **out, size_t *n, ef_err *e)
{
    ef_terms *split = ef_terms_new();
    ef_agg_term *t = calloc(4096, sizeof *t);
    static const char *who[4096][8]; /* first distinct authors per term */
    size_t nt = 0;

    (void)ctx;
    (void)e;
    for (int i = 0; i < NITEMS; i++) {
        const titem *it = &items[i];
        const char *const *term;
        const size_t *len;
        int abusive, words;
        size_t k;
        if (it->cls != EF_NEGATIVE || it->date < start || it->date >= next)
            continue;
        k = ef_terms_split(split, it->text, strlen(it->text), &term, &len,
                           &abusive, &words);
        for (size_t j = 0; j < k; j++) {
            size_t x = 0;
            while (x < nt && !(strlen(t[x].term) == len[j] &&
                               memcmp(t[x].term, term[j], len[j]) == 0))
                x++;
            if (x == nt)
                t[nt++].term = strndup(term[j], len[j]);
            t[x].negative++;
            /* anonymous: each item its own author */
            const char *a = it->author[0] ? it->author : it->id;
            int seen = 0;
            for (uint64_t y = 0; y < t[x].authors && y < 8; y++)
                seen |= strcmp(who[x][y], a) == 0;
            if (!seen) {
                if (t[x].authors < 8)
                    who[x][t[x].authors] = a;
                t[x].authors++;
            }
        }
    }
    ef_terms_free(split);
    *out = t;
    *n = nt;
    return 0;
}

typedef struct {
    uint32_t neg;
    int64_t first_neg, last_pos, first_reply;
} tauthor;

static tauthor au[NAUTHORS];

/* Most negative items first, ties by name (author%02d: by number). */
static int cmp_loud(const void *x, const void *y)
{
    const int *i = x, *j = y;
    if (au[*i].neg != au[*j].neg)
        return au[*i].neg < au[*j].neg ? 1 : -1;
    return *i - *j;
}

/* earful_authors: the histogram, the turned-around counts, the loudest. */
static void add_authors(ef_agg *b)
{
    static uint64_t hneg[NITEMS + 1], nh[NITEMS + 1], na[NITEMS + 1];
    uint64_t turned = 0, after = 0, loud_n[5];
    const char *loud[5];
    char names[5][16];
    int order[NAUTHORS];
    size_t nhist = 0, nloud = 0;

    memset(hneg, 0, sizeof hneg);
    for (int i = 0; i < NAUTHORS; i++)
        au[i] = (tauthor){0, INT64_MAX, INT64_MIN, INT64_MAX};
    for (int i = 0; i < NITEMS; i++) {
        const titem *it = &items[i];
        tauthor *a;
        if (!it->author[0] || it->cls == EF_NEUTRAL)
            continue;
        a = &au[atoi(it->author + 6)];
        if (it->cls == EF_NEGATIVE) {
            a->neg++;
            if (it->date < a->first_neg)
                a->first_neg = it->date;
            if (it->responded_at != EF_NO_TIME &&
                it->responded_at < a->first_reply)
                a->first_reply = it->responded_at;
        } else if (it->date > a->last_pos) {
            a->last_pos = it->date;
        }
    }
    for (int i = 0; i < NAUTHORS; i++) {
        order[i] = i;
        if (au[i].neg == 0)
            continue;
        hneg[au[i].neg]++;
        if (au[i].last_pos != INT64_MIN && au[i].last_pos > au[i].first_neg) {
            turned++;
            after += au[i].first_reply != INT64_MAX &&
                     au[i].first_reply <= au[i].last_pos;
        }
    }
    for (int n = 1; n <= NITEMS; n++)
        if (hneg[n]) {
            nh[nhist] = (uint64_t)n;
            na[nhist++] = hneg[n];
        }
    qsort(order, NAUTHORS, sizeof *order, cmp_loud);
    for (int i = 0; i < 5 && au[order[i]].neg > 0; i++) {
        snprintf(names[i], sizeof names[i], "author%02d", order[i]);
        loud[nloud] = names[i];
        loud_n[nloud++] = au[order[i]].neg;
    }
    ef_agg_authors aa = {nh, na, nhist, turned, after, loud, loud_n, nloud};
    ef_agg_set_authors(b, &aa);
}

/* Every partial, one item at a time where the query set would sum: the
 * aggregator adds them up. */
static void add_partials(ef_agg *b)
{
    ef_terms *split = ef_terms_new();

    for (int i = 0; i < NITEMS; i++) {
        const titem *t = &items[i];
        ef_item it = as_item(t);
        const char *const *term;
        const size_t *len;
        int abusive, words;
        size_t k = ef_terms_split(split, t->text, strlen(t->text), &term, &len,
                                  &abusive, &words);
        ef_agg_cell c;

        memset(&c, 0, sizeof c);
        c.period = t->date; /* any instant of the period */
        c.channel = t->channel;
        c.segment = t->segment;
        c.cls = t->cls;
        c.n = 1;
        if (t->nps >= 0)
            c.nps[t->nps >= 9 ? 2 : t->nps >= 7 ? 1 : 0] = 1;
        if (t->rating >= 1)
            c.stars[t->rating - 1] = 1;
        c.responded = t->responded_at != EF_NO_TIME;
        c.terse = words < 8;
        c.abusive = abusive != 0;
        c.detailed = words >= 8 && !abusive;
        c.anonymous = t->author[0] == '\0';
        ef_agg_add_cell(b, &c);
        ef_agg_add_compound(b, t->sc.compound, 1);
        if (t->responded_at != EF_NO_TIME)
            ef_agg_add_delay(b, t->channel, t->segment,
                             t->responded_at - t->date, 1);
        for (size_t j = 0; j < k; j++) {
            char buf[64];
            ef_agg_term at = {buf, t->cls == EF_NEGATIVE,
                              t->cls != EF_NEGATIVE, 0};
            snprintf(buf, sizeof buf, "%.*s", (int)len[j], term[j]);
            ef_agg_add_term(b, &at);
        }
        ef_agg_add_span(b, t->date, t->date);
        ef_agg_keep(b, &it, &t->sc);
    }
    ef_terms_free(split);
    add_authors(b);
}

void test_partials(void)
{
    ef_vader *v = NULL;
    ef_err e = {EF_OK, ""};
    ef_agg *a, *b;
    ef_report *ra, *rb;
    ef_buf ja = EF_BUF_INIT, jb = EF_BUF_INIT;
    ef_agg_opts o;

    OK(ef_vader_new(&v, &e) == EF_OK, "vader");
    make_items(v);

    a = new_agg();
    add_source(a);
    for (int i = 0; i < NITEMS; i++) {
        ef_item it = as_item(&items[i]);
        ef_agg_add(a, &it, &items[i].sc);
    }
    ra = ef_agg_finish(a, &e);

    memset(&o, 0, sizeof o);
    o.thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    o.period = EF_PERIOD_WEEK;
    o.segment_name = "segment";
    o.min_n = 30;
    o.generated = 1700000000;
    o.period_terms = period_terms;
    b = ef_agg_new(&o);
    add_source(b);
    add_partials(b);
    rb = ef_agg_finish(b, &e);

    OK(ra && rb, "both models");
    if (ra && rb) {
        int spikes = 0;
        for (size_t i = 0; i < ra->nperiods; i++)
            spikes += ra->periods[i].nterms > 0;
        OK(spikes > 0, "a spike with its terms (the callback is exercised)");
        ef_metrics_json(ra, &ja);
        ef_metrics_json(rb, &jb);
        OK(ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0,
           "metrics.json from partials equals the one from items");
        if (!(ja.len == jb.len && memcmp(ja.data, jb.data, ja.len) == 0)) {
            size_t d = 0;
            while (d < ja.len && d < jb.len && ja.data[d] == jb.data[d])
                d++;
            fprintf(stderr,
                    "  first difference at byte %zu: ...%.80s\n"
                    "  vs ...%.80s\n",
                    d, ja.data + (d > 40 ? d - 40 : 0),
                    jb.data + (d > 40 ? d - 40 : 0));
        }
        INT_EQ(rb->nrepair, ra->nrepair, "repair queue size");
        for (size_t i = 0; i < ra->nrepair && i < rb->nrepair; i++)
            STR_EQ(rb->repair[i].id, ra->repair[i].id, "repair queue item");
        for (int c = 0; c < 3; c++)
            INT_EQ(rb->nexamples[c], ra->nexamples[c], "examples");
    }
    ef_buf_reset(&ja);
    ef_buf_reset(&jb);
    ef_report_free(ra);
    ef_report_free(rb);
    ef_agg_free(a);
    ef_agg_free(b);
    ef_vader_free(v);
}
