/* vader.c - VADER sentiment scoring, the rules of vaderSentiment 3.3.2.
 *
 * Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based
 * Model for Sentiment Analysis of Social Media Text. ICWSM-14.
 *
 * The pipeline for one text:
 *   1. emoji are replaced by their names (one code point at a time);
 *   2. the text is split on Unicode white space; each token loses its
 *      leading and trailing ASCII punctuation unless that leaves two code
 *      points or fewer (so ":)" and "ok" survive);
 *   3. each token is lower-cased and looked up once (lexicon.c);
 *   4. each lexicon word gets a valence, adjusted by the rules: ALL-CAPS
 *      emphasis, boosters and dampeners up to three words back, negation,
 *      "no", "never so/this", "without doubt", idioms, "least", "but";
 *   5. the valences are summed, amplified by '!' and '?', normalised to
 *      -1..1 (alpha 15), and split into pos/neu/neg proportions.
 * The reference's quirks are kept on purpose (they define the scores the
 * conformance data expects); each is marked "quirk" below.
 */
#include "sentiment/sentiment.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 and AVX-512 paths chosen at run time (EF_NO_AVX2 builds without
 * both, EF_NO_AVX512 without the second, so that the tests can check the
 * other paths on a machine that has these). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(EF_NO_AVX2)
#define EF_HAVE_AVX2 1
#include <immintrin.h>
#else
#define EF_HAVE_AVX2 0
#endif
#if EF_HAVE_AVX2 && !defined(EF_NO_AVX512)
#define EF_HAVE_AVX512 1
#else
#define EF_HAVE_AVX512 0
#endif

#include "sentiment/lexicon.h"
#include "sentiment/vader_data.h"
#include "util/text.h"

/* Empirical constants of the VADER paper. */
#define B_INCR 0.293     /* a booster word */
#define B_DECR (-0.293)  /* a dampener word */
#define C_INCR 0.733     /* ALL-CAPS emphasis of a sentiment word */
#define N_SCALAR (-0.74) /* negation */
#define ALPHA 15.0       /* normalisation: x / sqrt(x^2 + alpha) */
#define EP_WEIGHT 0.292  /* per '!', up to 4 */
#define QM_WEIGHT 0.18   /* per '?', for 2 or 3 of them; 0.96 for more */

/* A --brand phrase: its words as the scorer's tokens are (stripped,
 * lower-cased), one after another in words. */
typedef struct {
    char *words;                  /* the words, each NUL-terminated */
    uint32_t off[EF_BRAND_WORDS]; /* word k at words + off[k] */
    uint32_t len[EF_BRAND_WORDS];
    uint32_t n; /* words, 1 to EF_BRAND_WORDS */
} brand;

struct ef_vader {
    ef_lexicon *lex;
    int rules;     /* the names rules apply (ef_vader_set_names) */
    brand *brands; /* --brand phrases */
    size_t nbrands;
    int custom; /* a user lexicon was added */
    uint64_t custom_digest, brand_digest;
    char version[128];
};

/* A token's flags. */
enum {
    T_UPPER = 1, /* Python's str.isupper() of the token */
    T_APOS = 2,  /* has an apostrophe (so may contain "n't") */
    T_NT = 4,    /* contains "n't" */
    T_NEG = 8,   /* a negation word, or contains "n't" */
    T_AT = 16    /* split_utf8: '@' right before the stripped token */
};

typedef struct {
    /* the word's entry (the unknown word: all zero); from the probe until
     * look_up, the probe's candidate */
    const ef_word_info *w;
    uint32_t off, len; /* the lower-cased token in scratch->lower */
    uint32_t flags;    /* T_... */
} token;

struct ef_vader_scratch {
    char *text; /* the text with emoji replaced, when it was not ASCII */
    size_t text_cap;
    char *lower; /* one lower-cased token */
    size_t lower_cap;
    token *tok;
    double *sent;       /* the non-zero valences, in token order */
    size_t *pos;        /* their token positions */
    size_t *hits;       /* positions of the lexicon words */
    size_t nhits;       /* of the text scored last (ef_vader_scored_words) */
    size_t *cand;       /* positions of the tokens the probe did not settle */
    size_t ncand, caps; /* their count; the count of ALL-CAPS tokens */
    size_t tok_cap;
    uint64_t *mask; /* an ASCII text's bitmasks (split_ascii) */
    size_t mask_cap;
};

/* ==== Character classes ================================================= */

/* The ASCII byte classes, defined once for every path: the scalar one
 * below, SSE2 and AVX2 (32 bytes a block) and AVX-512 (64). A path
 * defines IN(lo, hi) (the bytes in [lo, hi]), OR(a, b) and ANDNOT(a, b)
 * (b and not a) for its own type and takes the classes from these. */
#define CLASS_UPPER IN('A', 'Z')
#define CLASS_LOWER IN('a', 'z')
/* white space as Python's str.split() sees it: \t \n \v \f \r, the
 * separators 0x1c-0x1f and ' ' */
#define CLASS_SPACE OR(IN(0x09, 0x0d), IN(0x1c, 0x20))
/* punctuation, Python's string.punctuation: printable, not a letter or a
 * digit, not a space */
#define CLASS_PUNCT                                                           \
    ANDNOT(OR(OR(CLASS_UPPER, CLASS_LOWER), IN('0', '9')), IN(0x21, 0x7e))

#define IN(lo, hi) ((unsigned)c - (lo) <= (unsigned)(hi) - (lo))
#define OR(a, b) ((a) || (b))
#define ANDNOT(a, b) (!(a) && (b))
static inline int is_space(unsigned char c)
{
    return CLASS_SPACE;
}
static inline int is_punct(unsigned char c)
{
    return CLASS_PUNCT;
}
static inline int is_upper(unsigned char c)
{
    return CLASS_UPPER;
}
static inline int is_lower(unsigned char c)
{
    return CLASS_LOWER;
}
#undef IN
#undef OR
#undef ANDNOT

/* Length of the non-ASCII white space character at s (valid UTF-8, n bytes
 * left), or 0: U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000. */
static size_t uspace_len(const unsigned char *s, size_t n)
{
    if (s[0] == 0xc2 && n >= 2)
        return (s[1] == 0x85 || s[1] == 0xa0) ? 2 : 0;
    if (n < 3)
        return 0;
    if (s[0] == 0xe1)
        return (s[1] == 0x9a && s[2] == 0x80) ? 3 : 0;
    if (s[0] == 0xe2 && s[1] == 0x80)
        return (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf)
                   ? 3
                   : 0;
    if (s[0] == 0xe2 && s[1] == 0x81)
        return s[2] == 0x9f ? 3 : 0;
    if (s[0] == 0xe3)
        return (s[1] == 0x80 && s[2] == 0x80) ? 3 : 0;
    return 0;
}

/* Decodes one code point of valid UTF-8 (as made by preprocess). */
static size_t utf8_get(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xe0) {
        *cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
        return 2;
    }
    if (s[0] < 0xf0) {
        *cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
              (s[2] & 0x3f);
        return 3;
    }
    *cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
          (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
    return 4;
}

/* The index of the entry whose leading uint32_t code point is cp in the n
 * entries of size bytes at base (ascending by that code point), or n if
 * none is. One search for both generated tables (vader_data.h). */
static size_t cp_index(const void *base, size_t n, size_t size, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t at;
        memcpy(&at, (const char *)base + mid * size, sizeof at);
        if (at < cp)
            lo = mid + 1;
        else if (at > cp)
            hi = mid;
        else
            return mid;
    }
    return n;
}

_Static_assert(offsetof(ef_case_entry, cp) == 0, "cp_index reads cp first");
_Static_assert(offsetof(ef_emoji_entry, cp) == 0, "cp_index reads cp first");

static const ef_case_entry *case_find(uint32_t cp)
{
    size_t i =
        cp_index(ef_vader_case, ef_vader_case_len, sizeof *ef_vader_case, cp);
    return i < ef_vader_case_len ? &ef_vader_case[i] : NULL;
}

static const char *emoji_find(uint32_t cp)
{
    size_t i = cp_index(ef_vader_emoji, ef_vader_emoji_len,
                        sizeof *ef_vader_emoji, cp);
    return i < ef_vader_emoji_len ? ef_vader_emoji[i].desc : NULL;
}

