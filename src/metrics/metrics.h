/* metrics.h - the aggregator and the report model.
 *
 *   ef_agg *a = ef_agg_new(&opts);
 *   for each item:  ef_agg_add(a, &item, &scores);     // streaming
 *   ef_report *r = ef_agg_finish(a, &err);             // the model
 *   ... renderers read r ...
 *   ef_report_free(r); ef_agg_free(a);
 *
 * The report model is plain data: numbers and strings, with intervals
 * already computed. Every renderer (Markdown, HTML, charts, workbook,
 * metrics.json) reads only the model. Memory grows with periods,
 * distinct terms and authors, not with rows (response delays and labelled
 * rows are kept: those metrics need them). Channels and segments are
 * bounded: the first EF_GROUPS_TRACKED distinct values are counted
 * exactly, later new ones go straight to a pool, and the model holds the
 * largest (ef_agg_opts.groups_shown) and one pooled row for the rest.
 */
#ifndef EF_METRICS_H
#define EF_METRICS_H

#include "input/input.h"
#include "input/labels.h"
#include "sentiment/sentiment.h"
#include "util/util.h"

#define EF_Z95 1.959963984540054 /* two-sided 95% normal quantile */

/* A term names what a spike was about only when this many distinct
 * authors (items, for items without an author) use it. */
#define EF_SPIKE_TERM_AUTHORS 5

/* A share with its 95% Wilson interval. */
typedef struct {
    uint64_t count; /* items in the class */
    uint64_t n;     /* items in all */
    double share;   /* count / n (0 when n == 0) */
    double lo, hi;  /* Wilson score interval */
} ef_share;

/* NPS over the rows with an answer (0-10). */
typedef struct {
    int has; /* 0: no answers (metrics.json null) */
    uint64_t n, promoters, passives, detractors;
    double score; /* 100 (P - D) / n, in -100 .. 100 */
    double moe;   /* 95% margin of error, in points */
} ef_nps_stat;

/* A period of the trend (day, ISO week or month, in --tz). */
typedef struct {
    int64_t start;  /* Unix seconds of the period's first instant */
    char label[16]; /* "2025-W14", "2025-03-31", "2025-03" */
    char date[11];  /* the start as "2025-03-31" */
    uint64_t n;
    uint64_t count[3];   /* by ef_class: [EF_NEGATIVE], ... */
    ef_share negative;   /* negative share with CI */
    int too_few;         /* n < min_n: shown, never drives anything */
    int partial;         /* the first or last period, which the data do
                            not cover whole: no trend sentence uses it */
    int covered, length; /* partial: the data cover `covered` of its
                            `length` days (hours, for --period day) */
    ef_nps_stat nps;
    /* spike test against the median share of the 8 periods before */
    int tested;      /* enough earlier periods to test */
    double baseline; /* that median share */
    double p_value;  /* one-sided binomial P(X >= negatives) */
    int spike;       /* p < 0.001 and >= 10 negatives */
    char *terms[5];  /* its most distinctive negative terms, each
                        used by EF_SPIKE_TERM_AUTHORS authors */
    size_t nterms;
    /* calibration (issues 7, 12): the share re-estimated from human
     * labels, when computed */
    int adjusted;
    ef_share adj; /* share, lo, hi; n its items; lo == hi when all
                     are labelled */
} ef_period_stat;

/* Channel (segment) values counted exactly; values shown by default (the
 * rest pooled); and the number of values, one per 2 rows or more, at which
 * the column looks like an id or a URL. */
#define EF_GROUPS_TRACKED 10000
#define EF_GROUPS_SHOWN 20
#define EF_GROUPS_ID_LIKE 1000

/* A channel or a --segment value, or the pool of those not shown. */
typedef struct {
    char *name;           /* "twitter"; "(none)" for rows without one; the
                             pool: "(1,234 other channels)" */
    int pooled;           /* 1: the pool (always the last row) */
    uint64_t values;      /* distinct values in the row: 1, or the pool's */
    int values_estimated; /* the pool's count is an estimate (about 2%) */
    uint64_t n;
    uint64_t count[3];
    ef_share negative;
    int too_few;
    ef_nps_stat nps;
    int has_response;     /* responded_at was mapped */
    double response_rate; /* share of its items answered */
    double median_hours;  /* to first response, NAN if none */
    int adjusted;         /* adj is set: re-estimated from human labels */
    ef_share adj;         /* as ef_period_stat's */
} ef_group_stat;

/* The channel (segment) column as a whole. */
typedef struct {
    uint64_t values; /* distinct values (an estimate when estimated) */
    int estimated;   /* past EF_GROUPS_TRACKED: counted in fixed memory */
    int id_like;     /* EF_GROUPS_ID_LIKE+ values, one per 2 rows or
                        more: a notice says the mapping looks wrong */
    size_t shown;    /* rows of values; a pool row follows if fewer */
    uint64_t rows;   /* items in all its rows, the pool's included (the
                        note on the table, ef_find_group_note, says them) */
} ef_group_info;

