/* test_prep_merge.c - the aggregator's fast paths against simple ones:
 * term counts kept per ef_prep and merged (ef_agg_merge_prep) give the
 * themes and spike terms of one aggregator fed item by item; the authors
 * of positive items, known only by a hash, give the "who is negative"
 * figures counted here by brute force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
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
    if (r1 && r2) {
        int same = r1->nthemes == r2->nthemes && r1->nthemes > 0;
        for (size_t i = 0; same && i < r1->nthemes; i++)
            same = strcmp(r1->themes[i].term, r2->themes[i].term) == 0 &&
                   r1->themes[i].count == r2->themes[i].count &&
                   r1->themes[i].other == r2->themes[i].other &&
                   r1->themes[i].z == r2->themes[i].z;
        OK(same, "merged partials: the same themes, counts and z");
        same = r1->nperiods == r2->nperiods;
        for (size_t i = 0; same && i < r1->nperiods; i++) {
            same = r1->periods[i].nterms == r2->periods[i].nterms;
            for (size_t t = 0; same && t < r1->periods[i].nterms; t++)
                same = strcmp(r1->periods[i].terms[t],
                              r2->periods[i].terms[t]) == 0;
        }
        OK(same, "merged partials: the same spike terms");
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
