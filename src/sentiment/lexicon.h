/* lexicon.h - the word table VADER consults for every token (internal to
 * src/sentiment/): one hash lookup of the lower-cased token tells its
 * valence, whether it is a booster or dampener, whether it negates, and
 * which of the few words the rules name it is. */
#ifndef EF_LEXICON_H
#define EF_LEXICON_H

#include "util/util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The words that VADER's rules test by name. */
typedef enum {
    EF_W_NONE = 0,
    EF_W_AT,
    EF_W_BUT,
    EF_W_DOUBT,
    EF_W_KIND,
    EF_W_LEAST,
    EF_W_NEVER,
    EF_W_NO,
    EF_W_NOR,
    EF_W_OF,
    EF_W_OR,
    EF_W_SO,
    EF_W_THIS,
    EF_W_VERY,
    EF_W_WITHOUT,
    /* words of the special-case idioms and booster n-grams */
    EF_W_ASS,
    EF_W_BAD,
    EF_W_BEATING,
    EF_W_BOMB,
    EF_W_BROKEN,
    EF_W_BUS,
    EF_W_DEATH,
    EF_W_DIE,
    EF_W_ENOUGH,
    EF_W_FOR,
    EF_W_HEART,
    EF_W_JUST,
    EF_W_KISS,
    EF_W_RIGHT,
    EF_W_SHIT,
    EF_W_SORT,
    EF_W_STOP,
    EF_W_THE,
    EF_W_TO,
    EF_W_YEAH
} ef_word_id;

/* One word of the table, 32 bytes: its key's head and what the rules
 * need to know of it. The unknown word is all zero but for len. */
typedef struct {
    uint64_t head[2];    /* the key's first 16 bytes, zero-padded */
    double valence;      /* lexicon valence, when has_valence */
    uint32_t len;        /* key length; UINT32_MAX for the unknown word */
    uint8_t has_valence; /* the word is in the lexicon */
    int8_t booster;      /* +1 booster, -1 dampener, 0 neither */
    uint8_t negates;     /* the word is in the negation list */
    uint8_t id;          /* ef_word_id */
} ef_word_info;

/* The table is a hash table in the manner of Abseil's "Swiss tables":
 * slots come in groups of 16, and a control byte per slot (0: empty,
 * else 0x80 | 7 bits of the hash) lets a lookup test a whole group at
 * once. As there, a word goes to the first group from its home group
 * that has room. Unlike there, a lookup stops at the home group unless
 * that group is marked: a group that fills up and has to pass a word on
 * gives up one slot to the control byte EF_LEXICON_MARK, which every
 * probe of the group matches (so it goes on to ef_lexicon_find_miss).
 * Thus a word whose tag matches no control byte of its home group is
 * absent, and an unknown word, which most tokens are, is settled by one
 * 16-byte load from the control bytes (16 KB for the built-in lexicon,
 * half the first-level cache) without touching the words. Kept at most
 * half full, so that few groups fill. The layout is here only so that
 * the lookup, the scorer's hottest call, can be inlined. */
typedef struct ef_lexicon {
    uint8_t *ctrl;       /* cap control bytes */
    ef_word_info *words; /* cap + 1; words[cap] is the unknown word */
    const char **keys;   /* cap whole keys (for long words and growing) */
    size_t cap;          /* slots, a power of two >= 16 */
    size_t used;
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define EF_LITTLE_ENDIAN 0
#else
#define EF_LITTLE_ENDIAN 1
#endif

/* Eight bytes at p as a number whose low bits are the lowest-addressed
 * byte, whatever the machine's byte order. */
static inline uint64_t ef_load_le64(const void *p)
{
    uint64_t x;
    __builtin_memcpy(&x, p, 8);
#if !EF_LITTLE_ENDIAN
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* The masks that keep the first n bytes of a 16-byte head (n <= 16). */
extern const uint64_t ef_lexicon_head_mask[17][2];

/* The first n bytes of s (all 16 when n > 16), zero-padded, as the two
 * words of a key head; without a branch on n, whose value is as random
 * as the words. s must have 16 readable bytes (the scorer's token
 * buffer). */
static inline void ef_lexicon_head(const char *s, size_t n, uint64_t w[2])
{
    const uint64_t *m = ef_lexicon_head_mask[n < 16 ? n : 16];
    w[0] = ef_load_le64(s) & m[0];
    w[1] = ef_load_le64(s + 8) & m[1];
}

/* The 128-bit product of a and b, folded to 64 bits (high half XOR low
 * half): every bit of the result depends on every bit of a and b. From
 * 32-bit halves, for compilers without a 128-bit type. */
static inline uint64_t ef_fold_mul_halves(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xffffffffu, ah = a >> 32;
    uint64_t bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (mid << 32) | (ll & 0xffffffffu);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return hi ^ lo;
}

/* The same, one multiply instruction where the machine has it. */
static inline uint64_t ef_fold_mul(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128; /* a GNU C type */
    u128 p = (u128)a * b;
    return (uint64_t)(p >> 64) ^ (uint64_t)p;
#else
    return ef_fold_mul_halves(a, b);
#endif
}

/* The hash of a key of n bytes from its head (and, past 16 bytes, the
 * rest of it): one folded multiply of the head's two words for most
 * words, one more per further 8 bytes. (The multiply's latency is on the
 * path of every token's probe: one, not three.) */
static inline uint64_t ef_lexicon_hash_head(const uint64_t w[2], const char *s,
                                            size_t n)
{
    uint64_t h = ef_fold_mul(w[0] ^ 0xa0761d6478bd642fULL,
                             w[1] ^ n ^ 0xe7037ed1a0b428dbULL);

    for (size_t i = 16; i < n; i += 8) {
        uint64_t c = 0;
        for (size_t k = 0; k < 8 && i + k < n; k++)
            c |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
        h = ef_fold_mul(h ^ c, 0x8ebc6af09c88c6e3ULL);
    }
    return h;
}

/* The hash of any n bytes (no padding needed). */
uint64_t ef_lexicon_hash(const char *s, size_t n);

/* Slots per group: the control bytes a lookup tests at once. */
#define EF_LEXICON_GROUP 16

/* The control byte of the slot a full group gives up (see above). */
#define EF_LEXICON_MARK 0x01

/* Which of the 16 control bytes at c equal tag or EF_LEXICON_MARK (bit
 * k: c[k]). */
#if defined(__SSE2__)
static inline unsigned ef_lexicon_match(const uint8_t *c, uint8_t tag)
{
    __m128i g = _mm_loadu_si128((const __m128i *)c);
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(g, _mm_set1_epi8((char)tag)),
                     _mm_cmpeq_epi8(g, _mm_set1_epi8(EF_LEXICON_MARK))));
}
#else
/* The high bit of each zero byte of x, exactly. */
static inline uint64_t ef_zero_bytes_(uint64_t x)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
    return ~(((x & low7) + low7) | x | low7);
}

