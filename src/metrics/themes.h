/* themes.h - terms of a text, for "what the negative is about", and the
 * word lists the metrics use (internal to src/metrics/). */
#ifndef EF_THEMES_H
#define EF_THEMES_H

#include "util/strmap.h"
#include "util/util.h"

typedef struct ef_terms ef_terms;

/* Working memory for ef_terms_split. Free with ef_terms_free. */
ef_terms *ef_terms_new(void);
void ef_terms_free(ef_terms *t);

/* Splits text into its distinct terms: runs of letters, digits and
 * apostrophes, lower-cased (ASCII), at least 3 bytes, not a stop word,
 * not a number, not part of a URL. Returns the count; term i is
 * (*term)[i] with length (*len)[i], valid until the next call. Also
 * reports whether the text holds an insult or profanity, and its word
 * count. */
size_t ef_terms_split(ef_terms *t, const char *text, size_t n,
                      const char *const **term, const size_t **len,
                      int *abusive, int *words);

/* ef_strmap_hash of each term of the last ef_terms_split, in its order
 * (the splitter hashes every word for its own tables: the caller's maps
 * need not hash the terms again). Valid until the next call. */
const uint64_t *ef_terms_hashes(const ef_terms *t);

/* The whole text of the last ef_terms_split, as given, hashed in the same
 * pass: FNV-1a (ef_strmap_step, byte by byte) from EF_TERMS_TEXT_SEED,
 * not mixed. The aggregator's key for examples, which would otherwise
 * take a second pass over every text. */
#define EF_TERMS_TEXT_SEED 0x84222325cbf29ce4ULL
uint64_t ef_terms_text_fnv(const ef_terms *t);

/* ==== The store's cache of a text's terms ===============================
 *
 * `earful import` keeps, beside an item's scores, what ef_terms_split
 * found in its text: the word count, the text's hash (ef_terms_text_fnv)
 * and the hashes of its distinct terms (ef_terms_hashes). `report` counts
 * the terms of the items whose terms it needs only as counts (all but the
 * negative ones: a negative item's terms are shown, and split from its
 * text) from the cache, without splitting their texts again. A cache
 * names the rules it was made by (the stop words, the insults, the rules'
 * version, ICU's) and holds a check of its text: a cache by other rules,
 * of a text changed since, or damaged, is not used. Insults are not kept
 * (only a negative item's count). */

/* A cache's size for n terms (at most 2,048 a text). */
#define EF_TERMS_CACHE_SIZE(n) (28 + 8 * (size_t)(n))

/* Splits text (n bytes) and appends its cache to out. */
void ef_terms_cache_put(ef_terms *t, const char *text, size_t n, ef_buf *out);

/* Reads cache (blob, len) of the text (text, n): 1 with *words, *text_fnv
 * and the terms' hashes (*nterms of them in *hash, valid until the next
 * call on t) as ef_terms_split would give them; 0 when blob is not a
 * cache of this text by this splitter's rules, and then sets nothing. */
int ef_terms_cache_get(ef_terms *t, const unsigned char *blob, size_t len,
                       const char *text, size_t n, int *words,
                       uint64_t *text_fnv, const uint64_t **hash,
                       size_t *nterms);

#endif