/* ==== Scratch =========================================================== */

ef_vader_scratch *ef_vader_scratch_new(void)
{
    return ef_xcalloc(1, sizeof(ef_vader_scratch));
}

void ef_vader_scratch_free(ef_vader_scratch *s)
{
    if (s == NULL)
        return;
    free(s->text);
    free(s->lower);
    free(s->tok);
    free(s->sent);
    free(s->pos);
    free(s->hits);
    free(s->cand);
    free(s->mask);
    free(s);
}

static void reserve(char **p, size_t *cap, size_t need)
{
    if (need > *cap) {
        *cap = need + need / 2 + 64;
        *p = ef_xrealloc(*p, *cap);
    }
}

/* ==== Step 1: emoji and invalid UTF-8 =================================== */

/* Copies text into s->text with every emoji replaced by its name (with a
 * space before it unless one precedes) and invalid UTF-8 made U+FFFD. */
static size_t preprocess(ef_vader_scratch *s, const unsigned char *t, size_t n)
{
    size_t i = 0, o = 0;
    int prev_space = 1;

    reserve(&s->text, &s->text_cap, n * 3 + 16);
    while (i < n) {
        uint32_t cp;
        const char *desc;

        if (t[i] < 0x80) {
            prev_space = t[i] == ' ';
            s->text[o++] = (char)t[i++];
            continue;
        }
        i += ef_utf8_decode(t + i, n - i, &cp);
        desc = emoji_find(cp);
        if (desc == NULL) {
            reserve(&s->text, &s->text_cap, o + 4 + (n - i) * 3 + 16);
            o += ef_utf8_encode(s->text + o, cp);
            prev_space = 0;
            continue;
        }
        size_t dl = strlen(desc);
        reserve(&s->text, &s->text_cap, o + dl + 1 + (n - i) * 3 + 16);
        if (!prev_space)
            s->text[o++] = ' ';
        memcpy(s->text + o, desc, dl);
        o += dl;
        prev_space = 0;
    }
    return o;
}

/* ==== Step 2 and 3: tokens ============================================== */

/* Per ASCII byte: its lower case, and whether it is an upper- or
 * lower-case letter. */
enum { C_UP = 1, C_LO = 2, C_APOS = 4 };
static uint8_t ascii_lower[128], ascii_class[128];

#if EF_HAVE_AVX2
static int use_avx2; /* the CPU has AVX2 */
#endif
#if EF_HAVE_AVX512
static int use_avx512; /* the CPU has AVX-512 with byte operations */
#endif

static void init_ascii(void)
{
#if EF_HAVE_AVX2
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2");
#endif
#if EF_HAVE_AVX512
    use_avx512 = __builtin_cpu_supports("avx512f") &&
                 __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("popcnt");
#endif
    for (int c = 0; c < 128; c++) {
        ascii_lower[c] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        ascii_class[c] = (uint8_t)(c >= 'A' && c <= 'Z'   ? C_UP
                                   : c >= 'a' && c <= 'z' ? C_LO
                                   : c == '\''            ? C_APOS
                                                          : 0);
    }
}

/* Whether the lower-cased token s of n bytes contains "n't" (inline: the
 * tokens are short, and a call to memmem costs more than the search). */
static inline int has_nt(const char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == '\'' && s[i - 1] == 'n' && s[i + 1] == 't')
            return 1;
    return 0;
}

/* Lower-cases token t (n bytes of valid UTF-8) into s->lower at `at`,
 * and sets its flags T_UPPER (Python's isupper()) and T_APOS. Returns
 * the lower-cased length. */
static size_t lower_token(ef_vader_scratch *s, size_t at,
                          const unsigned char *t, size_t n, uint32_t *flags)
{
    size_t i = 0, o = 0;
    int cls = 0;
    char *low;

    low = s->lower + at; /* split_utf8 reserved room for the whole text */
    while (i < n) {
        unsigned char c = t[i];
        if (c < 0x80) {
            cls |= ascii_class[c];
            low[o++] = (char)ascii_lower[c];
            i++;
            continue;
        }
        uint32_t cp;
        i += utf8_get(t + i, &cp);
        const ef_case_entry *ce = case_find(cp);
        if (ce == NULL) {
            o += ef_utf8_encode(low + o, cp);
            continue;
        }
        if (ce->flags & (EF_CASE_LOWER | EF_CASE_TITLE))
            cls |= C_LO;
        else if (ce->flags & EF_CASE_UPPER)
            cls |= C_UP;
        if (cp == 0x130) { /* the one unconditional multi-char lower case */
            o += ef_utf8_encode(low + o, 'i');
            o += ef_utf8_encode(low + o, 0x307);
        } else {
            o += ef_utf8_encode(low + o, ce->lower);
        }
    }
    *flags = ((cls & (C_UP | C_LO)) == C_UP ? T_UPPER : 0) |
             (cls & C_APOS ? T_APOS : 0);
    return o;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* ---- ASCII texts: the text's bytes classified into bitmasks ---------- */

/* Per 64 bytes of text, one bit per byte in each mask; the masks of a
 * 64-byte word are stored together (MASK). */
enum { M_SPACE, M_PUNCT, M_UPPER, M_LOWER, M_APOS, M_COUNT };
#define MASK(m, w, c) ((m)[(w)*M_COUNT + (c)])

/* The classes of 32 bytes: bit k is byte k's. */
typedef struct {
    uint32_t m[M_COUNT];
    uint32_t high;        /* bytes >= 0x80 */
    uint32_t excl, quest; /* '!' and '?' */
} block_class;

/* The set bits of x, without a branch (a loop's exit would depend on
 * the text, and __builtin_popcount is a library call without -mpopcnt). */
static inline unsigned bit_count(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

#if defined(__SSE2__)
/* 16 bytes at p: their classes (16 bits each, in order: space, punct,
 * upper, lower, apostrophe, high, '!', '?'), and their lower case
 * written to low. The comparisons are signed, which is right for ASCII;
 * a block with a byte >= 0x80 is thrown away by the caller. */
static inline void classify16(const unsigned char *p, char *low,
                              uint32_t out[8])
{
    __m128i c = _mm_loadu_si128((const __m128i *)p);
#define IN(lo, hi)                                                            \
    _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8((char)((lo)-1))),           \
                  _mm_cmplt_epi8(c, _mm_set1_epi8((char)((hi) + 1))))
#define OR(a, b) _mm_or_si128(a, b)
#define ANDNOT(a, b) _mm_andnot_si128(a, b)
#define EQ(k) _mm_cmpeq_epi8(c, _mm_set1_epi8((char)(k)))
    __m128i up = CLASS_UPPER;
    out[0] = (uint32_t)_mm_movemask_epi8(CLASS_SPACE);
    out[1] = (uint32_t)_mm_movemask_epi8(CLASS_PUNCT);
    out[2] = (uint32_t)_mm_movemask_epi8(up);
    out[3] = (uint32_t)_mm_movemask_epi8(CLASS_LOWER);
    out[4] = (uint32_t)_mm_movemask_epi8(EQ('\''));
    out[5] = (uint32_t)_mm_movemask_epi8(c);
    out[6] = (uint32_t)_mm_movemask_epi8(EQ('!'));
    out[7] = (uint32_t)_mm_movemask_epi8(EQ('?'));
    _mm_storeu_si128((__m128i *)low,
                     _mm_or_si128(c, _mm_and_si128(up, _mm_set1_epi8(0x20))));
#undef IN
#undef OR
#undef ANDNOT
#undef EQ
}
#else
static inline void classify16(const unsigned char *p, char *low,
                              uint32_t out[8])
{
    memset(out, 0, 8 * sizeof *out);
    for (unsigned k = 0; k < 16; k++) {
        unsigned c = p[k];
        uint32_t bit = 1u << k;
        int up = is_upper((unsigned char)c);
        out[0] |= is_space((unsigned char)c) ? bit : 0;
        out[1] |= is_punct((unsigned char)c) ? bit : 0;
        out[2] |= up ? bit : 0;
        out[3] |= is_lower((unsigned char)c) ? bit : 0;
        out[4] |= c == '\'' ? bit : 0;
        out[5] |= c >= 0x80 ? bit : 0;
        out[6] |= c == '!' ? bit : 0;
        out[7] |= c == '?' ? bit : 0;
        low[k] = (char)(up ? c + 32 : c);
    }
}
#endif

