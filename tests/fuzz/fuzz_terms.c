/* fuzz_terms.c - libFuzzer target for the term splitter and the store's
 * cache of a text's terms (metrics/themes.h), which `report` reads from a
 * store anyone may have written.
 *
 * The first two bytes give the text's length k (little-endian, cut to
 * what is there); the text is the next k bytes, and the rest is taken as
 * a cache of it. Checks: the text splits into at most 2,048 distinct
 * terms whose hashes are ef_strmap_hash's; its own cache, written and
 * read back (by another splitter, as the report's threads do), gives what
 * splitting gave; the rest is read as a cache without reading past it,
 * and if taken, it is a cache's size for what it holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/themes.h"
#include "util/strmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ef_terms *t, *u;
    const char *const *term;
    const size_t *len;
    const uint64_t *h;
    uint64_t *want, fnv;
    size_t k, n, got;
    int ab, nw, words;
    ef_buf b = EF_BUF_INIT;
    char *text;
    const unsigned char *rest;

    if (t == NULL) {
        t = ef_terms_new();
        u = ef_terms_new();
    }
    if (size < 2)
        return 0;
    k = (size_t)data[0] | (size_t)data[1] << 8;
    if (k > size - 2)
        k = size - 2;
    text = malloc(k + 1); /* its own allocation: ASan sees any overread */
    memcpy(text, data + 2, k);
    text[k] = '\0';
    rest = data + 2 + k;

    n = ef_terms_split(t, text, k, &term, &len, &ab, &nw);
    if (n > 2048)
        abort();
    want = malloc((n + 1) * sizeof *want);
    for (size_t i = 0; i < n; i++) {
        want[i] = ef_terms_hashes(t)[i];
        if (want[i] != ef_strmap_hash(term[i], len[i]) || len[i] < 3)
            abort();
    }
    ef_terms_cache_put(t, text, k, &b);
    if (b.len != EF_TERMS_CACHE_SIZE(n) ||
        !ef_terms_cache_get(u, (const unsigned char *)b.data, b.len, text, k,
                            &words, &fnv, &h, &got) ||
        got != n || words != nw || fnv != ef_terms_text_fnv(t))
        abort();
    for (size_t i = 0; i < n; i++)
        if (h[i] != want[i])
            abort();
    /* the rest, copied so that ASan sees any read past it */
    {
        size_t m = size - 2 - k;
        unsigned char *blob = malloc(m + 1);
        memcpy(blob, rest, m);
        if (ef_terms_cache_get(u, m ? blob : NULL, m, text, k, &words, &fnv,
                               &h, &got) &&
            (m != EF_TERMS_CACHE_SIZE(got) || got > 2048 || words < 0))
            abort();
        free(blob);
    }
    free(want);
    free(text);
    ef_buf_reset(&b);
    return 0;
}
