/* test_vader.c - the VADER rules, one sentence each, with the expected
 * compound worked out by hand from the lexicon valences and the paper's
 * constants: compound = S / sqrt(S^2 + 15) for the adjusted sum S.
 * Lexicon values used: good 1.9, bad -2.5, grinning 1.5, :) 2.0,
 * problems -1.7, kind 2.4, no -1.2. */
#include <stdlib.h>
#include <string.h>

#include "sentiment/lexicon.h"
#include "sentiment/sentiment.h"
#include "test.h"

#ifdef EF_TESTING
void but_rescale_naive(double *v, const size_t *pos, size_t m, size_t bi);
void but_rescale_heap(double *v, const size_t *pos, size_t m, size_t bi);
extern int vader_ascii_path, vader_vector_max; /* EF_STATIC in vader.c */
#endif

typedef struct {
    const char *text;
    double compound;
    const char *why;
} compound_case;

static const compound_case cases[] = {
    /* S = 1.9 */
    {"The app is good.", 0.4404, "a lexicon word"},
    /* S = 1.9 + 0.733 (ALL CAPS among lower case) */
    {"The app is GOOD.", 0.5622, "ALL-CAPS emphasis"},
    /* S = 1.9 + 0.293 */
    {"The app is very good.", 0.4927, "booster"},
    /* S = 1.9 + 0.293 + 0.733 (the booster itself in caps) */
    {"It is VERY good", 0.6028, "booster in caps"},
    /* S = 1.9 * -0.74 */
    {"The app is not good.", -0.3412, "negation"},
    /* S = (1.9 + 0.293) * -0.74: "not" two words back */
    {"It is not very good", -0.3865, "negation two words back"},
    /* S = 1.9 + 0.292 */
    {"The app is good!", 0.4926, "one '!'"},
    /* S = 1.9 + 4 * 0.292: at most four count */
    {"The app is good!!!!!!", 0.6209, "'!' capped at four"},
    /* S = -2.5 - 2 * 0.18 */
    {"Is it bad??", -0.5940, "two '?'"},
    /* S = (1.9 + 0.293) * 1.25 * 1.25: "never so" boosts, and (a quirk
     * kept from the reference) "so" right before boosts again */
    {"It was never so good", 0.6626, "never so"},
    /* S = 1.9 * 0.5 - 2.5 * 1.5 */
    {"The food was good, but the service was bad.", -0.5859, "but"},
    /* S = 1.9 - 0.293: "kind of" dampens ("kind" itself counts 0) */
    {"The app is kind of good.", 0.3832, "kind of"},
    /* S = 1.9 * -0.74 */
    {"It is the least good app.", -0.3412, "least"},
    /* S = 1.9: "at least" does not negate */
    {"It is at least good", 0.4404, "at least"},
    /* S = -1.7 * -0.74: "no" before a lexicon word negates it and counts
     * 0 itself */
    {"No problems here.", 0.3089, "no + lexicon word"},
    /* S = 3: the idiom "the shit" replaces the word's valence */
    {"This is the shit", 0.6124, "special-case idiom"},
    /* S = -1.5 - 1.5: "kiss of death" replaces "death" (looking back)
     * and "kiss" (looking ahead); kiss 1.8, death -2.9 */
    {"It was the kiss of death", -0.6124, "three-word idiom"},
    /* S = 1.9 + 2.0: an emoticon survives punctuation stripping */
    {"good :)", 0.7096, "emoticon"},
    /* S = 1.5: the emoji becomes "grinning face" */
    {"\xf0\x9f\x98\x80", 0.3612, "emoji"},
    /* S = -1.5 * -0.74 + 1.9: "without" negates "doubt" (-1.5), and
     * "without ... doubt" leaves "good" as it is */
    {"without a doubt good", 0.6136, "without doubt"},
    {"", 0.0, "empty text"},
    {"   \t  ", 0.0, "white space only"},
    {"the table is wooden", 0.0, "no sentiment words"},
};

static void score(const ef_vader *v, ef_vader_scratch *s, const char *t,
                  size_t n, ef_scores *out)
{
    ef_vader_score(v, s, t, n, out);
}