/* 32 bytes at p, two blocks of 16. */
static inline void classify32(const unsigned char *p, char *low,
                              block_class *bc)
{
    uint32_t a[8], b[8];

    classify16(p, low, a);
    classify16(p + 16, low + 16, b);
    for (int c = 0; c < M_COUNT; c++)
        bc->m[c] = a[c] | b[c] << 16;
    bc->high = a[5] | b[5] << 16;
    bc->excl = a[6] | b[6] << 16;
    bc->quest = a[7] | b[7] << 16;
}

/* The classes of 64 bytes: bit k is byte k's. */
typedef struct {
    uint64_t m[M_COUNT];
    uint64_t high, excl, quest;
} word_class;

/* Two blocks' classes as one word: a's in the low bits, b's from bit sh
 * (where they overlap, the bits are the same). */
static inline void join_blocks(word_class *wc, const block_class *a,
                               const block_class *b, unsigned sh)
{
    for (int c = 0; c < M_COUNT; c++)
        wc->m[c] = a->m[c] | (uint64_t)b->m[c] << sh;
    wc->high = a->high | (uint64_t)b->high << sh;
    wc->excl = a->excl | (uint64_t)b->excl << sh;
    wc->quest = a->quest | (uint64_t)b->quest << sh;
}

/* Classifies the n bytes of t into s->mask (n / 64 + 1 words of M_COUNT
 * masks, bytes past n counting as white space) and writes their lower
 * case to s->lower, 32 bytes at a time with block. The last, partial
 * word of r bytes comes from its first 32 bytes and the 32 that end the
 * text when r >= 32, else from the 32 that end the text, shifted into
 * place (a byte classified twice gets the same bits twice). Only a text
 * shorter than 32 bytes is copied. Sets *ep and *qm to the counts of '!'
 * and '?'. Returns 0 when t is not all ASCII.
 *
 * Always inlined, into one function per vector width: block is then a
 * constant, and its call is inlined too, under the caller's target
 * (AVX2 code only in the AVX2 path). As a plain function, block would be
 * an indirect call per 32 bytes, and could not be inlined across the
 * targets. */
typedef void block_fn(const unsigned char *p, char *low, block_class *bc);

static inline __attribute__((always_inline)) int
classify_words(ef_vader_scratch *s, const unsigned char *t, size_t n,
               size_t *ep, size_t *qm, block_fn *block)
{
    uint64_t *m = s->mask, high = 0;
    size_t e = 0, q = 0, w = 0, r = n % 64;
    block_class a, b;
    word_class wc;

    for (; w < n / 64; w++) {
        block(t + 64 * w, s->lower + 64 * w, &a);
        block(t + 64 * w + 32, s->lower + 64 * w + 32, &b);
        join_blocks(&wc, &a, &b, 32);
        for (int c = 0; c < M_COUNT; c++)
            MASK(m, w, c) = wc.m[c];
        high |= wc.high;
        e += bit_count(wc.excl);
        q += bit_count(wc.quest);
    }
    memset(&wc, 0, sizeof wc);
    if (r >= 32) { /* a block, and the 32 bytes that end the text */
        block(t + 64 * w, s->lower + 64 * w, &a);
        block(t + n - 32, s->lower + n - 32, &b);
        join_blocks(&wc, &a, &b, (unsigned)r - 32);
    } else if (r != 0) {
        unsigned sh = 0; /* the old bytes before the new r */
        if (n >= 32) {
            block(t + n - 32, s->lower + n - 32, &a);
            sh = 32 - (unsigned)r;
        } else { /* a short text: a copy, padded with spaces */
            unsigned char pad[32];
            memset(pad, ' ', sizeof pad);
            memcpy(pad, t, n);
            block(pad, s->lower, &a);
        }
        for (int c = 0; c < M_COUNT; c++)
            wc.m[c] = a.m[c] >> sh;
        wc.high = a.high >> sh;
        wc.excl = a.excl >> sh;
        wc.quest = a.quest >> sh;
    }
    for (int c = 0; c < M_COUNT; c++)
        MASK(m, w, c) = wc.m[c];
    high |= wc.high;
    e += bit_count(wc.excl);
    q += bit_count(wc.quest);
    if (high != 0)
        return 0;
    /* bytes past the end count as white space */
    MASK(m, w, M_SPACE) |= ~0ULL << r;
    *ep = e;
    *qm = q;
    return 1;
}

static int classify_base(ef_vader_scratch *s, const unsigned char *t, size_t n,
                         size_t *ep, size_t *qm)
{
    return classify_words(s, t, n, ep, qm, classify32);
}

#if EF_HAVE_AVX2
/* The same 32 bytes in one AVX2 register (Debian builds for plain x86-64,
 * so this is chosen at run time when the CPU has it). */
__attribute__((target("avx2"))) static inline void
classify32_avx2(const unsigned char *p, char *low, block_class *bc)
{
    __m256i c = _mm256_loadu_si256((const __m256i *)p);
#define IN(lo, hi)                                                            \
    _mm256_and_si256(                                                         \
        _mm256_cmpgt_epi8(c, _mm256_set1_epi8((char)((lo)-1))),               \
        _mm256_cmpgt_epi8(_mm256_set1_epi8((char)((hi) + 1)), c))
#define OR(a, b) _mm256_or_si256(a, b)
#define ANDNOT(a, b) _mm256_andnot_si256(a, b)
#define EQ(k) _mm256_cmpeq_epi8(c, _mm256_set1_epi8((char)(k)))
    __m256i up = CLASS_UPPER;
    bc->m[M_SPACE] = (uint32_t)_mm256_movemask_epi8(CLASS_SPACE);
    bc->m[M_PUNCT] = (uint32_t)_mm256_movemask_epi8(CLASS_PUNCT);
    bc->m[M_UPPER] = (uint32_t)_mm256_movemask_epi8(up);
    bc->m[M_LOWER] = (uint32_t)_mm256_movemask_epi8(CLASS_LOWER);
    bc->m[M_APOS] = (uint32_t)_mm256_movemask_epi8(EQ('\''));
    bc->high = (uint32_t)_mm256_movemask_epi8(c);
    bc->excl = (uint32_t)_mm256_movemask_epi8(EQ('!'));
    bc->quest = (uint32_t)_mm256_movemask_epi8(EQ('?'));
    _mm256_storeu_si256(
        (__m256i *)low,
        _mm256_or_si256(c, _mm256_and_si256(up, _mm256_set1_epi8(0x20))));
#undef IN
#undef OR
#undef ANDNOT
#undef EQ
}

__attribute__((target("avx2"))) static int
classify_avx2(ef_vader_scratch *s, const unsigned char *t, size_t n,
              size_t *ep, size_t *qm)
{
    return classify_words(s, t, n, ep, qm, classify32_avx2);
}
#endif

#if EF_HAVE_AVX512
#define AVX512 __attribute__((target("avx512f,avx512bw,popcnt")))

/* The bytes of c in [lo, lo + span], as unsigned numbers. */
AVX512 static inline __mmask64 in_range(__m512i c, int lo, int span)
{
    __m512i d = _mm512_sub_epi8(c, _mm512_set1_epi8((char)lo));
    return _mm512_cmple_epu8_mask(d, _mm512_set1_epi8((char)span));
}

/* classify_words with AVX-512: a whole 64-byte word per step, straight
 * into its masks, and the last word read with a masked load (which reads
 * nothing past the text: no copy, no overlap). */
