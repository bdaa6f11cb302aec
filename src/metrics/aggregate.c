/* aggregate.c - folds scored items into counters, and turns the counters
 * into the report model (ef_agg_finish). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/calibrate.h"
#include "metrics/distinct.h"
#include "metrics/headline.h"
#include "metrics/metrics.h"
#include "metrics/stats.h"
#include "metrics/themes.h"
#include "metrics/traps.h"
#include "util/strmap.h"

#define STRONG_NEGATIVE (-0.75) /* compound at or below: strongly negative */
#define TERSE_WORDS 8           /* fewer words than this: terse */
#define LONG_WORDS 40           /* this many words or more: a long item */
#define SPIKE_P 0.001
#define SPIKE_MIN_NEG 10
#define SPIKE_WINDOW 8       /* earlier periods for the baseline */
#define SPIKE_MIN_WINDOW 4   /* fewer than this: not tested */
#define THEME_MIN_COUNT 5    /* a theme appears in 5+ negative items */
#define EXAMPLES 3           /* examples kept per class */
#define EXAMPLE_MIN_WORDS 6  /* of this many words ... */
#define EXAMPLE_MAX_WORDS 40 /* ... to this many */
#define DAY 86400.0

/* Who used a term in a period: the first distinct authors, enough to
 * tell whether EF_SPIKE_TERM_AUTHORS did. */
typedef struct {
    uint32_t who[EF_SPIKE_TERM_AUTHORS - 1]; /* hashes of authors */
    uint8_t n; /* distinct authors, up to EF_SPIKE_TERM_AUTHORS */
} term_authors;

typedef struct {
    int64_t start;
    uint64_t count[3];
    uint64_t nps[3];  /* detractors, passives, promoters */
    ef_strmap *terms; /* terms of its negative items */
    uint64_t *tcount;
    term_authors *tauth; /* by term, as tcount */
    size_t tcap, tacap;
} period_acc;

typedef struct {
    uint64_t count[3];
    uint64_t nps[3];
    uint64_t responded;
    float *hours;
    size_t nhours, hcap;
    char *name; /* as first written, when the key is case-folded */
} group_acc;

/* The channels (or segments): the first EF_GROUPS_TRACKED values seen
 * each have their counters; rows of later new values go to `rest`, so
 * memory stays bounded whatever the column holds. */
typedef struct {
    ef_strmap *map; /* value -> index into acc */
    group_acc *acc;
    size_t cap;
    group_acc rest;  /* rows of the values past the table */
    int overflow;    /* some value went to rest */
    ef_distinct all; /* every value, for the count past the table */
} group_tab;

/* An author of negative items (authors of none are not kept by name). */
typedef struct {
    uint32_t neg;
    int64_t first_neg;   /* date of the first negative item */
    int64_t first_reply; /* earliest response to a negative item */
} author_acc;

/* Values kept by a 64-bit hash of their key, the key never copied (16
 * bytes a key; 0 is read as 1): open addressing, linear probing. Two keys
 * of one hash share a value.
 * - The authors of positive items, by ef_strmap_hash of the name: the date
 *   of their last positive item, which says whether an author of negative
 *   items turned around (a million of them cost no more than 32 MB; two
 *   names of one hash, about one chance in 10^7 among a million).
 * - The terms of the items that are not negative (term_counts): how many
 *   of them use each. */
typedef struct {
    uint64_t h; /* 0: empty */
    int64_t v;
} hash_slot;

typedef struct {
    hash_slot *slot;
    size_t cap, used; /* cap a power of two, at most 3/4 used (at half,
                         a million authors took 48 MiB while growing) */
} hash_tab;

typedef struct {
    ef_kept_item item;
    uint64_t key; /* examples: the choice key (smallest wins) */
} kept;

/* Term counts by class: the whole run's (in the aggregator) or a
 * thread's share of it (in an ef_prep), merged at the end. A negative
 * item's terms are counted by their text (they are shown, and a period's
 * terms are looked up by it); the other items' by hash alone, in
 * `hashed` (their texts need not be kept, nor even split when the store
 * has them cached: themes.h), and matter only as the "other" count of a
 * term negative items use: finish_themes takes them from there. Two terms
 * of one 64-bit hash would share that count: odds of about n^2 / 2^65
 * for n distinct terms. */
typedef struct {
    ef_strmap *map;        /* term -> index */
    uint64_t *neg, *other; /* items using the term: negative, the others
                              (other: only from partial aggregates until
                              finish_themes adds `hashed`) */
    size_t cap;
    hash_tab hashed;             /* the others' terms: counts by hash */
    uint64_t tok_neg, tok_other; /* sums of neg[]; of other[] and hashed */
} term_counts;

struct ef_prep {
    const ef_vader *v;
    ef_thresholds thr;
    ef_vader_scratch *scratch;
    ef_terms *split;
    char *pool; /* term bytes */
    size_t pool_len, pool_cap;
    size_t *off, *len; /* term i is pool[off[i] .. off[i] + len[i]) */
    uint64_t *hash;    /* ... and its ef_strmap_hash */
    size_t nterms, terms_cap;
    term_counts terms; /* the items prepared here, till merged */
    uint32_t *lex;     /* the lexicon words of the scored items */
    size_t nlex, lex_cap;
};

struct ef_agg {
    ef_agg_opts o;
    /* periods, with a cache of the current one */
    period_acc *periods;
    size_t nperiods, pcap;
    ef_strmap *pmap;
    int64_t cur_start, cur_next;
    size_t cur;
    /* channels and segments */
    group_tab ch, seg;
    /* terms */
    ef_prep *prep;     /* for ef_agg_add */
    term_counts terms; /* with every ef_prep merged (ef_agg_merge_prep) */
    /* authors */
    ef_strmap *amap; /* authors of negative items */
    author_acc *auth;
    size_t acap;
    hash_tab pos; /* authors of positive items: last date by hash */
    uint64_t anon_neg;
    /* everything else */
    uint64_t count[3], strong, hist[40];
    uint64_t band_neutral; /* -0.05 < compound < 0.05 (reference.h) */
    uint64_t long_items;   /* of LONG_WORDS words or more */
    uint64_t nps[3];
    uint64_t stars[5];
    double stars_sum, stars_sumsq;
    uint64_t terse, abusive, detailed;
    uint64_t responded, responded_cls[3];
    float *hours;
    size_t nhours, hcap;
    int64_t first, last;
    kept *repair; /* a min-heap on priority */
    size_t nrepair;
    kept examples[3][EXAMPLES];
    size_t nexamples[3];
    ef_calib *calib;
    uint64_t labeled;
    ef_traps *traps;
    /* inputs */
    ef_input_file *files;
    size_t nfiles;
    uint64_t rows_read, rows_used, rows_rejected, rejected[EF_REJECT_COUNT];
    uint64_t invalid_utf8, nul_bytes, duplicates, brand_posts;
    int mapped[EF_F_COUNT];
    /* partial aggregates: who is negative, merged elsewhere */
    int pauth;
    uint32_t *pneg; /* negative items per author, any order */
    size_t npneg;
    uint64_t pturned, pturned_after;
    char *ploud[5];
    uint64_t ploud_n[5];
    size_t nploud;
};

/* ==== Small helpers ===================================================== */

static void grow_array(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    *p = ef_xrealloc(*p, c * size);
    memset((char *)*p + *cap * size, 0, (c - *cap) * size);
    *cap = c;
}

static void push_hour(float **a, size_t *n, size_t *cap, float h)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *a = ef_xrealloc(*a, *cap * sizeof(float));
    }
    (*a)[(*n)++] = h;
}

static uint64_t text_mix(uint64_t h)
{
    return h ^ (h >> 33);
}

/* An item's text's is the splitter's (ef_terms_text_fnv), mixed. */
static uint64_t text_hash(const char *s, size_t n)
{
    uint64_t h = EF_TERMS_TEXT_SEED;
    for (size_t i = 0; i < n; i++)
        h = ef_strmap_step(h, (unsigned char)s[i]);
    return text_mix(h);
}

static void kept_fill(ef_kept_item *k, const ef_item *it, const ef_scores *sc,
                      ef_class cls, int words)
{
    k->text = ef_xstrndup(it->text, it->text_len);
    k->id = ef_xstrdup(it->id);
    k->channel = ef_xstrdup(it->channel);
    k->author = ef_xstrdup(it->author);
    k->url = ef_xstrdup(it->url);
    k->source = ef_xstrdup(it->source);
    k->line = it->line;
    k->date = it->date;
    k->scores = *sc;
    k->cls = cls;
    k->words = words;
}