/* "good" (S = 1.9, compound 0.4404) at every offset from 0 to 140, alone
 * or wrapped in punctuation, and "not good" across the 64-byte boundary
 * of the tokenizer's masks: the score must not depend on where the word
 * falls. */
static void test_offsets(const ef_vader *v, ef_vader_scratch *s)
{
    static const char *const forms[] = {"good", "##good,,", "(good)",
                                        "\"good.\""};
    char buf[256], msg[96];
    ef_scores sc;
    int bad = 0;

    for (size_t f = 0; f < EF_ARRAY_LEN(forms); f++) {
        for (size_t off = 0; off <= 140; off++) {
            size_t n = strlen(forms[f]);
            memset(buf, ' ', off);
            memcpy(buf + off, forms[f], n);
            for (size_t tail = 0; tail < 40; tail += 13) {
                memset(buf + off + n, ' ', tail);
                score(v, s, buf, off + n + tail, &sc);
                if (sc.compound != 0.4404 || sc.pos != 1.0) {
                    snprintf(msg, sizeof msg, "\"%s\" at offset %zu + %zu",
                             forms[f], off, tail);
                    OK(0, msg);
                    bad++;
                }
            }
        }
    }
    OK(bad == 0, "a word scores the same at any offset");
    for (size_t off = 50; off <= 70; off++) {
        memset(buf, 'x', off); /* one long neutral token before */
        memcpy(buf + off, " not good", 9);
        score(v, s, buf, off + 9, &sc);
        /* S = 1.9 * -0.74 */
        snprintf(msg, sizeof msg, "not good after a %zu-byte token", off);
        DBL_NEAR(sc.compound, -0.3412, 1e-9, msg);
    }
    /* a token longer than the masks' word, ALL CAPS among lower case */
    memset(buf, 'Z', 100);
    memcpy(buf + 100, " IS GOOD", 8);
    score(v, s, buf, 108, &sc);
    /* all tokens in caps: no emphasis, S = 1.9 */
    DBL_NEAR(sc.compound, 0.4404, 1e-9, "long caps token");
    memset(buf, 'z', 100);
    memcpy(buf + 100, " is GOOD", 8);
    score(v, s, buf, 108, &sc);
    /* S = 1.9 + 0.733 */
    DBL_NEAR(sc.compound, 0.5622, 1e-9, "long lower-case token, GOOD");
    /* a word longer than 16 bytes that shares its first 16 and its length
     * with a lexicon word ("disadvantageously", -1.5) is not that word */
    score(v, s, "disadvantageouslz", 17, &sc);
    OK(sc.compound == 0.0, "long word: the whole key is compared");
    score(v, s, "disadvantageously", 17, &sc);
    OK(sc.compound < 0, "long lexicon word found");
    /* even when the probe lands on it: a hash collision must not make
     * the long word a hit on its 16-byte head */
    {
        ef_lexicon *lx = ef_lexicon_new();
        char word[32] = "disadvantageouslz"; /* 16 readable bytes past */
        const ef_word_info *cand =
            ef_lexicon_probe(lx, ef_lexicon_hash("disadvantageously", 17));
        const ef_word_info *w = ef_lexicon_find(lx, word, 17, cand);
        OK(w->len == UINT32_MAX, "long word: no hit on the head alone");
        memcpy(word, "disadvantageously", 17);
        w = ef_lexicon_find(lx, word, 17, cand);
        OK(w->len == 17 && w->valence == -2.1, "long word: found");
        ef_lexicon_free(lx);
    }
    /* punctuation only: kept whole, neutral */
    score(v, s, "good ?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!",
          58, &sc);
    OK(sc.neu > 0 && sc.pos > 0, "a punctuation-only token counts neutral");
}

/* The word w (NUL-terminated) looked up as the scorer does: probe, then
 * find when the probe gives a candidate. */
static const ef_word_info *lookup(const ef_lexicon *lx, const char *w)
{
    char buf[96] = {0}; /* 16 readable bytes past the word */
    size_t n = strlen(w);
    const ef_word_info *cand;

    memcpy(buf, w, n);
    cand = ef_lexicon_probe(lx, ef_lexicon_hash(buf, n));
    return cand == &lx->words[lx->cap] ? cand
                                       : ef_lexicon_find(lx, buf, n, cand);
}