AVX512 static int classify_avx512(ef_vader_scratch *s, const unsigned char *t,
                                  size_t n, size_t *ep, size_t *qm)
{
    uint64_t *m = s->mask, high = 0;
    size_t e = 0, q = 0;

    for (size_t w = 0; w <= n / 64; w++) {
        size_t at = w * 64, r = n - at < 64 ? n - at : 64;
        __mmask64 keep = r == 64 ? ~0ULL : (1ULL << r) - 1;
        __m512i c = _mm512_maskz_loadu_epi8(keep, t + at);
#define IN(lo, hi) in_range(c, lo, (hi) - (lo))
#define OR(a, b) ((a) | (b))
#define ANDNOT(a, b) (~(a) & (b))
        __mmask64 up = CLASS_UPPER, lo = CLASS_LOWER;
        /* the bytes past n count as white space */
        MASK(m, w, M_SPACE) = CLASS_SPACE | ~keep;
        MASK(m, w, M_PUNCT) = CLASS_PUNCT;
        MASK(m, w, M_UPPER) = up;
        MASK(m, w, M_LOWER) = lo;
#undef IN
#undef OR
#undef ANDNOT
        MASK(m, w, M_APOS) = _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('\''));
        high |= _mm512_movepi8_mask(c);
        e += (size_t)__builtin_popcountll(
            _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('!')));
        q += (size_t)__builtin_popcountll(
            _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8('?')));
        _mm512_storeu_si512(
            s->lower + at,
            _mm512_mask_add_epi8(c, up, c, _mm512_set1_epi8(0x20)));
    }
    if (high != 0)
        return 0;
    *ep = e;
    *qm = q;
    return 1;
}
#endif

/* The widest vector path classify may take: 2 AVX-512, 1 AVX2, 0 the
 * base one (SSE2 or none, as built); the tests lower it to check each
 * path the CPU has against the others (a constant in the program). */
EF_STATIC int vader_vector_max = 2;

static int classify(ef_vader_scratch *s, const unsigned char *t, size_t n,
                    size_t *ep, size_t *qm)
{
#if EF_HAVE_AVX512
    if (use_avx512 && vader_vector_max >= 2)
        return classify_avx512(s, t, n, ep, qm);
#endif
#if EF_HAVE_AVX2
    if (use_avx2 && vader_vector_max >= 1)
        return classify_avx2(s, t, n, ep, qm);
#endif
    (void)vader_vector_max; /* without AVX2 there is one path */
    return classify_base(s, t, n, ep, qm);
}

/* The first position >= i whose bit in mask c (nw words) is `bit`;
 * nw * 64 if none. */
static size_t next_bit(const uint64_t *m, size_t nw, size_t i, int c, int bit)
{
    size_t w = i >> 6;
    uint64_t flip = bit ? 0 : ~0ULL, x;

    if (w >= nw)
        return nw * 64;
    x = (MASK(m, w, c) ^ flip) & (~0ULL << (i & 63));
    while (x == 0) {
        if (++w == nw)
            return nw * 64;
        x = MASK(m, w, c) ^ flip;
    }
    return w * 64 + (size_t)__builtin_ctzll(x);
}

/* One past the last position in [a, b) whose bit in mask c is clear; a
 * if none. */
static size_t last_clear_end(const uint64_t *m, int c, size_t a, size_t b)
{
    while (b > a) {
        size_t w = (b - 1) >> 6;
        uint64_t x = ~MASK(m, w, c) & (~0ULL >> (63 - ((b - 1) & 63)));
        if (x != 0) {
            size_t p = w * 64 + 63 - (size_t)__builtin_clzll(x);
            return p >= a ? p + 1 : a;
        }
        b = w * 64;
    }
    return a;
}

/* Whether any bit of mask c in [a, b) is set. */
static int any_bit(const uint64_t *m, int c, size_t a, size_t b)
{
    size_t wa = a >> 6, wb = (b - 1) >> 6;
    uint64_t lo = ~0ULL << (a & 63), hi = ~0ULL >> (63 - ((b - 1) & 63));

    if (wa == wb)
        return (MASK(m, wa, c) & lo & hi) != 0;
    if (MASK(m, wa, c) & lo || MASK(m, wb, c) & hi)
        return 1;
    for (size_t w = wa + 1; w < wb; w++)
        if (MASK(m, w, c))
            return 1;
    return 0;
}

/* Makes room for the tokens of an n-byte text: at most (n + 1) / 2, as
 * tokens are at least a byte and white space separates them. */
static void reserve_tokens(ef_vader_scratch *s, size_t n)
{
    size_t need = (n + 1) / 2 + 1;

    if (need > s->tok_cap) {
        s->tok_cap = need + need / 2 + 16;
        s->tok = ef_xrealloc(s->tok, s->tok_cap * sizeof(token));
        s->sent = ef_xrealloc(s->sent, s->tok_cap * sizeof(double));
        s->pos = ef_xrealloc(s->pos, s->tok_cap * sizeof(size_t));
        s->hits = ef_xrealloc(s->hits, s->tok_cap * sizeof(size_t));
        s->cand = ef_xrealloc(s->cand, s->tok_cap * sizeof(size_t));
    }
}

/* A token [a, b) that runs past its 64-byte mask word: its stripped
 * bounds and flags from the masks, bit by bit. */
static token long_token(const uint64_t *m, size_t nw, size_t a)
{
    size_t b = next_bit(m, nw, a, M_SPACE, 1); /* bytes past n: spaces */
    size_t a2 = next_bit(m, nw, a, M_PUNCT, 0), b2;
    token tk;

    if (a2 > b)
        a2 = b;
    b2 = last_clear_end(m, M_PUNCT, a2, b);
    if (b2 - a2 <= 2) {
        a2 = a;
        b2 = b;
    }
    tk.w = NULL;
    tk.off = (uint32_t)a2;
    tk.len = (uint32_t)(b2 - a2);
    tk.flags =
        (any_bit(m, M_UPPER, a, b) && !any_bit(m, M_LOWER, a, b) ? T_UPPER
                                                                 : 0) |
        (any_bit(m, M_APOS, a, b) ? T_APOS : 0);
    return tk;
}

/* The token that starts at bit a of a mask word (sp, pu, up, lo, ap:
 * the word's masks), byte position base + a, and ends within it (sp has
 * a bit set above a): its stripped bounds and its flags, with a few bit
 * operations and no branch on its bytes. */
static inline token word_token(uint64_t sp, uint64_t pu, uint64_t up,
                               uint64_t lo, uint64_t ap, unsigned a,
                               uint32_t base)
{
    /* the token's bits, then its non-punctuation (all of it when it is
     * all punctuation) */
    unsigned len = (unsigned)__builtin_ctzll(sp >> a); /* < 64 */
    uint64_t tb = ((1ULL << len) - 1) << a;
    uint64_t keep = ~pu & tb;
    uint64_t nz = keep ? keep : tb;
    unsigned a2 = (unsigned)__builtin_ctzll(nz);
    unsigned b2 = 64 - (unsigned)__builtin_clzll(nz);
    token tk;

    /* strip punctuation, unless that leaves 2 characters or fewer
     * (letters are never stripped: the classes of the whole token hold
     * for what is left) */
    if (b2 - a2 <= 2) {
        a2 = a;
        b2 = a + len;
    }
    tk.w = NULL;
    tk.off = base + a2;
    tk.len = b2 - a2;
    /* & rather than &&: a branch on a token having a capital would go
     * either way at random */
    tk.flags = (uint32_t)(((up & tb) != 0) & ((lo & tb) == 0)) * T_UPPER |
               (uint32_t)((ap & tb) != 0) * T_APOS;
    return tk;
}

/* Splits an all-ASCII text into tokens (their bounds in s->lower and the
 * flags T_UPPER and T_APOS) from its bitmasks: no loop runs over a
 * token's bytes, and which class a byte is never takes a branch. Returns
 * the token count, or SIZE_MAX when the text is not ASCII. */
