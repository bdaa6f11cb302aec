/* distinct.h - counting distinct strings in fixed memory (HyperLogLog,
 * Flajolet et al. 2007, with the linear-counting correction for small
 * counts): 16 KiB whatever the number of values, within about 0.8% (one
 * standard error) of the true count.
 *
 * The aggregator uses it for the number of channel (segment) values past
 * those it counts exactly, so that a column of a million URLs mapped as
 * the channel costs no more memory than one of ten channels.
 */
#ifndef EF_METRICS_DISTINCT_H
#define EF_METRICS_DISTINCT_H

#include "util/util.h"

#define EF_DISTINCT_BITS 14 /* 16,384 one-byte registers */

typedef struct {
    uint8_t reg[1 << EF_DISTINCT_BITS];
} ef_distinct;

/* Zeroes d (an empty set). */
void ef_distinct_init(ef_distinct *d);

/* Adds the string s (n bytes). */
void ef_distinct_add(ef_distinct *d, const char *s, size_t n);

/* The estimated number of distinct strings added (0 when none). */
uint64_t ef_distinct_estimate(const ef_distinct *d);

#endif
