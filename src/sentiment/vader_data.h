/* vader_data.h - the tables generated at build time by tools/gendata.c
 * (build/gen/vader_data.c): the VADER lexicon, the emoji map and case
 * data. Only lexicon.c and vader.c read them. */
#ifndef EF_VADER_DATA_H
#define EF_VADER_DATA_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *word; /* as in the file (lookups are by lower-cased token) */
    double valence;   /* mean human rating, -4 .. +4 */
} ef_lexicon_entry;

typedef struct {
    uint32_t cp;      /* a single-code-point emoji */
    const char *desc; /* its CLDR short name, "grinning face" */
} ef_emoji_entry;

enum { EF_CASE_LOWER = 1, EF_CASE_UPPER = 2, EF_CASE_TITLE = 4 };

typedef struct {
    uint32_t cp;    /* code point >= 0x80, ascending */
    uint32_t lower; /* simple lowercase mapping (cp itself if none) */
    uint8_t flags;  /* EF_CASE_* */
} ef_case_entry;

extern const ef_lexicon_entry ef_vader_lexicon[];
extern const size_t ef_vader_lexicon_len;
extern const ef_emoji_entry ef_vader_emoji[];
extern const size_t ef_vader_emoji_len;
extern const ef_case_entry ef_vader_case[];
extern const size_t ef_vader_case_len;

#endif