static size_t split_ascii(ef_vader_scratch *s, const unsigned char *t,
                          size_t n, size_t *ep, size_t *qm)
{
    size_t nw = n / 64 + 1, count = 0, caps = 0;

    /* the lower-cased text, with room for 16-byte reads past its end */
    reserve(&s->lower, &s->lower_cap, nw * 64 + 16);
    if (nw * M_COUNT > s->mask_cap) {
        s->mask_cap = nw * M_COUNT * 2;
        free(s->mask);
        s->mask = ef_xmalloc(s->mask_cap * sizeof(uint64_t));
    }
    if (!classify(s, t, n, ep, qm))
        return SIZE_MAX;
    reserve_tokens(s, n);

    /* Word by word of the masks, held in registers; a token is a run of
     * clear bits in the space mask. A token that runs into the next word
     * (about one a text) is read from the 64 bits that start with it, two
     * words spliced; only one of 64 bytes or more takes long_token. The
     * last word always ends in space (bytes past n), so a token that runs
     * on has a next word. */
    const uint64_t *m = s->mask;
    token *restrict toks = s->tok;
    uint64_t prev_space = 1; /* the bit before the text counts as space */
    for (size_t wi = 0; wi < nw; wi++) {
        const uint64_t *mw = m + wi * M_COUNT;
        uint64_t spw = mw[M_SPACE], puw = mw[M_PUNCT], upw = mw[M_UPPER];
        uint64_t low = mw[M_LOWER], apw = mw[M_APOS];
        uint64_t starts = ~spw & (spw << 1 | prev_space);
        uint32_t base = (uint32_t)(wi * 64);

        prev_space = spw >> 63;
        while (starts != 0) {
            unsigned a = (unsigned)__builtin_ctzll(starts);
            token *tk = &toks[count++];

            starts &= starts - 1;
            if (__builtin_expect((spw >> a) != 0, 1)) {
                *tk = word_token(spw, puw, upw, low, apw, a, base);
            } else {
                /* the token runs into the next word: read it from the
                 * 64 bits that start at a, unless it fills this whole
                 * word (a == 0) or those 64 bits too (64 bytes or more) */
                const uint64_t *nx = mw + M_COUNT;
#define SPLICE(c) (mw[c] >> a | nx[c] << 1 << (63 - a))
                if (a == 0 || SPLICE(M_SPACE) == 0)
                    *tk = long_token(m, nw, base + a);
                else
                    *tk = word_token(SPLICE(M_SPACE), SPLICE(M_PUNCT),
                                     SPLICE(M_UPPER), SPLICE(M_LOWER),
                                     SPLICE(M_APOS), 0, base + a);
#undef SPLICE
            }
            caps += tk->flags & T_UPPER;
        }
    }
    s->caps = caps;
    return count;
}

/* ---- Other texts: code point by code point --------------------------- */

/* Splits a text (valid UTF-8, emoji replaced) into tokens, lower-cased
 * into s->lower one after another. Returns the token count. */
static size_t split_utf8(ef_vader_scratch *s, const unsigned char *t, size_t n)
{
    size_t i = 0, count = 0, cursor = 0, caps = 0;

    reserve(&s->lower, &s->lower_cap, 2 * n + 32);
    reserve_tokens(s, n);
    for (;;) {
        size_t a, b, a2, b2, cps, ws;
        uint32_t flags;

        /* skip white space */
        while (i < n) {
            if (is_space(t[i]))
                i++;
            else if (t[i] >= 0x80 && (ws = uspace_len(t + i, n - i)) != 0)
                i += ws;
            else
                break;
        }
        if (i >= n)
            break;
        a = i;
        while (i < n && !is_space(t[i]) &&
               !(t[i] >= 0x80 && uspace_len(t + i, n - i)))
            i++;
        b = i;

        /* strip punctuation, unless that leaves 2 code points or fewer */
        a2 = a;
        b2 = b;
        while (a2 < b2 && is_punct(t[a2]))
            a2++;
        while (b2 > a2 && is_punct(t[b2 - 1]))
            b2--;
        cps = 0;
        for (size_t k = a2; k < b2 && cps <= 2; k++)
            cps += (t[k] & 0xc0) != 0x80;
        if (cps <= 2) {
            a2 = a;
            b2 = b;
        }

        token *tk = &s->tok[count++];
        tk->off = (uint32_t)cursor;
        tk->len = (uint32_t)lower_token(s, cursor, t + a2, b2 - a2, &flags);
        tk->flags = flags | (a2 > a && t[a2 - 1] == '@' ? T_AT : 0);
        caps += flags & T_UPPER;
        cursor += tk->len;
    }
    s->caps = caps;
    return count;
}

/* ---- The lexicon ------------------------------------------------------ */

/* Probes the table for each of the count tokens: sets T_NT and T_NEG for
 * "n't", and w to the probe's candidate. A word no control byte matches
 * (most unknown words) is done, with w the unknown word; the others go
 * on the list (s->cand) that look_up compares. Branch-free but for "n't":
 * what a word turns out to be is as random as the words. */
static void probe_tokens(const ef_lexicon *lx, ef_vader_scratch *s,
                         size_t count)
{
    const char *lower = s->lower;
    token *restrict toks = s->tok;
    size_t *restrict cand = s->cand, ncand = 0;
    const ef_word_info *unknown = &lx->words[lx->cap];

    for (size_t i = 0; i < count; i++) {
        token *tk = &toks[i];
        const char *low = lower + tk->off;
        size_t ln = tk->len;
        uint64_t w[2];

        if ((tk->flags & T_APOS) && has_nt(low, ln))
            tk->flags |= T_NT | T_NEG;
        ef_lexicon_head(low, ln, w);
        tk->w = ef_lexicon_probe(lx, ef_lexicon_hash_head(w, low, ln));
        __builtin_prefetch(tk->w); /* for look_up's compare */
        cand[ncand] = i;
        ncand += tk->w != unknown;
    }
    s->ncand = ncand;
}

/* Looks up the tokens the probe left open. The lookups come after all
 * the probes, so that the table's cache lines are fetched for all tokens
 * at once instead of one miss after another. Sets the position of the
 * first "but" (count if none) and the list of lexicon words. */
static void look_up(const ef_vader *v, ef_vader_scratch *s, size_t count,
                    size_t *bi, size_t *nhits)
{
    const ef_lexicon *lex = v->lex;
    const char *lower = s->lower;
    token *restrict tok = s->tok;
    size_t *restrict hits = s->hits;
    const size_t *cand = s->cand, ncand = s->ncand;
    size_t nb = count, nh = 0;

    for (size_t k = 0; k < ncand; k++) {
        size_t i = cand[k];
        token *tk = &tok[i];
        const ef_word_info *w =
            ef_lexicon_find(lex, lower + tk->off, tk->len, tk->w);
        tk->w = w;
        tk->flags |= w->negates ? T_NEG : 0;
        if (w->id == EF_W_BUT && nb == count)
            nb = i;
        /* the lexicon words (boosters only modify others), appended
         * without a branch: whether a word is one is as random as words */
        hits[nh] = i;
        nh += w->has_valence & (w->booster == 0);
    }
    *bi = nb;
    *nhits = nh;
}

/* ---- Names: @mentions and --brand words carry no valence ------------ */

/* Whether a token is written as a mention: '@' right before what is left
 * of it once stripped ("@united", ".@united" and "(@united)" are;
 * "#united", "me@united.com" and "@@" are not). The ASCII path keeps the
 * whole text lower-cased at the tokens' own offsets, so the byte before
 * a token is its stripped punctuation or white space; split_utf8 marks
 * it (T_AT). */
static inline int is_mention(const ef_vader_scratch *s, const token *tk,
                             int ascii)
{
    return ascii ? tk->off > 0 && s->lower[tk->off - 1] == '@'
                 : (tk->flags & T_AT) != 0;
}

/* Whether the token w (n lower-cased bytes) is word k of phrase b; the
 * phrase's last word also matches with "'s" or "’s" after it ("Best
 * Buy's"). */
static int brand_word(const brand *b, uint32_t k, const char *w, size_t n)
{
    size_t bl = b->len[k];
    const char *bw = b->words + b->off[k];

    if (n == bl)
        return memcmp(w, bw, n) == 0;
    if (k + 1 != b->n || n < bl + 2 || memcmp(w, bw, bl) != 0)
        return 0;
    return (n == bl + 2 && memcmp(w + bl, "'s", 2) == 0) ||
           (n == bl + 4 && memcmp(w + bl, "\xe2\x80\x99s", 4) == 0);
}

/* Whether token i of n is part of a --brand phrase written out: it is
 * some word k of a phrase, and the tokens around it are the others. */
