/* strmap.h - a string -> index hash map, for the aggregator's counters
 * (channels, authors, terms). Keys are copied into the map's own pool;
 * values are indexes the caller assigns (usually into its own array). */
#ifndef EF_STRMAP_H
#define EF_STRMAP_H

#include <string.h>

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
 * thread, say), it spares the _h functions computing it again. FNV-1a
 * and a final mix, inline and in steps: the term splitter (themes.c)
 * hashes each word as it finds it and hands the hashes on. */
#define EF_STRMAP_SEED 0xcbf29ce484222325ULL

static inline uint64_t ef_strmap_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

static inline uint64_t ef_strmap_mix(uint64_t h)
{
    return h ^ (h >> 31);
}

static inline uint64_t ef_strmap_hash(const char *key, size_t n)
{
    uint64_t h = EF_STRMAP_SEED;
    for (size_t i = 0; i < n; i++)
        h = ef_strmap_step(h, (unsigned char)key[i]);
    return ef_strmap_mix(h);
}

/* memcmp(a, b, n) == 0, inline: the keys the maps compare are mostly
 * words of a few bytes, and for those a call to memcmp costs more than
 * the comparison. Loads of 8 or 4 bytes, the last one overlapping the one
 * before, rather than a byte loop whose end the processor cannot guess. */
static inline int ef_strmap_same(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t x4, y4;

    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&x4, a, 4);
        memcpy(&y4, b, 4);
        if (x4 != y4)
            return 0;
        memcpy(&x4, a + n - 4, 4);
        memcpy(&y4, b + n - 4, 4);
        return x4 == y4;
    }
    /* 0 to 3 bytes: the first, the middle and the last cover them */
    return n == 0 ||
           (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

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
