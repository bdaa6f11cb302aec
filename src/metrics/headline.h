/* headline.h - the report's first sentences (r->headline), and the
 * sentences that say how far a share can be trusted (issue 12):
 *
 *   - Without labels (or too few), every share is VADER's: the headline
 *     says so, calls the Wilson interval what it is (sampling error
 *     only), gives VADER's error on comparable public text
 *     (reference.h) and says how to check it.
 *   - With labels, it gives the re-estimated share and its interval
 *     first, the last period's too, and VADER's beside it; with every
 *     item labelled, the people's share, exact.
 *   - A belief (--expected-negative) is judged only against a checked
 *     share.
 * Reads only the model. */
#ifndef EF_HEADLINE_H
#define EF_HEADLINE_H

#include "metrics/metrics.h"

/* Writes r->headline (cut at its size). */
void ef_headline_make(ef_report *r);

/* The sentence on an unchecked share: what VADER's error was on
 * comparable public text, and how to check it. Writes at most cap bytes
 * to out. */
void ef_headline_unchecked(const ef_report *r, char *out, size_t cap);

/* "more negative than believed", "less negative than feared", "within
 * the interval the labels give", or, when the share is not checked,
 * "not comparable: VADER's share is unchecked". */
const char *ef_headline_verdict(const ef_report *r);

#endif
