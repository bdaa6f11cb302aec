/* lexicon.c - VADER's word table: lexicon valences, boosters, negations
 * and the rule words, in one open-addressing hash table. */
#include "sentiment/lexicon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment/vader_data.h"

/* ==== Word lists of the rules =========================================== */

/* Word lists as prose, in the reference's order: clang-format would set
 * them in columns. */
/* clang-format off */
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
/* clang-format on */

/* ==== Hash table ======================================================== */

/* Row n keeps the first n bytes of a head: all of them from 8 bytes on
 * in the first word, and the rest in the second. */
const uint64_t ef_lexicon_head_mask[17][2] = {
    {0x0000000000000000ULL, 0x0000000000000000ULL}, /*  0 */
    {0x00000000000000ffULL, 0x0000000000000000ULL}, /*  1 */
    {0x000000000000ffffULL, 0x0000000000000000ULL}, /*  2 */
    {0x0000000000ffffffULL, 0x0000000000000000ULL}, /*  3 */
    {0x00000000ffffffffULL, 0x0000000000000000ULL}, /*  4 */
    {0x000000ffffffffffULL, 0x0000000000000000ULL}, /*  5 */
    {0x0000ffffffffffffULL, 0x0000000000000000ULL}, /*  6 */
    {0x00ffffffffffffffULL, 0x0000000000000000ULL}, /*  7 */
    {0xffffffffffffffffULL, 0x0000000000000000ULL}, /*  8 */
    {0xffffffffffffffffULL, 0x00000000000000ffULL}, /*  9 */
    {0xffffffffffffffffULL, 0x000000000000ffffULL}, /* 10 */
    {0xffffffffffffffffULL, 0x0000000000ffffffULL}, /* 11 */
    {0xffffffffffffffffULL, 0x00000000ffffffffULL}, /* 12 */
    {0xffffffffffffffffULL, 0x000000ffffffffffULL}, /* 13 */
    {0xffffffffffffffffULL, 0x0000ffffffffffffULL}, /* 14 */
    {0xffffffffffffffffULL, 0x00ffffffffffffffULL}, /* 15 */
    {0xffffffffffffffffULL, 0xffffffffffffffffULL}, /* 16 */
};

/* ef_lexicon_head of any n bytes (no 16 readable bytes needed). */
static void padded_head(const char *s, size_t n, uint64_t w[2])
{
    char pad[16] = {0};

    memcpy(pad, s, n < 16 ? n : 16);
    ef_lexicon_head(pad, n < 16 ? n : 16, w);
}

uint64_t ef_lexicon_hash(const char *s, size_t n)
{
    uint64_t w[2];

    padded_head(s, n, w);
    return ef_lexicon_hash_head(w, s, n);
}

static size_t next_group(const ef_lexicon *lx, size_t g)
{
    return (g + EF_LEXICON_GROUP) & (lx->cap - 1);
}

/* The first empty slot of group g, or SIZE_MAX if it is full. */
static size_t empty_slot(const ef_lexicon *lx, size_t g)
{
    for (size_t i = g; i < g + EF_LEXICON_GROUP; i++)
        if (lx->ctrl[i] == 0)
            return i;
    return SIZE_MAX;
}

/* Whether slot i holds key s (n bytes); head is s's (ef_lexicon_head). */
static int holds(const ef_lexicon *lx, size_t i, const char *s, size_t n,
                 const uint64_t head[2])
{
    const ef_word_info *w = &lx->words[i];
    return w->len == n && w->head[0] == head[0] && w->head[1] == head[1] &&
           (n <= 16 || memcmp(lx->keys[i], s, n) == 0);
}

/* The slot of key (n bytes, hash h), or SIZE_MAX if it is absent. An
 * unmarked home group holds every word of that home; a marked one (it is
 * full) passed words on to the groups after it, up to the first group
 * that has room. */
static size_t find_key(const ef_lexicon *lx, const char *s, size_t n,
                       uint64_t h)
{
    size_t home = ef_lexicon_home(lx, h), g = home;
    uint8_t tag = ef_lexicon_tag(h);
    uint64_t head[2];

    padded_head(s, n, head);
    for (;; g = next_group(lx, g)) {
        unsigned m = ef_lexicon_match(lx->ctrl + g, tag);
        int marked = 0;
        for (; m != 0; m &= m - 1) {
            size_t i = g + (size_t)__builtin_ctz(m);
            if (lx->ctrl[i] == EF_LEXICON_MARK)
                marked = 1;
            else if (holds(lx, i, s, n, head))
                return i;
        }
        if (empty_slot(lx, g) != SIZE_MAX || (g == home && !marked))
            return SIZE_MAX;
    }
}

const ef_word_info *ef_lexicon_find_miss(const ef_lexicon *lx, const char *s,
                                         size_t n, const ef_word_info *cand)
{
    size_t slot = (size_t)(cand - lx->words), g, i;
    uint64_t head[2];
    unsigned m;

    if (slot == lx->cap) /* no candidate */
        return cand;
    /* the other slots of the candidate's group (its home group) that
     * match its tag, unless the group is marked */
    g = slot & ~(size_t)(EF_LEXICON_GROUP - 1);
    m = ef_lexicon_match(lx->ctrl + g, lx->ctrl[slot]);
    ef_lexicon_head(s, n, head);
    for (m &= m - 1; m != 0; m &= m - 1) {
        i = g + (size_t)__builtin_ctz(m);
        if (lx->ctrl[i] == EF_LEXICON_MARK)
            break;
        if (holds(lx, i, s, n, head))
            return &lx->words[i];
    }
    if (m != 0 || lx->ctrl[slot] == EF_LEXICON_MARK || n > 16) {
        i = find_key(lx, s, n, ef_lexicon_hash(s, n));
        return &lx->words[i != SIZE_MAX ? i : lx->cap];
    }
    return &lx->words[lx->cap];
}