/* A user lexicon of 57,000 words makes the table grow three times, to
 * nearly half full, and some groups fill up and pass words on (marked
 * groups): every word is still found with its valence, and words not in
 * it are not. */
static void test_table(void)
{
    const char *path = "build/test_big_lexicon.tsv";
    FILE *f = fopen(path, "w");
    ef_lexicon *lx = ef_lexicon_new();
    uint64_t digest = 0;
    ef_err err = {0};
    char w[64];
    int found = 0, absent = 0, marks = 0;
    enum { N = 57000 };

    for (int i = 0; i < N; i++)
        fprintf(f, "%s%d\t%d\n", i % 3 ? "brandword" : "w", i, i % 9 - 4);
    fclose(f);
    INT_EQ(ef_lexicon_load(lx, path, &digest, &err), EF_OK, "big lexicon");
    remove(path);
    for (size_t i = 0; i < lx->cap; i++)
        marks += lx->ctrl[i] == EF_LEXICON_MARK;
    OK(marks > 0, "big lexicon: some groups are marked");
    for (int i = 0; i < N; i++) {
        snprintf(w, sizeof w, "%s%d", i % 3 ? "brandword" : "w", i);
        const ef_word_info *e = lookup(lx, w);
        found +=
            e->has_valence && e->valence == i % 9 - 4 && e->len == strlen(w);
        snprintf(w, sizeof w, "%s%d", i % 3 ? "brandword" : "w", N + i);
        absent += lookup(lx, w)->len == UINT32_MAX;
    }
    INT_EQ(found, N, "big lexicon: every word found");
    INT_EQ(absent, N, "big lexicon: no other word found");
    OK(lookup(lx, "good")->valence == 1.9, "big lexicon: built-in words");
    {
        /* the hash's multiply from 32-bit halves (compilers without a
         * 128-bit type) is the same as the one instruction */
        uint64_t a = 0x9e3779b97f4a7c15ULL, b = 0xffffffffffffffffULL;
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            same += ef_fold_mul(a, b) == ef_fold_mul_halves(a, b);
            a = a * 6364136223846793005ULL + 1442695040888963407ULL;
            b = i % 7 ? a ^ (a >> 29) : ~0ULL << (i % 64);
        }
        INT_EQ(same, 1000, "folded multiply from halves == 128-bit");
    }
    OK(lookup(lx, "disadvantageously")->valence == -2.1,
       "big lexicon: a long built-in word");
    ef_lexicon_free(lx);
}

#ifdef EF_TESTING
/* The bitmask tokenizer of all-ASCII texts, with each vector path the CPU
 * has, against the byte-by-byte one that every other text takes: the
 * same scores, bit for bit, on random
 * texts made of lexicon and rule words, capitals, apostrophes, runs of
 * punctuation, tokens of 60 to 200 bytes and every kind of ASCII white
 * space, so that tokens start, end and get stripped at every position
 * around the 64-byte words of the masks. */
