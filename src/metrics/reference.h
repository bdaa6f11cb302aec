/* reference.h - what VADER's negative share is worth when nobody has
 * checked it: its error against people on public text that people
 * labelled one by one. The figures are constants, measured on the files
 * of ../shared/calibration (the ICWSM 2014 VADER data: the mean of 20
 * people's ratings per text) with the scorer as `report` runs it (names
 * rules on, thresholds -0.05/0.05); tests/calib_validate.c re-measures
 * them and fails when a figure here drifts by more than 0.05 points, so
 * they cannot go stale silently.
 *
 * Which figure applies to a data set ("comparable text"): the one whose
 * share of items VADER scores neutral (-0.05 < compound < 0.05, nearly
 * all of them texts without a word it knows) is nearest to the data's.
 * That share is where VADER misses what people see: people called 20% of
 * the tweets VADER scored neutral negative, and 40% of the reviews. Text
 * length does not tell the two files apart (a median of 78 and 77
 * characters), so it is not used.
 */
#ifndef EF_REFERENCE_H
#define EF_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *file; /* its file in ../shared/calibration */
    const char *what; /* "tweets", "product reviews" */
    uint32_t rows;    /* texts with a label */
    double people;    /* negative share by people */
    double vader;     /* by VADER (compound <= -0.05) */
    double neutral;   /* share VADER scores neutral (see above) */
} ef_reference;

extern const ef_reference ef_references[];
extern const size_t ef_nreferences;

/* The reference whose neutral share is nearest to neutral (a share of
 * items scored -0.05 < compound < 0.05). Never NULL. */
const ef_reference *ef_reference_comparable(double neutral);

#endif
