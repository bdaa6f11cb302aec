/* test_scale.c - ratings and NPS answers as tools export them
 * (ef_source_parse_scale in source.c): every form accepted, and the
 * near misses that stay rejected, for a rating (1-5, stars) and for an
 * NPS answer (0-10). */
#include <string.h>

#include "test.h"

int ef_source_parse_scale(const char *s, size_t n, int lo, int hi, int stars,
                          int *out);

#define BLACK "\xe2\x98\x85"  /* U+2605 */
#define WHITE "\xe2\x98\x86"  /* U+2606 */
#define EMOJI "\xe2\xad\x90"  /* U+2B50 */
#define VS16 "\xef\xb8\x8f"   /* U+FE0F */
#define EN "\xe2\x80\x93"     /* U+2013 */
#define EM "\xe2\x80\x94"     /* U+2014 */
#define HYPHEN "\xe2\x80\x90" /* U+2010, not one of the dashes */

typedef struct {
    const char *in;
    int rating; /* as a rating (1-5, stars): the value, or -1 rejected */
    int nps;    /* as an NPS answer (0-10): the value, or -1 rejected */
} scale_case;

static const scale_case cases[] = {
    /* plain numbers, as before */
    {"4", 4, 4},
    {" 4 ", 4, 4},
    {"4.0", 4, 4},
    {"4.00", 4, 4},
    {"+4", 4, 4},
    {"0", -1, 0},
    {"10", -1, 10},
    {"6", -1, 6},
    {"11", -1, -1},
    {"-1", -1, -1},
    {"-0", -1, 0},
    {"4.5", -1, -1},
    {"abc", -1, -1},
    {"", -1, -1},
    /* a decimal comma with a zero fraction */
    {"4,0", 4, 4},
    {"4,00", 4, 4},
    {"10,0", -1, 10},
    {"4,5", -1, -1},
    {"4,000", -1, -1}, /* four thousand where a comma groups thousands */
    {"4,", -1, -1},
    {"4.05", -1, -1},
    /* stars written out: ratings only */
    {"5 stars", 5, -1},
    {"1 star", 1, -1},
    {"1 stars", 1, -1},
    {"5 star", 5, -1},
    {"5stars", 5, -1},
    {"3 STARS", 3, -1},
    {"3 Stars", 3, -1},
    {"4.0 stars", 4, -1},
    {"4,0 stars", 4, -1},
    {"  5  stars  ", 5, -1},
    {"0 stars", -1, -1},
    {"6 stars", -1, -1},
    {"4.5 stars", -1, -1},
    {"5 stars!!", -1, -1},
    {"5 stars.", -1, -1},
    {"five stars", -1, -1},
    {"5 starz", -1, -1},
    {"stars 5", -1, -1},
    /* out of the field's own maximum, never rescaled */
    {"4/5", 4, -1},
    {"4 / 5", 4, -1},
    {"4 /5", 4, -1},
    {"4/ 5", 4, -1},
    {"4 out of 5", 4, -1},
    {"4 Out Of 5", 4, -1},
    {"4.0 out of 5 stars", 4, -1}, /* Amazon's form */
    {"4/5 stars", 4, -1},
    {"5/5", 5, -1},
    {"0/5", -1, -1},
    {"6/5", -1, -1},
    {"8/10", -1, 8},
    {"8 / 10", -1, 8},
    {"8 out of 10", -1, 8},
    {"0/10", -1, 0},
    {"10/10", -1, 10},
    {"11/10", -1, -1},
    {"4/10", -1, 4}, /* a rating column's 4/10 is not 2 stars */
    {"8/10 stars", -1, -1},
    {"4/5.0", -1, -1},
    {"4/", -1, -1},
    {"/5", -1, -1},
    {"4 outof 5", -1, -1},
    {"4 out of5", -1, -1},
    {"4 out 5", -1, -1},
    {"4 of 5", -1, -1},
    {"4/5!", -1, -1},
    {"4/5 (good)", -1, -1},
    {"4.5/5", -1, -1},
    /* a survey's label after a dash */
    {"0 - Not at all likely", -1, 0},
    {"10 " EN " Extremely likely", -1, 10},
    {"10 " EM " Extremely likely", -1, 10},
    {"10" EM " Extremely likely", -1, 10},
    {"10 -  Extremely likely", -1, 10},
    {"5 - Very satisfied", 5, 5},
    {"1 - Poor", 1, 1},
    {"1 -Poor", -1, -1}, /* no blank after the dash */
    {"9-10", -1, -1},    /* a range */
    {"9 - 10", -1, -1},  /* a range too */
    {"0 - ", -1, -1},    /* no label */
    {"0 -", -1, -1},
    {"- Not likely", -1, -1},
    {"11 - Off the scale", -1, -1},
    {"4.5 - Good", -1, -1},
    {"10 " HYPHEN " Extremely likely", -1, -1},
    {"10 : Extremely likely", -1, -1},
    {"10 Extremely likely", -1, -1},
    /* stars drawn: ratings only */
    {BLACK BLACK BLACK WHITE WHITE, 3, -1},
    {BLACK BLACK BLACK BLACK BLACK, 5, -1},
    {BLACK WHITE WHITE WHITE WHITE, 1, -1},
    {BLACK " " BLACK " " WHITE " " WHITE " " WHITE, 2, -1},
    {BLACK BLACK BLACK, 3, -1}, /* no white ones: the count */
    {BLACK, 1, -1},
    {WHITE WHITE WHITE WHITE WHITE, -1, -1}, /* 0 stars */
    {BLACK BLACK WHITE, -1, -1},             /* white ones: five in all */
    {BLACK BLACK BLACK BLACK WHITE WHITE, -1, -1},
    {BLACK BLACK BLACK BLACK BLACK BLACK, -1, -1},
    {EMOJI EMOJI EMOJI EMOJI, 4, -1},
    {EMOJI " " EMOJI, 2, -1},
    {EMOJI VS16 EMOJI VS16 EMOJI VS16, 3, -1},
    {EMOJI EMOJI EMOJI EMOJI EMOJI EMOJI, -1, -1},
    {EMOJI BLACK BLACK, -1, -1}, /* one kind per run */
    {EMOJI WHITE, -1, -1},
    {VS16, -1, -1},
    {BLACK BLACK "!", -1, -1},
    {BLACK BLACK BLACK " 3", -1, -1},
    {"3 " BLACK BLACK BLACK, -1, -1},
    {"\xe2\x98", -1, -1}, /* cut short */
};

void test_scale(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const scale_case *c = &cases[i];
        char what[160];
        int got = -1, v = 99;

        if (ef_source_parse_scale(c->in, strlen(c->in), 1, 5, 1, &v) == 0)
            got = v;
        snprintf(what, sizeof what, "rating '%s'", c->in);
        INT_EQ(got, c->rating, what);
        got = -1;
        v = 99;
        if (ef_source_parse_scale(c->in, strlen(c->in), 0, 10, 0, &v) == 0)
            got = v;
        snprintf(what, sizeof what, "nps '%s'", c->in);
        INT_EQ(got, c->nps, what);
    }
}