static void test_ascii_path(const ef_vader *v, ef_vader_scratch *s)
{
    static const char *const frags[] = {
        "good",       "BAD",      "not",
        "very",       "but",      "kind of",
        "no",         "never so", "without doubt",
        "at least",   "don't",    "ISN'T",
        "n't",        "'",        "!!!",
        "??",         "...",      ":)",
        ":-(",        "(great)",  "\"nice\"",
        "a",          "I",        "ok",
        "x",          "--",       "wasn't",
        "the shit",   "bus stop", "Kiss of death",
        "yeah right", "sort of",  "just enough",
        "HAPPY",      "Sad",      "1",
        "99%"};
    static const char spaces[] = " \t\n\v\f\r\x1c\x1d\x1e\x1f";
    char text[512];
    unsigned seed = 2026;
    int same = 0, total = 0;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffff)

    for (int k = 0; k < 4000; k++) {
        size_t n = 0, want = NEXT() % 300;
        while (n < want) {
            unsigned r = NEXT() % 16;
            if (r < 10) {
                const char *f = frags[NEXT() % EF_ARRAY_LEN(frags)];
                size_t fl = strlen(f);
                if (n + fl >= sizeof text - 220)
                    break;
                memcpy(text + n, f, fl);
                n += fl;
            } else if (r < 14) {
                text[n++] = spaces[r == 10 ? NEXT() % 10 : 0];
            } else if (r == 14) {
                text[n++] = (char)("!?.,;:'\"-"[NEXT() % 9]);
            } else { /* a long token, letters or punctuation */
                size_t len = 60 + NEXT() % 140;
                int punct = NEXT() % 4 == 0;
                for (size_t i = 0; i < len; i++)
                    text[n + i] =
                        punct ? "!.?-"[NEXT() % 4] : (char)('a' + NEXT() % 26);
                n += len;
            }
        }
        ef_scores fast, slow;
        int agree = 1;
        vader_ascii_path = 0;
        ef_vader_score(v, s, text, n, &slow);
        vader_ascii_path = 1;
        /* each vector path the CPU has: AVX-512, AVX2, the base one */
        for (vader_vector_max = 2; vader_vector_max >= 0; vader_vector_max--) {
            ef_vader_score(v, s, text, n, &fast);
            agree &= memcmp(&fast, &slow, sizeof fast) == 0;
        }
        vader_vector_max = 2;
        same += agree;
        total++;
    }
#undef NEXT
    INT_EQ(same, total, "ASCII bitmask path == byte path on random texts");
}
#endif

/* ==== Names are not sentiment (sentiment.h) ============================ */

/* With the names rules: united 1.8, delayed -0.9, good 1.9, bad -2.5,
 * great 3.1, best 3.2, support 1.7. A mention or brand word is a word the
 * lexicon does not know. */
static const compound_case names_cases[] = {
    /* S = -0.9 ("@united" counts nothing; the reference: 1.8 - 0.9 = 0.9,
     * +0.2263) */
    {"@united my flight was delayed", -0.2263, "a mention"},
    {".@united my flight was delayed", -0.2263, "a mention after '.'"},
    {"(@United) my flight was delayed", -0.2263, "a mention in brackets"},
    /* S = 1.8 - 0.9: a hashtag keeps its valence */
    {"#united my flight was delayed", 0.2263, "a hashtag"},
    /* S = 1.9: an e-mail address is not a mention (nor a word) */
    {"write to me@united.com, good", 0.4404, "an e-mail address"},
    /* S = 1.9: "@never" names an account, it does not negate
     * (reference: 1.9 * -0.74) */
    {"@never good", 0.4404, "a mention is no negation"},
    /* S = 1.9 (reference: 1.9 + 0.293) */
    {"@very good", 0.4404, "a mention is no booster"},
    /* S = 1.9 - 2.5 (reference: 1.9 * 0.5 - 2.5 * 1.5) */
    {"good @but bad", -0.1531, "a mention is no 'but'"},
    /* S = 1.9 * -0.74: the mention holds its place, so "not" is two words
     * back (reference: 1.8 * -0.74 + 1.9 * -0.74) */
    {"not @united good", -0.3412, "a mention stays a token"},
    /* S = 3.1 + 0.733: 2 of 3 tokens in capitals, the mention's count */
    {"@UNITED GREAT service", 0.7034, "a mention's capitals count"},
    /* S = 3.1: every token in capitals, no differential */
    {"@UNITED GREAT", 0.6249, "all capitals, the mention too"},
    /* S = 3.1 + 0.733: 1 of 2 tokens in capitals */
    {"@united GREAT", 0.7034, "capitals against a lower-case mention"},
};

/* The same with --brand "united,best buy". */
static const compound_case brand_cases[] = {
    /* S = -0.9: the brand written bare */
    {"United my flight was delayed", -0.2263, "a brand word"},
    /* S = -0.9: and as a hashtag */
    {"#united my flight was delayed", -0.2263, "a brand hashtag"},
    /* S = 3.2: "best" of "Best Buy" counts nothing, the second does */
    {"Best Buy is the best", 0.6369, "a two-word brand"},
    /* S = 1.7: the possessive */
    {"Best Buy's support", 0.4019, "a brand's possessive"},
    /* S = 3.2: "best" not followed by "buy" is the word */
    {"best service, buy it", 0.6369, "a brand's words apart"},
    /* S = 3.2 + 1.7 */
    {"best buyer support", 0.7845, "a longer word is not the brand's"},
};

