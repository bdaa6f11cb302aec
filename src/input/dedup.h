/* dedup.h - the items seen so far, to tell a new item from the same item
 * again (a duplicate: dropped and counted) and from an id conflict (an
 * id seen before with other content: rejected as "id-conflict"), by the
 * rule of identity.c: an item is its id when it has one, else its
 * content (UTC date, channel, author, text).
 *
 *   ef_dedup *d = ef_dedup_new();
 *   ef_dedup_sig s;
 *   ef_dedup_sign(&item, &s);              // any thread
 *   switch (ef_dedup_add(d, &s)) { ... }   // in input order
 *   ef_dedup_free(d);
 *
 * `report` keeps one set over all its inputs (`import` applies the same
 * rule with the store's unique index instead, cmd_import.c). The set
 * keeps 12 bytes per slot, not the strings: 16 to 24 bytes per item (a
 * set of 1,000 items or fewer takes its minimum, 48 KiB). It
 * compares 64-bit hashes of the key and 32-bit hashes of the content, so
 * two different items are taken for one with odds of about n^2 / 2^65
 * (3 in 10^8 for a million items).
 */
#ifndef EF_INPUT_DEDUP_H
#define EF_INPUT_DEDUP_H

#include "input/input.h"

/* What the set keeps of an item. */
typedef struct {
    uint64_t key;     /* hash of the id, or of the content without one */
    uint32_t content; /* hash of the content */
} ef_dedup_sig;

typedef enum {
    EF_DEDUP_NEW,       /* a key not seen before: the set now holds it */
    EF_DEDUP_DUPLICATE, /* the key seen before with the same content */
    EF_DEDUP_CONFLICT   /* the key seen before with other content */
} ef_dedup_verdict;

typedef struct ef_dedup ef_dedup;

/* Hashes the item's key and content (a pure function: safe on any thread). */
void ef_dedup_sign(const ef_item *it, ef_dedup_sig *out);

/* An empty set. Free with ef_dedup_free. */
ef_dedup *ef_dedup_new(void);

/* Starts fetching the memory ef_dedup_add(d, s) will look at, so that
 * work done in between hides the wait (a hint: it changes nothing). */
void ef_dedup_prefetch(const ef_dedup *d, const ef_dedup_sig *s);

/* Looks s up, and adds it when its key is new. The first content seen
 * for a key stays the key's content. */
ef_dedup_verdict ef_dedup_add(ef_dedup *d, const ef_dedup_sig *s);

/* Keys held, and bytes allocated for them. */
size_t ef_dedup_count(const ef_dedup *d);
size_t ef_dedup_bytes(const ef_dedup *d);

void ef_dedup_free(ef_dedup *d);

#endif