/* Byte k's high bit of x as bit k (what SSE2's movemask does). */
static inline unsigned ef_high_bits_(uint64_t x)
{
    return (unsigned)((((x >> 7) & 0x0101010101010101ULL) *
                       0x0102040810204080ULL) >>
                      56);
}

static inline unsigned ef_lexicon_match(const uint8_t *c, uint8_t tag)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t t = tag * ones, k = EF_LEXICON_MARK * ones;
    uint64_t lo = ef_load_le64(c), hi = ef_load_le64(c + 8);
    return ef_high_bits_(ef_zero_bytes_(lo ^ t) | ef_zero_bytes_(lo ^ k)) |
           ef_high_bits_(ef_zero_bytes_(hi ^ t) | ef_zero_bytes_(hi ^ k)) << 8;
}
#endif

/* The control byte of a word with hash h, and its home group's first
 * slot. */
static inline uint8_t ef_lexicon_tag(uint64_t h)
{
    return (uint8_t)(0x80 | (h >> 57));
}

static inline size_t ef_lexicon_home(const ef_lexicon *lx, uint64_t h)
{
    return ((size_t)h * EF_LEXICON_GROUP) & (lx->cap - 1);
}

/* The first step of a lookup, for a word with hash h: the entry of the
 * first slot in its home group whose control byte matches (a mark's
 * entry matches no word); the unknown word if none does, and then the
 * word is not in the table. Otherwise ef_lexicon_find settles it. */
static inline const ef_word_info *ef_lexicon_probe(const ef_lexicon *lx,
                                                   uint64_t h)
{
    size_t g = ef_lexicon_home(lx, h), slot;
    unsigned match = ef_lexicon_match(lx->ctrl + g, ef_lexicon_tag(h));

    /* match ? g + its first bit : cap, in arithmetic: compilers make the
     * conditional a branch, and it goes either way at random */
    slot = g + (size_t)__builtin_ctz(match | 1u << 16);
    slot ^= (slot ^ lx->cap) & -(size_t)(match == 0);
    return &lx->words[slot];
}

/* ef_lexicon_find when the candidate is not the word (out of line:
 * rare). */
const ef_word_info *ef_lexicon_find_miss(const ef_lexicon *lx, const char *s,
                                         size_t n, const ef_word_info *cand);

/* The second step: the entry for the lower-cased word s (n bytes), given
 * the probe's candidate; the unknown word when it is not in the table.
 * The candidate is the word, or else (about one candidate in ten: an
 * unknown word whose tag a word of its group shares, a marked group, a
 * word longer than the 16 bytes a head holds) ef_lexicon_find_miss
 * looks further. s must have 16
 * readable bytes past s + n (the scorer's token buffer). */
static inline const ef_word_info *ef_lexicon_find(const ef_lexicon *lx,
                                                  const char *s, size_t n,
                                                  const ef_word_info *cand)
{
    uint64_t w[2];

    ef_lexicon_head(s, n, w);
    if ((n <= 16) & (cand->len == n) & (cand->head[0] == w[0]) &
        (cand->head[1] == w[1]))
        return cand;
    return ef_lexicon_find_miss(lx, s, n, cand);
}

#endif