static void kept_free(ef_kept_item *k)
{
    free(k->text);
    free(k->id);
    free(k->channel);
    free(k->author);
    free(k->url);
    free(k->source);
    memset(k, 0, sizeof *k);
}

int ef_count_words(const char *text, size_t len)
{
    int n = 0, in = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        int w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
        n += w && !in;
        in = w;
    }
    return n;
}

/* ==== Tables by hash ==================================================== */

/* The first slot to look at for hash h (cap > 0). */
static size_t hash_home(const hash_tab *t, uint64_t h)
{
    /* FNV's low bits are poorly mixed: the slot from all of them */
    uint64_t m = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
    return (size_t)(m ^ (m >> 33)) & (t->cap - 1);
}

static hash_slot *hash_find(const hash_tab *t, uint64_t h)
{
    size_t mask = t->cap - 1, i = hash_home(t, h);
    while (t->slot[i].h != 0 && t->slot[i].h != h)
        i = (i + 1) & mask;
    return &t->slot[i];
}

/* The slot of h, added with value v when new (*added set). */
static hash_slot *hash_add(hash_tab *t, uint64_t h, int64_t v, int *added)
{
    hash_slot *s;

    h += h == 0;
    if (4 * (t->used + 1) > 3 * t->cap) {
        hash_tab old = *t;
        t->cap = old.cap ? old.cap * 2 : 1024;
        t->slot = ef_xcalloc(t->cap, sizeof *t->slot);
        for (size_t i = 0; i < old.cap; i++)
            if (old.slot[i].h)
                *hash_find(t, old.slot[i].h) = old.slot[i];
        free(old.slot);
    }
    s = hash_find(t, h);
    *added = s->h == 0;
    if (*added) {
        s->h = h;
        s->v = v;
        t->used++;
    }
    return s;
}

/* The slot of h, or NULL. */
static const hash_slot *hash_get(const hash_tab *t, uint64_t h)
{
    const hash_slot *s;

    h += h == 0;
    if (t->cap == 0)
        return NULL;
    s = hash_find(t, h);
    return s->h ? s : NULL;
}

/* ==== Authors of positive items ======================================== */

/* Notes a positive item of date by the author whose hash is h. */
static void pos_add(hash_tab *t, uint64_t h, int64_t date)
{
    int added;
    hash_slot *s = hash_add(t, h, date, &added);

    if (!added && date > s->v)
        s->v = date;
}

/* The date of the author's last positive item, INT64_MIN if none. */
static int64_t pos_last(const hash_tab *t, uint64_t h)
{
    const hash_slot *s = hash_get(t, h);

    return s ? s->v : INT64_MIN;
}

void ef_agg_prefetch(const ef_agg *a, const ef_prepared *pr)
{
    uint64_t h = pr->author_hash;
    if (pr->cls == EF_POSITIVE && h && a->pos.cap)
        __builtin_prefetch(&a->pos.slot[hash_home(&a->pos, h)]);
}

/* ==== Adding items ====================================================== */

ef_agg *ef_agg_new(const ef_agg_opts *opts)
{
    ef_agg *a = ef_xcalloc(1, sizeof *a);

    a->o = *opts;
    if (a->o.min_n == 0)
        a->o.min_n = 30;
    if (a->o.repair_n == 0)
        a->o.repair_n = 25;
    if (a->o.themes_n == 0)
        a->o.themes_n = 12;
    if (a->o.groups_shown == 0)
        a->o.groups_shown = EF_GROUPS_SHOWN;
    a->pmap = ef_strmap_new();
    a->ch.map = ef_strmap_new();
    a->seg.map = ef_strmap_new();
    ef_distinct_init(&a->ch.all);
    ef_distinct_init(&a->seg.all);
    a->terms.map = ef_strmap_new();
    a->amap = ef_strmap_new();
    a->prep = ef_prep_new(NULL, &a->o.thr);
    a->cur_start = a->cur_next = 0;
    a->first = INT64_MAX;
    a->last = INT64_MIN;
    a->repair = ef_xcalloc(a->o.repair_n + 1, sizeof(kept));
    a->calib = ef_calib_new(&a->o.thr, 20141101);
    a->traps = ef_traps_new(a->o.vader);
    return a;
}

static size_t period_of(ef_agg *a, int64_t t)
{
    int64_t start;
    size_t idx;
    int added;

    if (a->nperiods && t >= a->cur_start && t < a->cur_next)
        return a->cur;
    start = ef_period_start(t, (ef_period)a->o.period, a->o.tz);
    idx = ef_strmap_get_or_add(a->pmap, (const char *)&start, sizeof start,
                               a->nperiods, &added);
    if (added) {
        grow_array((void **)&a->periods, &a->pcap, a->nperiods + 1,
                   sizeof(period_acc));
        a->periods[idx].start = start;
        a->periods[idx].terms = ef_strmap_new();
        a->nperiods++;
    }
    a->cur = idx;
    a->cur_start = start;
    a->cur_next = ef_period_next(start, (ef_period)a->o.period, a->o.tz);
    return idx;
}

/* The accumulator of the group name (added when new), and its number
 * for the calibrator in *at: its index in t->acc, or EF_GROUPS_TRACKED
 * for the rows of values past the table (t->rest). With fold (channels),
 * names that differ only in ASCII case are one group, named as first
 * written. */
static group_acc *group_of(group_tab *t, const char *name, int fold,
                           size_t *at)
{
    size_t n = ef_strmap_count(t->map), len = strlen(name), idx = 0;
    char small[128], *key = (char *)name;
    group_acc *g;
    int added;

    if (fold) {
        key = len < sizeof small ? small : ef_xmalloc(len + 1);
        for (size_t i = 0; i <= len; i++)
            key[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32)
                                                      : name[i];
    }
    if (n == EF_GROUPS_TRACKED &&
        (idx = ef_strmap_find(t->map, key, len)) == SIZE_MAX) {
        t->overflow = 1;
        ef_distinct_add(&t->all, key, len);
        g = &t->rest;
        *at = EF_GROUPS_TRACKED;
    } else {
        if (n < EF_GROUPS_TRACKED) {
            idx = ef_strmap_get_or_add(t->map, key, len, n, &added);
            if (added) {
                grow_array((void **)&t->acc, &t->cap, n + 1,
                           sizeof(group_acc));
                ef_distinct_add(&t->all, key, len);
                if (fold)
                    t->acc[idx].name = ef_xstrdup(name);
            }
        }
        g = &t->acc[idx];
        *at = idx;
    }
    if (key != name && key != small)
        free(key);
    return g;
}

static void group_add(group_acc *g, ef_class cls, const ef_item *it,
                      double hours)
{
    g->count[cls]++;
    if (it->nps >= 0)
        g->nps[it->nps >= 9 ? 2 : it->nps >= 7 ? 1 : 0]++;
    if (hours >= 0) {
        g->responded++;
        push_hour(&g->hours, &g->nhours, &g->hcap, (float)hours);
    }
}

/* Counts who in ta, if new. */
static void add_author(term_authors *ta, uint32_t who)
{
    if (ta->n >= EF_SPIKE_TERM_AUTHORS)
        return;
    for (int i = 0; i < ta->n; i++)
        if (ta->who[i] == who)
            return;
    if (ta->n < EF_SPIKE_TERM_AUTHORS - 1)
        ta->who[ta->n] = who;
    ta->n++;
}

/* Counts n items of the class (negative or not) using the term (len
 * bytes, hash h) in c. */
static void term_count(term_counts *c, const char *term, size_t len,
                       uint64_t h, int negative, uint64_t n)
{
    int added;
    size_t idx = ef_strmap_get_or_add_h(c->map, term, len, h,
                                        ef_strmap_count(c->map), &added);
    if (added) {
        size_t cap = c->cap;
        grow_array((void **)&c->neg, &cap, idx + 1, sizeof(uint64_t));
        grow_array((void **)&c->other, &c->cap, idx + 1, sizeof(uint64_t));
    }
    if (negative) {
        c->neg[idx] += n;
        c->tok_neg += n;
    } else {
        c->other[idx] += n;
        c->tok_other += n;
    }
}

/* Counts n more items of the class other than negative using the term
 * whose hash is h. */
static void count_hashed(term_counts *c, uint64_t h, uint64_t n)
{
    int added;

    hash_add(&c->hashed, h, 0, &added)->v += (int64_t)n;
    c->tok_other += n;
}