static int in_brand(const ef_vader *v, const ef_vader_scratch *s, size_t i,
                    size_t n)
{
    const token *tok = s->tok;

    for (size_t p = 0; p < v->nbrands; p++) {
        const brand *b = &v->brands[p];
        for (uint32_t k = 0; k < b->n; k++) {
            uint32_t j = 0;
            if (i < k || i - k + b->n > n ||
                !brand_word(b, k, s->lower + tok[i].off, tok[i].len))
                continue;
            for (j = 0; j < b->n; j++) {
                const token *t = &tok[i - k + j];
                if (!brand_word(b, j, s->lower + t->off, t->len))
                    break;
            }
            if (j == b->n)
                return 1;
        }
    }
    return 0;
}

/* The names rules (ef_vader_set_names), between the probe and look_up: a
 * mention, and a word of a --brand phrase, become the unknown word, and
 * lose any negation of their own ("@never" names an account). They stay
 * tokens: they count as neutral words and hold their place in the
 * three-word windows, and their capitals count, as any name's do. */
static void names_rule(const ef_vader *v, ef_vader_scratch *s, size_t n,
                       int ascii)
{
    token *tok = s->tok;
    const ef_word_info *unknown = &v->lex->words[v->lex->cap];
    size_t *cand = s->cand, kept = 0;

    /* "n't" makes any token a negation, in the table or not */
    for (size_t i = 0; i < n; i++)
        if ((tok[i].flags & T_NT) && (is_mention(s, &tok[i], ascii) ||
                                      (v->nbrands && in_brand(v, s, i, n))))
            tok[i].flags &= ~(uint32_t)(T_NT | T_NEG);
    for (size_t k = 0; k < s->ncand; k++) {
        size_t i = cand[k];
        if (is_mention(s, &tok[i], ascii) ||
            (v->nbrands && in_brand(v, s, i, n))) {
            tok[i].w = unknown;
            tok[i].flags &= ~(uint32_t)(T_NT | T_NEG);
            continue;
        }
        cand[kept++] = i;
    }
    s->ncand = kept;
}

/* ==== Step 4: the rules ================================================= */

#define ID(j) (tok[j].w->id)
#define IN_LEXICON(j) (tok[j].w->has_valence)

/* A booster or dampener before a sentiment word scales it. */
static double scalar_inc_dec(const token *w, double valence, int cap_diff)
{
    double scalar = 0.0;
    if (w->w->booster) {
        scalar = w->w->booster > 0 ? B_INCR : B_DECR;
        if (valence < 0)
            scalar *= -1;
        if ((w->flags & T_UPPER) && cap_diff) {
            if (valence > 0)
                scalar += C_INCR;
            else
                scalar -= C_INCR;
        }
    }
    return scalar;
}

static int is_so_this(int id)
{
    return id == EF_W_SO || id == EF_W_THIS;
}

static double negation_check(double valence, const token *tok, size_t i,
                             int start_i)
{
    switch (start_i) {
    case 0:
        if ((tok[i - 1].flags & T_NEG))
            valence *= N_SCALAR;
        break;
    case 1:
        if (ID(i - 2) == EF_W_NEVER && is_so_this(ID(i - 1)))
            valence *= 1.25;
        else if (ID(i - 2) == EF_W_WITHOUT && ID(i - 1) == EF_W_DOUBT)
            ;
        else if ((tok[i - 2].flags & T_NEG))
            valence *= N_SCALAR;
        break;
    default:
        /* quirk: the reference's operator precedence makes "so" or "this"
         * right before the word enough for the 1.25 boost. */
        if ((ID(i - 3) == EF_W_NEVER && is_so_this(ID(i - 2))) ||
            is_so_this(ID(i - 1)))
            valence *= 1.25;
        else if (ID(i - 3) == EF_W_WITHOUT &&
                 (ID(i - 2) == EF_W_DOUBT || ID(i - 1) == EF_W_DOUBT))
            ;
        else if ((tok[i - 3].flags & T_NEG))
            valence *= N_SCALAR;
        break;
    }
    return valence;
}

/* Special-case idioms: two- and three-word phrases with a fixed valence. */
static int special2(int a, int b, double *val)
{
    if (a == EF_W_NONE || b == EF_W_NONE)
        return 0;
    static const struct {
        uint8_t a, b;
        double v;
    } t[] = {{EF_W_THE, EF_W_SHIT, 3},       {EF_W_THE, EF_W_BOMB, 3},
             {EF_W_BAD, EF_W_ASS, 1.5},      {EF_W_BUS, EF_W_STOP, 0.0},
             {EF_W_YEAH, EF_W_RIGHT, -2},    {EF_W_BEATING, EF_W_HEART, 3.1},
             {EF_W_BROKEN, EF_W_HEART, -2.9}};
    for (size_t k = 0; k < EF_ARRAY_LEN(t); k++)
        if (t[k].a == a && t[k].b == b) {
            *val = t[k].v;
            return 1;
        }
    return 0;
}

static int special3(int a, int b, int c, double *val)
{
    if (b != EF_W_OF && b != EF_W_DIE)
        return 0;
    if (a == EF_W_KISS && b == EF_W_OF && c == EF_W_DEATH) {
        *val = -1.5;
        return 1;
    }
    if (a == EF_W_TO && b == EF_W_DIE && c == EF_W_FOR) {
        *val = 3;
        return 1;
    }
    return 0;
}

/* The two-word dampeners: "kind of", "sort of", "just enough". */
static int dampener2(int a, int b)
{
    return ((a == EF_W_KIND || a == EF_W_SORT) && b == EF_W_OF) ||
           (a == EF_W_JUST && b == EF_W_ENOUGH);
}

static double idioms_check(double valence, const token *tok, size_t i,
                           size_t n)
{
    int w3 = ID(i - 3), w2 = ID(i - 2), w1 = ID(i - 1), w0 = ID(i);
    double v;

    /* the first of these that matches wins */
    if (special2(w1, w0, &v) || special3(w2, w1, w0, &v) ||
        special2(w2, w1, &v) || special3(w3, w2, w1, &v) ||
        special2(w3, w2, &v))
        valence = v;
    if (n - 1 > i && special2(w0, ID(i + 1), &v))
        valence = v;
    if (n - 1 > i + 1 && special3(w0, ID(i + 1), ID(i + 2), &v))
        valence = v;
    /* quirk: these add -0.293 whatever the sign of the valence */
    if (dampener2(w3, w2))
        valence += -0.293;
    if (dampener2(w2, w1))
        valence += -0.293;
    return valence;
}

static double least_check(double valence, const token *tok, size_t i)
{
    if (i > 1 && !IN_LEXICON(i - 1) && ID(i - 1) == EF_W_LEAST) {
        if (ID(i - 2) != EF_W_AT && ID(i - 2) != EF_W_VERY)
            valence *= N_SCALAR;
    } else if (i > 0 && !IN_LEXICON(i - 1) && ID(i - 1) == EF_W_LEAST) {
        valence *= N_SCALAR;
    }
    return valence;
}

static double word_valence(const token *tok, size_t i, size_t n, int cap_diff)
{
    const ef_word_info *w = tok[i].w;
    double valence = w->valence;

    /* "no" before a lexicon word negates it instead of counting itself */
    if (w->id == EF_W_NO && i != n - 1 && IN_LEXICON(i + 1))
        valence = 0.0;
    if ((i > 0 && ID(i - 1) == EF_W_NO) || (i > 1 && ID(i - 2) == EF_W_NO) ||
        (i > 2 && ID(i - 3) == EF_W_NO &&
         (ID(i - 1) == EF_W_OR || ID(i - 1) == EF_W_NOR)))
        valence = w->valence * N_SCALAR;

    if ((tok[i].flags & T_UPPER) && cap_diff) {
        if (valence > 0)
            valence += C_INCR;
        else
            valence -= C_INCR;
    }

    for (int start_i = 0; start_i < 3; start_i++) {
        size_t j = i - (size_t)start_i - 1;
        if (i <= (size_t)start_i || IN_LEXICON(j))
            continue;
        double s = scalar_inc_dec(&tok[j], valence, cap_diff);
        if (start_i == 1 && s != 0)
            s = s * 0.95;
        if (start_i == 2 && s != 0)
            s = s * 0.9;
        valence = valence + s;
        valence = negation_check(valence, tok, i, start_i);
        if (start_i == 2)
            valence = idioms_check(valence, tok, i, n);
    }
    return least_check(valence, tok, i);
}

