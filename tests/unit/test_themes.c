/* test_themes.c - the terms of a text (ef_terms_split), their hashes, and
 * the store's cache of them (ef_terms_cache_put, _get). */
#include <stdlib.h>
#include <string.h>

#include "metrics/themes.h"
#include "test.h"
#include "util/strmap.h"

/* The terms of text, "|"-joined; checks the hashes handed out with them. */
static char *split(ef_terms *t, const char *text, size_t n, int *ab, int *nw,
                   size_t *count)
{
    const char *const *term;
    const size_t *len;
    const uint64_t *h;
    ef_buf b = EF_BUF_INIT;
    int bad = 0;
    char *s;

    *count = ef_terms_split(t, text, n, &term, &len, ab, nw);
    h = ef_terms_hashes(t);
    for (size_t j = 0; j < *count; j++) {
        ef_buf_printf(&b, "%s%.*s", j ? "|" : "", (int)len[j], term[j]);
        bad += h[j] != ef_strmap_hash(term[j], len[j]);
    }
    INT_EQ(bad, 0, "terms: hashes handed out = ef_strmap_hash");
    {
        uint64_t want = EF_TERMS_TEXT_SEED;
        for (size_t i = 0; i < n; i++)
            want = ef_strmap_step(want, (unsigned char)text[i]);
        OK(ef_terms_text_fnv(t) == want, "terms: the text's hash");
    }
    s = ef_xstrdup(ef_buf_cstr(&b));
    ef_buf_reset(&b);
    return s;
}

void test_themes(void)
{
    static const struct {
        const char *text, *want;
        int abusive, words;
    } cases[] = {
        {"The BATTERY died, terrible support", "battery|died|terrible|support",
         0, 5},
        /* apostrophes around a word are not part of it */
        {"'Quoted' ''twice'' and don't won't it's '''", "quoted", 0, 6},
        /* a URL is one word and no term */
        {"see https://example.com/Refund now, ftp:/x and abc:/ y", "", 0, 7},
        {"2024 123abc 99 9th abc123 007", "123abc|9th|abc123", 0, 6},
        {"Fuck this Garbage app, WTF", "fuck|garbage|app|wtf", 1, 5},
        /* each term once, in the order of its first use */
        {"Battery battery BATTERY bat'tery", "battery|bat'tery", 0, 4},
        {"café CAFÉ naïve", "café|cafÉ|naïve", 0, 3},
        {"a b cd efg", "efg", 0, 4},
        {"x:/", "", 0, 1},
        {"'abc'd'", "abc'd", 0, 1},
        {"", "", 0, 0},
        {"go to it, I am OK", "", 0, 6},
        {"Read http://x.example/A?b=C'd then", "read", 0, 3},
    };
    ef_terms *t = ef_terms_new();
    ef_buf b = EF_BUF_INIT;
    size_t k;
    int ab, nw;
    char *got;

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        got = split(t, cases[i].text, strlen(cases[i].text), &ab, &nw, &k);
        STR_EQ(got, cases[i].want, cases[i].text);
        INT_EQ(ab, cases[i].abusive, cases[i].text);
        INT_EQ(nw, cases[i].words, cases[i].text);
        free(got);
    }
    /* a very long text: its first 2,048 distinct terms */
    for (int i = 0; i < 3000; i++)
        ef_buf_printf(&b, "Term%dx ", i);
    got = split(t, b.data, b.len, &ab, &nw, &k);
    INT_EQ((long)k, 2048, "terms: at most 2,048");
    INT_EQ(nw, 3000, "terms: every word counted");
    OK(strncmp(got, "term0x|term1x|", 14) == 0, "terms: the first ones");
    free(got);
    ef_buf_reset(&b);
    ef_terms_free(t);

    OK(ef_strmap_same("abcdefghij", "abcdefghij", 10), "same: equal");
    OK(!ef_strmap_same("abcdefghij", "abcdefghiX", 10), "same: tail differs");
    OK(!ef_strmap_same("Xbcdefghij", "abcdefghij", 10), "same: head differs");
    OK(ef_strmap_same("ab", "ax", 1), "same: only n bytes");
    OK(ef_strmap_same("", "x", 0), "same: empty");
    {
        /* every length to 24, a difference at every place */
        char x[25], y[25];
        int bad = 0;
        for (size_t n = 0; n <= 24; n++) {
            for (size_t i = 0; i < n; i++)
                x[i] = y[i] = (char)('a' + i);
            bad += !ef_strmap_same(x, y, n);
            for (size_t i = 0; i < n; i++) {
                y[i] = 'Z';
                bad += ef_strmap_same(x, y, n);
                y[i] = x[i];
            }
        }
        INT_EQ(bad, 0, "same: lengths 0 to 24");
    }
}

