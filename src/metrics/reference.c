/* reference.c - VADER against people on public labelled text (see
 * reference.h for where the figures come from and how they are kept). */
#include "metrics/reference.h"

#include <math.h>

/* Measured with tests/calib_validate.c (its "reference:"
 * lines) on ../shared/calibration:
 *   tweets_labeled.csv  4,200 tweets:  people 28.64%, VADER 28.71%,
 *                       6.00% scored neutral;
 *   amazon_labeled.csv  3,708 sentences of product reviews: people
 *                       37.06%, VADER 19.50%, 29.56% scored neutral. */
const ef_reference ef_references[] = {
    {"tweets_labeled.csv", "tweets", 4200, 0.2864, 0.2871, 0.0600},
    {"amazon_labeled.csv", "product reviews", 3708, 0.3706, 0.1950, 0.2956},
};
const size_t ef_nreferences = sizeof ef_references / sizeof ef_references[0];

const ef_reference *ef_reference_comparable(double neutral)
{
    const ef_reference *best = &ef_references[0];
    for (size_t i = 1; i < ef_nreferences; i++)
        if (fabs(ef_references[i].neutral - neutral) <
            fabs(best->neutral - neutral))
            best = &ef_references[i];
    return best;
}
