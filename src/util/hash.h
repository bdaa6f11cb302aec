/* hash.h - a fast 64-bit hash of bytes, 8 at a time, for checks and sets
 * that need no particular hash (the item set, dedup.c; the term cache's
 * check of its text, themes.c). Not the maps' hash (strmap.h), which the
 * term splitter computes byte by byte as it lower-cases.
 *
 *   uint64_t h = ef_hash_finish(ef_hash_absorb(SEED, p, n));
 *
 * Absorbing "ab" then "c" differs from "a" then "bc" (each absorb folds
 * in its length). */
#ifndef EF_HASH_H
#define EF_HASH_H

#include <stdint.h>
#include <string.h>

#define EF_HASH_P1 0x9e3779b97f4a7c15ULL /* 2^64 / golden ratio */
#define EF_HASH_P2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t ef_hash_rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Folds n bytes into h, 8 at a time, then their count. */
static inline uint64_t ef_hash_absorb(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t w;
    size_t left = n;

    for (; left >= 8; s += 8, left -= 8) {
        memcpy(&w, s, 8);
        h = ef_hash_rotl(h ^ (w * EF_HASH_P2), 31) * EF_HASH_P1;
    }
    w = 0;
    memcpy(&w, s, left);
    h = ef_hash_rotl(h ^ (w * EF_HASH_P2), 31) * EF_HASH_P1;
    return ef_hash_rotl(h ^ ((uint64_t)n * EF_HASH_P2), 27) * EF_HASH_P1;
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static inline uint64_t ef_hash_finish(uint64_t h)
{
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

#endif
