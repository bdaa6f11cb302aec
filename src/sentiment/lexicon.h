/* lexicon.h - the word table VADER consults for every token (internal to
 * src/sentiment/): one hash lookup of the lower-cased token tells its
 * valence, whether it is a booster or dampener, whether it negates, and
 * which of the few words the rules name it is. */
#ifndef EF_LEXICON_H
#define EF_LEXICON_H

#include "util/util.h"

/* The words that VADER's rules test by name. */
typedef enum {
    EF_W_NONE = 0,
    EF_W_AT, EF_W_BUT, EF_W_DOUBT, EF_W_KIND, EF_W_LEAST, EF_W_NEVER,
    EF_W_NO, EF_W_NOR, EF_W_OF, EF_W_OR, EF_W_SO, EF_W_THIS, EF_W_VERY,
    EF_W_WITHOUT,
    /* words of the special-case idioms and booster n-grams */
    EF_W_ASS, EF_W_BAD, EF_W_BEATING, EF_W_BOMB, EF_W_BROKEN, EF_W_BUS,
    EF_W_DEATH, EF_W_DIE, EF_W_ENOUGH, EF_W_FOR, EF_W_HEART, EF_W_JUST,
    EF_W_KISS, EF_W_RIGHT, EF_W_SHIT, EF_W_SORT, EF_W_STOP, EF_W_THE,
    EF_W_TO, EF_W_YEAH
} ef_word_id;

typedef struct {
    double valence;      /* lexicon valence, when has_valence */
    double booster;      /* +0.293 booster, -0.293 dampener (has_booster) */
    uint8_t has_valence; /* the word is in the lexicon */
    uint8_t has_booster; /* the word is in the booster/dampener list */
    uint8_t negates;     /* the word is in the negation list */
    uint8_t id;          /* ef_word_id */
} ef_word_info;

/* The table is open addressing with linear probing, kept at most a
 * quarter full so that a lookup almost always ends at its first slot.
 * Its layout is here only so that the lookup, the scorer's hottest call,
 * can be inlined. */
typedef struct {
    uint32_t tag; /* high bits of the hash */
    uint32_t idx; /* index into entries; 0: empty slot */
} ef_lexicon_slot;

typedef struct {
    uint64_t head[2]; /* the key's first 16 bytes, zero-padded */
    const char *key;  /* the whole key */
    size_t len;       /* SIZE_MAX in entries[0], the "unknown word" */
    ef_word_info info;
} ef_lexicon_entry_;

typedef struct ef_lexicon {
    ef_lexicon_slot *slots;
    size_t cap; /* power of two */
    ef_lexicon_entry_ *entries; /* entries[0]: unknown word, all zero */
    size_t used, entries_cap;   /* used counts entries[0] too */
    char **owned; /* keys copied from user lexicon files */
    size_t nowned;
} ef_lexicon;

/* Builds the table from the built-in lexicon and the rule word lists.
 * Free with ef_lexicon_free. */
ef_lexicon *ef_lexicon_new(void);
void ef_lexicon_free(ef_lexicon *lx);

/* Adds or overrides entries from a `word<TAB>valence` file; errors name
 * file and line. Feeds the file's bytes into *digest (FNV-1a). */
ef_status ef_lexicon_load(ef_lexicon *lx, const char *path, uint64_t *digest,
                          ef_err *e);

/* The hash of n bytes, as ef_lexicon_find expects it. */
uint64_t ef_lexicon_hash(const char *s, size_t n);

/* The same hash for a buffer that has at least 8 readable bytes past
 * s + n (the scorer's token buffer): tail bytes are masked, not looped. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EF_LITTLE_ENDIAN 1
#else
#define EF_LITTLE_ENDIAN 0
#endif

#if EF_LITTLE_ENDIAN
static inline uint64_t ef_lexicon_hash_padded(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        __builtin_memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (i < n) {
        __builtin_memcpy(&w, s + i, 8);
        w &= ~0ULL >> (8 * (8 - (n - i))); /* little-endian: low bytes */
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 32);
}
#else
#define ef_lexicon_hash_padded ef_lexicon_hash
#endif

/* Asks for the cache line of the slot a hash lands on (a hint only). */
static inline void ef_lexicon_prefetch(const ef_lexicon *lx, uint64_t h)
{
    __builtin_prefetch(&lx->slots[(size_t)h & (lx->cap - 1)]);
}

/* Asks for the entry that slot points to (call once the slot is in). */
static inline void ef_lexicon_prefetch_entry(const ef_lexicon *lx,
                                             uint64_t h)
{
    __builtin_prefetch(&lx->entries[lx->slots[(size_t)h & (lx->cap - 1)]
                                        .idx]);
}

/* The entry for a word longer than 16 bytes (out of line: rare). */
const ef_word_info *ef_lexicon_find_long(const ef_lexicon *lx, const char *s,
                                         size_t n, uint64_t h);

/* The entry for the lower-cased word s (n bytes, hash h); an all-zero
 * entry when the word is unknown. s must have 16 readable bytes past
 * s + n (the scorer's token buffer). The hit-or-miss decision is made
 * without a branch: which way it goes is as random as the words. */
static inline const ef_word_info *ef_lexicon_find(const ef_lexicon *lx,
                                                  const char *s, size_t n,
                                                  uint64_t h)
{
    size_t mask = lx->cap - 1, i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    uint64_t w[2];

    if (n > 16 || !EF_LITTLE_ENDIAN)
        return ef_lexicon_find_long(lx, s, n, h);
    /* the first n bytes, zero-padded like the heads (little-endian: the
     * low-addressed bytes are the low bits) */
    __builtin_memcpy(w, s, 16);
    w[0] &= n >= 8 ? ~0ULL : ~(~0ULL << (8 * n));
    w[1] &= n >= 16 ? ~0ULL : n <= 8 ? 0 : ~(~0ULL << (8 * (n - 8)));
    for (;; i = (i + 1) & mask) {
        ef_lexicon_slot sl = lx->slots[i];
        const ef_lexicon_entry_ *en = &lx->entries[sl.idx];
        int match = (sl.tag == tag) & (en->len == n) & (en->head[0] == w[0]) &
                    (en->head[1] == w[1]);
        if (match | (sl.idx == 0))
            return &lx->entries[match ? sl.idx : 0].info;
    }
}

#endif
