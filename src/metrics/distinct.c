/* distinct.c - HyperLogLog distinct counting (see distinct.h). */
#include "metrics/distinct.h"

#include <math.h>
#include <string.h>

/* FNV-1a, then the splitmix64 finaliser: every output bit depends on
 * every input byte, as the estimator needs (FNV's high bits alone are
 * not uniform enough). */
static uint64_t hash64(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

void ef_distinct_init(ef_distinct *d)
{
    memset(d->reg, 0, sizeof d->reg);
}

void ef_distinct_add(ef_distinct *d, const char *s, size_t n)
{
    uint64_t h = hash64(s, n);
    uint64_t w = h << EF_DISTINCT_BITS; /* the bits left after the index */
    size_t j = (size_t)(h >> (64 - EF_DISTINCT_BITS));
    /* the position of the first 1 bit: 1 .. 64 - BITS + 1 */
    uint8_t rank = w ? (uint8_t)(__builtin_clzll(w) + 1)
                     : (uint8_t)(64 - EF_DISTINCT_BITS + 1);

    if (rank > d->reg[j])
        d->reg[j] = rank;
}

uint64_t ef_distinct_estimate(const ef_distinct *d)
{
    const double m = (double)(1 << EF_DISTINCT_BITS);
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    double sum = 0, e;
    size_t zeros = 0;

    for (size_t j = 0; j < sizeof d->reg; j++) {
        sum += ldexp(1.0, -(int)d->reg[j]);
        zeros += d->reg[j] == 0;
    }
    if (zeros == sizeof d->reg)
        return 0;
    e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0)
        e = m * log(m / (double)zeros); /* linear counting */
    return (uint64_t)llround(e);
}
