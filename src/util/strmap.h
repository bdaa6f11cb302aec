/* strmap.h - a string -> index hash map, for the aggregator's counters
 * (channels, authors, terms). Keys are copied into the map's own pool;
 * values are indexes the caller assigns (usually into its own array). */
#ifndef EF_STRMAP_H
#define EF_STRMAP_H

#include "util/util.h"

typedef struct ef_strmap ef_strmap;

/* A new, empty map. Free with ef_strmap_free. */
ef_strmap *ef_strmap_new(void);
void ef_strmap_free(ef_strmap *m);

/* The index stored for key (n bytes); if the key is new, stores `next`
 * for it and sets *added. */
size_t ef_strmap_get_or_add(ef_strmap *m, const char *key, size_t n,
                            size_t next, int *added);

/* The hash the map files key (n bytes) under: computed once (on a worker
 * thread, say), it spares the _h functions computing it again. */
uint64_t ef_strmap_hash(const char *key, size_t n);

/* ef_strmap_get_or_add, with h == ef_strmap_hash(key, n). */
size_t ef_strmap_get_or_add_h(ef_strmap *m, const char *key, size_t n,
                              uint64_t h, size_t next, int *added);

/* The index for key, or SIZE_MAX. */
size_t ef_strmap_find(const ef_strmap *m, const char *key, size_t n);

/* The key stored with index i (NUL-terminated, owned by the map), in
 * insertion order: ef_strmap_key(m, 0) is the first key added. */
const char *ef_strmap_key(const ef_strmap *m, size_t i);

size_t ef_strmap_count(const ef_strmap *m);

#endif
