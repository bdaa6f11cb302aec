/* sniff.h - what a source judges from the first rows of its input, as it
 * sniffs the CSV delimiter from the header (internal to src/input/):
 * the form of the dates, whether the ids survived a spreadsheet, and
 * which unused columns look like categories.
 *
 * Each function looks at up to the first EF_SNIFF_ROWS values of one
 * column (empty values left out by the caller), keeps nothing, and
 * allocates nothing that outlives the call.
 */
#ifndef EF_INPUT_SNIFF_H
#define EF_INPUT_SNIFF_H

#include "input/datetime.h"
#include "util/util.h"

#define EF_SNIFF_ROWS 1000

/* ==== Dates ============================================================= */

typedef enum {
    EF_DATES_BUILTIN,   /* ISO 8601 or Unix time: read without a format */
    EF_DATES_FORMAT,    /* read with `format` */
    EF_DATES_AMBIGUOUS, /* day first and month first read them alike */
    EF_DATES_UNREADABLE /* no reading reads half of them */
} ef_dates_kind;

typedef struct {
    ef_dates_kind kind;
    int given;         /* the format was --date-format's */
    char format[64];   /* FORMAT: the format; AMBIGUOUS: the day-first
                          one; UNREADABLE: --date-format's, or "" */
    char alt[64];      /* AMBIGUOUS: the month-first format;
                          UNREADABLE: the nearest form, or "" */
    const char *form;  /* "day first", "Twitter's form"... (static) */
    size_t read;       /* values the chosen (or best) reading reads */
    size_t guess_read; /* UNREADABLE: values alt reads (0: no alt) */
    size_t n;          /* values looked at */
    size_t example;    /* a value to show: AMBIGUOUS, one whose day and
                          month differ when there is one */
    size_t bad[3];     /* the first values the reading cannot read */
    size_t nbad;
} ef_date_sniff;

/* Judges how the n values v (len[i] bytes each) are written: the
 * built-in forms (ISO 8601, Unix time), else the numeric forms (day,
 * month and year in any usual order, separated by '-', '/' or '.', with
 * or without a time "11:35", "11.35", "11:35:52", "11:35 PM") and the
 * forms with month names (RFC 2822, Twitter's "Tue Feb 24 11:35:52 +0000
 * 2015", "24 Feb 2015", "Feb 24, 2015"). The reading that reads the most
 * values (as dates from 1970 to 2099) wins; day first against month first
 * is decided by any day or month above 12, else by hint ('d' or 'm'),
 * else the dates are AMBIGUOUS. Less than half read: UNREADABLE. With
 * given (a --date-format), only that format is judged: FORMAT, or
 * UNREADABLE with the best guess beside it. */
void ef_sniff_dates(const char *const *v, const size_t *len, size_t n,
                    const char *given, const ef_tz *tz, int hint,
                    ef_date_sniff *out);

/* The error for an AMBIGUOUS or UNREADABLE sniff (EF_ERR_PARSE), naming
 * the input (what), the column, the values and the --date-format to
 * use. Returns e->code. */
ef_status ef_sniff_dates_fail(const ef_date_sniff *s, const char *const *v,
                              const size_t *len, const ef_tz *tz,
                              const char *what, const char *column, ef_err *e);

/* 'd' (day first), 'm' (month first) or 0, as fmt orders them. */
int ef_sniff_order(const char *fmt);

/* ==== Ids =============================================================== */

/* 1 when the n ids v look mangled by a spreadsheet: most of them in
 * scientific notation ("5.70301E+17"), or long numbers cut to 15
 * significant digits ("570301130888122000"), or most of them shared by
 * rows of other content (content[i]: a hash of row i's content). why
 * then holds the reason, with an example ("in scientific notation, such
 * as '5.70301E+17'"). */
int ef_sniff_ids(const char *const *v, const size_t *len,
                 const uint64_t *content, size_t n, char *why, size_t cap);

/* ==== Categories ======================================================== */

/* 1 when the n values (at least 10) look like a category: text (not
 * numbers, not dates), 2 to 50 distinct values, each seen twice on
 * average. *distinct is their count; *labels is 1 when every one is a
 * sentiment label (positive, neutral, negative...). */
int ef_sniff_category(const char *const *v, const size_t *len, size_t n,
                      size_t *distinct, int *labels);

#endif
