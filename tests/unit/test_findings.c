/* test_findings.c - the report's sentences (render/findings.h) from
 * hand-built models: the words, the plurals, the spacing between
 * sentences, and nothing at all when no period is partial. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "render/findings.h"
#include "test.h"

static void period(ef_period_stat *p, const char *label, int partial,
                   int covered, int length)
{
    memset(p, 0, sizeof *p);
    snprintf(p->label, sizeof p->label, "%s", label);
    p->partial = partial;
    p->covered = covered;
    p->length = length;
}

static void model(ef_report *r, ef_period_stat *p, size_t n, int kind,
                  const char *name)
{
    memset(r, 0, sizeof *r);
    r->periods = p;
    r->nperiods = n;
    r->period_kind = kind;
    snprintf(r->period_name, sizeof r->period_name, "%s", name);
}

static void test_words(void)
{
    ef_period_stat p[2];
    ef_report r;
    char out[64];

    period(&p[0], "2025-03", 0, 0, 0);
    period(&p[1], "2025-W14", 1, 3, 7);
    model(&r, p, 2, EF_PERIOD_MONTH, "month");
    STR_EQ(ef_find_unit(&r), "month", "unit month");
    ef_find_period_phrase(&r, &p[0], out, sizeof out);
    STR_EQ(out, "March 2025", "month phrase");
    r.period_kind = EF_PERIOD_WEEK;
    STR_EQ(ef_find_unit(&r), "week", "unit week");
    ef_find_period_phrase(&r, &p[1], out, sizeof out);
    STR_EQ(out, "week 2025-W14", "week phrase");
    r.period_kind = EF_PERIOD_DAY;
    STR_EQ(ef_find_unit(&r), "day", "unit day");
    ef_find_period_phrase(&r, &p[0], out, sizeof out);
    STR_EQ(out, "2025-03", "day phrase: the label");

    ef_find_period_label(&p[0], out, sizeof out);
    STR_EQ(out, "2025-03", "whole period's label");
    ef_find_period_label(&p[1], out, sizeof out);
    STR_EQ(out, "2025-W14 (partial)", "partial period's label");
}

static void test_partial_sentences(void)
{
    ef_period_stat p[3];
    ef_report r;
    ef_buf b = EF_BUF_INIT;

    period(&p[0], "2015-W09", 1, 2, 7);
    period(&p[1], "2015-W10", 0, 0, 0);
    period(&p[2], "2015-W11", 1, 1, 1); /* "1 day", not "1 days" */
    model(&r, p, 3, EF_PERIOD_WEEK, "week");

    ef_find_partial_periods(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "2015-W09 is partial: the data cover 2 of its 7 days. "
           "2015-W11 is partial: the data cover 1 of its 1 day.",
           "partial periods, into an empty buffer");
    ef_buf_reset(&b);

    ef_buf_puts(&b, "Alt text.");
    ef_find_partial_periods(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "Alt text. 2015-W09 is partial: the data cover 2 of its 7 days. "
           "2015-W11 is partial: the data cover 1 of its 1 day.",
           "partial periods after a sentence");
    ef_buf_reset(&b);

    ef_find_partial_note(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "2015-W09 is partial: the data cover 2 of its 7 days. "
           "2015-W11 is partial: the data cover 1 of its 1 day. "
           "A partial week is marked, and no comparison or trend sentence "
           "uses it.",
           "the report's note");
    ef_buf_reset(&b);

    ef_find_partial_mark(&r, "Hatched bars", &b);
    STR_EQ(ef_buf_cstr(&b),
           "Hatched bars: partial weeks, which the data cover only in part.",
           "two partial periods marked");
    ef_buf_reset(&b);

    /* days: hours; one partial period */
    period(&p[0], "2025-03-31", 1, 5, 24);
    p[2].partial = 0;
    model(&r, p, 3, EF_PERIOD_DAY, "day");
    ef_buf_puts(&b, "Lighter bars: too few.");
    ef_find_partial_mark(&r, "Open dot", &b);
    STR_EQ(ef_buf_cstr(&b),
           "Lighter bars: too few. Open dot: a partial day, which the data "
           "cover only in part.",
           "one partial period marked, after a note");
    ef_buf_reset(&b);
    ef_find_partial_periods(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "2025-03-31 is partial: the data cover 5 of its 24 hours.",
           "a partial day in hours");
    ef_buf_reset(&b);

    /* nothing partial: nothing at all, not even a space */
    p[0].partial = 0;
    ef_buf_puts(&b, "x");
    ef_find_partial_periods(&r, &b);
    ef_find_partial_note(&r, &b);
    ef_find_partial_mark(&r, "Hatched bars", &b);
    STR_EQ(ef_buf_cstr(&b), "x", "no partial period: nothing appended");
    ef_buf_reset(&b);
}

static void test_numbers(void)
{
    char out[32];

    ef_find_count(out, 0);
    STR_EQ(out, "0", "count 0");
    ef_find_count(out, 1234567);
    STR_EQ(out, "1,234,567", "count with separators");
    ef_find_count(out, 999);
    STR_EQ(out, "999", "count under a thousand");
    ef_find_share(out, 0.123);
    STR_EQ(out, "12%", "share over 10%: no decimals");
    ef_find_share(out, 0.045);
    STR_EQ(out, "4.5%", "share under 10%: one decimal");
    ef_find_share(out, 0.0004);
    STR_EQ(out, "<0.1%", "tiny share");
    ef_find_share(out, 0);
    STR_EQ(out, "0%", "zero share");
    ef_find_about(out, 1234);
    STR_EQ(out, "1,200", "about: two significant digits");
    ef_find_about(out, 42.4);
    STR_EQ(out, "42", "about under 100");
}

