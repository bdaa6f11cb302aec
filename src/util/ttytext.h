/* ttytext.h - untrusted text laid out for a terminal screen.
 *
 * Feedback text is untrusted, and a terminal obeys what it is sent. So
 * every character that would act on the terminal instead of being shown
 * is shown escaped, in a form that cannot act: C0 controls and DEL (and
 * with them every escape sequence, which starts with ESC) as "^[", "^G",
 * "^?"; C1 controls (U+0080..U+009F, CSI among them), the bidirectional
 * embeddings, overrides and isolates (which reorder what is shown) and
 * any other character without a width as "<U+202E>". Nothing these
 * functions write holds a byte below 0x20 or 0x7F, except in the caller's
 * own esc_on/esc_off strings. Invalid UTF-8 is shown as U+FFFD.
 *
 * Widths are terminal columns: wcwidth() under the C.UTF-8 locale's
 * LC_CTYPE, which ef_tty_init sets (CJK and emoji 2, combining marks 0);
 * where that locale is missing, every printable character counts 1.
 */
#ifndef EF_TTYTEXT_H
#define EF_TTYTEXT_H

#include "util/util.h"

/* Sets LC_CTYPE to C.UTF-8 (only that category: numbers still print the
 * C way). Call once, before any other function here. */
void ef_tty_init(void);

/* The columns code point cp takes when shown: 0, 1 or 2; -1 when it
 * must be shown escaped. */
int ef_tty_width(uint32_t cp);

/* Lines laid out for a screen, one after another in text. */
typedef struct {
    ef_buf text; /* the lines' bytes, without line ends */
    size_t *off; /* line i is text.data + off[i] .. off[i + 1] */
    size_t n;    /* lines */
    size_t cap;
} ef_tty_lines;

/* Lays out the n bytes at s in lines of at most width columns (width >=
 * 1): wrapped at spaces, a word longer than a line cut; LF, CR LF, CR,
 * U+2028 and U+2029 end a line, a TAB moves to the next multiple of 4.
 * Escaped characters are written between esc_on and esc_off (NULL: "").
 * Appends to out, which starts as {0}; free with ef_tty_lines_reset. */
void ef_tty_wrap(const char *s, size_t n, int width, const char *esc_on,
                 const char *esc_off, ef_tty_lines *out);

/* Appends s on one line of at most width columns: line ends and tabs are
 * escaped too ("^J", "^M", "^I"); when s does not fit, it is cut and
 * ends with "...". Returns the columns written. */
int ef_tty_line(ef_buf *out, const char *s, size_t n, int width,
                const char *esc_on, const char *esc_off);

/* Frees what out holds; it is then empty and reusable. */
void ef_tty_lines_reset(ef_tty_lines *out);

#endif
