/* test_prep_merge.c - the aggregator's fast paths against simple ones:
 * term counts kept per ef_prep and merged (ef_agg_merge_prep), or taken
 * from the store's caches of the terms (whole or damaged), give the
 * themes and spike terms of one aggregator fed item by item, and the
 * themes' counts are those counted here by brute force; the authors
 * of positive items, known only by a hash, give the "who is negative"
 * figures counted here by brute force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/themes.h"
#include "test.h"

#define N 6000
#define AUTHORS 700

static const char *const words[] = {
    "battery",   "charger",  "refund",  "screen",   "delivery", "support",
    "bluetooth", "firmware", "pairing", "warranty", "invoice",  "latency"};

typedef struct {
    char text[128], author[32];
    ef_scores sc;
    int64_t date;
} row;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void make_rows(row *rows)
{
    uint64_t s = 88172645463325252ULL;
    for (int i = 0; i < N; i++) {
        row *r = &rows[i];
        int k = (int)(rnd(&s) % 4), c = (int)(rnd(&s) % 3);
        double comp = c == 0 ? -0.6 : c == 1 ? 0.0 : 0.6;
        snprintf(r->text, sizeof r->text, "the %s and the %s were %s today",
                 words[rnd(&s) % 12], words[(rnd(&s) % 4) * (size_t)k],
                 c == 0   ? "awful"
                 : c == 1 ? "there"
                          : "lovely");
        if (rnd(&s) % 10 == 0)
            r->author[0] = '\0';
        else
            snprintf(r->author, sizeof r->author, "user%llu",
                     (unsigned long long)(rnd(&s) % AUTHORS));
        r->sc = (ef_scores){c == 0 ? 0.5 : 0, c == 1 ? 1 : 0.5,
                            c == 2 ? 0.5 : 0, comp};
        /* not in date order: a positive may come before an earlier
         * negative */
        r->date = 1736150400 + (int64_t)(rnd(&s) % (86400 * 120));
    }
}

static void fill_item(ef_item *it, const row *r)
{
    memset(it, 0, sizeof *it);
    it->text = r->text;
    it->text_len = strlen(r->text);
    it->date = r->date;
    it->id = it->channel = it->url = it->segment = "";
    it->author = r->author;
    it->nps = -1;
    it->rating = 0;
    it->label = -1;
    it->responded_at = EF_NO_TIME;
    it->source = "t.csv";
}

static ef_agg *new_agg(void)
{
    ef_agg_opts o;
    memset(&o, 0, sizeof o);
    o.thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    o.min_n = 5;
    return ef_agg_new(&o);
}

/* 1 if the themes and spike terms of a and b are the same. */
static int same_terms(const ef_report *a, const ef_report *b)
{
    int same = a->nthemes == b->nthemes && a->nthemes > 0;

    for (size_t i = 0; same && i < a->nthemes; i++)
        same = strcmp(a->themes[i].term, b->themes[i].term) == 0 &&
               a->themes[i].count == b->themes[i].count &&
               a->themes[i].other == b->themes[i].other &&
               a->themes[i].z == b->themes[i].z;
    same = same && a->nperiods == b->nperiods;
    for (size_t i = 0; same && i < a->nperiods; i++) {
        same = a->periods[i].nterms == b->periods[i].nterms;
        for (size_t t = 0; same && t < a->periods[i].nterms; t++)
            same = strcmp(a->periods[i].terms[t], b->periods[i].terms[t]) == 0;
    }
    return same;
}

/* Each theme's counts by brute force: the negative rows, and the others,
 * whose text has the term. */
static int theme_counts_right(const ef_report *r, const row *rows)
{
    ef_terms *t = ef_terms_new();
    int right = r->nthemes > 0;

    for (size_t k = 0; right && k < r->nthemes; k++) {
        uint64_t neg = 0, other = 0;
        for (int i = 0; i < N; i++) {
            const char *const *term;
            const size_t *len;
            int ab, nw, has = 0;
            size_t n = ef_terms_split(t, rows[i].text, strlen(rows[i].text),
                                      &term, &len, &ab, &nw);
            for (size_t j = 0; j < n; j++)
                has |= len[j] == strlen(r->themes[k].term) &&
                       memcmp(term[j], r->themes[k].term, len[j]) == 0;
            neg += has && rows[i].sc.compound < 0;
            other += has && rows[i].sc.compound >= 0;
        }
        right = r->themes[k].count == neg && r->themes[k].other == other;
    }
    ef_terms_free(t);
    return right;
}

/* The rows, prepared with the store's caches of their terms: a row in
 * seven with one that is not its text's (another text's, cut, from other
 * rules, or garbage), which must be split again. */
