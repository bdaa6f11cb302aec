/* test_groups.c - channels (and segments) in bounded memory: the largest
 * shown, the rest pooled with their count, the distinct count estimated
 * past the exact table (ef_distinct), and an id-like column noted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/distinct.h"
#include "metrics/metrics.h"
#include "render/findings.h"
#include "test.h"

/* Adds n items of channel ch (and segment seg) to a. */
static void add(ef_agg *a, const char *ch, const char *seg, int n)
{
    ef_item it;
    ef_scores sc = {0.5, 0.5, 0.0, -0.4}; /* negative */

    memset(&it, 0, sizeof it);
    it.text = "it broke again";
    it.text_len = strlen(it.text);
    it.date = 1741000000; /* 2025-03-03 */
    it.id = it.author = it.url = "";
    it.channel = ch;
    it.segment = seg;
    it.nps = -1;
    it.label = -1;
    it.responded_at = EF_NO_TIME;
    it.source = "t.csv";
    for (int i = 0; i < n; i++)
        ef_agg_add(a, &it, &sc);
}

static ef_agg *agg(size_t shown)
{
    ef_agg_opts o;
    memset(&o, 0, sizeof o);
    o.thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    o.groups_shown = shown;
    o.segment_name = "store";
    return ef_agg_new(&o);
}

static uint64_t total(const ef_report *r)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->nchannels; i++)
        n += r->channels[i].n;
    return n;
}

void test_groups(void)
{
    ef_err e = {EF_OK, ""};
    char name[64];
    ef_agg *a;
    ef_report *r;
    ef_buf note = EF_BUF_INIT;

    /* HyperLogLog: n distinct strings, the estimate within 3% (four
     * standard errors at 2^14 registers); small counts nearly exact */
    {
        static const int ns[] = {0, 1, 100, 5000, 50000, 400000};
        for (size_t k = 0; k < EF_ARRAY_LEN(ns); k++) {
            ef_distinct d;
            ef_distinct_init(&d);
            for (int i = 0; i < ns[k]; i++) {
                int len =
                    snprintf(name, sizeof name, "https://x.example/%d", i);
                ef_distinct_add(&d, name, (size_t)len);
                ef_distinct_add(&d, name, (size_t)len); /* twice: once */
            }
            double est = (double)ef_distinct_estimate(&d);
            snprintf(name, sizeof name, "distinct %d: got %.0f", ns[k], est);
            OK(ns[k] < 1000 ? est >= ns[k] - 2 && est <= ns[k] + 2
                            : est > ns[k] * 0.97 && est < ns[k] * 1.03,
               name);
        }
    }

    /* 25 channels of 25, 24, ..., 1 items: the 20 largest, then one row
     * pooling 5 + 4 + 3 + 2 + 1 = 15 items of 5 channels */
    a = agg(0);
    for (int c = 25; c >= 1; c--) {
        snprintf(name, sizeof name, "ch%02d", c);
        add(a, name, "s", c);
    }
    r = ef_agg_finish(a, &e);
    INT_EQ(r->nchannels, 21, "25 channels: 20 rows and a pool");
    STR_EQ(r->channels[0].name, "ch25", "largest first");
    INT_EQ(r->channels[19].n, 6, "the 20th is the 6-item one");
    OK(!r->channels[19].pooled && r->channels[20].pooled, "pool last");
    INT_EQ(r->channels[20].n, 15, "pool: 5 + 4 + 3 + 2 + 1 items");
    INT_EQ(r->channels[20].values, 5, "pool: 5 channels");
    INT_EQ(r->channels[20].count[EF_NEGATIVE], 15, "pool: its counters");
    STR_EQ(r->channels[20].name, "(5 other channels)", "pool: its name");
    INT_EQ(r->channel_info.values, 25, "25 distinct, exact");
    OK(!r->channel_info.estimated && !r->channel_info.id_like, "not an id");
    INT_EQ(r->channel_info.rows, 325, "the column's items, pool's too");
    ef_find_group_note(r, 0, &note);
    STR_EQ(ef_buf_cstr(&note),
           "The 20 channels with the most items are shown; the last row "
           "pools the rest (5 channels).",
           "the note on the pool (findings.c)");
    ef_buf_clear(&note);
    INT_EQ(r->nsegments, 1, "one segment value: no pool");
    ef_find_group_note(r, 1, &note);
    INT_EQ(note.len, 0, "no pool: no note");
    INT_EQ(total(r), 325, "every item in some row");
    ef_report_free(r);
    ef_agg_free(a);

    /* --max-groups 3; ties by name */
    a = agg(3);
    add(a, "b", "", 2);
    add(a, "a", "", 2);
    add(a, "c", "", 2);
    add(a, "d", "", 1);
    r = ef_agg_finish(a, &e);
    INT_EQ(r->nchannels, 4, "max-groups 3: 3 rows and a pool");
    OK(strcmp(r->channels[0].name, "a") == 0 &&
           strcmp(r->channels[2].name, "c") == 0,
       "ties by name");
    STR_EQ(r->channels[3].name, "(1 other channel)", "pool of one");
    STR_EQ(r->segments[0].name, "(none)", "no segment: (none)");
    ef_report_free(r);
    ef_agg_free(a);

    /* 30,000 distinct channels, one item each (a URL column), then a big
     * channel first seen past the exact table: it is pooled with them,
     * nothing is lost, the count is estimated and the column noted */
    a = agg(0);
    for (int i = 0; i < 30000; i++) {
        snprintf(name, sizeof name, "https://x.example/%d", i);
        add(a, name, "", 1);
    }
    add(a, "late", "", 50);
    r = ef_agg_finish(a, &e);
    INT_EQ(r->nchannels, 21, "30,000 channels: 20 rows and a pool");
    INT_EQ(total(r), 30050, "every item in some row");
    INT_EQ(r->channels[20].n, 30050 - 20, "the pool holds the rest");
    OK(r->channel_info.estimated, "past the table: estimated");
    OK(r->channel_info.values > 29000 && r->channel_info.values < 31000,
       "about 30,001 values");
    INT_EQ(r->channels[20].values, r->channel_info.values - 20,
           "pool values: the rest");
    OK(r->channel_info.id_like, "a value per row: id-like");
    ef_find_group_note(r, 0, &note);
    OK(strncmp(ef_buf_cstr(&note), "The channel column has about ", 29) == 0 &&
           strstr(ef_buf_cstr(&note), "distinct values in 30,050 items, as "
                                      "an id or a URL column would: is it "
                                      "the right column (see --map)? The 20 "
                                      "channels with the most items are "
                                      "shown; the last row pools the rest "
                                      "(about ") &&
           strstr(ef_buf_cstr(&note), "). Past 10,000 distinct values") &&
           strstr(r->channels[20].name, "(about "),
       ef_buf_cstr(&note));
    ef_buf_clear(&note);
    ef_report_free(r);
    ef_agg_free(a);

    /* no rows: no channel, no pool, no note (and no qsort of nothing) */
    a = agg(0);
    r = ef_agg_finish(a, &e);
    INT_EQ(r->nchannels, 0, "no rows: no channel");
    INT_EQ(r->nperiods, 0, "no rows: no period");
    ef_find_group_note(r, 0, &note);
    INT_EQ(note.len, 0, "no rows: no note");
    ef_report_free(r);
    ef_agg_free(a);
    ef_buf_reset(&note);
}
