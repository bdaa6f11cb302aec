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

#endif