/* ---- "but": halve what comes before it, boost what comes after ------- */

/* quirk: the reference walks the list and, for each value, rescales the
 * FIRST element equal to it (list.index), not the element itself. With
 * repeated values that rescales one element several times. Zero values
 * are left alone (0 * k == 0), so only the m non-zero values are walked:
 * v[k] is the value at token position pos[k] (ascending); bi is the
 * position of "but". */
EF_STATIC void but_rescale_naive(double *v, const size_t *pos, size_t m,
                                 size_t bi)
{
    for (size_t k = 0; k < m; k++) {
        double x = v[k];
        size_t j;
        if (x == 0)
            continue;
        for (j = 0; v[j] != x; j++)
            ;
        if (pos[j] < bi)
            v[j] = x * 0.5;
        else if (pos[j] > bi)
            v[j] = x * 1.5;
    }
}

/* The same in O(m log m) for long texts: a min-heap of positions for each
 * distinct value finds "the first element equal to v" directly. */
typedef struct {
    uint64_t key; /* the value's bits; 0 = empty slot (values are != 0) */
    size_t *heap;
    size_t n, cap;
} vheap;

static vheap *vh_get(vheap *tab, size_t mask, double v)
{
    uint64_t key;
    memcpy(&key, &v, sizeof key);
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & mask;
    while (tab[i].key != 0 && tab[i].key != key)
        i = (i + 1) & mask;
    tab[i].key = key;
    return &tab[i];
}

static void vh_push(vheap *h, size_t pos)
{
    size_t k;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 4;
        h->heap = ef_xrealloc(h->heap, h->cap * sizeof(size_t));
    }
    for (k = h->n++; k > 0 && h->heap[(k - 1) / 2] > pos; k = (k - 1) / 2)
        h->heap[k] = h->heap[(k - 1) / 2];
    h->heap[k] = pos;
}

static size_t vh_pop(vheap *h)
{
    size_t top = h->heap[0], last = h->heap[--h->n], k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->heap[c + 1] < h->heap[c])
            c++;
        if (h->heap[c] >= last)
            break;
        h->heap[k] = h->heap[c];
        k = c;
    }
    if (h->n)
        h->heap[k] = last;
    return top;
}

EF_STATIC void but_rescale_heap(double *v, const size_t *pos, size_t m,
                                size_t bi)
{
    size_t cap = 16, k;
    vheap *tab;

    while (cap < 4 * m)
        cap *= 2;
    tab = ef_xcalloc(cap, sizeof(vheap));
    for (k = 0; k < m; k++)
        if (v[k] != 0)
            vh_push(vh_get(tab, cap - 1, v[k]), k);
    for (k = 0; k < m; k++) {
        double x = v[k], nx = x;
        size_t j;
        if (x == 0)
            continue;
        j = vh_pop(vh_get(tab, cap - 1, x));
        if (pos[j] < bi)
            nx = x * 0.5;
        else if (pos[j] > bi)
            nx = x * 1.5;
        v[j] = nx;
        if (nx != 0)
            vh_push(vh_get(tab, cap - 1, nx), j);
    }
    for (k = 0; k < cap; k++)
        free(tab[k].heap);
    free(tab);
}

/* ==== Step 5: the scores ================================================ */

/* round_dec's answer when x * 10^d is too close to a tie to call in
 * binary: from the exact decimal expansion, as Python does. */
static double round_dec_tie(double x, int d)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", d, x);
    return strtod(buf, NULL);
}

/* Python's round(x, d) for -1 <= x <= 1: to nearest from the exact
 * binary value, ties to even, then the nearest double. */
static inline double round_dec(double x, int d)
{
    static const double p10[] = {1, 10, 100, 1000, 10000};
    double scaled = x * p10[d], t = (double)(long long)scaled;
    double fl = t - (t > scaled), frac = scaled - fl; /* floor, inline */

    if (fabs(frac - 0.5) < 1e-7)
        return round_dec_tie(x, d);
    return (fl + (frac > 0.5)) / p10[d];
}

/* Counts '!' and '?' in text, eight bytes at a time. */
static void count_marks(const char *text, size_t len, size_t *ep, size_t *qm)
{
    size_t i = 0, e = 0, q = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t x, y, z;
        memcpy(&x, text + i, 8);
        /* a byte is '!' exactly when it is zero in y */
        y = x ^ ((uint64_t)'!' * ONES);
        z = x ^ ((uint64_t)'?' * ONES);
        y = ~(((y & ~HIGH) + ~HIGH) | y | ~HIGH);
        z = ~(((z & ~HIGH) + ~HIGH) | z | ~HIGH);
        /* one high bit per match: sum them with a multiply */
        e += (size_t)(((y >> 7) * ONES) >> 56);
        q += (size_t)(((z >> 7) * ONES) >> 56);
    }
    for (; i < len; i++) {
        e += text[i] == '!';
        q += text[i] == '?';
    }
    *ep = e;
    *qm = q;
}

/* The sums the scores come from: the valences, and the positive and
 * negative ones plus one each (a sentiment word counts one more than a
 * neutral one), in the reference's left-to-right order. */
typedef struct {
    double sum, pos, neg;
    size_t neu; /* tokens with valence zero */
} sums;

/* Adds valence x to the sums (in arithmetic: whether x is positive is as
 * random as the words). */
static inline void add_valence(sums *u, double x)
{
    u->sum += x;
    u->pos += (double)(x > 0) * (x + 1);
    u->neg += (double)(x < 0) * (x - 1);
    u->neu += x == 0; /* a valence "but" rescaled to zero */
}

/* The scores of a text of n tokens from its sums, with ep '!' and qm
 * '?'. */
static void score_sums(sums u, size_t n, size_t ep, size_t qm, ef_scores *out)
{
    double sum = u.sum, pos_sum = u.pos, neg_sum = u.neg, amp, total;
    size_t neu = u.neu;

    if (n == 0) {
        out->neg = out->neu = out->pos = out->compound = 0.0;
        return;
    }
    amp = (double)(ep > 4 ? 4 : ep) * EP_WEIGHT;
    if (qm > 1)
        amp += qm <= 3 ? (double)qm * QM_WEIGHT : 0.96;
    /* amp away from zero; the sign of a text's sum, and which of its
     * sums is larger, are as random as the texts: arithmetic, not
     * branches (adding 0 * amp changes nothing) */
    sum += (double)(sum > 0) * amp - (double)(sum < 0) * amp;

    double compound = sum / sqrt(sum * sum + ALPHA);
    if (compound < -1.0)
        compound = -1.0;
    else if (compound > 1.0)
        compound = 1.0;

    double more = (double)(pos_sum > fabs(neg_sum));
    double less = (double)(pos_sum < fabs(neg_sum));
    pos_sum += more * amp;
    neg_sum -= less * amp;
    total = pos_sum + fabs(neg_sum) + (double)neu;
    out->pos = round_dec(fabs(pos_sum / total), 3);
    out->neg = round_dec(fabs(neg_sum / total), 3);
    out->neu = round_dec(fabs((double)neu / total), 3);
    out->compound = round_dec(compound, 4);
}

/* ==== Public ============================================================ */

/* Whether all-ASCII texts take split_ascii; the tests turn it off to
 * check that path against split_utf8 (a constant in the program). */
EF_STATIC int vader_ascii_path = 1;

