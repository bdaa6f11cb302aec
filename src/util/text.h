/* text.h - UTF-8 decoding and the escaping of untrusted text for each
 * output format. Feedback text is untrusted: every renderer escapes it
 * through these functions. */
#ifndef EF_TEXT_H
#define EF_TEXT_H

#include "util/util.h"

/* Decodes the code point at s (n >= 1 bytes left) into *cp and returns
 * its length. An invalid sequence gives U+FFFD and the length of its
 * maximal subpart (1 to 3 bytes), as Unicode recommends and Python's
 * "replace" error handler does. */
size_t ef_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Encodes cp (<= 0x10FFFF) at out (4 bytes of room); returns the length. */
size_t ef_utf8_encode(char *out, uint32_t cp);

/* How many of the first n bytes of s are ASCII other than NUL (1 ..
 * 0x7f): the prefix that needs no UTF-8 check. Eight bytes at a time. */
size_t ef_ascii_prefix(const char *s, size_t n);

/* Appends the (non-ASCII) code point at s (n >= 1 bytes left) to b,
 * U+FFFD when invalid; returns the bytes consumed. */
size_t ef_utf8_put_repaired(ef_buf *b, const unsigned char *s, size_t n);

/* Whether s holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana,
 * N'Ko and the other scripts of U+0590-U+08FF, their presentation forms,
 * and the historic RTL planes) or an RTL mark, embedding, override or
 * isolate: text that needs isolating among left-to-right text. */
int ef_utf8_has_rtl(const char *s, size_t n);

/* s (n bytes: *n) without its leading and trailing ASCII white space
 * (isspace in the C locale): returns the new start and sets *n. */
const char *ef_text_trim(const char *s, size_t *n);

/* s (n bytes: *n) without Excel's text formula around it: ="00123",
 * which a spreadsheet shows as the text 00123 with its zeros kept (how
 * exports and people force an id to stay text), gives 00123. Only that
 * form, its inner text holding no '"' (a CSV field's doubled quotes are
 * the reader's business); anything else comes back as it is. Returns
 * the start and sets *n. */
const char *ef_text_unformula(const char *s, size_t *n);

/* Appends s as a TSV field: backslash, tab, newline and carriage return
 * become \\ \t \n \r, other control characters \xHH (ESC is \x1b:
 * the field cannot drive a terminal); invalid UTF-8 becomes U+FFFD; NUL
 * is dropped. */
void ef_text_tsv_escape(ef_buf *b, const char *s, size_t n);

/* Appends s as a JSON string literal, quotes included; invalid UTF-8
 * becomes U+FFFD and NUL is written \u0000. */
void ef_text_json_string(ef_buf *b, const char *s, size_t n);

/* Appends s for a terminal (stderr messages, progress): printable text
 * as it is, and every byte that could drive the terminal shown instead:
 * C0 controls, DEL and bytes of invalid UTF-8 as \xHH (ESC is \x1b),
 * C1 controls and the bidirectional overrides as \uHHHH. Newlines are
 * escaped too: one message stays one line. */
void ef_text_term_escape(ef_buf *b, const char *s, size_t n);

/* A copy of s fit for drawing and for XML: invalid UTF-8 becomes U+FFFD
 * and control characters a space. Returns memory obtained from malloc();
 * the caller frees it. */
char *ef_text_clean(const char *s);

/* A clean copy of s (ef_text_clean) of at most max characters, the last
 * of them "…" when cut. The caller frees it. */
char *ef_text_clip(const char *s, size_t max);

/* A clean copy of name between FSI and PDI (U+2068, U+2069): right to
 * left in a sentence without taking the sentence's neighbours along.
 * The caller frees it. */
char *ef_text_isolate(const char *name);

#endif
