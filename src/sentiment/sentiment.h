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

#define EF_THRESHOLDS_DEFAULT {-0.05, 0.05}

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
 * lexicon file was added. Owned by v. */
const char *ef_vader_version(const ef_vader *v);

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