/* The cache of one text: what it gives back is what splitting gives. */
static void cache_case(ef_terms *t, ef_terms *u, const char *text)
{
    const char *const *term;
    const size_t *len;
    const uint64_t *h;
    uint64_t *want, fnv = 0;
    size_t n = strlen(text), k, got = 0;
    int ab, nw, words = -1, ok, same;
    ef_buf b = EF_BUF_INIT;

    k = ef_terms_split(t, text, n, &term, &len, &ab, &nw);
    want = malloc((k + 1) * sizeof *want);
    memcpy(want, ef_terms_hashes(t), k * sizeof *want);
    ef_terms_cache_put(t, text, n, &b);
    INT_EQ((long)b.len, (long)EF_TERMS_CACHE_SIZE(k), "cache: its size");
    /* read by another splitter, as the report's threads do */
    ok = ef_terms_cache_get(u, (const unsigned char *)b.data, b.len, text, n,
                            &words, &fnv, &h, &got);
    OK(ok, "cache: read back");
    same = ok && got == k && words == nw && fnv == ef_terms_text_fnv(t);
    for (size_t i = 0; same && i < k; i++)
        same = h[i] == want[i];
    OK(same, "cache: the words, the text's hash and the terms' hashes");
    free(want);
    ef_buf_reset(&b);
}

void test_terms_cache(void)
{
    ef_terms *t = ef_terms_new(), *u = ef_terms_new();
    const char *text = "The BATTERY died twice, terrible support";
    size_t n = strlen(text), got;
    const uint64_t *h;
    uint64_t fnv;
    int words, bad = 0;
    ef_buf b = EF_BUF_INIT, d = EF_BUF_INIT;

    cache_case(t, u, text);
    cache_case(t, u, "");
    cache_case(t, u, "a b to it");                        /* no term */
    cache_case(t, u, "電池がすぐ切れる。サポートは最悪"); /* ICU's words */
    {
        ef_buf many = EF_BUF_INIT; /* the 2,048 terms a text keeps */
        for (int i = 0; i < 3000; i++)
            ef_buf_printf(&many, "term%dx ", i);
        cache_case(t, u, ef_buf_cstr(&many));
        ef_buf_reset(&many);
    }

    ef_terms_cache_put(t, text, n, &b);
#define GET(p, l, s, m)                                                       \
    ef_terms_cache_get(u, (const unsigned char *)(p), l, s, m, &words, &fnv,  \
                       &h, &got)
    OK(!GET(b.data, b.len, "The battery died twice, terrible support", n),
       "cache: not for another text");
    OK(!GET(b.data, b.len, text, n - 1), "cache: not for a shorter text");
    OK(!GET(NULL, 0, text, n), "cache: none");
    /* the top bit of every byte of the header, changed: the magic, the
     * format, the rules, the check, a count of words past INT_MAX and the
     * count of terms are seen; the text's hash and a count of words below
     * INT_MAX cannot be */
    for (size_t i = 0; i < 28; i++) {
        int seen = i < 14 || i >= 25;
        ef_buf_clear(&d);
        ef_buf_put(&d, b.data, b.len);
        d.data[i] ^= (char)0x80;
        bad += seen == GET(d.data, d.len, text, n);
    }
    INT_EQ(bad, 0, "cache: a changed magic, format, rules, check or count");
    bad = 0;
    for (size_t l = 0; l + 1 < b.len + 9; l++)
        bad += l != b.len && GET(b.data, l, text, n);
    INT_EQ(bad, 0, "cache: a cut or padded one");
    {
        /* a count of terms past its bytes, or past 2,048 */
        ef_buf_clear(&d);
        ef_buf_put(&d, b.data, b.len);
        d.data[26] = (char)0xff;
        d.data[27] = (char)0xff;
        OK(!GET(d.data, d.len, text, n), "cache: a count past the end");
    }
    {
        /* garbage of every length: never read past it (ASan) */
        unsigned char junk[300];
        uint64_t s = 0x9e3779b97f4a7c15ULL;
        bad = 0;
        for (size_t l = 0; l < sizeof junk; l++) {
            for (size_t i = 0; i < l; i++) {
                s ^= s << 13, s ^= s >> 7, s ^= s << 17;
                junk[i] = (unsigned char)s;
            }
            if (l > 1)
                junk[0] = 'T', junk[1] = 1;
            bad += GET(l ? junk : NULL, l, text, n);
        }
        INT_EQ(bad, 0, "cache: garbage is no cache");
    }
#undef GET
    ef_buf_reset(&b);
    ef_buf_reset(&d);
    ef_terms_free(t);
    ef_terms_free(u);
}