void ef_vader_score(const ef_vader *v, ef_vader_scratch *s, const char *text,
                    size_t len, ef_scores *out)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t n, k, caps = 0, bi, m = 0, nhits, ep, qm;
    int cap_diff, ascii;
    token *tok;

    n = vader_ascii_path ? split_ascii(s, t, len, &ep, &qm) : SIZE_MAX;
    ascii = n != SIZE_MAX;
    if (!ascii) {
        len = preprocess(s, t, len);
        t = (const unsigned char *)s->text;
        n = split_utf8(s, t, len);
        count_marks((const char *)t, len, &ep, &qm);
    }
    probe_tokens(v->lex, s, n);
    if (v->rules) /* report and import: names are not sentiment */
        names_rule(v, s, n, ascii);
    look_up(v, s, n, &bi, &nhits);
    s->nhits = nhits;
    caps = s->caps;
    tok = s->tok;
    cap_diff = caps > 0 && caps < n;

    /* the valence of each lexicon word, summed as it comes unless "but"
     * rescales them; "kind" of "kind of" only modifies what follows */
    sums u = {0, 0, 0, 0};
    for (k = 0; k < nhits; k++) {
        size_t i = s->hits[k];
        double x;
        if (tok[i].w->id == EF_W_KIND && i + 1 < n && ID(i + 1) == EF_W_OF)
            continue;
        x = word_valence(tok, i, n, cap_diff);
        if (x != 0) {
            s->sent[m] = x;
            s->pos[m++] = i;
            add_valence(&u, x);
        }
    }
    if (bi < n) {
        if (m <= 256)
            but_rescale_naive(s->sent, s->pos, m, bi);
        else
            but_rescale_heap(s->sent, s->pos, m, bi);
        u = (sums){0, 0, 0, 0};
        for (k = 0; k < m; k++)
            add_valence(&u, s->sent[k]);
    }
    u.neu += n - m; /* the tokens without valence */
    score_sums(u, n, ep, qm, out);
}

/* The version string: the base, then what changes scores. */
static void version_update(ef_vader *v)
{
    size_t o = (size_t)snprintf(v->version, sizeof v->version, "%s",
                                EF_SCORER_VERSION);
    if (v->custom)
        o += (size_t)snprintf(v->version + o, sizeof v->version - o,
                              "+custom-%016llx",
                              (unsigned long long)v->custom_digest);
    if (v->rules)
        o += (size_t)snprintf(v->version + o, sizeof v->version - o, "+names");
    if (v->nbrands)
        snprintf(v->version + o, sizeof v->version - o, "+brand-%016llx",
                 (unsigned long long)v->brand_digest);
}

ef_status ef_vader_new(ef_vader **out, ef_err *e)
{
    ef_vader *v = ef_xcalloc(1, sizeof *v);
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_ascii);
    v->lex = ef_lexicon_new();
    version_update(v);
    *out = v;
    (void)e;
    return EF_OK;
}

ef_status ef_vader_add_lexicon(ef_vader *v, const char *path, ef_err *e)
{
    uint64_t digest = 0xcbf29ce484222325ULL;
    ef_status rc = ef_lexicon_load(v->lex, path, &digest, e);

    if (rc != EF_OK)
        return rc;
    /* Several files combine into one digest. */
    v->custom_digest = digest ^ (v->custom ? v->custom_digest * 31 : 0);
    v->custom = 1;
    version_update(v);
    return EF_OK;
}

void ef_vader_set_names(ef_vader *v, int on)
{
    v->rules = on != 0;
    version_update(v);
}

/* Adds one phrase (len bytes at p) to v->brands: its words are the
 * scorer's own tokens of it. */
static ef_status brand_add(ef_vader *v, const char *p, size_t len, ef_err *e)
{
    ef_vader_scratch *s = ef_vader_scratch_new();
    size_t n, tl;
    brand b = {0};
    ef_status rc = EF_OK;

    len = preprocess(s, (const unsigned char *)p, len);
    n = split_utf8(s, (const unsigned char *)s->text, len);
    if (n == 0) {
        rc = ef_fail(e, EF_ERR_USAGE,
                     "option --brand: an empty brand in "
                     "the list");
        goto out;
    }
    if (n > EF_BRAND_WORDS) {
        rc = ef_fail(e, EF_ERR_USAGE,
                     "option --brand: '%.*s' has %zu "
                     "words; at most %d",
                     (int)(len > 60 ? 60 : len), p, n, EF_BRAND_WORDS);
        goto out;
    }
    tl = s->tok[n - 1].off + s->tok[n - 1].len;
    b.words = ef_xmalloc(tl + n);
    b.n = (uint32_t)n;
    for (size_t k = 0, o = 0; k < n; k++) {
        b.off[k] = (uint32_t)o;
        b.len[k] = s->tok[k].len;
        memcpy(b.words + o, s->lower + s->tok[k].off, s->tok[k].len);
        o += s->tok[k].len;
        b.words[o++] = '\0';
        for (size_t i = 0; i < s->tok[k].len; i++)
            v->brand_digest = (v->brand_digest ^
                               (unsigned char)s->lower[s->tok[k].off + i]) *
                              0x100000001b3ULL;
        v->brand_digest =
            (v->brand_digest ^ (k + 1 < n ? ' ' : ',')) * 0x100000001b3ULL;
    }
    v->brands = ef_xrealloc(v->brands, (v->nbrands + 1) * sizeof *v->brands);
    v->brands[v->nbrands++] = b;
out:
    ef_vader_scratch_free(s);
    return rc;
}

ef_status ef_vader_add_brands(ef_vader *v, const char *list, ef_err *e)
{
    const char *p = list;
    ef_status rc;

    if (v->nbrands == 0)
        v->brand_digest = 0xcbf29ce484222325ULL;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (v->nbrands == EF_BRANDS_MAX)
            return ef_fail(e, EF_ERR_USAGE,
                           "option --brand: more than %d "
                           "brands",
                           EF_BRANDS_MAX);
        if ((rc = brand_add(v, p, len, e)) != EF_OK)
            return rc;
        if (c == NULL)
            break;
        p = c + 1;
    }
    v->rules = 1;
    version_update(v);
    return EF_OK;
}

int ef_vader_is_brand(const ef_vader *v, const char *phrase)
{
    for (size_t i = 0; i < v->nbrands; i++) {
        const brand *b = &v->brands[i];
        const char *p = phrase;
        uint32_t k;
        for (k = 0; k < b->n; k++) {
            size_t l = b->len[k];
            if (strncmp(p, b->words + b->off[k], l) != 0)
                break;
            p += l;
            if (k + 1 < b->n) {
                if (*p != ' ')
                    break;
                p++;
            }
        }
        if (k == b->n && *p == '\0')
            return 1;
    }
    return 0;
}

size_t ef_vader_words(const ef_vader *v)
{
    return v->lex->cap;
}

int ef_vader_find(const ef_vader *v, const char *word, size_t len,
                  uint32_t *index, double *valence)
{
    char buf[96 + 16] = {0}, *w = buf;
    const ef_word_info *wi;
    char *heap = NULL;
    int found;

    if (len + 16 > sizeof buf)
        w = heap = ef_xcalloc(1, len + 16);
    memcpy(w, word, len);
    wi = ef_lexicon_find(v->lex, w, len,
                         ef_lexicon_probe(v->lex, ef_lexicon_hash(w, len)));
    /* a one-word --brand is not sentiment */
    found = wi->has_valence && wi->booster == 0 && wi->len != UINT32_MAX;
    for (size_t i = 0; found && i < v->nbrands; i++)
        found = !(v->brands[i].n == 1 && v->brands[i].len[0] == len &&
                  memcmp(v->brands[i].words, w, len) == 0);
    if (found) {
        *index = (uint32_t)(wi - v->lex->words);
        *valence = wi->valence;
    }
    free(heap);
    return found;
}

const char *ef_vader_word(const ef_vader *v, uint32_t index)
{
    return index < v->lex->cap && v->lex->keys[index] ? v->lex->keys[index]
                                                      : "";
}

size_t ef_vader_scored_words(const ef_vader *v, const ef_vader_scratch *s,
                             uint32_t *out, size_t cap)
{
    for (size_t k = 0; k < s->nhits && k < cap; k++)
        out[k] = (uint32_t)(s->tok[s->hits[k]].w - v->lex->words);
    return s->nhits;
}

const char *ef_vader_version(const ef_vader *v)
{
    return v->version;
}

void ef_vader_free(ef_vader *v)
{
    if (v == NULL)
        return;
    ef_lexicon_free(v->lex);
    for (size_t i = 0; i < v->nbrands; i++)
        free(v->brands[i].words);
    free(v->brands);
    free(v);
}

const char *ef_class_name(ef_class c)
{
    switch (c) {
    case EF_NEGATIVE: return "negative";
    case EF_POSITIVE: return "positive";
    default: return "neutral";
    }
}