/* The names rules by a simple route: the text rewritten so that every
 * mention and every word of a brand phrase becomes a word no lexicon has
 * (its letters made q or Q, case kept), scored by the reference rules.
 * Tokens are split on ASCII white space and stripped of
 * string.punctuation unless 2 code points or fewer would be left, as
 * the reference does. */
static size_t names_twin(const char *in, size_t n, char *out,
                         const char *const brand[][2], size_t nbrand)
{
    size_t a[256], b[256], a2[256], b2[256], nt = 0, i = 0;
    static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    memcpy(out, in, n);
    while (i < n && nt < 256) {
        while (i < n && strchr(" \t\n\v\f\r\x1c\x1d\x1e\x1f", in[i]) &&
               in[i] != '\0')
            i++;
        if (i >= n)
            break;
        a[nt] = i;
        while (i < n && !(in[i] != '\0' &&
                          strchr(" \t\n\v\f\r\x1c\x1d\x1e\x1f", in[i])))
            i++;
        b[nt] = i;
        a2[nt] = a[nt];
        b2[nt] = b[nt];
        while (a2[nt] < b2[nt] && in[a2[nt]] && strchr(punct, in[a2[nt]]))
            a2[nt]++;
        while (b2[nt] > a2[nt] && in[b2[nt] - 1] &&
               strchr(punct, in[b2[nt] - 1]))
            b2[nt]--;
        size_t cps = 0;
        for (size_t k = a2[nt]; k < b2[nt]; k++)
            cps += ((unsigned char)in[k] & 0xc0) != 0x80;
        if (cps <= 2) {
            a2[nt] = a[nt];
            b2[nt] = b[nt];
        }
        nt++;
    }
    for (size_t t = 0; t < nt; t++) {
        int hide = a2[t] > a[t] && in[a2[t] - 1] == '@';
        for (size_t p = 0; p < nbrand && !hide; p++) {
            size_t words = brand[p][1] ? 2 : 1;
            for (size_t k = 0; k < words && !hide; k++) {
                int all = t >= k && t - k + words <= nt;
                for (size_t j = 0; all && j < words; j++) {
                    size_t u = t - k + j, l = strlen(brand[p][j]);
                    size_t tl = b2[u] - a2[u];
                    int eq = tl >= l &&
                             strncasecmp(in + a2[u], brand[p][j], l) == 0;
                    all = eq && (tl == l || (j + 1 == words && tl == l + 2 &&
                                             in[a2[u] + l] == '\'' &&
                                             in[a2[u] + l + 1] == 's'));
                }
                hide = all;
            }
        }
        for (size_t k = a2[t]; hide && k < b2[t]; k++) {
            if (in[k] >= 'a' && in[k] <= 'z')
                out[k] = 'q';
            else if (in[k] >= 'A' && in[k] <= 'Z')
                out[k] = 'Q';
        }
    }
    return n;
}

#ifdef EF_TESTING
/* The rules on random texts of mentions, hashtags, brand words, rule
 * words and capitals, on each path (the bitmask tokenizer with each
 * vector path, and the byte one), against the rewritten text scored by
 * the reference rules: the same scores, bit for bit. */