/* Puts a word (control byte, entry, key) in slot i. */
static void put(ef_lexicon *lx, size_t i, uint8_t ctrl, const ef_word_info *w,
                const char *key)
{
    lx->ctrl[i] = ctrl;
    lx->words[i] = *w;
    lx->keys[i] = key;
}

/* A slot for a new word with hash h (the table has room): in its home
 * group if that has room; else the group is marked, if it was not (the
 * word in the slot the mark takes goes on with the new one), and the
 * word goes to the next group that has room. */
static size_t new_slot(ef_lexicon *lx, uint64_t h)
{
    size_t g = ef_lexicon_home(lx, h), i = empty_slot(lx, g);

    if (i != SIZE_MAX)
        return i;
    size_t last = g + EF_LEXICON_GROUP - 1;
    int marked = 0;
    for (size_t k = g; k <= last; k++)
        marked |= lx->ctrl[k] == EF_LEXICON_MARK;
    if (!marked) {
        /* every word of groups up to here that was passed on went past
         * g, so the moved word is found beyond g as well */
        ef_word_info moved = lx->words[last], mark = {0};
        uint8_t mctrl = lx->ctrl[last];
        const char *mkey = lx->keys[last];
        mark.len = UINT32_MAX; /* matches no word */
        put(lx, last, EF_LEXICON_MARK, &mark, NULL);
        for (size_t k = next_group(lx, g);; k = next_group(lx, k))
            if ((i = empty_slot(lx, k)) != SIZE_MAX)
                break;
        put(lx, i, mctrl, &moved, mkey);
    }
    for (size_t k = next_group(lx, g);; k = next_group(lx, k))
        if ((i = empty_slot(lx, k)) != SIZE_MAX)
            return i;
}

/* (Re)allocates the table with cap slots and puts the words back. */
static void rebuild(ef_lexicon *lx, size_t cap)
{
    ef_lexicon old = *lx;

    lx->cap = cap;
    lx->ctrl = ef_xcalloc(cap, 1);
    lx->words = ef_xcalloc(cap + 1, sizeof(ef_word_info));
    lx->keys = ef_xcalloc(cap, sizeof(char *));
    lx->words[cap].len = UINT32_MAX; /* the unknown word matches nothing */
    for (size_t i = 0; i < old.cap; i++) {
        if (old.ctrl[i] & 0x80) { /* a word, not a mark */
            uint64_t h = ef_lexicon_hash(old.keys[i], old.words[i].len);
            put(lx, new_slot(lx, h), old.ctrl[i], &old.words[i], old.keys[i]);
        }
    }
    free(old.ctrl);
    free(old.words);
    free(old.keys);
}

/* The entry for key (created empty if new). key must outlive the table. */
static ef_word_info *upsert(ef_lexicon *lx, const char *key, size_t n)
{
    uint64_t h = ef_lexicon_hash(key, n);
    size_t i = find_key(lx, key, n, h);

    if (i != SIZE_MAX)
        return &lx->words[i];
    /* a word, and perhaps a mark: room for two, at most half full */
    if ((lx->used + 2) * 2 > lx->cap)
        rebuild(lx, lx->cap * 2);
    ef_word_info w = {0};
    memcpy(w.head, key, n < 16 ? n : 16);
#if !EF_LITTLE_ENDIAN
    w.head[0] = __builtin_bswap64(w.head[0]);
    w.head[1] = __builtin_bswap64(w.head[1]);
#endif
    w.len = (uint32_t)n;
    i = new_slot(lx, h);
    put(lx, i, ef_lexicon_tag(h), &w, key);
    lx->used++;
    return &lx->words[i];
}

ef_lexicon *ef_lexicon_new(void)
{
    ef_lexicon *lx = ef_xcalloc(1, sizeof *lx);
    size_t i;

    rebuild(lx, 16384);
    for (i = 0; i < ef_vader_lexicon_len; i++) {
        const ef_lexicon_entry *le = &ef_vader_lexicon[i];
        ef_word_info *w = upsert(lx, le->word, strlen(le->word));
        w->valence = le->valence;
        w->has_valence = 1;
    }
    for (i = 0; i < EF_ARRAY_LEN(negations); i++)
        upsert(lx, negations[i], strlen(negations[i]))->negates = 1;
    for (i = 0; i < EF_ARRAY_LEN(boosters); i++)
        upsert(lx, boosters[i], strlen(boosters[i]))->booster = 1;
    for (i = 0; i < EF_ARRAY_LEN(dampeners); i++)
        upsert(lx, dampeners[i], strlen(dampeners[i]))->booster = -1;
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
    free(lx->ctrl);
    free(lx->words);
    free(lx->keys);
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
            rc = ef_fail(e, EF_ERR_PARSE, "%s:%zu: expected word<TAB>valence",
                         path, lineno);
            goto out;
        }
        num = tab + 1;
        errno = 0;
        val = strtod(num, &stop);
        if (stop == num || (*stop != '\0' && *stop != '\t') || errno ||
            val < -4.0 || val > 4.0) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%zu: valence must be a number from -4 to 4", path,
                         lineno);
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
