/* lexicon.h - the word table VADER consults for every token (internal to
 * src/sentiment/): one hash lookup of the lower-cased token tells its
 * valence, whether it is a booster or dampener, whether it negates, and
 * which of the few words the rules name it is. */
#ifndef EF_LEXICON_H
#define EF_LEXICON_H

#include "util/util.h"

/* The words that VADER's rules test by name. */
typedef enum {
    EF_W_NONE = 0,
    EF_W_AT, EF_W_BUT, EF_W_DOUBT, EF_W_KIND, EF_W_LEAST, EF_W_NEVER,
    EF_W_NO, EF_W_NOR, EF_W_OF, EF_W_OR, EF_W_SO, EF_W_THIS, EF_W_VERY,
    EF_W_WITHOUT,
    /* words of the special-case idioms and booster n-grams */
    EF_W_ASS, EF_W_BAD, EF_W_BEATING, EF_W_BOMB, EF_W_BROKEN, EF_W_BUS,
    EF_W_DEATH, EF_W_DIE, EF_W_ENOUGH, EF_W_FOR, EF_W_HEART, EF_W_JUST,
    EF_W_KISS, EF_W_RIGHT, EF_W_SHIT, EF_W_SORT, EF_W_STOP, EF_W_THE,
    EF_W_TO, EF_W_YEAH
} ef_word_id;

typedef struct {
    double valence;      /* lexicon valence, when has_valence */
    double booster;      /* +0.293 booster or -0.293 dampener, when has_booster */
    uint8_t has_valence; /* the word is in the lexicon */
    uint8_t has_booster; /* the word is in the booster/dampener list */
    uint8_t negates;     /* the word is in the negation list */
    uint8_t id;          /* ef_word_id */
} ef_word_info;

typedef struct ef_lexicon ef_lexicon;

/* Builds the table from the built-in lexicon and the rule word lists.
 * Free with ef_lexicon_free. */
ef_lexicon *ef_lexicon_new(void);
void ef_lexicon_free(ef_lexicon *lx);

/* Adds or overrides entries from a `word<TAB>valence` file; errors name
 * file and line. Feeds the file's bytes into *digest (FNV-1a). */
ef_status ef_lexicon_load(ef_lexicon *lx, const char *path, uint64_t *digest,
                          ef_err *e);

/* The hash of n bytes, as ef_lexicon_find expects it. */
uint64_t ef_lexicon_hash(const char *s, size_t n);

/* The entry for the lower-cased word s (n bytes, hash h), or NULL. */
const ef_word_info *ef_lexicon_find(const ef_lexicon *lx, const char *s,
                                    size_t n, uint64_t h);

#endif