/* Weekly periods of n items, k of them negative, none too few. */
static void weeks(ef_period_stat *p, size_t n, const uint64_t *items,
                  const uint64_t *neg)
{
    for (size_t i = 0; i < n; i++) {
        char l[16];
        snprintf(l, sizeof l, "2025-W%02zu", i + 10);
        period(&p[i], l, 0, 0, 0);
        p[i].n = items[i];
        p[i].count[EF_NEGATIVE] = neg[i];
        p[i].negative.share = items[i] ? (double)neg[i] / (double)items[i] : 0;
    }
}

static void test_titles(void)
{
    static const uint64_t flat[4] = {100, 100, 100, 100};
    static const uint64_t peak[4] = {100, 100, 500, 100};
    static const uint64_t neg10[4] = {10, 10, 10, 10};
    static const uint64_t none[4] = {0, 0, 0, 0};
    ef_period_stat p[4];
    ef_report r;
    ef_buf b = EF_BUF_INIT;

    weeks(p, 4, peak, neg10);
    model(&r, p, 4, EF_PERIOD_WEEK, "week");
    r.min_n = 30;
    ef_find_title_volume(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "Volume peaked in week 2025-W12 at 500 items, 5.0\xC3\x97 a "
           "typical week",
           "volume title: a peak");
    ef_buf_reset(&b);

    /* the partial last week is left out: no peak among the rest */
    p[2].partial = 1;
    ef_find_title_volume(&r, &b);
    OK(strstr(ef_buf_cstr(&b), "peaked") == NULL,
       "volume title: a partial week is no peak");
    ef_buf_reset(&b);

    weeks(p, 4, flat, neg10);
    r.negative.share = 0.1;
    r.negative.count = 40;
    ef_find_title_negative(&r, &b);
    STR_EQ(ef_buf_cstr(&b), "Negative share stayed near 10%",
           "negative title: level");
    ef_buf_reset(&b);

    weeks(p, 4, flat, none);
    r.negative.count = 0;
    ef_find_title_negative(&r, &b);
    STR_EQ(ef_buf_cstr(&b), "No item scored negative",
           "negative title: none negative");
    ef_buf_reset(&b);

    weeks(p, 1, flat, neg10);
    r.nperiods = 1;
    ef_find_title_negative(&r, &b);
    STR_EQ(ef_buf_cstr(&b), "Negative share was 10% in week 2025-W10",
           "negative title: one period");
    ef_buf_reset(&b);

    p[0].too_few = 1;
    ef_find_title_negative(&r, &b);
    STR_EQ(ef_buf_cstr(&b),
           "Too few items per week to call the negative share",
           "negative title: too few");
    ef_buf_reset(&b);
}

/* The note on a channel (segment) table: nothing when every value has
 * its row; the pool ("1 channel", not "1 channels"); an id-like column
 * and an estimated count; the segment column by its name. */
static void test_group_note(void)
{
    char store[] = "store";
    ef_report r;
    ef_buf b = EF_BUF_INIT;

    model(&r, NULL, 0, EF_PERIOD_WEEK, "week");
    r.channel_info.values = 3;
    r.channel_info.shown = 3;
    r.channel_info.rows = 90;
    ef_find_group_note(&r, 0, &b);
    INT_EQ(b.len, 0, "group note: every channel shown, nothing");

    r.channel_info.values = 4;
    ef_find_group_note(&r, 0, &b);
    STR_EQ(ef_buf_cstr(&b),
           "The 3 channels with the most items are shown; the last row "
           "pools the rest (1 channel).",
           "group note: a pool of one channel");
    ef_buf_reset(&b);

    r.channel_info.values = 1234;
    r.channel_info.shown = 20;
    r.channel_info.rows = 1500;
    r.channel_info.id_like = 1;
    ef_buf_puts(&b, "Note.");
    ef_find_group_note(&r, 0, &b);
    STR_EQ(ef_buf_cstr(&b),
           "Note. The channel column has 1,234 distinct values in 1,500 "
           "items, as an id or a URL column would: is it the right column "
           "(see --map)? The 20 channels with the most items are shown; the "
           "last row pools the rest (1,214 channels).",
           "group note: an id-like column, after a sentence");
    ef_buf_reset(&b);

    r.segment_name = store;
    r.segment_info.values = 15000;
    r.segment_info.shown = 20;
    r.segment_info.rows = 16000;
    r.segment_info.estimated = 1;
    r.segment_info.id_like = 1;
    ef_find_group_note(&r, 1, &b);
    STR_EQ(ef_buf_cstr(&b),
           "The store column has about 15,000 distinct values in 16,000 "
           "items, as an id or a URL column would: is it the right column "
           "(see --map)? The 20 values with the most items are shown; the "
           "last row pools the rest (about 14,980 values). Past 10,000 "
           "distinct values, the rows of new ones go to the pool directly, "
           "and their number is an estimate (within about 2%).",
           "group note: an estimated segment column");
    ef_buf_reset(&b);

    r.segment_info.values = 21;
    r.segment_info.estimated = 0;
    r.segment_info.id_like = 0;
    ef_find_group_note(&r, 1, &b);
    STR_EQ(ef_buf_cstr(&b),
           "The 20 values with the most items are shown; the last row pools "
           "the rest (1 value).",
           "group note: a pool of one value");
    ef_buf_reset(&b);
}

void test_findings(void)
{
    test_words();
    test_partial_sentences();
    test_numbers();
    test_titles();
    test_group_note();
}