static void term_counts_free(term_counts *c)
{
    ef_strmap_free(c->map);
    free(c->neg);
    free(c->other);
    free(c->hashed.slot);
    memset(c, 0, sizeof *c);
}

/* The slot of a term (len bytes, hash h) in a period's counts, added
 * with a count of 0 and no author when new. */
static size_t period_term(period_acc *p, const char *term, size_t len,
                          uint64_t h)
{
    int added;
    size_t k = ef_strmap_get_or_add_h(p->terms, term, len, h,
                                      ef_strmap_count(p->terms), &added);
    if (added) {
        size_t c = p->tacap;
        grow_array((void **)&p->tcount, &p->tcap, k + 1, sizeof(uint64_t));
        grow_array((void **)&p->tauth, &c, k + 1, sizeof(term_authors));
        p->tacap = c;
    }
    return k;
}

/* The terms of a negative item in its period (the run's counts were
 * taken when it was prepared). who: a hash of the item's author, or of
 * the item itself when it has none (each anonymous item counts as its
 * own author). */
static void add_terms(period_acc *p, const ef_prep *pp, const ef_prepared *pr,
                      uint32_t who)
{
    for (size_t t = pr->term0; t < pr->term0 + pr->nterms; t++) {
        size_t k =
            period_term(p, pp->pool + pp->off[t], pp->len[t], pp->hash[t]);
        p->tcount[k]++;
        add_author(&p->tauth[k], who);
    }
}

/* The repair queue ranks unanswered negatives: severity counts twice,
 * detail once, and 60 days of age cost one point. Linear in the date, so
 * a running top-N is exact. */
static double repair_priority(const ef_scores *sc, int words, int64_t date)
{
    double severity = -sc->compound;
    double detail = (words > 50 ? 50 : words) / 50.0;
    return 2 * severity + detail + (double)date / (60 * DAY);
}

