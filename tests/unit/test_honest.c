/* test_honest.c - issue 12's rules outside the scorer and the estimator:
 * the brand notices (traps.h), the comparable public text
 * (reference.h) and the headline's sentences (headline.h). */
#include <stdlib.h>
#include <string.h>

#include "metrics/headline.h"
#include "metrics/reference.h"
#include "metrics/traps.h"
#include "test.h"

/* ==== Brand notices ===================================================== */

/* Adds a text as an item scored here: its lexicon words from the scorer. */
static void add(ef_traps *t, const ef_vader *v, ef_vader_scratch *s,
                const char *text)
{
    uint32_t w[64];
    size_t k;
    ef_scores sc;

    ef_vader_score(v, s, text, strlen(text), &sc);
    k = ef_vader_scored_words(v, s, w, 64);
    ef_traps_add(t, text, strlen(text), w, k < 64 ? k : 64, 1);
}

static ef_group_stat *groups(const char *const *names, size_t n)
{
    ef_group_stat *g = calloc(n + 1, sizeof *g);
    for (size_t i = 0; i < n; i++)
        g[i].name = (char *)names[i];
    return g;
}

static void test_traps(void)
{
    ef_vader *v = NULL;
    ef_err err = {0};
    ef_vader_scratch *s = ef_vader_scratch_new();
    ef_traps *t;
    ef_report *r = calloc(1, sizeof *r);
    static const char *const chans[] = {"Twitter", "Best Buy", "(none)"};
    char text[512];

    ef_vader_new(&v, &err);
    ef_vader_set_names(v, 1);
    OK(ef_traps_new(NULL) == NULL, "no scorer: no notices");
    ef_traps_add(NULL, "x", 1, NULL, 0, 1); /* does nothing */
    t = ef_traps_new(v);
    /* 200 items: 50 to @united, 2 to @BestBuy (1%), 1 to @HappyCo
     * (0.5%: too rare); "united" bare in 20, "best" in 10; an e-mail
     * address is no handle */
    for (int i = 0; i < 200; i++) {
        if (i < 50)
            add(t, v, s, "@united my flight was delayed");
        else if (i < 70)
            add(t, v, s, "united lost my bag");
        else if (i < 80)
            add(t, v, s, "the best service");
        else if (i < 82)
            add(t, v, s, "hi @BestBuy where is my order");
        else if (i == 82)
            add(t, v, s, "@HappyCo thanks");
        else if (i < 90)
            add(t, v, s, "write to care@united.com please");
        else
            add(t, v, s, "nothing to see");
    }
    r->n = 200;
    r->channels = groups(chans, 3);
    r->nchannels = 3;
    ef_traps_finish(t, r);
    /* united: in 50 of 200 items as a handle, scored in 20 (bare); best
     * (channel "Best Buy" and @BestBuy): scored in 10 + 0 */
    INT_EQ(r->ntraps, 2, "two notices: united, best");
    STR_EQ(r->traps[0].word, "united", "the most scored first");
    DBL_NEAR(r->traps[0].valence, 1.8, 1e-12, "its valence");
    STR_EQ(r->traps[0].where, "@united", "where: the handle");
    DBL_NEAR(r->traps[0].handle_share, 0.25, 1e-12, "50 of 200 items");
    DBL_NEAR(r->traps[0].scored_share, 0.10, 1e-12,
             "scored in 20 of 200: the mentions do not count");
    STR_EQ(r->traps[0].brand, "united", "--brand united");
    STR_EQ(r->traps[1].word, "best", "best");
    STR_EQ(r->traps[1].where, "@BestBuy", "a handle in 1% of items counts");
    STR_EQ(r->traps[1].also, "channel \"Best Buy\"", "and the channel");
    STR_EQ(r->traps[1].brand, "best buy", "--brand 'best buy'");
    DBL_NEAR(r->traps[1].scored_share, 0.05, 1e-12, "best: 10 of 200");
    ef_trap_text(&r->traps[1], text, sizeof text);
    STR_EQ(text,
           "@BestBuy (in 1.0% of items), and channel \"Best Buy\": "
           "\"best\" is a VADER word (+3.2); written without the @ it "
           "scores in 5.0% of items; where it names the brand, add --brand "
           "'best buy' (or --brand best where the word alone names it)",
           "the notice in words");
    ef_traps_free(t);

    /* scores from a store's cache: how often a word scored is unknown */
    t = ef_traps_new(v);
    for (int i = 0; i < 10; i++)
        ef_traps_add(t, "@united hi", 10, NULL, 0, 0);
    ef_traps_finish(t, r);
    INT_EQ(r->ntraps > 0, 1, "cached: still noticed");
    DBL_NEAR(r->traps[0].scored_share, -1, 0, "cached: not counted");
    ef_trap_text(&r->traps[0], text, sizeof text);
    OK(strstr(text, "store's cache") != NULL, "cached: said");
    ef_traps_free(t);

    /* --brand: the notice goes */
    {
        ef_vader *vb = NULL;
        ef_vader_new(&vb, &err);
        ef_vader_add_brands(vb, "united,best buy", &err);
        t = ef_traps_new(vb);
        for (int i = 0; i < 10; i++)
            ef_traps_add(t, "@united hi", 10, NULL, 0, 0);
        ef_traps_finish(t, r);
        INT_EQ(r->ntraps, 0, "--brand united, best buy: no notice");
        ef_traps_free(t);
        ef_vader_free(vb);
    }
    free(r->channels);
    free(r);
    ef_vader_scratch_free(s);
    ef_vader_free(v);
}