typedef struct {
    char *term;
    uint64_t count; /* in negative items */
    uint64_t other; /* in the other items */
    double z;       /* log-odds z-score, informative Dirichlet prior */
} ef_theme;

/* One feedback item kept for the report (examples, repair queue). */
typedef struct {
    char *text;
    char *id, *channel, *author, *url, *source;
    uint64_t line;
    int64_t date;
    ef_scores scores;
    ef_class cls;
    int words;
    double priority; /* repair queue rank (higher first) */
} ef_kept_item;

/* An input file, for the data-quality section and the audit trail. */
typedef struct {
    char *path, *kind, *encoding, *sha256;
    uint64_t rows_read, rows_used, rows_rejected;
    uint64_t invalid_utf8, nul_bytes;
    uint64_t duplicates;  /* the same item again: dropped */
    uint64_t brand_posts; /* by the brand's own accounts: left out */
    char *date_format;    /* given or sniffed; "" for ISO 8601 */
    int ids_ignored;      /* mangled ids: items known by content */
    char *notes;          /* what was judged of it, one a line, or "" */
} ef_input_file;

/* A brand name VADER reads as sentiment (traps.h). */
typedef struct {
    char word[64];       /* the lexicon word, lower case */
    double valence;      /* its lexicon valence */
    char where[160];     /* 'channel "Best Buy"', "@united", ... */
    char also[160];      /* other places the word was found, or "" */
    int handle;          /* found in @handles (else a channel or segment) */
    double handle_share; /* handles: share of items with such a handle */
    double scored_share; /* share of items where the word scored, or -1
                            when no item was scored in this run */
    char brand[160];     /* the --brand value that neutralises it */
} ef_trap;

#define EF_MAX_TRAPS 8

typedef struct {
    int has;                  /* labelled rows exist */
    uint64_t labeled;         /* rows with a human label */
    uint64_t confusion[3][3]; /* [human][vader] counts by ef_class */
    double tpr, fpr;          /* negative vs not, VADER against people */
    double raw_share;         /* VADER's negative share over all rows */
    ef_share adjusted;        /* share, lo, hi: the estimate and its CI */
    ef_share adjusted_pos;
    int has_pos;           /* adjusted_pos, adjusted_neu and net are set */
    ef_share adjusted_neu; /* 1 - negative - positive, with its CI */
    double net, net_lo, net_hi; /* positive - negative, with its CI */
    int exact;                  /* every row labelled: the people's shares */
    int has_change;             /* the last two periods' adjusted difference */
    double change, change_lo, change_hi;
    int replicates;  /* bootstrap replicates run */
    char method[96]; /* "multilevel regression and post-..." */
    char note[512];  /* what it assumes, fallbacks: said plainly */
} ef_calibration;

