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

static void test_chart_numbers(void)
{
    char out[32];

    ef_find_signed(out, 23.4);
    STR_EQ(out, "+23", "signed: plus");
    ef_find_signed(out, 0.4);
    STR_EQ(out, "0", "signed: zero, no sign");
    ef_find_signed(out, -5.2);
    STR_EQ(out,
           "\xE2\x88\x92"
           "5",
           "signed: U+2212");
    ef_find_score(out, -0.05);
    STR_EQ(out,
           "\xE2\x88\x92"
           "0.05",
           "score: two decimals");
    ef_find_score(out, 0.5);
    STR_EQ(out, "+0.5", "score: no trailing zero");
    ef_find_score(out, 1);
    STR_EQ(out, "+1", "score: no point");
    ef_find_score(out, 0);
    STR_EQ(out, "0", "score: zero");
}

/* Volume and negative share trends: subtitle, notes, alt text. */
static void test_chart_trends(void)
{
    static const uint64_t items[3] = {40, 10, 50};
    static const uint64_t neg[3] = {4, 1, 10};
    ef_period_stat p[3];
    ef_report r;
    ef_find_text t = {EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT};

    weeks(p, 3, items, neg);
    p[1].too_few = 1;
    model(&r, p, 3, EF_PERIOD_WEEK, "week");
    r.min_n = 30;
    r.n = 100;
    r.negative.share = 0.15;
    ef_find_chart_volume(&r, &t);
    STR_EQ(ef_buf_cstr(&t.subtitle),
           "Items per week by sentiment class \xC2\xB7 100 items in 3 weeks",
           "volume subtitle");
    STR_EQ(ef_buf_cstr(&t.note),
           "Lighter bars: fewer than 30 items, too few to call.",
           "volume note: too few");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Stacked bar chart of the number of items per week from 2025-W10 "
           "to 2025-W12, split into negative, neutral and positive. 100 "
           "items in all; fewest in 2025-W11 (10), most in 2025-W12 (50). "
           "1 week had fewer than 30 items.",
           "volume desc: one week too few");
    ef_find_text_reset(&t);

    ef_find_chart_negative(&r, &t);
    STR_EQ(ef_buf_cstr(&t.subtitle),
           "Share VADER scored negative per week, unchecked, with its 95% "
           "interval (sampling error only) \xC2\xB7 100 items",
           "negative subtitle: VADER's");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Line chart of the negative share per week from 2025-W10 to "
           "2025-W12 (3 weeks), as VADER scored it, with 95% Wilson "
           "intervals. Over all items the negative share is 15%. Lowest 10% "
           "in 2025-W10, highest 20% in 2025-W12. 1 week had fewer than 30 "
           "items and is shown hollow, too few to call.",
           "negative desc: one week too few, singular");
    INT_EQ(t.note.len, 0, "negative note: no spike, nothing partial");
    ef_find_text_reset(&t);

    /* two too few, a spike and a partial week */
    p[0].too_few = 1;
    p[2].spike = 1;
    p[2].baseline = 0.05;
    p[2].partial = 1;
    p[2].covered = 3;
    p[2].length = 7;
    ef_find_chart_volume(&r, &t);
    STR_EQ(ef_buf_cstr(&t.note),
           "Lighter bars: fewer than 30 items, too few to call. Hatched "
           "bars: a partial week, which the data cover only in part.",
           "volume note: too few and partial");
    OK(strstr(ef_buf_cstr(&t.desc),
              " 2 weeks had fewer than 30 items. 2025-W12 is partial: the "
              "data cover 3 of its 7 days.") != NULL,
       ef_buf_cstr(&t.desc));
    ef_find_text_reset(&t);
    ef_find_chart_negative(&r, &t);
    STR_EQ(ef_buf_cstr(&t.note),
           "Spike: a week whose negatives are improbably many against the "
           "median share of the 8 weeks before (binomial p < 0.001, at least "
           "10 negatives). Open dot: a partial week, which the data cover "
           "only in part.",
           "negative note: spike and partial");
    OK(strstr(ef_buf_cstr(&t.desc),
              " Spike in 2025-W12: VADER scored 20% negative against a "
              "baseline of 5.0%. 2 weeks had fewer than 30 items and are "
              "shown hollow, too few to call.") != NULL,
       ef_buf_cstr(&t.desc));
    ef_find_text_reset(&t);
}