static ef_report *from_caches(const row *rows, const ef_source_stats *st)
{
    ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_agg *a = new_agg();
    ef_prep *p = ef_prep_new(NULL, &thr);
    ef_terms *t = ef_terms_new();
    ef_buf blob = EF_BUF_INIT;
    ef_err e = {EF_OK, ""};
    ef_report *r;

    ef_agg_add_source(a, st);
    for (int i = 0; i < N; i++) {
        const row *of = i % 7 == 0 ? &rows[(i + 1) % N] : &rows[i];
        ef_item it, scored;
        ef_prepared pr;

        ef_buf_clear(&blob);
        ef_terms_cache_put(t, of->text, strlen(of->text), &blob);
        if (i % 7 == 1)
            blob.len--;
        if (i % 7 == 2)
            blob.data[3] ^= 1; /* the rules' stamp */
        if (i % 7 == 3)
            memset(blob.data, 0x5a, blob.len);
        fill_item(&it, &rows[i]);
        scored = it;
        scored.scores = rows[i].sc;
        scored.scored = 1;
        scored.terms = (const unsigned char *)blob.data;
        scored.terms_len = blob.len;
        ef_prep_reset(p);
        ef_prep_item(p, &scored, &pr);
        ef_agg_add_prepared(a, &it, &pr, p);
    }
    ef_agg_merge_prep(a, p);
    r = ef_agg_finish(a, &e);
    ef_prep_free(p);
    ef_terms_free(t);
    ef_buf_reset(&blob);
    ef_agg_free(a);
    return r;
}

void test_prep_merge(void)
{
    row *rows = calloc(N, sizeof *rows);
    ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_prep *p[3];
    ef_agg *one = new_agg(), *split = new_agg();
    ef_report *r1, *r2;
    ef_err e = {EF_OK, ""};
    ef_item it;
    ef_prepared pr;

    static ef_source_stats st;

    make_rows(rows);
    st.mapped[EF_F_AUTHOR] = 1; /* the "who is negative" section */
    ef_agg_add_source(one, &st);
    ef_agg_add_source(split, &st);
    for (int k = 0; k < 3; k++)
        p[k] = ef_prep_new(NULL, &thr);
    for (int i = 0; i < N; i++) {
        ef_item scored;
        fill_item(&it, &rows[i]);
        ef_agg_add(one, &it, &rows[i].sc);
        /* the same item prepared by one of three preps, in turn, each
         * reset as a batch would be */
        scored = it;
        scored.scores = rows[i].sc;
        scored.scored = 1;
        ef_prep_reset(p[i % 3]);
        ef_prep_item(p[i % 3], &scored, &pr);
        ef_agg_add_prepared(split, &it, &pr, p[i % 3]);
    }
    for (int k = 2; k >= 0; k--) { /* any order */
        ef_agg_merge_prep(split, p[k]);
        ef_prep_free(p[k]);
    }
    r1 = ef_agg_finish(one, &e);
    r2 = ef_agg_finish(split, &e);
    OK(r1 && r2, "both finish");
    if (r1 && r2)
        OK(same_terms(r1, r2),
           "merged partials: the same themes, counts, z and spike terms");
    if (r1)
        OK(theme_counts_right(r1, rows),
           "themes: negative and other counts as counted by brute force");
    {
        ef_report *r3 = from_caches(rows, &st);
        OK(r1 && r3 && same_terms(r1, r3),
           "the terms' caches, whole or not: the same themes, counts, z and "
           "spike terms");
        ef_report_free(r3);
    }

    /* who is negative, by brute force over the rows */
    if (r1) {
        uint64_t neg_authors = 0, repeat = 0, turned = 0;
        for (int a = 0; a < AUTHORS; a++) {
            char name[32];
            uint64_t n = 0;
            int64_t first_neg = INT64_MAX, last_pos = INT64_MIN;
            snprintf(name, sizeof name, "user%d", a);
            for (int i = 0; i < N; i++) {
                if (strcmp(rows[i].author, name) != 0)
                    continue;
                if (rows[i].sc.compound < 0) {
                    n++;
                    if (rows[i].date < first_neg)
                        first_neg = rows[i].date;
                } else if (rows[i].sc.compound > 0 &&
                           rows[i].date > last_pos) {
                    last_pos = rows[i].date;
                }
            }
            neg_authors += n > 0;
            repeat += n >= 3;
            turned += n > 0 && last_pos != INT64_MIN && last_pos > first_neg;
        }
        INT_EQ(r1->negative_authors, neg_authors, "negative authors");
        INT_EQ(r1->repeat_authors, repeat, "repeat authors");
        INT_EQ(r1->turned_authors, turned, "turned around: hashed authors");
        OK(turned > 0, "some turned around");
    }
    ef_report_free(r1);
    ef_report_free(r2);
    ef_agg_free(one);
    ef_agg_free(split);
    free(rows);
}