typedef struct {
    /* the run */
    char scorer[128]; /* scorer version string */
    ef_thresholds thr;
    uint64_t min_n;      /* --min-n */
    int period_kind;     /* ef_period */
    char period_name[8]; /* "day", "week", "month" */
    char tz[64];
    int64_t generated; /* SOURCE_DATE_EPOCH or now */
    int has_expected;  /* --expected-negative given */
    double expected_negative;

    /* input */
    uint64_t rows_read, rows_used, rows_rejected;
    uint64_t rejected[EF_REJECT_COUNT];
    uint64_t invalid_utf8, nul_bytes;
    uint64_t duplicates;  /* the same item again, dropped */
    uint64_t brand_posts; /* by the brand's own accounts, left out */
    char *brand_accounts; /* those accounts ("@a, b"), or NULL when none
                             was named (--brand-account) */
    int64_t first_date, last_date;
    ef_input_file *files;
    size_t nfiles;
    int mapped[EF_F_COUNT]; /* which fields some input had */

    /* sentiment */
    uint64_t n;
    ef_share positive, neutral, negative, strongly_negative;
    double net;              /* (pos - neg) / n */
    double net_excl_neutral; /* (pos - neg) / (pos + neg), the dashboard
                                number that overstates negativity */
    uint64_t hist[40];       /* compound in 40 bins of 0.05 from -1 */
    double band_neutral;     /* share with -0.05 < compound < 0.05: items
                                without a word VADER rates, mostly; how
                                comparable public text is chosen
                                (reference.h) */
    double long_share;       /* share of items of 40 words or more */

    ef_nps_stat nps;
    int has_stars;
    uint64_t stars_n, stars[5]; /* stars[0] is 1 star */
    double stars_mean, stars_lo, stars_hi;
    ef_share csat; /* share of 4-5 stars */

    /* trend */
    ef_period_stat *periods;
    size_t nperiods;
    int has_change;     /* the last complete period and the one
                           before it both big enough */
    size_t change_last; /* has_change: the periods compared */
    size_t change_prev;
    double change; /* last share - previous share */
    double change_z, change_p;

    ef_group_stat *channels; /* the largest by n, descending (ties by name),
                                then the pool row if values were left out */
    size_t nchannels;
    ef_group_info channel_info;
    char *segment_name;      /* --segment column, or NULL */
    ef_group_stat *segments; /* as channels */
    size_t nsegments;
    ef_group_info segment_info;

    ef_theme *themes; /* by z, descending */
    size_t nthemes;

    /* who is negative */
    int has_authors;
    uint64_t negative_authors;
    double top1_share, top5_share, top10_share;
    uint64_t repeat_authors; /* authors with 3+ negative items */
    double anonymous_share;  /* negative items without an author */
    char *loudest[5];        /* authors with the most negative items */
    uint64_t loudest_n[5];
    size_t nloudest;

    /* constructive or venting (of negative items) */
    double terse_share, abusive_share, detailed_share;

    /* responding */
    int has_response;
    double response_rate, rate_by_class[3];
    double median_hours, p90_hours; /* NAN when nothing was answered */
    uint64_t responded;

    int has_turned;
    uint64_t turned_authors, turned_after_response;
    double turned_share; /* of negative authors */

    ef_kept_item *repair; /* unanswered negatives, best first */
    size_t nrepair;
    ef_kept_item *examples[3]; /* a few per class */
    size_t nexamples[3];

    ef_calibration calib;
    ef_label_stats *labels; /* each --labels file's join (malloc'd by */
    size_t nlabels;         /* the caller; ef_report_free frees it) */

    ef_trap traps[EF_MAX_TRAPS]; /* brand names read as sentiment, the
                                    most scored first */
    size_t ntraps;

    char headline[1024]; /* the first sentences (headline.h) */
} ef_report;

struct ef_agg_term; /* below, with the partial aggregates */

typedef struct {
    ef_thresholds thr;
    int period; /* ef_period */
    const ef_tz *tz;
    uint64_t min_n;  /* default 30 */
    size_t repair_n; /* default 25 */
    size_t themes_n; /* default 12 */
    int64_t generated;
    int has_expected;
    double expected_negative;
    const char *segment_name;
    const char *brand_accounts; /* --brand-account, as shown, or NULL */
    const char *scorer;
    const ef_vader *vader; /* the scorer, for the brand notices (traps.h);
                              NULL: none */
    size_t groups_shown;   /* channels (segments) shown; default 20 */
    /* Partial aggregates (below): a spike period's negative terms, asked
     * for by ef_agg_finish when no item of the period was folded. The
     * callback sets *out (malloc'd, each term malloc'd: the aggregator
     * frees them) and *n; non-zero fails the finish with e's message.
     * NULL: such a spike names no terms. */
    int (*period_terms)(void *ctx, int64_t start, int64_t next,
                        struct ef_agg_term **out, size_t *n, ef_err *e);
    void *period_terms_ctx;
} ef_agg_opts;

typedef struct ef_agg ef_agg;

/* Adding an item has two halves: ef_prep_item (scoring, splitting the
 * text into terms and counting them by class: the costly half, safe to
 * run on several threads, each with its own ef_prep) and
 * ef_agg_add_prepared (folding into the other counters: serial, in input
 * order). ef_agg_add does both. An ef_prep's term counts are a partial
 * aggregate: ef_agg_merge_prep adds them to the aggregator's, once every
 * item it prepared was folded, before ef_agg_finish. */
typedef struct ef_prep ef_prep;

typedef struct {
    ef_scores scores;
    ef_class cls;
    int words;            /* word count */
    int abusive;          /* holds an insult or profanity */
    size_t term0, nterms; /* its terms in the ef_prep's pool */
    int scored;           /* scored here: its lexicon words are known */
    size_t lex0, nlex;    /* those words in the ef_prep's pool */
    uint64_t author_hash; /* ef_strmap_hash of the author (0: none) */
    /* hashes the fold would otherwise compute on its one thread */
    uint64_t text_key;   /* of the text, when the item is an example's
                            length (0: not) */
    uint32_t author_key; /* of a negative item's author (0: not) */
} ef_prepared;

/* Working memory for one thread; v scores items not scored yet (NULL:
 * items must come scored). Free with ef_prep_free. */
ef_prep *ef_prep_new(const ef_vader *v, const ef_thresholds *thr);
void ef_prep_free(ef_prep *p);

