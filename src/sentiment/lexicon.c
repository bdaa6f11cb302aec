/* lexicon.c - VADER's word table: lexicon valences, boosters, negations
 * and the rule words, in one open-addressing hash table. */
#include "sentiment/lexicon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment/vader_data.h"

/* Empirical constants of the VADER paper: the mean intensity change a
 * booster (or, negated, a dampener) word brings. */
#define B_INCR 0.293
#define B_DECR (-0.293)

typedef ef_lexicon_slot slot;
typedef ef_lexicon_entry_ entry;

/* ==== Word lists of the rules =========================================== */

static const char *const negations[] = {
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt",
    "doesnt", "ain't", "aren't", "can't", "couldn't", "daren't", "didn't",
    "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt",
    "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't",
    "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope",
    "nor", "not", "nothing", "nowhere", "oughtnt", "shant", "shouldnt",
    "uhuh", "wasnt", "werent", "oughtn't", "shan't", "shouldn't", "uh-uh",
    "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't",
    "rarely", "seldom", "despite"};

static const char *const boosters[] = {
    "absolutely", "amazingly", "awfully", "completely", "considerable",
    "considerably", "decidedly", "deeply", "effing", "enormous",
    "enormously", "entirely", "especially", "exceptional", "exceptionally",
    "extreme", "extremely", "fabulously", "flipping", "flippin", "frackin",
    "fracking", "fricking", "frickin", "frigging", "friggin", "fully",
    "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly",
    "hugely", "incredible", "incredibly", "intensely", "major", "majorly",
    "more", "most", "particularly", "purely", "quite", "really",
    "remarkably", "so", "substantially", "thoroughly", "total", "totally",
    "tremendous", "tremendously", "uber", "unbelievably", "unusually",
    "utter", "utterly", "very"};

/* Single-word dampeners; the two-word ones ("kind of", "sort of", "just
 * enough") are matched as n-grams by the idiom rule in vader.c. */
static const char *const dampeners[] = {
    "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less",
    "little", "marginal", "marginally", "occasional", "occasionally",
    "partly", "scarce", "scarcely", "slight", "slightly", "somewhat",
    "sorta", "sortof", "sort-of"};

static const struct {
    const char *word;
    ef_word_id id;
} rule_words[] = {
    {"at", EF_W_AT},          {"but", EF_W_BUT},     {"doubt", EF_W_DOUBT},
    {"kind", EF_W_KIND},      {"least", EF_W_LEAST}, {"never", EF_W_NEVER},
    {"no", EF_W_NO},          {"nor", EF_W_NOR},     {"of", EF_W_OF},
    {"or", EF_W_OR},          {"so", EF_W_SO},       {"this", EF_W_THIS},
    {"very", EF_W_VERY},      {"without", EF_W_WITHOUT},
    {"ass", EF_W_ASS},        {"bad", EF_W_BAD},     {"beating", EF_W_BEATING},
    {"bomb", EF_W_BOMB},      {"broken", EF_W_BROKEN}, {"bus", EF_W_BUS},
    {"death", EF_W_DEATH},    {"die", EF_W_DIE},     {"enough", EF_W_ENOUGH},
    {"for", EF_W_FOR},        {"heart", EF_W_HEART}, {"just", EF_W_JUST},
    {"kiss", EF_W_KISS},      {"right", EF_W_RIGHT}, {"shit", EF_W_SHIT},
    {"sort", EF_W_SORT},      {"stop", EF_W_STOP},   {"the", EF_W_THE},
    {"to", EF_W_TO},          {"yeah", EF_W_YEAH}};

/* ==== Hash table ======================================================== */

uint64_t ef_lexicon_hash(const char *s, size_t n)
{
    /* Eight bytes per multiply: most tokens take one or two rounds. */
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (i < n) {
        w = 0;
        for (size_t k = 0; i + k < n; k++)
            w |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
}

static slot *find_slot(const ef_lexicon *lx, const char *s, size_t n,
                       uint64_t h)
{
    size_t mask = lx->cap - 1, i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);

    for (;; i = (i + 1) & mask) {
        slot *sl = &lx->slots[i];
        if (sl->idx == 0)
            return sl;
        if (sl->tag == tag) {
            const entry *en = &lx->entries[sl->idx];
            if (en->len == n && memcmp(en->key, s, n) == 0)
                return sl;
        }
    }
}

const ef_word_info *ef_lexicon_find_long(const ef_lexicon *lx, const char *s,
                                         size_t n, uint64_t h)
{
    return &lx->entries[find_slot(lx, s, n, h)->idx].info;
}

static void grow(ef_lexicon *lx)
{
    slot *old = lx->slots;
    size_t oldcap = lx->cap;

    lx->cap = oldcap ? oldcap * 2 : 32768;
    lx->slots = ef_xcalloc(lx->cap, sizeof(slot));
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].idx) {
            const entry *en = &lx->entries[old[i].idx];
            *find_slot(lx, en->key, en->len,
                       ef_lexicon_hash(en->key, en->len)) = old[i];
        }
    }
    free(old);
}