static void heap_sift_down(kept *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && h[l].item.priority < h[m].item.priority)
            m = l;
        if (l + 1 < n && h[l + 1].item.priority < h[m].item.priority)
            m = l + 1;
        if (m == i)
            return;
        kept t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void repair_add(ef_agg *a, const ef_item *it, const ef_scores *sc,
                       int words)
{
    double pr = repair_priority(sc, words, it->date);
    kept *h = a->repair;

    if (a->nrepair == a->o.repair_n) {
        if (pr <= h[0].item.priority)
            return;
        kept_free(&h[0].item);
        kept_fill(&h[0].item, it, sc, EF_NEGATIVE, words);
        h[0].item.priority = pr;
        heap_sift_down(h, a->nrepair, 0);
        return;
    }
    size_t i = a->nrepair++;
    kept_fill(&h[i].item, it, sc, EF_NEGATIVE, words);
    h[i].item.priority = pr;
    while (i > 0 && h[(i - 1) / 2].item.priority > h[i].item.priority) {
        kept t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* Examples: per class, the items of 6 to 40 words whose text hashes
 * lowest (key: text_hash of the text): a deterministic sample, typical
 * rather than extreme. */
static void example_add(ef_agg *a, ef_class cls, const ef_item *it,
                        const ef_scores *sc, int words, uint64_t key)
{
    size_t n = a->nexamples[cls], worst = 0;
    kept *ex = a->examples[cls];

    if (words < EXAMPLE_MIN_WORDS || words > EXAMPLE_MAX_WORDS)
        return;
    for (size_t i = 0; i < n; i++)
        if (ex[i].key == key)
            return; /* the same text again */
    if (n < EXAMPLES) {
        kept_fill(&ex[n].item, it, sc, cls, words);
        ex[n].key = key;
        a->nexamples[cls]++;
        return;
    }
    for (size_t i = 1; i < n; i++)
        if (ex[i].key > ex[worst].key)
            worst = i;
    if (key >= ex[worst].key)
        return;
    kept_free(&ex[worst].item);
    kept_fill(&ex[worst].item, it, sc, cls, words);
    ex[worst].key = key;
}

/* ==== Preparing items (thread-safe per ef_prep) ========================= */

ef_prep *ef_prep_new(const ef_vader *v, const ef_thresholds *thr)
{
    ef_prep *p = ef_xcalloc(1, sizeof *p);
    p->v = v;
    p->thr = *thr;
    p->scratch = ef_vader_scratch_new();
    p->split = ef_terms_new();
    p->terms.map = ef_strmap_new();
    return p;
}

void ef_prep_free(ef_prep *p)
{
    if (p == NULL)
        return;
    ef_vader_scratch_free(p->scratch);
    ef_terms_free(p->split);
    free(p->pool);
    free(p->off);
    free(p->len);
    free(p->hash);
    free(p->lex);
    term_counts_free(&p->terms);
    free(p);
}

void ef_prep_reset(ef_prep *p)
{
    p->pool_len = 0;
    p->nterms = 0;
    p->nlex = 0;
}

void ef_prep_item(ef_prep *p, const ef_item *it, ef_prepared *out)
{
    const char *const *term = NULL;
    const size_t *tlen = NULL;
    const uint64_t *th;
    uint64_t fnv;
    size_t n;
    int keep;

    out->scored = 0;
    out->lex0 = p->nlex;
    out->nlex = 0;
    if (it->scored || p->v == NULL) {
        out->scores = it->scores;
    } else {
        size_t k;
        ef_vader_score(p->v, p->scratch, it->text, it->text_len, &out->scores);
        /* its lexicon words, for the brand notices (traps.h) */
        k = ef_vader_scored_words(p->v, p->scratch, NULL, 0);
        if (p->nlex + k > p->lex_cap) {
            p->lex_cap = (p->nlex + k) * 2 + 256;
            p->lex = ef_xrealloc(p->lex, p->lex_cap * sizeof *p->lex);
        }
        ef_vader_scored_words(p->v, p->scratch, p->lex + p->nlex, k);
        p->nlex += k;
        out->nlex = k;
        out->scored = 1;
    }
    out->cls = ef_classify(out->scores.compound, &p->thr);
    out->author_hash =
        it->author[0] ? ef_strmap_hash(it->author, strlen(it->author)) : 0;
    /* the terms travel to the fold only for a negative item (its
     * period's terms); the run's counts are taken here for every item,
     * the others' by hash, from the store's cache when it has one */
    keep = out->cls == EF_NEGATIVE;
    out->abusive = 0; /* counted for negative items only */
    if (keep ||
        !ef_terms_cache_get(p->split, it->terms, it->terms_len, it->text,
                            it->text_len, &out->words, &fnv, &th, &n)) {
        n = ef_terms_split(p->split, it->text, it->text_len, &term, &tlen,
                           &out->abusive, &out->words);
        th = ef_terms_hashes(p->split); /* the splitter's: not hashed again */
        fnv = ef_terms_text_fnv(p->split);
    }
    /* the fold's hashes, computed here, off the fold's thread */
    out->text_key =
        out->words >= EXAMPLE_MIN_WORDS && out->words <= EXAMPLE_MAX_WORDS
            ? text_mix(fnv)
            : 0;
    out->author_key = keep && it->author[0]
                          ? (uint32_t)text_hash(it->author, strlen(it->author))
                          : 0;
    out->term0 = p->nterms;
    out->nterms = keep ? n : 0;
    if (keep && p->nterms + n > p->terms_cap) {
        p->terms_cap = (p->nterms + n) * 2 + 256;
        p->off = ef_xrealloc(p->off, p->terms_cap * sizeof(size_t));
        p->len = ef_xrealloc(p->len, p->terms_cap * sizeof(size_t));
        p->hash = ef_xrealloc(p->hash, p->terms_cap * sizeof(uint64_t));
    }
    if (!keep) {
        for (size_t i = 0; i < n; i++)
            count_hashed(&p->terms, th[i], 1);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = th[i];
        if (p->pool_len + tlen[i] > p->pool_cap) {
            p->pool_cap = (p->pool_len + tlen[i]) * 2 + 4096;
            p->pool = ef_xrealloc(p->pool, p->pool_cap);
        }
        memcpy(p->pool + p->pool_len, term[i], tlen[i]);
        p->off[p->nterms] = p->pool_len;
        p->len[p->nterms] = tlen[i];
        p->hash[p->nterms++] = h;
        p->pool_len += tlen[i];
        term_count(&p->terms, term[i], tlen[i], h, 1, 1);
    }
}

void ef_agg_merge_prep(ef_agg *a, ef_prep *p)
{
    term_counts *c = &p->terms;
    size_t n = ef_strmap_count(c->map);

    for (size_t i = 0; i < c->hashed.cap; i++)
        if (c->hashed.slot[i].h)
            count_hashed(&a->terms, c->hashed.slot[i].h,
                         (uint64_t)c->hashed.slot[i].v);

    for (size_t i = 0; i < n; i++) {
        const char *t = ef_strmap_key(c->map, i);
        size_t len = strlen(t);
        uint64_t h = ef_strmap_hash(t, len);
        if (c->neg[i])
            term_count(&a->terms, t, len, h, 1, c->neg[i]);
        if (c->other[i])
            term_count(&a->terms, t, len, h, 0, c->other[i]);
    }
    term_counts_free(c);
    c->map = ef_strmap_new();
}

/* ==== Folding items (serial) ============================================ */

void ef_agg_add(ef_agg *a, const ef_item *it, const ef_scores *sc)
{
    ef_item scored = *it;
    ef_prepared pr;

    scored.scores = *sc;
    scored.scored = 1;
    ef_prep_reset(a->prep);
    ef_prep_item(a->prep, &scored, &pr);
    ef_agg_add_prepared(a, it, &pr, a->prep);
}

void ef_agg_add_prepared(ef_agg *a, const ef_item *it, const ef_prepared *pr,
                         const ef_prep *pp)
{
    const ef_scores *sc = &pr->scores;
    ef_class cls = pr->cls;
    size_t pi = period_of(a, it->date); /* may move a->periods */
    period_acc *p = &a->periods[pi];
    double hours = -1;
    int abusive = pr->abusive, words = pr->words, bin;
    size_t chi = 0, segi = 0; /* the item's channel and segment */

    a->count[cls]++;
    p->count[cls]++;
    if (sc->compound <= STRONG_NEGATIVE)
        a->strong++;
    a->band_neutral += sc->compound > -0.05 && sc->compound < 0.05;
    a->long_items += words >= LONG_WORDS;
    bin = (int)floor((sc->compound + 1.0) / 0.05);
    a->hist[bin < 0 ? 0 : bin > 39 ? 39 : bin]++;
    if (it->date < a->first)
        a->first = it->date;
    if (it->date > a->last)
        a->last = it->date;

    if (it->nps >= 0) {
        int k = it->nps >= 9 ? 2 : it->nps >= 7 ? 1 : 0;
        a->nps[k]++;
        p->nps[k]++;
    }
    if (it->rating >= 1 && it->rating <= 5) {
        a->stars[it->rating - 1]++;
        a->stars_sum += it->rating;
        a->stars_sumsq += (double)it->rating * it->rating;
    }
    if (it->responded_at != EF_NO_TIME) {
        hours = (double)(it->responded_at - it->date) / 3600.0;
        if (hours < 0)
            hours = 0; /* answered "before" it was posted: clock skew */
        a->responded++;
        a->responded_cls[cls]++;
        push_hour(&a->hours, &a->nhours, &a->hcap, (float)hours);
    }
    group_add(
        group_of(&a->ch, it->channel[0] ? it->channel : "(none)", 1, &chi),
        cls, it, hours);
    if (a->o.segment_name)
        group_add(group_of(&a->seg, it->segment[0] ? it->segment : "(none)", 0,
                           &segi),
                  cls, it, hours);

    {
        uint32_t who = 0;
        if (cls == EF_NEGATIVE)
            who = it->author[0]
                      ? pr->author_key
                      : (uint32_t)(text_hash("", 0) ^
                                   (a->count[EF_NEGATIVE] * 0x9e3779b9u));
        if (cls == EF_NEGATIVE)
            add_terms(p, pp, pr, who);
    }

    if (cls == EF_NEGATIVE) {
        if (words < TERSE_WORDS)
            a->terse++;
        if (abusive)
            a->abusive++;
        if (words >= TERSE_WORDS && !abusive)
            a->detailed++;
        if (it->responded_at == EF_NO_TIME)
            repair_add(a, it, sc, words);
    }
    if (it->author[0] == '\0') {
        a->anon_neg += cls == EF_NEGATIVE;
    } else if (cls == EF_NEGATIVE) {
        int added;
        size_t n = ef_strmap_count(a->amap);
        size_t idx =
            ef_strmap_get_or_add_h(a->amap, it->author, strlen(it->author),
                                   pr->author_hash, n, &added);
        author_acc *au;
        if (added) {
            grow_array((void **)&a->auth, &a->acap, n + 1, sizeof(author_acc));
            a->auth[idx].first_neg = INT64_MAX;
            a->auth[idx].first_reply = INT64_MAX;
        }
        au = &a->auth[idx];
        au->neg++;
        if (it->date < au->first_neg)
            au->first_neg = it->date;
        if (it->responded_at != EF_NO_TIME &&
            it->responded_at < au->first_reply)
            au->first_reply = it->responded_at;
    } else if (cls == EF_POSITIVE) {
        pos_add(&a->pos, pr->author_hash, it->date);
    }
    example_add(a, cls, it, sc, words, pr->text_key);
    ef_traps_add(a->traps, it->text, it->text_len,
                 pr->nlex ? pp->lex + pr->lex0 : NULL, pr->nlex, pr->scored);
    if (it->label >= 0)
        a->labeled++;
    {
        const uint32_t grp[EF_CALIB_DIMS] = {(uint32_t)pi, (uint32_t)chi,
                                             (uint32_t)segi};
        ef_calib_add(a->calib, sc->compound, it->label, grp);
    }
}

void ef_agg_add_source(ef_agg *a, const ef_source_stats *st)
{
    ef_input_file *f;

    a->files = ef_xrealloc(a->files, (a->nfiles + 1) * sizeof *a->files);
    f = &a->files[a->nfiles++];
    f->path = ef_xstrdup(st->path);
    f->kind = ef_xstrdup(st->kind);
    f->encoding = ef_xstrdup(st->encoding);
    f->sha256 = ef_xstrdup(st->sha256);
    f->rows_read = st->rows_read;
    f->rows_used = st->rows_used;
    f->rows_rejected = st->rows_rejected;
    f->invalid_utf8 = st->invalid_utf8;
    f->nul_bytes = st->nul_bytes;
    f->duplicates = st->duplicates;
    f->brand_posts = st->brand_posts;
    f->date_format = ef_xstrdup(st->date_format);
    f->ids_ignored = st->ids_ignored;
    f->notes = ef_xstrdup(st->notes);
    a->duplicates += st->duplicates;
    a->brand_posts += st->brand_posts;
    a->rows_read += st->rows_read;
    a->rows_used += st->rows_used;
    a->rows_rejected += st->rows_rejected;
    a->invalid_utf8 += st->invalid_utf8;
    a->nul_bytes += st->nul_bytes;
    for (int i = 0; i < EF_REJECT_COUNT; i++)
        a->rejected[i] += st->rejected[i];
    for (int i = 0; i < EF_F_COUNT; i++)
        a->mapped[i] |= st->mapped[i];
}

/* ==== Partial aggregates (issue 18; metrics.h) ========================= */

static const char *or_none(const char *s)
{
    return s && s[0] ? s : "(none)";
}

void ef_agg_add_cell(ef_agg *a, const ef_agg_cell *c)
{
    size_t pi = period_of(a, c->period); /* may move a->periods */
    period_acc *p = &a->periods[pi];
    group_acc *g[2] = {NULL, NULL};
    size_t at;
    int cls = (int)c->cls;

    g[0] = group_of(&a->ch, or_none(c->channel), 1, &at);
    if (a->o.segment_name)
        g[1] = group_of(&a->seg, or_none(c->segment), 0, &at);
    a->count[cls] += c->n;
    p->count[cls] += c->n;
    for (int k = 0; k < 3; k++) {
        a->nps[k] += c->nps[k];
        p->nps[k] += c->nps[k];
    }
    for (int i = 0; i < 5; i++) {
        a->stars[i] += c->stars[i];
        a->stars_sum += (double)(i + 1) * (double)c->stars[i];
        a->stars_sumsq += (double)((i + 1) * (i + 1)) * (double)c->stars[i];
    }
    a->responded += c->responded;
    a->responded_cls[cls] += c->responded;
    for (int k = 0; k < 2; k++) {
        if (g[k] == NULL)
            continue;
        g[k]->count[cls] += c->n;
        for (int j = 0; j < 3; j++)
            g[k]->nps[j] += c->nps[j];
        g[k]->responded += c->responded;
    }
    if (c->cls == EF_NEGATIVE) {
        a->terse += c->terse;
        a->abusive += c->abusive;
        a->detailed += c->detailed;
        a->anon_neg += c->anonymous;
    }
}

void ef_agg_add_compound(ef_agg *a, double compound, uint64_t n)
{
    int bin = (int)floor((compound + 1.0) / 0.05);

    if (compound <= STRONG_NEGATIVE)
        a->strong += n;
    if (compound > -0.05 && compound < 0.05)
        a->band_neutral += n;
    a->hist[bin < 0 ? 0 : bin > 39 ? 39 : bin] += n;
}

void ef_agg_add_delay(ef_agg *a, const char *channel, const char *segment,
                      int64_t seconds, uint64_t n)
{
    float h = (float)((double)(seconds > 0 ? seconds : 0) / 3600.0);
    group_acc *g[2] = {NULL, NULL};
    size_t at;

    g[0] = group_of(&a->ch, or_none(channel), 1, &at);
    if (a->o.segment_name)
        g[1] = group_of(&a->seg, or_none(segment), 0, &at);
    for (uint64_t i = 0; i < n; i++) {
        push_hour(&a->hours, &a->nhours, &a->hcap, h);
        for (int k = 0; k < 2; k++)
            if (g[k])
                push_hour(&g[k]->hours, &g[k]->nhours, &g[k]->hcap, h);
    }
}

void ef_agg_add_term(ef_agg *a, const ef_agg_term *t)
{
    size_t len = strlen(t->term);
    uint64_t h = ef_strmap_hash(t->term, len);

    term_count(&a->terms, t->term, len, h, 1, t->negative); /* adds it */
    if (t->other)
        term_count(&a->terms, t->term, len, h, 0, t->other);
}

void ef_agg_set_authors(ef_agg *a, const ef_agg_authors *au)
{
    size_t k = 0;

    for (size_t i = 0; i < au->nhist; i++)
        k += (size_t)au->authors[i];
    a->pneg = ef_xrealloc(a->pneg, (k + 1) * sizeof *a->pneg);
    a->npneg = 0;
    for (size_t i = 0; i < au->nhist; i++)
        for (uint64_t j = 0; j < au->authors[i]; j++)
            a->pneg[a->npneg++] = (uint32_t)au->neg[i];
    a->pturned = au->turned;
    a->pturned_after = au->turned_after_response;
    for (size_t i = 0; i < a->nploud; i++)
        free(a->ploud[i]);
    a->nploud = au->nloudest < 5 ? au->nloudest : 5;
    for (size_t i = 0; i < a->nploud; i++) {
        a->ploud[i] = ef_xstrdup(au->loudest[i]);
        a->ploud_n[i] = au->loudest_n[i];
    }
    a->pauth = 1;
}

void ef_agg_add_span(ef_agg *a, int64_t first, int64_t last)
{
    if (first < a->first)
        a->first = first;
    if (last > a->last)
        a->last = last;
}

void ef_agg_keep(ef_agg *a, const ef_item *it, const ef_scores *sc)
{
    ef_item scored = *it;
    ef_prepared pr;

    scored.scores = *sc;
    scored.scored = 1;
    /* preparing counts the item's terms in a->prep; a shown item's terms
     * are in the partials already, so those counts are dropped, and the
     * ones pending from ef_agg_add kept */
    ef_agg_merge_prep(a, a->prep);
    ef_prep_reset(a->prep);
    ef_prep_item(a->prep, &scored, &pr);
    term_counts_free(&a->prep->terms);
    a->prep->terms.map = ef_strmap_new();
    if (pr.cls == EF_NEGATIVE && it->responded_at == EF_NO_TIME)
        repair_add(a, it, sc, pr.words);
    example_add(a, pr.cls, it, sc, pr.words, pr.text_key);
}

/* A spike period without its terms (no item of it was folded): asks
 * opts.period_terms for them. 0, or -1 with e set. */
static int period_terms_fetch(ef_agg *a, period_acc *p, ef_err *e)
{
    ef_agg_term *t = NULL;
    size_t n = 0;

    if (a->o.period_terms == NULL || ef_strmap_count(p->terms) > 0)
        return 0;
    if (a->o.period_terms(
            a->o.period_terms_ctx, p->start,
            ef_period_next(p->start, (ef_period)a->o.period, a->o.tz), &t, &n,
            e) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(t[i].term);
        size_t k =
            period_term(p, t[i].term, len, ef_strmap_hash(t[i].term, len));
        p->tcount[k] += t[i].negative;
        p->tauth[k].n = (uint8_t)(t[i].authors < EF_SPIKE_TERM_AUTHORS
                                      ? t[i].authors
                                      : EF_SPIKE_TERM_AUTHORS);
        free(t[i].term);
    }
    free(t);
    return 0;
}

/* ==== The model ========================================================= */

static ef_share share_of(uint64_t k, uint64_t n)
{
    ef_share s = {k, n, n ? (double)k / (double)n : 0.0, 0, 1};
    ef_wilson(k, n, EF_Z95, &s.lo, &s.hi);
    return s;
}

static ef_nps_stat nps_of(const uint64_t c[3])
{
    ef_nps_stat s = {0};
    s.n = c[0] + c[1] + c[2];
    s.detractors = c[0];
    s.passives = c[1];
    s.promoters = c[2];
    s.has = s.n > 0 && ef_nps(c[2], c[1], c[0], &s.score, &s.moe) == 0;
    return s;
}

/* Median of hours (sorted in place), NAN when empty. */
static double median_hours(float *h, size_t n)
{
    if (n == 0)
        return NAN;
    ef_sort_floats(h, n);
    return n % 2 ? h[n / 2] : ((double)h[n / 2 - 1] + h[n / 2]) / 2;
}

static int cmp_period(const void *x, const void *y)
{
    const period_acc *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The terms most distinctive of period p's negative items against all
 * negative items of the other periods, among those that at least
 * EF_SPIKE_TERM_AUTHORS distinct authors used: five words from one
 * author's posts are not what a week was about. */
static int period_terms_fetch(ef_agg *a, period_acc *p, ef_err *e);

/* Term t of score z ranks before term u of score y. */
static int term_before(double z, const char *t, double y, const char *u)
{
    return z > y || (z == y && strcmp(t, u) < 0);
}

static void spike_terms(const ef_agg *a, const period_acc *p,
                        ef_period_stat *out)
{
    size_t n = ef_strmap_count(p->terms), best[5], nb = 0;
    double bz[5];
    uint64_t tot_p = 0, tot_all = a->terms.tok_neg;

    for (size_t i = 0; i < n; i++)
        tot_p += p->tcount[i];
    for (size_t i = 0; i < n; i++) {
        const char *t = ef_strmap_key(p->terms, i);
        size_t g = ef_strmap_find(a->terms.map, t, strlen(t));
        double yi = (double)p->tcount[i], yall = (double)a->terms.neg[g];
        double yj = yall - yi, z;
        if (p->tcount[i] < 3 || p->tauth[i].n < EF_SPIKE_TERM_AUTHORS)
            continue;
        z = ef_log_odds_z(yi, (double)tot_p, yj, (double)(tot_all - tot_p),
                          yall, (double)tot_all);
        /* ties by the term's bytes: the same terms whatever order the
         * items (or partial aggregates) came in */
        size_t k = nb < 5 ? nb++ : 5;
        if (k == 5) {
            if (!term_before(z, t, bz[4], ef_strmap_key(p->terms, best[4])))
                continue;
            k = 4;
        }
        while (k > 0 && term_before(z, t, bz[k - 1],
                                    ef_strmap_key(p->terms, best[k - 1]))) {
            bz[k] = bz[k - 1];
            best[k] = best[k - 1];
            k--;
        }
        bz[k] = z;
        best[k] = i;
    }
    for (size_t i = 0; i < nb; i++)
        if (bz[i] > 0)
            out->terms[out->nterms++] =
                ef_xstrdup(ef_strmap_key(p->terms, best[i]));
}

/* The first and last periods are partial when the data do not cover
 * them whole: when the data begin after the first's first day or end
 * before the last's last day (for --period day: after its first hour,
 * before its last). */
static void mark_partial(const ef_agg *a, ef_report *r)
{
    ef_period kind = (ef_period)a->o.period;
    int64_t unit = kind == EF_PERIOD_DAY ? 3600 : 86400;
    ef_period_stat *f, *l;
    int64_t from, to, next;

    if (r->nperiods == 0)
        return;
    f = &r->periods[0];
    l = &r->periods[r->nperiods - 1];
    /* the first hour or day with data, and the end of the last */
    if (kind == EF_PERIOD_DAY) {
        from = a->first - (a->first - f->start) % unit;
        to = a->last - (a->last - l->start) % unit + unit;
    } else {
        from = ef_period_start(a->first, EF_PERIOD_DAY, a->o.tz);
        to = ef_period_next(ef_period_start(a->last, EF_PERIOD_DAY, a->o.tz),
                            EF_PERIOD_DAY, a->o.tz);
    }
    next = ef_period_next(f->start, kind, a->o.tz);
    f->length = (int)((next - f->start + unit / 2) / unit);
    f->covered = (int)(((f == l ? to : next) - from + unit / 2) / unit);
    f->partial = from > f->start || (f == l && to < next);
    if (l != f) {
        next = ef_period_next(l->start, kind, a->o.tz);
        l->length = (int)((next - l->start + unit / 2) / unit);
        l->covered = (int)((to - l->start + unit / 2) / unit);
        l->partial = to < next;
    }
}

static int finish_periods(ef_agg *a, ef_report *r, ef_err *e)
{
    if (a->nperiods > 1) /* no rows: a->periods is NULL, which qsort
                            must not be given even with a count of 0 */
        qsort(a->periods, a->nperiods, sizeof(period_acc), cmp_period);
    r->nperiods = a->nperiods;
    r->periods = ef_xcalloc(a->nperiods + 1, sizeof(ef_period_stat));
    for (size_t i = 0; i < a->nperiods; i++) {
        period_acc *pa = &a->periods[i];
        ef_period_stat *ps = &r->periods[i];
        double window[SPIKE_WINDOW];
        size_t nw = 0;

        ps->start = pa->start;
        ef_period_label(pa->start, (ef_period)a->o.period, a->o.tz, ps->label,
                        sizeof ps->label);
        ef_datetime_format_date(pa->start, a->o.tz, ps->date);
        memcpy(ps->count, pa->count, sizeof ps->count);
        ps->n = pa->count[0] + pa->count[1] + pa->count[2];
        ps->negative = share_of(pa->count[EF_NEGATIVE], ps->n);
        ps->too_few = ps->n < a->o.min_n;
        ps->nps = nps_of(pa->nps);
        /* the baseline: median share of up to 8 earlier periods that were
         * big enough to count */
        for (size_t j = i; j > 0 && nw < SPIKE_WINDOW; j--)
            if (!r->periods[j - 1].too_few)
                window[nw++] = r->periods[j - 1].negative.share;
        if (nw >= SPIKE_MIN_WINDOW && !ps->too_few) {
            qsort(window, nw, sizeof(double), cmp_double);
            ps->tested = 1;
            ps->baseline = ef_median(window, nw);
            ps->p_value =
                ef_binom_sf(pa->count[EF_NEGATIVE], ps->n, ps->baseline);
            ps->spike = ps->p_value < SPIKE_P &&
                        pa->count[EF_NEGATIVE] >= SPIKE_MIN_NEG &&
                        ps->negative.share > ps->baseline;
            if (ps->spike && period_terms_fetch(a, pa, e) != 0)
                return -1;
            if (ps->spike)
                spike_terms(a, pa, ps);
        }
    }
    mark_partial(a, r);
    /* the last complete period against the one before */
    if (r->nperiods >= 2) {
        size_t last =
            r->nperiods - 1 - (r->periods[r->nperiods - 1].partial ? 1 : 0);
        ef_period_stat *l = &r->periods[last];
        ef_period_stat *p = last > 0 ? &r->periods[last - 1] : NULL;
        if (p && !l->partial && !p->partial && !l->too_few && !p->too_few) {
            r->has_change = 1;
            r->change_last = last;
            r->change_prev = last - 1;
            r->change = l->negative.share - p->negative.share;
            ef_two_prop_z(l->count[EF_NEGATIVE], l->n, p->count[EF_NEGATIVE],
                          p->n, &r->change_z, &r->change_p);
        }
    }
    return 0;
}

typedef struct {
    uint64_t n;
    const char *name;
    size_t idx;
} group_rank;

static int cmp_group(const void *x, const void *y)
{
    const group_rank *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? 1 : -1;
    return strcmp(a->name, b->name);
}

static void group_stat(const ef_agg *a, const group_acc *g, ef_group_stat *s)
{
    memcpy(s->count, g->count, sizeof s->count);
    s->n = g->count[0] + g->count[1] + g->count[2];
    s->negative = share_of(g->count[EF_NEGATIVE], s->n);
    s->too_few = s->n < a->o.min_n;
    s->nps = nps_of(g->nps);
    s->has_response = a->mapped[EF_F_RESPONDED_AT];
    s->response_rate = s->n ? (double)g->responded / (double)s->n : 0;
    s->median_hours = median_hours(g->hours, g->nhours);
}

/* Adds g's counters to the pool p (its hours copied). */
static void group_merge(group_acc *p, const group_acc *g)
{
    for (int c = 0; c < 3; c++) {
        p->count[c] += g->count[c];
        p->nps[c] += g->nps[c];
    }
    p->responded += g->responded;
    for (size_t i = 0; i < g->nhours; i++)
        push_hour(&p->hours, &p->nhours, &p->hcap, g->hours[i]);
}

/* The model's rows: the largest groups_shown values by n (ties by name),
 * then, if any value is left out, one row pooling them all. `what` names
 * the values ("channels"), for the pool row's name.
 * *row_of (malloc'd, *nrow_of entries; the caller frees) gets the row of
 * each group number group_of gave, for the calibrator. */
static ef_group_stat *finish_groups(const ef_agg *a, group_tab *t,
                                    const char *what, size_t *n,
                                    ef_group_info *info, size_t **row_of,
                                    size_t *nrow_of)
{
    size_t k = ef_strmap_count(t->map), shown, i;
    group_rank *rank = ef_xcalloc(k + 1, sizeof *rank);
    ef_group_stat *out;
    uint64_t rows = 0;

    for (i = 0; i < k; i++) {
        const group_acc *g = &t->acc[i];
        rank[i] = (group_rank){g->count[0] + g->count[1] + g->count[2],
                               ef_strmap_key(t->map, i), i};
    }
    if (k > 1)
        qsort(rank, k, sizeof *rank, cmp_group);
    shown = k < a->o.groups_shown ? k : a->o.groups_shown;
    out = ef_xcalloc(shown + 2, sizeof(ef_group_stat));
    *nrow_of = t->overflow ? EF_GROUPS_TRACKED + 1 : k;
    *row_of = ef_xmalloc((*nrow_of + 1) * sizeof **row_of);
    for (i = 0; i < *nrow_of; i++)
        (*row_of)[i] = shown; /* the pool row, unless shown below */
    for (i = 0; i < shown; i++) {
        const group_acc *g = &t->acc[rank[i].idx];
        (*row_of)[rank[i].idx] = i;
        out[i].name = ef_xstrdup(g->name ? g->name : rank[i].name);
        out[i].values = 1;
        group_stat(a, &t->acc[rank[i].idx], &out[i]);
    }
    memset(info, 0, sizeof *info);
    info->values = k;
    if (t->overflow) {
        /* past the table, the count is HyperLogLog's (it saw every
         * value); never below what was counted exactly */
        uint64_t est = ef_distinct_estimate(&t->all);
        info->values = est > k ? est : k + 1;
        info->estimated = 1;
    }
    info->shown = shown;
    *n = shown;
    if (shown < k || t->overflow) {
        group_acc pool = t->rest;
        ef_group_stat *p = &out[shown];

        pool.hours = NULL;
        pool.nhours = pool.hcap = 0;
        for (i = 0; i < t->rest.nhours; i++)
            push_hour(&pool.hours, &pool.nhours, &pool.hcap, t->rest.hours[i]);
        for (i = shown; i < k; i++)
            group_merge(&pool, &t->acc[rank[i].idx]);
        p->pooled = 1;
        p->values_estimated = info->estimated;
        group_stat(a, &pool, p);
        free(pool.hours);
        (*n)++;
    }
    for (i = 0; i < *n; i++)
        rows += out[i].n;
    if (info->values > rows) /* an estimate a little over */
        info->values = rows;
    info->id_like =
        info->values >= EF_GROUPS_ID_LIKE && info->values * 2 >= rows;
    if (*n > shown) {
        ef_group_stat *p = &out[shown];
        char num[32];
        p->values = info->values - shown;
        ef_fmt_count(num, sizeof num, p->values);
        p->name = ef_xmalloc(strlen(num) + strlen(what) + 32);
        sprintf(p->name, "(%s%s other %.*s)", info->estimated ? "about " : "",
                num, (int)strlen(what) - (p->values == 1), what);
    }
    info->rows = rows;
    free(rank);
    return out;
}

static int cmp_theme(const void *x, const void *y)
{
    const ef_theme *a = x, *b = y;
    if (a->z != b->z)
        return a->z < b->z ? 1 : -1;
    return strcmp(a->term, b->term);
}

static void finish_themes(ef_agg *a, ef_report *r)
{
    term_counts *c = &a->terms;
    size_t n = ef_strmap_count(c->map), k = 0;
    ef_theme *all = ef_xcalloc(n + 1, sizeof(ef_theme));
    double tot = (double)(c->tok_neg + c->tok_other);

    /* the other items' counts of the terms negative items used */
    for (size_t i = 0; i < n; i++) {
        const char *t = ef_strmap_key(c->map, i);
        const hash_slot *h =
            hash_get(&c->hashed, ef_strmap_hash(t, strlen(t)));
        c->other[i] += h ? (uint64_t)h->v : 0;
    }
    for (size_t i = 0; i < n; i++) {
        double yi = (double)c->neg[i], yj = (double)c->other[i];
        if (c->neg[i] < THEME_MIN_COUNT)
            continue;
        /* the prior: the term's count over all items (Monroe et al.'s
         * informative Dirichlet prior, from the corpus itself) */
        double z = ef_log_odds_z(yi, (double)c->tok_neg, yj,
                                 (double)c->tok_other, yi + yj, tot);
        if (!(z > 0))
            continue;
        all[k].term = (char *)ef_strmap_key(c->map, i);
        all[k].count = c->neg[i];
        all[k].other = c->other[i];
        all[k].z = z;
        k++;
    }
    qsort(all, k, sizeof(ef_theme), cmp_theme);
    r->nthemes = k < a->o.themes_n ? k : a->o.themes_n;
    r->themes = ef_xcalloc(r->nthemes + 1, sizeof(ef_theme));
    for (size_t i = 0; i < r->nthemes; i++) {
        r->themes[i] = all[i];
        r->themes[i].term = ef_xstrdup(all[i].term);
    }
    free(all);
}

static int cmp_u32_desc(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a < b) - (a > b);
}

static void finish_authors(const ef_agg *a, ef_report *r)
{
    size_t n = ef_strmap_count(a->amap), k = 0;
    uint32_t *neg = ef_xcalloc(n + 1, sizeof(uint32_t));
    uint64_t *hash = NULL;
    uint64_t total = a->count[EF_NEGATIVE];
    size_t order[5] = {0};

    r->has_authors = a->mapped[EF_F_AUTHOR];
    if (!r->has_authors)
        goto out;
    /* each author's slot in the positive authors' table, looked up at
     * random: the hashes first, so that the slots can be fetched ahead
     * (a cache miss an author was most of this function's time) */
    hash = ef_xmalloc((n + 1) * sizeof *hash);
    for (size_t i = 0; i < n; i++) {
        const char *name = ef_strmap_key(a->amap, i);
        hash[i] = ef_strmap_hash(name, strlen(name));
    }
    for (size_t i = 0; i < n; i++) {
        const author_acc *au = &a->auth[i];
        int64_t last_pos;
        if (i + 8 < n && a->pos.cap)
            __builtin_prefetch(&a->pos.slot[hash_home(&a->pos, hash[i + 8])]);
        last_pos = pos_last(&a->pos, hash[i]);
        if (au->neg == 0)
            continue;
        neg[k++] = au->neg;
        r->repeat_authors += au->neg >= 3;
        if (last_pos != INT64_MIN && last_pos > au->first_neg) {
            r->turned_authors++;
            r->turned_after_response +=
                au->first_reply != INT64_MAX && au->first_reply <= last_pos;
        }
        /* the five loudest, ties by name for determinism */
        size_t j = r->nloudest < 5 ? r->nloudest++ : 5;
        if (j == 5) {
            const author_acc *w = &a->auth[order[4]];
            if (au->neg < w->neg ||
                (au->neg == w->neg &&
                 strcmp(ef_strmap_key(a->amap, i),
                        ef_strmap_key(a->amap, order[4])) > 0))
                continue;
            j = 4;
        }
        while (j > 0) {
            const author_acc *w = &a->auth[order[j - 1]];
            if (w->neg > au->neg ||
                (w->neg == au->neg &&
                 strcmp(ef_strmap_key(a->amap, order[j - 1]),
                        ef_strmap_key(a->amap, i)) < 0))
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    if (a->pauth) { /* merged elsewhere (ef_agg_set_authors) */
        neg = ef_xrealloc(neg, (k + a->npneg + 1) * sizeof(uint32_t));
        for (size_t i = 0; i < a->npneg; i++) {
            neg[k++] = a->pneg[i];
            r->repeat_authors += a->pneg[i] >= 3;
        }
        r->turned_authors += a->pturned;
        r->turned_after_response += a->pturned_after;
    }
    r->negative_authors = k;
    qsort(neg, k, sizeof(uint32_t), cmp_u32_desc);
    if (k > 0 && total > 0) {
        static const double pct[3] = {0.01, 0.05, 0.10};
        double *dst[3] = {&r->top1_share, &r->top5_share, &r->top10_share};
        for (int p = 0; p < 3; p++) {
            size_t top = (size_t)ceil(pct[p] * (double)k);
            uint64_t sum = 0;
            for (size_t i = 0; i < top && i < k; i++)
                sum += neg[i];
            *dst[p] = (double)sum / (double)total;
        }
    }
    for (size_t i = 0; i < r->nloudest; i++) {
        r->loudest[i] = ef_xstrdup(ef_strmap_key(a->amap, order[i]));
        r->loudest_n[i] = a->auth[order[i]].neg;
    }
    if (a->pauth && r->nloudest == 0) {
        for (size_t i = 0; i < a->nploud; i++) {
            r->loudest[i] = ef_xstrdup(a->ploud[i]);
            r->loudest_n[i] = a->ploud_n[i];
        }
        r->nloudest = a->nploud;
    }
    r->anonymous_share = total ? (double)a->anon_neg / (double)total : 0;
    r->has_turned = k > 0;
    r->turned_share = k ? (double)r->turned_authors / (double)k : 0;
out:
    free(hash);
    free(neg);
}

static int cmp_repair(const void *x, const void *y)
{
    const ef_kept_item *a = x, *b = y;
    if (a->priority != b->priority)
        return a->priority < b->priority ? 1 : -1;
    return (a->date < b->date) - (a->date > b->date);
}

static int cmp_example(const void *x, const void *y)
{
    const kept *a = x, *b = y;
    return (a->key > b->key) - (a->key < b->key);
}

ef_report *ef_agg_finish(ef_agg *a, ef_err *e)
{
    ef_report *r = ef_xcalloc(1, sizeof *r);
    uint64_t n = a->count[0] + a->count[1] + a->count[2];
    static const char *const pnames[] = {"day", "week", "month"};
    size_t *prow, *crow = NULL, *srow = NULL; /* calibrator's maps */
    size_t ncrow = 0, nsrow = 0;
    int64_t *pstart;

    ef_agg_merge_prep(a, a->prep); /* ef_agg_add's term counts */
    snprintf(r->scorer, sizeof r->scorer, "%s",
             a->o.scorer ? a->o.scorer : EF_SCORER_VERSION);
    r->thr = a->o.thr;
    r->min_n = a->o.min_n;
    r->period_kind = a->o.period;
    snprintf(r->period_name, sizeof r->period_name, "%s",
             pnames[a->o.period >= 0 && a->o.period < 3 ? a->o.period : 1]);
    snprintf(r->tz, sizeof r->tz, "%s", ef_tz_name(a->o.tz));
    r->generated = a->o.generated;
    r->has_expected = a->o.has_expected;
    r->expected_negative = a->o.expected_negative;

    r->rows_read = a->rows_read;
    r->rows_used = a->rows_used;
    r->rows_rejected = a->rows_rejected;
    memcpy(r->rejected, a->rejected, sizeof r->rejected);
    r->invalid_utf8 = a->invalid_utf8;
    r->nul_bytes = a->nul_bytes;
    r->duplicates = a->duplicates;
    r->brand_posts = a->brand_posts;
    if (a->o.brand_accounts)
        r->brand_accounts = ef_xstrdup(a->o.brand_accounts);
    r->first_date = n ? a->first : EF_NO_TIME;
    r->last_date = n ? a->last : EF_NO_TIME;
    r->files = a->files;
    r->nfiles = a->nfiles;
    a->files = NULL;
    a->nfiles = 0;
    memcpy(r->mapped, a->mapped, sizeof r->mapped);

    r->n = n;
    r->positive = share_of(a->count[EF_POSITIVE], n);
    r->neutral = share_of(a->count[EF_NEUTRAL], n);
    r->negative = share_of(a->count[EF_NEGATIVE], n);
    r->strongly_negative = share_of(a->strong, n);
    r->band_neutral = n ? (double)a->band_neutral / (double)n : 0;
    r->long_share = n ? (double)a->long_items / (double)n : 0;
    r->net =
        n ? ((double)a->count[EF_POSITIVE] - (double)a->count[EF_NEGATIVE]) /
                (double)n
          : 0;
    {
        uint64_t pn = a->count[EF_POSITIVE] + a->count[EF_NEGATIVE];
        r->net_excl_neutral = pn ? ((double)a->count[EF_POSITIVE] -
                                    (double)a->count[EF_NEGATIVE]) /
                                       (double)pn
                                 : 0;
    }
    memcpy(r->hist, a->hist, sizeof r->hist);
    r->nps = nps_of(a->nps);

    for (int i = 0; i < 5; i++)
        r->stars_n += a->stars[i];
    r->has_stars = r->stars_n > 0;
    memcpy(r->stars, a->stars, sizeof r->stars);
    if (r->has_stars) {
        ef_mean_ci(a->stars_sum, a->stars_sumsq, r->stars_n, &r->stars_mean,
                   &r->stars_lo, &r->stars_hi);
        /* the mean of 1-5 stars lies in 1-5; the normal interval of a few
         * answers does not (5 and 1: -0.92 to 6.92) */
        r->stars_lo = fmax(r->stars_lo, 1);
        r->stars_hi = fmin(r->stars_hi, 5);
        r->csat = share_of(a->stars[3] + a->stars[4], r->stars_n);
    }

    /* each period's number, before finish_periods sorts them */
    pstart = ef_xmalloc((a->nperiods + 1) * sizeof *pstart);
    for (size_t i = 0; i < a->nperiods; i++)
        pstart[i] = a->periods[i].start;
    if (finish_periods(a, r, e) != 0) {
        free(pstart);
        ef_report_free(r);
        return NULL;
    }
    prow = ef_xmalloc((a->nperiods + 1) * sizeof *prow);
    for (size_t i = 0; i < a->nperiods; i++) {
        size_t lo = 0, hi = r->nperiods;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->periods[mid].start < pstart[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        prow[i] = lo;
    }
    free(pstart);
    r->channels = finish_groups(a, &a->ch, "channels", &r->nchannels,
                                &r->channel_info, &crow, &ncrow);
    if (a->o.segment_name) {
        r->segment_name = ef_xstrdup(a->o.segment_name);
        r->segments = finish_groups(a, &a->seg, "values", &r->nsegments,
                                    &r->segment_info, &srow, &nsrow);
    }
    finish_themes(a, r);
    finish_authors(a, r);

    if (a->count[EF_NEGATIVE]) {
        double neg = (double)a->count[EF_NEGATIVE];
        r->terse_share = (double)a->terse / neg;
        r->abusive_share = (double)a->abusive / neg;
        r->detailed_share = (double)a->detailed / neg;
    }

    r->has_response = a->mapped[EF_F_RESPONDED_AT];
    r->responded = a->responded;
    r->median_hours = r->p90_hours = NAN;
    if (r->has_response && n) {
        r->response_rate = (double)a->responded / (double)n;
        for (int c = 0; c < 3; c++)
            r->rate_by_class[c] =
                a->count[c] ? (double)a->responded_cls[c] / (double)a->count[c]
                            : 0;
        if (a->nhours) { /* sorted once, for both */
            double *h = ef_xmalloc(a->nhours * sizeof(double));
            ef_sort_floats(a->hours, a->nhours);
            for (size_t i = 0; i < a->nhours; i++)
                h[i] = a->hours[i];
            r->median_hours = ef_quantile_sorted(h, a->nhours, 0.5);
            r->p90_hours = ef_quantile_sorted(h, a->nhours, 0.9);
            free(h);
        }
    }

    r->nrepair = a->nrepair;
    r->repair = ef_xcalloc(a->nrepair + 1, sizeof(ef_kept_item));
    for (size_t i = 0; i < a->nrepair; i++) {
        r->repair[i] = a->repair[i].item;
        memset(&a->repair[i].item, 0, sizeof(ef_kept_item));
    }
    a->nrepair = 0;
    qsort(r->repair, r->nrepair, sizeof(ef_kept_item), cmp_repair);
    for (int c = 0; c < 3; c++) {
        size_t k = a->nexamples[c];
        qsort(a->examples[c], k, sizeof(kept), cmp_example);
        r->examples[c] = ef_xcalloc(k + 1, sizeof(ef_kept_item));
        for (size_t i = 0; i < k; i++) {
            r->examples[c][i] = a->examples[c][i].item;
            memset(&a->examples[c][i].item, 0, sizeof(ef_kept_item));
        }
        r->nexamples[c] = k;
        a->nexamples[c] = 0;
    }
    r->calib.raw_share = r->negative.share;
    if (a->labeled) {
        /* a group's number -> its row (a pooled row may take several) */
        ef_calib_map maps[EF_CALIB_DIMS] = {
            {prow, a->nperiods}, {crow, ncrow}, {srow, nsrow}};
        ef_calib_finish(a->calib, r, maps);
    }
    free(prow);
    free(crow);
    free(srow);
    ef_traps_finish(a->traps, r);
    ef_headline_make(r);
    return r;
}

void ef_agg_free(ef_agg *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->nperiods; i++) {
        ef_strmap_free(a->periods[i].terms);
        free(a->periods[i].tcount);
        free(a->periods[i].tauth);
    }
    free(a->periods);
    for (int g = 0; g < 2; g++) {
        group_tab *t = g ? &a->seg : &a->ch;
        for (size_t i = 0; i < ef_strmap_count(t->map); i++) {
            free(t->acc[i].hours);
            free(t->acc[i].name);
        }
        free(t->acc);
        free(t->rest.hours);
        ef_strmap_free(t->map);
    }
    ef_strmap_free(a->pmap);
    term_counts_free(&a->terms);
    ef_strmap_free(a->amap);
    free(a->pos.slot);
    ef_prep_free(a->prep);
    free(a->auth);
    free(a->hours);
    for (size_t i = 0; i < a->nrepair; i++)
        kept_free(&a->repair[i].item);
    free(a->repair);
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < a->nexamples[c]; i++)
            kept_free(&a->examples[c][i].item);
    for (size_t i = 0; i < a->nfiles; i++) {
        free(a->files[i].path);
        free(a->files[i].kind);
        free(a->files[i].encoding);
        free(a->files[i].sha256);
        free(a->files[i].date_format);
        free(a->files[i].notes);
    }
    free(a->files);
    ef_calib_free(a->calib);
    ef_traps_free(a->traps);
    free(a->pneg);
    for (size_t i = 0; i < a->nploud; i++)
        free(a->ploud[i]);
    free(a);
}

void ef_report_free(ef_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].path);
        free(r->files[i].kind);
        free(r->files[i].encoding);
        free(r->files[i].sha256);
        free(r->files[i].date_format);
        free(r->files[i].notes);
    }
    free(r->files);
    free(r->labels);
    for (size_t i = 0; i < r->nperiods; i++)
        for (size_t k = 0; k < r->periods[i].nterms; k++)
            free(r->periods[i].terms[k]);
    free(r->periods);
    for (size_t i = 0; i < r->nchannels; i++)
        free(r->channels[i].name);
    free(r->channels);
    for (size_t i = 0; i < r->nsegments; i++)
        free(r->segments[i].name);
    free(r->segments);
    free(r->segment_name);
    free(r->brand_accounts);
    for (size_t i = 0; i < r->nthemes; i++)
        free(r->themes[i].term);
    free(r->themes);
    for (size_t i = 0; i < r->nloudest; i++)
        free(r->loudest[i]);
    for (size_t i = 0; i < r->nrepair; i++)
        kept_free(&r->repair[i]);
    free(r->repair);
    for (int c = 0; c < 3; c++) {
        for (size_t i = 0; i < r->nexamples[c]; i++)
            kept_free(&r->examples[c][i]);
        free(r->examples[c]);
    }
    free(r);
}