static void test_names_paths(const ef_vader *plain, const ef_vader *rules,
                             ef_vader_scratch *s)
{
    static const char *const frags[] = {"@united",
                                        "@United",
                                        ".@united",
                                        "(@united)",
                                        "#united",
                                        "united",
                                        "UNITED",
                                        "@UNITED",
                                        "best",
                                        "buy",
                                        "Best",
                                        "Buy's",
                                        "best buy",
                                        "@best",
                                        "@never",
                                        "@very",
                                        "@but",
                                        "@no",
                                        "@kind",
                                        "of",
                                        "good",
                                        "bad",
                                        "not",
                                        "never",
                                        "very",
                                        "but",
                                        "kind",
                                        "no",
                                        "@don't",
                                        "don't",
                                        "@",
                                        "@@",
                                        "me@united.com",
                                        "@ok",
                                        "GREAT",
                                        "sad",
                                        "!",
                                        "?",
                                        "...",
                                        ":)",
                                        "@caf\xc3\xa9",
                                        "caf\xc3\xa9",
                                        "the",
                                        "x",
                                        "delayed",
                                        "@love",
                                        "love",
                                        "@happy_customer",
                                        "@HappyCo",
                                        "least",
                                        "at",
                                        "without",
                                        "doubt",
                                        "so"};
    static const char *const brand[][2] = {{"united", NULL}, {"best", "buy"}};
    char text[600], twin[600];
    unsigned seed = 1201;
    int same = 0, total = 0;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffff)

    for (int k = 0; k < 3000; k++) {
        size_t n = 0, want = NEXT() % 160;
        while (n < want && n + 40 < sizeof text) {
            const char *f = frags[NEXT() % EF_ARRAY_LEN(frags)];
            size_t fl = strlen(f);
            memcpy(text + n, f, fl);
            n += fl;
            text[n++] = " \t \n  ,"[NEXT() % 7];
            if (NEXT() % 9 == 0) /* a long plain token now and then */
                for (size_t i = 0, l = 50 + NEXT() % 40; i < l; i++)
                    text[n++] = (char)('a' + NEXT() % 26);
        }
        ef_scores want_sc, got;
        int agree = 1;
        names_twin(text, n, twin, brand, EF_ARRAY_LEN(brand));
        ef_vader_score(plain, s, twin, n, &want_sc);
        for (vader_ascii_path = 1; vader_ascii_path >= 0; vader_ascii_path--)
            for (vader_vector_max = 2; vader_vector_max >= 0;
                 vader_vector_max--) {
                ef_vader_score(rules, s, text, n, &got);
                agree &= memcmp(&got, &want_sc, sizeof got) == 0;
            }
        vader_ascii_path = 1;
        vader_vector_max = 2;
        if (!agree && total - same < 3)
            fprintf(stderr, "names rules differ on \"%.*s\"\n", (int)n, text);
        same += agree;
        total++;
    }
#undef NEXT
    INT_EQ(same, total, "names rules on every path == the rewritten text");
}
#endif

