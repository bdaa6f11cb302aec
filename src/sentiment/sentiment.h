/* sentiment.h - the scorer: VADER (Hutto & Gilbert, ICWSM 2014) with the
 * semantics of the reference implementation vaderSentiment 3.3.2.
 *
 *   ef_vader *v;
 *   ef_vader_new(&v, &err);                 // the built-in lexicon
 *   ef_vader_add_lexicon(v, "brand.tsv", &err);   // optional overrides
 *   ef_vader_scratch *s = ef_vader_scratch_new(); // one per thread
 *   ef_vader_score(v, s, text, len, &scores);
 *
 * A scorer is read-only once built, so threads may share it; each thread
 * needs its own scratch.
 */
#ifndef EF_SENTIMENT_H
#define EF_SENTIMENT_H

#include "util/util.h"

/* Identifies the scorer in caches (the store keeps it beside each score):
 * a row scored by another version, or with another lexicon, is rescored. */
#define EF_SCORER_VERSION "vader-3.3.2/lexicon-1.1.3/earful-1"

typedef struct {
    double neg;      /* share of negative intensity, rounded to 3 decimals */
    double neu;      /* share of neutral words, rounded to 3 decimals */
    double pos;      /* share of positive intensity, rounded to 3 decimals */
    double compound; /* normalised sum, -1 .. 1, rounded to 4 decimals */
} ef_scores;

typedef enum { EF_NEGATIVE = 0, EF_NEUTRAL = 1, EF_POSITIVE = 2 } ef_class;

typedef struct {
    double neg_max; /* compound <= neg_max is negative (default -0.05) */
    double pos_min; /* compound >= pos_min is positive (default 0.05) */
} ef_thresholds;

#define EF_THRESHOLDS_DEFAULT                                                 \
    {                                                                         \
        -0.05, 0.05                                                           \
    }

typedef struct ef_vader ef_vader;
typedef struct ef_vader_scratch ef_vader_scratch;

/* Builds a scorer with the built-in lexicon and emoji map. Free with
 * ef_vader_free. */
ef_status ef_vader_new(ef_vader **out, ef_err *e);
void ef_vader_free(ef_vader *v);

/* Adds or overrides lexicon entries from a file of `word<TAB>valence`
 * lines (more tab-separated columns are ignored; blank lines and lines
 * starting with '#' are skipped). Errors name the file and line. The
 * scorer's version string then records that a custom lexicon is in use. */
ef_status ef_vader_add_lexicon(ef_vader *v, const char *path, ef_err *e);

/* "vader-3.3.2/lexicon-1.1.3/earful-1", plus "+custom-<hash>" once a
 * lexicon file was added, "+names" with the names rules and
 * "+brand-<hash>" with --brand phrases. Owned by v. */
const char *ef_vader_version(const ef_vader *v);

/* ==== Names are not sentiment =========================================== *
 *
 * The reference reads "@united" as "united" (+1.8): a complaint addressed
 * to an airline of that name scores +0.2263 where the same words to any
 * other airline score -0.2263. With the names rules (report and import
 * use them; `earful score` only with --names or --brand):
 *
 *   - A mention carries no valence: a token with '@' right before what is
 *     left once its punctuation is stripped ("@united", ".@united",
 *     "(@united)"). "#united" and "me@united.com" are not mentions: a
 *     hashtag keeps its valence ("#fail" is meant).
 *   - A --brand phrase carries no valence wherever its words are written
 *     out in a row, in any case and with any punctuation around them
 *     ("best buy", "Best Buy's", "#united" for the brand "united"). The
 *     last word may carry "'s".
 *
 * Such a token becomes exactly a word the lexicon does not know (as
 * "@delta" is): it is not a sentiment word, booster, dampener, negation
 * or rule word ("@never good" is not negated, "@very good" not boosted,
 * "good @but bad" not split), and it counts as a neutral token in the
 * pos/neu/neg proportions and in the three-word windows of the booster
 * and negation rules (so "not @united good" is "not x good": "not" is
 * two words back). Its capitals count in the ALL-CAPS differential, as
 * those of any word do ("@UNITED GREAT" has no differential; "@united
 * GREAT" has one). Thus a text scores the same whichever account it
 * names. */

#define EF_BRAND_WORDS 8  /* words in a --brand phrase, most */
#define EF_BRANDS_MAX 256 /* --brand phrases, most */

/* Turns the names rules on (1) or off (0, the reference's semantics). */
void ef_vader_set_names(ef_vader *v, int on);

/* Adds --brand phrases: a comma-separated list ("united,best buy"); each
 * phrase is split and lower-cased as the scorer splits texts. Turns the
 * names rules on. Errors (EF_ERR_USAGE): an empty phrase, more than
 * EF_BRAND_WORDS words or EF_BRANDS_MAX phrases. */
ef_status ef_vader_add_brands(ef_vader *v, const char *list, ef_err *e);

/* Whether phrase (lower-case words, one space between) is a --brand. */
int ef_vader_is_brand(const ef_vader *v, const char *phrase);

/* ---- The lexicon's words, for the report's notices ------------------- */

/* Indices of lexicon words run from 0 to ef_vader_words(v) - 1; they are
 * fixed once every ef_vader_add_lexicon call is made. */
size_t ef_vader_words(const ef_vader *v);

/* Whether the lower-cased word (len bytes) is a sentiment word that no
 * one-word --brand neutralises: 1 with its index and valence, else 0. */
int ef_vader_find(const ef_vader *v, const char *word, size_t len,
                  uint32_t *index, double *valence);

/* The word at an index ("" if none). Owned by v. */
const char *ef_vader_word(const ef_vader *v, uint32_t index);

/* The sentiment words of the text s scored last (after the names rules,
 * repeats included, boosters and negations not): writes up to cap of
 * their indices to out and returns how many there are. */
size_t ef_vader_scored_words(const ef_vader *v, const ef_vader_scratch *s,
                             uint32_t *out, size_t cap);

/* Per-thread working memory. Free with ef_vader_scratch_free. */
ef_vader_scratch *ef_vader_scratch_new(void);
void ef_vader_scratch_free(ef_vader_scratch *s);

/* Scores len bytes of UTF-8 text (invalid sequences count as U+FFFD; NUL
 * is an ordinary character). Never fails. */
void ef_vader_score(const ef_vader *v, ef_vader_scratch *s, const char *text,
                    size_t len, ef_scores *out);

/* The class of a compound score: positive from pos_min up, else negative
 * up to neg_max, else neutral. In arithmetic, as the scorer calls it for
 * every text and a branch on the sign of a score goes either way at
 * random. */
static inline ef_class ef_classify(double compound, const ef_thresholds *t)
{
    int pos = compound >= t->pos_min;
    int neg = !pos & (compound <= t->neg_max);
    return (ef_class)(EF_NEUTRAL + pos - neg);
}

/* "negative", "neutral", "positive". */
const char *ef_class_name(ef_class c);

#endif