/* Forgets the terms pooled so far (call between batches). */
void ef_prep_reset(ef_prep *p);

/* Scores it (unless it->scored) and pools its terms. */
void ef_prep_item(ef_prep *p, const ef_item *it, ef_prepared *out);

/* Folds a prepared item into the counters; p is the ef_prep that
 * prepared it, not reset since. */
void ef_agg_add_prepared(ef_agg *a, const ef_item *it, const ef_prepared *pr,
                         const ef_prep *p);

/* Starts fetching the memory ef_agg_add_prepared will look at for the
 * prepared item pr (a hint: it changes nothing). Call it a few items
 * ahead of the item's turn, so that folding the ones in between hides
 * the wait. */
void ef_agg_prefetch(const ef_agg *a, const ef_prepared *pr);

/* Adds the term counts of the items p prepared to a's, and clears them
 * in p (ef_prep_reset keeps them). Call for every ef_prep that prepared
 * items for a, before ef_agg_finish; the order does not matter. */
void ef_agg_merge_prep(ef_agg *a, ef_prep *p);

/* A new aggregator. Free with ef_agg_free. */
ef_agg *ef_agg_new(const ef_agg_opts *opts);

/* Folds one scored item into the counters (copies what it keeps). */
void ef_agg_add(ef_agg *a, const ef_item *it, const ef_scores *sc);

/* Records an input's statistics (after it was read to the end). */
void ef_agg_add_source(ef_agg *a, const ef_source_stats *st);

/* Computes the report model. The model borrows nothing from a; free it
 * with ef_report_free. Returns NULL only on failure (message in e). */
ef_report *ef_agg_finish(ef_agg *a, ef_err *e);

void ef_agg_free(ef_agg *a);
void ef_report_free(ef_report *r);

/* ==== Partial aggregates (issue 18) ====================================
 *
 * The same model from counts computed elsewhere (a PostgreSQL run's
 * query set, src/input/pg_source.c), folded into the counters that
 * ef_agg_add_prepared fills item by item; ef_agg_finish then computes
 * every statistic as for items. Partials add: any order, any number of
 * calls, the same key twice adds up. What partials cannot give, and so
 * a run from partials leaves out: the calibration (labels), the brand
 * notices (traps.h) and the share of long items. */

/* Items of one period x channel x segment x class. */
typedef struct {
    int64_t period;      /* any instant of the period (its start) */
    const char *channel; /* "" or NULL: none */
    const char *segment; /* "" or NULL: none (ignored without a
                            --segment) */
    ef_class cls;
    uint64_t n;
    uint64_t nps[3];                   /* answers 0-6, 7-8, 9-10 */
    uint64_t stars[5];                 /* 1 .. 5 stars */
    uint64_t responded;                /* rows answered */
    uint64_t terse, abusive, detailed; /* as ef_prepared's words and
                              abusive give them (counted for negatives) */
    uint64_t anonymous;                /* rows without an author */
} ef_agg_cell;

/* A term and the negative (other) items holding it. */
typedef struct ef_agg_term {
    char *term;
    uint64_t negative, other;
    uint64_t authors; /* period terms: distinct authors of those
                         negative items (an item without an author
                         is its own) */
} ef_agg_term;

/* Who is negative, merged: nhist pairs (negative items, authors with
 * that many), the turned-around counts and the loudest authors (most
 * negative items first, ties by name in byte order). */
typedef struct {
    const uint64_t *neg, *authors;
    size_t nhist;
    uint64_t turned, turned_after_response;
    const char *const *loudest;
    const uint64_t *loudest_n;
    size_t nloudest;
} ef_agg_authors;

void ef_agg_add_cell(ef_agg *a, const ef_agg_cell *c);
/* n items of this compound score (histogram, strong, neutral band). */
void ef_agg_add_compound(ef_agg *a, double compound, uint64_t n);
/* n answered items of the channel and segment answered after `seconds`
 * (0 when answered before it was posted). */
void ef_agg_add_delay(ef_agg *a, const char *channel, const char *segment,
                      int64_t seconds, uint64_t n);
/* Over all periods (term.authors unused). */
void ef_agg_add_term(ef_agg *a, const ef_agg_term *t);
/* Replaces the per-author counters (call once). */
void ef_agg_set_authors(ef_agg *a, const ef_agg_authors *au);
/* The first and last item's dates. */
void ef_agg_add_span(ef_agg *a, int64_t first, int64_t last);
/* A candidate for the shown items (repair queue, examples), scored:
 * kept as ef_agg_add_prepared keeps items, counted nowhere. */
void ef_agg_keep(ef_agg *a, const ef_item *it, const ef_scores *sc);

/* Words in text (runs of letters, digits and apostrophes). */
int ef_count_words(const char *text, size_t len);

#endif
