/* csvout.h - writing CSV (RFC 4180) fields for people: the CSV files
 * earful writes (rejected.csv, label_sample.csv) are opened in a
 * spreadsheet, so no field may start a formula there, and none carries a
 * NUL byte or invalid UTF-8. */
#ifndef EF_CSVOUT_H
#define EF_CSVOUT_H

#include "util/util.h"

/* Appends s (n bytes) to b as one CSV field, preceded by a comma unless
 * first; quoted (with doubled quotes) when it holds a comma, a quote, a
 * line break or leading/trailing spaces. Invalid UTF-8 becomes U+FFFD and
 * NUL bytes are dropped. A field whose first character (after spaces)
 * is = + - @ TAB or CR, which a spreadsheet would run as a formula
 * (=HYPERLINK(...), @SUM(...), -2+3+cmd|...), gets a ' in front, the
 * usual neutraliser; plain numbers ("-3", "+1.5e3") are left as they are:
 * a spreadsheet reads them as the numbers they are. */
void ef_csvout_field(ef_buf *b, const char *s, size_t n, int first);

/* Whether ef_csvout_field neutralises s (n bytes). */
int ef_csvout_is_formula(const char *s, size_t n);

/* The value a field read back from such a file stood for: s without the
 * ' that ef_csvout_field put in front of a formula start (a spreadsheet
 * may keep it or drop it: both read back the same). Sets *n. */
const char *ef_csvout_original(const char *s, size_t *n);

#endif
