/* csvout.h - writing CSV (RFC 4180) fields. */
#ifndef EF_CSVOUT_H
#define EF_CSVOUT_H

#include "util/util.h"

/* Appends s (n bytes) to b as one CSV field, preceded by a comma unless
 * first; quoted (with doubled quotes) when it holds a comma, a quote, a
 * line break or leading/trailing spaces. Invalid UTF-8 becomes U+FFFD. */
void ef_csvout_field(ef_buf *b, const char *s, size_t n, int first);

#endif