/* ==== Comparable public text and the headline =========================== */

static void test_reference(void)
{
    /* tweets: 6% scored neutral, reviews 29.6%: the nearer wins */
    STR_EQ(ef_reference_comparable(0.02)->what, "tweets", "2%: tweets");
    STR_EQ(ef_reference_comparable(0.17)->what, "tweets", "17%: tweets");
    STR_EQ(ef_reference_comparable(0.18)->what, "product reviews",
           "18%: reviews");
    STR_EQ(ef_reference_comparable(0.5)->what, "product reviews",
           "50%: reviews");
    /* reviews: VADER 17.6 points below people */
    DBL_NEAR(ef_reference_comparable(0.3)->vader -
                 ef_reference_comparable(0.3)->people,
             -0.1756, 1e-9, "the reviews' error");
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static ef_report *model(void)
{
    ef_report *r = calloc(1, sizeof *r);
    r->n = 1000;
    r->negative = (ef_share){300, 1000, 0.3, 0.272, 0.329};
    r->band_neutral = 0.34;
    snprintf(r->period_name, sizeof r->period_name, "week");
    return r;
}

static void test_headline(void)
{
    ef_report *r = model();

    ef_headline_make(r);
    STR_EQ(r->headline,
           "VADER scored 30.0% of 1,000 items negative (sampling error "
           "alone: 27.2% to 32.9%). Not checked against people: on public "
           "product reviews, the closer match (30% of them without a word "
           "VADER rates, 34% here), VADER's negative share was 17.6 points "
           "below people's; on tweets (6%) it was within 0.1 points of "
           "people's. To check it, label a sample: --label-sample 300, then "
           "earful label, then --labels.",
           "unchecked: VADER's, sampling error, comparable text, how to "
           "check");
    /* a belief: no verdict against an unchecked share */
    r->has_expected = 1;
    r->expected_negative = 0.3;
    ef_headline_make(r);
    OK(strstr(r->headline, "neither confirmed nor refuted") != NULL &&
           strstr(r->headline, "within") == strstr(r->headline, "within 0.1"),
       "unchecked: no verdict");
    OK(strstr(ef_headline_verdict(r), "unchecked") != NULL,
       "unchecked: the verdict says why there is none");
    /* too few labels: said in one sentence */
    r->calib.has = 1;
    r->calib.labeled = 12;
    snprintf(r->calib.method, sizeof r->calib.method, "none: too few");
    ef_headline_make(r);
    OK(strstr(r->headline, "The 12 labels given are too few to re-estimate "
                           "it.") != NULL,
       "too few labels");
    /* checked: the re-estimate first, VADER's beside it */
    snprintf(r->calib.method, sizeof r->calib.method, "multilevel");
    r->calib.labeled = 300;
    r->calib.adjusted = (ef_share){520, 1000, 0.52, 0.47, 0.57};
    ef_headline_make(r);
    OK(starts(r->headline,
              "Re-estimated from 300 human labels, 52.0% of "
              "1,000 items were negative (95% interval 47.0% to 57.0%); "
              "VADER alone counts 30.0%."),
       "checked: the re-estimate first");
    OK(strstr(r->headline, "Leadership expected 30.0%: more negative than "
                           "believed.") != NULL,
       "checked: a verdict");
    /* every item labelled: exact */
    r->calib.exact = 1;
    r->calib.labeled = 1000;
    r->calib.adjusted = (ef_share){520, 1000, 0.52, 0.52, 0.52};
    ef_headline_make(r);
    OK(starts(r->headline, "People labelled all 1,000 items: 52.0% are "
                           "negative, exactly (VADER alone counts 30.0%)."),
       "all labelled: exact");
    free(r);
}

void test_honest(void)
{
    test_traps();
    test_reference();
    test_headline();
}