static void test_names(ef_vader_scratch *s)
{
    ef_vader *v = NULL, *vb = NULL, *plain = NULL;
    ef_err err = {0};
    ef_scores sc;
    char msg[160];
    uint32_t idx[8];
    double val;

    ef_vader_new(&plain, &err);
    ef_vader_new(&v, &err);
    ef_vader_new(&vb, &err);
    ef_vader_set_names(v, 1);
    INT_EQ(ef_vader_add_brands(vb, "united, Best Buy", &err), EF_OK,
           "--brand united,best buy");
    for (size_t i = 0; i < EF_ARRAY_LEN(names_cases); i++) {
        score(v, s, names_cases[i].text, strlen(names_cases[i].text), &sc);
        snprintf(msg, sizeof msg, "%s: \"%s\"", names_cases[i].why,
                 names_cases[i].text);
        DBL_NEAR(sc.compound, names_cases[i].compound, 1e-9, msg);
    }
    for (size_t i = 0; i < EF_ARRAY_LEN(brand_cases); i++) {
        score(vb, s, brand_cases[i].text, strlen(brand_cases[i].text), &sc);
        snprintf(msg, sizeof msg, "%s: \"%s\"", brand_cases[i].why,
                 brand_cases[i].text);
        DBL_NEAR(sc.compound, brand_cases[i].compound, 1e-9, msg);
    }
    /* the reference's semantics without the rules */
    score(plain, s, "@united my flight was delayed", 29, &sc);
    DBL_NEAR(sc.compound, 0.2263, 1e-9, "no rules: @united is united");
    /* a mention counts as a neutral token: pos 2.9 / 4.9, neu 2 / 4.9 */
    score(v, s, "@united is good", 15, &sc);
    DBL_NEAR(sc.pos, 0.592, 1e-9, "a mention is a neutral token: pos");
    DBL_NEAR(sc.neu, 0.408, 1e-9, "a mention is a neutral token: neu");
    /* the version string changes with the rules, so caches are redone */
    OK(strcmp(ef_vader_version(plain), EF_SCORER_VERSION) == 0,
       "version without the rules");
    STR_EQ(ef_vader_version(v), EF_SCORER_VERSION "+names",
           "version with the names rules");
    OK(strstr(ef_vader_version(vb), "+names+brand-") != NULL,
       "version with brands");
    OK(ef_vader_is_brand(vb, "best buy") && ef_vader_is_brand(vb, "united") &&
           !ef_vader_is_brand(vb, "best"),
       "ef_vader_is_brand");
    /* the lexicon's words for the notices */
    OK(ef_vader_find(plain, "united", 6, &idx[0], &val) && val == 1.8,
       "find: united 1.8");
    OK(!ef_vader_find(vb, "united", 6, &idx[0], &val),
       "find: a one-word brand is no sentiment word");
    OK(!ef_vader_find(plain, "very", 4, &idx[0], &val),
       "find: a booster is no sentiment word");
    OK(!ef_vader_find(plain, "flight", 6, &idx[0], &val), "find: unknown");
    score(v, s, "#united and @united: good, united", 33, &sc);
    {
        size_t k = ef_vader_scored_words(v, s, idx, 8);
        uint32_t u, g;
        ef_vader_find(v, "united", 6, &u, &val);
        ef_vader_find(v, "good", 4, &g, &val);
        INT_EQ(k, 3, "scored words: the mention is not one");
        OK(k == 3 && idx[0] == u && idx[1] == g && idx[2] == u,
           "scored words: their indices, in order");
        STR_EQ(ef_vader_word(v, g), "good", "ef_vader_word");
    }
    {
        ef_err e1 = {0}, e2 = {0};
        INT_EQ(ef_vader_add_brands(plain, "a,,b", &e1), EF_ERR_USAGE,
               "an empty brand");
        INT_EQ(ef_vader_add_brands(plain, "a b c d e f g h i", &e2),
               EF_ERR_USAGE, "a brand of 9 words");
        OK(strstr(e2.msg, "at most 8") != NULL, "the message says so");
    }
    ef_vader_free(plain);
    ef_vader_new(&plain, &err);
#ifdef EF_TESTING
    test_names_paths(plain, vb, s);
#endif
    ef_vader_free(plain);
    ef_vader_free(v);
    ef_vader_free(vb);
}