static void channel(ef_group_stat *g, char *name, uint64_t n, double share,
                    double lo, double hi, int too_few)
{
    memset(g, 0, sizeof *g);
    g->name = name;
    g->n = n;
    g->negative.share = share;
    g->negative.lo = lo;
    g->negative.hi = hi;
    g->too_few = too_few;
}

static void test_chart_channels(void)
{
    char tw[] = "twitter", fb[] = "facebook", fo[] = "forum";
    ef_group_stat g[3];
    size_t rows[3] = {0, 1, 2};
    ef_report r;
    ef_find_text t = {EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT};

    model(&r, NULL, 0, EF_PERIOD_WEEK, "week");
    r.n = 1500;
    r.channels = g;
    r.nchannels = 3;
    channel(&g[0], tw, 1000, 0.30, 0.27, 0.33, 0);
    channel(&g[1], fb, 480, 0.10, 0.08, 0.13, 0);
    channel(&g[2], fo, 20, 0.5, 0.3, 0.7, 1);
    ef_find_chart_channels(&r, rows, 3, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Negative share is highest for \xE2\x81\xA8twitter\xE2\x81\xA9 "
           "(30%) and lowest for \xE2\x81\xA8"
           "facebook\xE2\x81\xA9 (10%)",
           "channels title: apart, names isolated");
    STR_EQ(ef_buf_cstr(&t.subtitle),
           "Share VADER scored negative per channel, unchecked, with its 95% "
           "interval (sampling error only) \xC2\xB7 1,500 items",
           "channels subtitle");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Horizontal bar chart of the negative share in each of 3 "
           "channels, highest first, with 95% intervals, as VADER scored "
           "it. twitter: 30.0% (n = 1,000). facebook: 10.0% (n = 480). "
           "forum: too few to call (n = 20).",
           "channels desc");
    INT_EQ(t.note.len, 0, "channels: all shown, no note");
    ef_find_text_reset(&t);

    g[1].negative.hi = 0.28; /* intervals overlap */
    ef_find_chart_channels(&r, rows, 2, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Negative share is similar across channels (10% to 30%)",
           "channels title: similar");
    STR_EQ(ef_buf_cstr(&t.note), "Showing the 2 largest of 3 channels.",
           "channels note: some left out");
    OK(strstr(ef_buf_cstr(&t.desc), "each of 2 channels, highest first") !=
               NULL &&
           strstr(ef_buf_cstr(&t.desc), " 1 smaller channel is not shown.") !=
               NULL,
       ef_buf_cstr(&t.desc));
    ef_find_text_reset(&t);

    g[1].too_few = 1;
    ef_find_chart_channels(&r, rows, 1, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Negative share for \xE2\x81\xA8twitter\xE2\x81\xA9 is 30%",
           "channels title: one to call");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Horizontal bar chart of the negative share in each of 1 "
           "channel, highest first, with 95% intervals, as VADER scored it. "
           "twitter: 30.0% (n = 1,000). 2 smaller channels are not shown.",
           "channels desc: one channel");
    ef_find_text_reset(&t);

    g[0].too_few = 1;
    ef_find_chart_channels(&r, rows, 3, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Too few items per channel to compare negative shares",
           "channels title: none to call");
    ef_find_text_reset(&t);
}

/* NPS answers: promoters, passives, detractors, the score and margin. */
static void nps(ef_nps_stat *q, uint64_t p, uint64_t pa, uint64_t d,
                double score, double moe)
{
    q->has = 1;
    q->n = p + pa + d;
    q->promoters = p;
    q->passives = pa;
    q->detractors = d;
    q->score = score;
    q->moe = moe;
}

