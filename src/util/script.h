/* script.h - text that needs more than spaces and left-to-right drawing:
 * the words of scripts written without spaces (Chinese, Japanese, Thai,
 * Lao, Khmer, Myanmar), found by ICU's word BreakIterator with its
 * dictionaries; and right-to-left text (Hebrew, Arabic...) put in visual
 * order for drawing, by ICU's BiDi algorithm, Arabic letters shaped.
 *
 * The only module that includes ICU's headers. ICU is slow next to a
 * byte loop: callers take these paths only for text that needs them
 * (ef_script_needs_words, ef_utf8_has_rtl), so English costs nothing.
 */
#ifndef EF_SCRIPT_H
#define EF_SCRIPT_H

#include "util/util.h"

/* Whether s holds a character of a script written without spaces
 * between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar,
 * and their punctuation and full-width forms). */
int ef_script_needs_words(const char *s, size_t n);

typedef struct ef_words ef_words;

/* A word breaker for one thread. NULL when ICU cannot open one (its data
 * missing); the caller then keeps its own rule. Free with ef_words_free
 * (NULL is a no-op). */
ef_words *ef_words_new(void);
void ef_words_free(ef_words *w);

/* Writes (at most n bytes, NUL included) the version of the ICU whose
 * dictionaries ef_words_split uses, "72.1": the words of a Chinese text
 * are theirs, and may change with them. */
void ef_words_version(char *out, size_t n);

/* The words of s (n bytes of UTF-8): the spans ICU calls letters,
 * ideographs, kana or numbers (never spaces or punctuation), as byte
 * offsets into s: word i is s[start[i] .. start[i] + len[i]). Writes at
 * most cap of them; returns how many it wrote. */
size_t ef_words_split(ef_words *w, const char *s, size_t n, size_t *start,
                      size_t *len, size_t cap);

/* s (n bytes of UTF-8) in the order its characters are drawn from left
 * to right: runs of right-to-left text reversed, mirrored characters
 * ("(" in Hebrew) swapped, Arabic letters in their joining forms,
 * directional marks and isolates used and then dropped. The paragraph's
 * direction is its first strong letter's. Returns memory from malloc
 * (the caller frees it); a copy of s when ICU cannot say. */
char *ef_script_visual(const char *s, size_t n);

#endif