void test_vader(void)
{
    ef_vader *v = NULL;
    ef_err err = {0};
    ef_vader_scratch *s = ef_vader_scratch_new();
    ef_scores sc;
    char msg[160];

    INT_EQ(ef_vader_new(&v, &err), EF_OK, "ef_vader_new");
    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        score(v, s, cases[i].text, strlen(cases[i].text), &sc);
        snprintf(msg, sizeof msg, "%s: \"%s\"", cases[i].why, cases[i].text);
        DBL_NEAR(sc.compound, cases[i].compound, 1e-9, msg);
    }

    /* proportions: "but" gives pos 1.95, neg 4.75, neu 7 of 13.7 */
    score(v, s, cases[10].text, strlen(cases[10].text), &sc);
    DBL_NEAR(sc.pos, 0.142, 1e-9, "but: pos");
    DBL_NEAR(sc.neg, 0.347, 1e-9, "but: neg");
    DBL_NEAR(sc.neu, 0.511, 1e-9, "but: neu");

    /* an empty text is all zeros, as in the reference */
    score(v, s, "", 0, &sc);
    OK(sc.neg == 0 && sc.neu == 0 && sc.pos == 0, "empty: all zero");

    /* invalid UTF-8 is one U+FFFD token: "good" + a neutral token gives
     * pos 2.9 / 3.9 and neu 1 / 3.9 */
    score(v, s, "good \xff", 6, &sc);
    DBL_NEAR(sc.compound, 0.4404, 1e-9, "invalid UTF-8: compound");
    DBL_NEAR(sc.pos, 0.744, 1e-9, "invalid UTF-8: pos");
    DBL_NEAR(sc.neu, 0.256, 1e-9, "invalid UTF-8: neu");
    score(v, s, "\xc3", 1, &sc);
    OK(sc.neu == 1.0, "truncated sequence: one neutral token");

    /* NUL is an ordinary character inside a token */
    score(v, s, "good\0x bad", 10, &sc);
    DBL_NEAR(sc.compound, -0.5423, 1e-4, "NUL inside a token");

    /* an emoji glued to a word gets a space before its name only */
    score(v, s, "xyz\xf0\x9f\x98\x80", 7, &sc);
    DBL_NEAR(sc.compound, 0.3612, 1e-9, "emoji after a word");

    /* a user lexicon overrides a word */
    {
        const char *path = "build/test_lexicon.tsv";
        FILE *f = fopen(path, "w");
        ef_vader *v2 = NULL;
        fputs("# brand slang\nsick\t2.5\nGOOD\t-1.9\n", f);
        fclose(f);
        ef_vader_new(&v2, &err);
        INT_EQ(ef_vader_add_lexicon(v2, path, &err), EF_OK, "load lexicon");
        score(v2, s, "sick", 4, &sc);
        /* S = 2.5 */
        DBL_NEAR(sc.compound, 0.5423, 1e-9, "custom word");
        score(v2, s, "good", 4, &sc);
        DBL_NEAR(sc.compound, -0.4404, 1e-9, "override (keys lower-cased)");
        OK(strstr(ef_vader_version(v2), "+custom-") != NULL,
           "version names the custom lexicon");
        f = fopen(path, "w");
        fputs("sick 2.5\n", f);
        fclose(f);
        ef_err e2 = {0};
        INT_EQ(ef_vader_add_lexicon(v2, path, &e2), EF_ERR_PARSE,
               "bad lexicon line");
        OK(strstr(e2.msg, "test_lexicon.tsv:1:") != NULL,
           "lexicon error names file:line");
        remove(path);
        ef_vader_free(v2);
    }

    /* a 10 MB line with "but" in it: no crash, and the long-text path of
     * the "but" rule agrees with the short one */
    {
        size_t n = 10u << 20, k = 0;
        char *big = malloc(n);
        static const char *const words[] = {"good ", "bad ", "but ", "fine ",
                                            "the "};
        while (k + 6 < n) {
            const char *w = words[(k * 7 + k / 5) % 5];
            memcpy(big + k, w, strlen(w));
            k += strlen(w);
        }
        score(v, s, big, k, &sc);
        OK(sc.compound >= -1 && sc.compound <= 1, "10 MB line scores");
        free(big);
    }
    {
        /* repeated values are what makes the reference's "but" quirky */
        enum { N = 600 };
        static double a[N], b[N];
        static size_t pos[N];
        unsigned seed = 12345;
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = (int)(seed >> 20) % 5 - 2;
            if (a[i] == 0)
                a[i] = 3;
            b[i] = a[i];
            pos[i] = 2 * (size_t)i + (seed >> 16) % 2; /* ascending */
        }
        but_rescale_naive(a, pos, N, N / 3);
        but_rescale_heap(b, pos, N, N / 3);
        OK(memcmp(a, b, sizeof a) == 0, "but: heap path == naive path");
    }

    OK(ef_classify(0.05, &(ef_thresholds)EF_THRESHOLDS_DEFAULT) == EF_POSITIVE,
       "0.05 is positive");
    OK(ef_classify(-0.05, &(ef_thresholds)EF_THRESHOLDS_DEFAULT) ==
           EF_NEGATIVE,
       "-0.05 is negative");
    OK(ef_classify(0.0499, &(ef_thresholds)EF_THRESHOLDS_DEFAULT) ==
           EF_NEUTRAL,
       "0.0499 is neutral");

    test_offsets(v, s);
    test_table();
    test_names(s);
#ifdef EF_TESTING
    test_ascii_path(v, s);
#endif
    ef_vader_scratch_free(s);
    ef_vader_free(v);
}