static void test_chart_mix_nps_stars(void)
{
    ef_report r;
    ef_find_text t = {EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT, EF_BUF_INIT};

    model(&r, NULL, 0, EF_PERIOD_WEEK, "week");
    r.n = 2000;
    r.min_n = 30;
    r.thr.neg_max = -0.05;
    r.thr.pos_min = 0.05;
    r.negative.share = 0.2;
    r.neutral.share = 0.2;
    r.positive.share = 0.6;
    ef_find_chart_mix(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Most feedback scores positive: 60% positive, 20% neutral, 20% "
           "negative",
           "mix title: a majority");
    STR_EQ(ef_buf_cstr(&t.note),
           "Negative: \xE2\x88\x92"
           "0.05 or below; positive: +0.05 or "
           "above; neutral in between.",
           "mix note: the thresholds");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Histogram of the VADER compound score of 2,000 items in 40 bins "
           "from \xE2\x88\x92"
           "1 to +1, coloured by class: negative at "
           "\xE2\x88\x92"
           "0.05 or below, positive at +0.05 or above, "
           "neutral in between. Negative 20.0%, neutral 20.0%, positive "
           "60.0%.",
           "mix desc");
    ef_find_text_reset(&t);
    r.negative.share = 0.35;
    r.neutral.share = 0.3;
    r.positive.share = 0.35;
    ef_find_chart_mix(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "No class holds a majority: 35% positive, 30% neutral, 35% "
           "negative",
           "mix title: no majority");
    ef_find_text_reset(&t);
    r.neutral.share = 1;
    ef_find_chart_mix(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title), "All feedback scores neutral",
           "mix title: all one class");
    ef_find_text_reset(&t);

    /* NPS: one answer, too few; then 200 answers without periods */
    nps(&r.nps, 1, 0, 0, 100, 0);
    ef_find_chart_nps(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Only 1 NPS answer: too few to call (NPS +100 \xC2\xB1"
           "0.0)",
           "nps title: one answer");
    STR_EQ(ef_buf_cstr(&t.subtitle), "Net Promoter Score \xC2\xB7 1 answer",
           "nps subtitle: one answer, singular");
    OK(strstr(ef_buf_cstr(&t.desc), "over 1 answer: ") != NULL,
       ef_buf_cstr(&t.desc));
    ef_find_text_reset(&t);
    nps(&r.nps, 100, 40, 60, 20, 12.4);
    ef_find_chart_nps(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "NPS is +20 (\xC2\xB1"
           "12): 50% promoters, 30% detractors",
           "nps title");
    STR_EQ(ef_buf_cstr(&t.subtitle), "Net Promoter Score \xC2\xB7 200 answers",
           "nps subtitle: no periods");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Net Promoter Score +20 with a 95% margin of 12 points over 200 "
           "answers: 50% promoters, 20% passives, 30% detractors.",
           "nps desc");
    STR_EQ(ef_buf_cstr(&t.note),
           "Promoters answer 9 or 10, passives 7 or 8, detractors 0 to 6; "
           "NPS = % promoters - % detractors.",
           "nps note");
    ef_find_text_reset(&t);

    /* stars: one rating, then 120 */
    r.stars_n = 1;
    r.stars[4] = 1;
    r.stars_mean = r.stars_lo = r.stars_hi = 5;
    r.csat.share = 1;
    ef_find_chart_stars(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Only 1 rating: too few to call (average 5.0 of 5)",
           "stars title: one rating");
    ef_find_text_reset(&t);
    r.stars_n = 120;
    r.stars[0] = 12;
    r.stars[1] = 12;
    r.stars[2] = 24;
    r.stars[3] = 36;
    r.stars[4] = 36;
    r.stars_mean = 3.5;
    r.stars_lo = 3.28;
    r.stars_hi = 3.72;
    r.csat.share = 0.6;
    ef_find_chart_stars(&r, &t);
    STR_EQ(ef_buf_cstr(&t.title),
           "Average rating 3.5 of 5; 60% gave 4 or 5 stars", "stars title");
    STR_EQ(ef_buf_cstr(&t.subtitle),
           "Share of ratings by stars \xC2\xB7 120 ratings", "stars subtitle");
    STR_EQ(ef_buf_cstr(&t.note),
           "Mean 3.50 (95% interval 3.28 to 3.72); CSAT, the share of 4 and "
           "5 stars, 60%.",
           "stars note");
    STR_EQ(ef_buf_cstr(&t.desc),
           "Bar chart of 120 star ratings: 5 stars 30.0%, 4 stars 30.0%, 3 "
           "stars 20.0%, 2 stars 10.0%, 1 star 10.0%. Mean 3.50 (95% "
           "interval 3.28 to 3.72), CSAT 60%.",
           "stars desc: 1 star, not 1 stars");
    ef_find_text_reset(&t);
}

void test_findings(void)
{
    test_words();
    test_partial_sentences();
    test_numbers();
    test_titles();
    test_group_note();
    test_chart_numbers();
    test_chart_trends();
    test_chart_channels();
    test_chart_mix_nps_stars();
}
