/* traps.h - brand names that VADER reads as sentiment (issue 12). A
 * brand called United, Best Buy, Lush or Honest is a lexicon word: every
 * item that names it bare gets a push of its valence. @mentions carry no
 * valence (sentiment.h), but the brand is also written without the @, in
 * channel and segment names, and in handles such as @BestBuy.
 *
 * Noticed: a lexicon word (with valence, not neutralised by --brand)
 * that is a word of a channel or segment name, or of an @handle found in
 * at least EF_TRAP_HANDLE_SHARE of the items (handles split at case
 * changes, digits and '_': "@BestBuySupport" has best, buy, support).
 * Each notice gives the word, its valence, the share of items in which it
 * scored, and the --brand value that would neutralise it; the report
 * prints them on stderr and in its Method section.
 *
 * Memory: per lexicon word, two counters, two stamps and the first handle
 * that held it; not per item or per handle.
 */
#ifndef EF_TRAPS_H
#define EF_TRAPS_H

#include "metrics/metrics.h"

#define EF_TRAP_HANDLE_SHARE 0.01 /* handles in this share of items */

typedef struct ef_traps ef_traps;

/* A new counter for the scorer v's lexicon (NULL v: NULL, and the other
 * calls do nothing). Free with ef_traps_free. */
ef_traps *ef_traps_new(const ef_vader *v);
void ef_traps_free(ef_traps *t);

/* One item: its text (for its @handles) and, when it was scored in this
 * run (known), the lexicon words that scored in it
 * (ef_vader_scored_words). */
void ef_traps_add(ef_traps *t, const char *text, size_t len,
                  const uint32_t *words, size_t nwords, int known);

/* Fills r->traps and r->ntraps from r's channels and segments and the
 * handles seen. */
void ef_traps_finish(ef_traps *t, ef_report *r);

/* The notice in words, for stderr and the report: what, where, how much,
 * what to do. Writes at most cap bytes. */
void ef_trap_text(const ef_trap *tr, char *buf, size_t cap);

#endif
