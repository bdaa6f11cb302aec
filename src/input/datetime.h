/* datetime.h - date parsing, time zones and calendar periods.
 *
 * Times are Unix seconds (int64, UTC, proleptic Gregorian calendar, no leap
 * seconds). Parsing runs on every row, so the common paths do no malloc, no
 * strptime and no locale lookups, and nothing depends on the process's TZ
 * variable. Accepted without --date-format (ASCII whitespace around it is
 * ignored):
 *   2025-03-04                         midnight in the time zone
 *   2025-03-04T14:22, T14:22:05, T14:22:05.123456 ('T', 't' or ' ';
 *     fraction after '.' or ',', any number of digits)
 *   any of those times followed by Z, z, +hh:mm, -hh:mm, +hhmm or +hh,
 *     optionally after one space, or " UTC": the time zone is then ignored
 *   Unix seconds (9 or 10 digits, optional fraction), Unix milliseconds
 *     (13 digits)
 * Hours run 00-23 (24:00 is rejected), seconds 00-59 (no leap second).
 *
 * Naive local times (no Z or offset) are read in a time zone. A wall time
 * that does not exist (DST gap) or exists twice (DST overlap) is read with
 * the UTC offset in effect just before the transition, as Python's zoneinfo
 * does with fold=0: in an overlap that is the earlier instant; in a gap,
 * Paris 2025-03-30 02:30 is read as +01:00, the instant 03:30 CEST.
 */
#ifndef EF_DATETIME_H
#define EF_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* Buffer sizes for the formatting functions (with the NUL). */
#define EF_DATETIME_UTC_SIZE 21  /* "2025-03-04T14:22:05Z" */
#define EF_DATETIME_DATE_SIZE 11 /* "2025-03-04" */
#define EF_PERIOD_LABEL_SIZE 16  /* "2025-03-04", "2025-W14", "2025-03" */

/* ==== Time zones ======================================================== */

/* A time zone: UTC, a fixed offset or an IANA zone. Immutable once opened,
 * so one ef_tz may be shared by threads. A NULL ef_tz * means UTC
 * wherever a const ef_tz * is taken. */
typedef struct ef_tz ef_tz;

/* Opens a time zone: NULL, "", "UTC", "Z" or "GMT" (any case) for UTC; a
 * fixed offset "+02:00", "-0530", "+05"; or an IANA name "Europe/Paris",
 * read from the TZif file under $TZDIR or /usr/share/zoneinfo. An unknown
 * name is an EF_ERR_USAGE naming it. Free *out with ef_tz_free. */
ef_status ef_tz_open(const char *name, ef_tz **out, ef_err *e);

/* Frees a time zone from ef_tz_open; NULL is a no-op. */
void ef_tz_free(ef_tz *tz);

/* The name tz was opened with ("UTC" for NULL). */
const char *ef_tz_name(const ef_tz *tz);

/* The UTC offset in seconds (east positive) in effect at instant t. */
int32_t ef_tz_offset(const ef_tz *tz, int64_t t);

/* ==== Parsing and formatting ============================================ */

/* Parses s (len bytes, not necessarily NUL-terminated) into Unix seconds
 * *out, and milliseconds (truncated) into *ms if ms is not NULL; with fmt,
 * as that --date-format pattern, else in the forms listed above. Returns
 * 0, or -1 with a static reason ("not a date", "day out of range", ...) in
 * *why if why is not NULL; *out and *ms are then untouched. */
int ef_datetime_parse(const char *s, size_t len, const char *fmt,
                      const ef_tz *tz, int64_t *out, int *ms,
                      const char **why);

/* Checks a --date-format pattern: %Y %y (69-99 are 19xx) %m %d %e %j %H %I
 * %M %S %p %b %B %h %a %A (English names, any case) %z %s %f (fraction)
 * %T %R %F %D %n %t %%; numbers may be short ("4/3/2025"), whitespace
 * matches any run, a year or %s is required. Else EF_ERR_USAGE. */
ef_status ef_datetime_check_format(const char *fmt, ef_err *e);

/* Writes t as ISO 8601 UTC "2025-03-04T14:22:05Z" into buf (at least
 * EF_DATETIME_UTC_SIZE bytes). Years outside 0000-9999 are clamped. */
void ef_datetime_format_utc(int64_t t, char *buf);

/* Writes the local date of t in tz, "2025-03-04", into buf (at least
 * EF_DATETIME_DATE_SIZE bytes). Years outside 0000-9999 are clamped. */
void ef_datetime_format_date(int64_t t, const ef_tz *tz, char *buf);

/* ==== Calendar periods ================================================== */

typedef enum { EF_PERIOD_DAY, EF_PERIOD_WEEK, EF_PERIOD_MONTH } ef_period;

/* Reads "day", "week" or "month"; anything else is an EF_ERR_USAGE. */
ef_status ef_period_parse(const char *name, ef_period *out, ef_err *e);

/* The proleptic Gregorian calendar (Howard Hinnant's algorithms), for
 * any year: days from 1970-01-01 to y-m-d (m 1-12, d 1-31), and the
 * date of day z. */
int64_t ef_days_from_civil(int64_t y, int m, int d);
void ef_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* The start of the period containing t, in tz: the local midnight of the
 * day, of the ISO week's Monday or of the month's 1st (when midnight falls
 * in a DST gap, the first instant of the day). Never later than t. Costs
 * 5-50 ns; per row, test t against the current [start, next) first. */
int64_t ef_period_start(int64_t t, ef_period p, const ef_tz *tz);

/* The start of the period after the one starting at start (always later
 * than start; a day across a DST change lasts 23 or 25 hours). */
int64_t ef_period_next(int64_t start, ef_period p, const ef_tz *tz);

/* Writes the label of the period starting at start into buf (cap bytes,
 * EF_PERIOD_LABEL_SIZE is enough): "2025-03-04" (day), "2025-W14" (ISO
 * week, with the ISO week-numbering year: 2024-12-30 is "2025-W01") or
 * "2025-03" (month). */
void ef_period_label(int64_t start, ef_period p, const ef_tz *tz, char *buf,
                     size_t cap);

#endif