static void add_entry(ef_lexicon *lx, const char *key, size_t n)
{
    entry *en;

    if (lx->used == lx->entries_cap) {
        lx->entries_cap = lx->entries_cap ? lx->entries_cap * 2 : 8192;
        lx->entries =
            ef_xrealloc(lx->entries, lx->entries_cap * sizeof(entry));
    }
    en = &lx->entries[lx->used++];
    memset(en, 0, sizeof(entry));
    memcpy(en->head, key, n < 16 ? n : 16);
    en->key = key;
    en->len = n;
}

/* The entry for key (created empty if new). key must outlive the table. */
static ef_word_info *upsert(ef_lexicon *lx, const char *key, size_t n)
{
    uint64_t h = ef_lexicon_hash(key, n);
    slot *sl;

    if ((lx->used + 1) * 4 > lx->cap)
        grow(lx);
    sl = find_slot(lx, key, n, h);
    if (sl->idx == 0) {
        sl->tag = (uint32_t)(h >> 32);
        sl->idx = (uint32_t)lx->used;
        add_entry(lx, key, n);
    }
    return &lx->entries[sl->idx].info;
}

ef_lexicon *ef_lexicon_new(void)
{
    ef_lexicon *lx = ef_xcalloc(1, sizeof *lx);
    size_t i;

    add_entry(lx, "", 0);
    lx->entries[0].len = SIZE_MAX; /* the unknown word matches nothing */
    grow(lx);
    for (i = 0; i < ef_vader_lexicon_len; i++) {
        const ef_lexicon_entry *le = &ef_vader_lexicon[i];
        ef_word_info *w = upsert(lx, le->word, strlen(le->word));
        w->valence = le->valence;
        w->has_valence = 1;
    }
    for (i = 0; i < EF_ARRAY_LEN(negations); i++)
        upsert(lx, negations[i], strlen(negations[i]))->negates = 1;
    for (i = 0; i < EF_ARRAY_LEN(boosters); i++) {
        ef_word_info *w = upsert(lx, boosters[i], strlen(boosters[i]));
        w->booster = B_INCR;
        w->has_booster = 1;
    }
    for (i = 0; i < EF_ARRAY_LEN(dampeners); i++) {
        ef_word_info *w = upsert(lx, dampeners[i], strlen(dampeners[i]));
        w->booster = B_DECR;
        w->has_booster = 1;
    }
    for (i = 0; i < EF_ARRAY_LEN(rule_words); i++)
        upsert(lx, rule_words[i].word, strlen(rule_words[i].word))->id =
            (uint8_t)rule_words[i].id;
    return lx;
}

void ef_lexicon_free(ef_lexicon *lx)
{
    if (lx == NULL)
        return;
    for (size_t i = 0; i < lx->nowned; i++)
        free(lx->owned[i]);
    free(lx->owned);
    free(lx->entries);
    free(lx->slots);
    free(lx);
}

ef_status ef_lexicon_load(ef_lexicon *lx, const char *path, uint64_t *digest,
                          ef_err *e)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    ef_status rc = EF_OK;

    if (f == NULL)
        return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path, strerror(errno));
    while ((n = getline(&line, &cap, f)) != -1) {
        char *p = line, *end = line + n, *tab, *num, *stop;
        double val;
        ef_word_info *w;

        lineno++;
        for (ssize_t i = 0; i < n; i++) {
            *digest ^= (unsigned char)line[i];
            *digest *= 0x100000001b3ULL;
        }
        while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
            *--end = '\0';
        if (p == end || *p == '#')
            continue;
        tab = memchr(p, '\t', (size_t)(end - p));
        if (tab == NULL || tab == p) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%zu: expected word<TAB>valence", path, lineno);
            goto out;
        }
        num = tab + 1;
        errno = 0;
        val = strtod(num, &stop);
        if (stop == num || (*stop != '\0' && *stop != '\t') || errno ||
            val < -4.0 || val > 4.0) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%zu: valence must be a number from -4 to 4",
                         path, lineno);
            goto out;
        }
        /* Lookups are by lower-cased token; an upper-case key would never
         * match, so the file's words are lower-cased here (ASCII). */
        for (char *c = p; c < tab; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        lx->owned = ef_xrealloc(lx->owned, (lx->nowned + 1) * sizeof(char *));
        lx->owned[lx->nowned] = ef_xstrndup(p, (size_t)(tab - p));
        w = upsert(lx, lx->owned[lx->nowned], (size_t)(tab - p));
        lx->nowned++;
        w->valence = val;
        w->has_valence = 1;
    }
    if (ferror(f))
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", path, strerror(errno));
out:
    free(line);
    fclose(f);
    return rc;
}
