/* test_datetime.c - date parsing, time zones and calendar periods.
 *
 * Expected values do not come from the code under test. The rows marked
 * "python" were generated with Python 3.11's datetime and zoneinfo (its
 * own reader of the same tzdata 2025b files), never by parsing the input
 * text: a parse row {text, zone, fmt, want, ms} has
 *   want = int(datetime(Y, M, D, h, m, s, tzinfo=Z).timestamp())
 * with the fields read by eye from the text and Z = ZoneInfo(zone), a
 * timezone(timedelta(...)) for a written offset, or timezone.utc; a period
 * row {t, zone, kind, start, next, label} has
 *   l = datetime.fromtimestamp(t, Z).date(), moved back to its Monday
 *   (week) or its 1st (month); start = datetime(l.year, l.month, l.day,
 *   tzinfo=Z).timestamp(); next likewise from l + 1 day / 7 days / 1
 *   month; label = l.isoformat(), its first 7 characters, or
 *   "%04d-W%02d" % l.isocalendar()[:2].
 * For example:
 *   python3 -c 'from datetime import datetime as D;
 *     from zoneinfo import ZoneInfo as Z;
 *     print(int(D(2025,3,30,2,30,tzinfo=Z("Europe/Paris")).timestamp()))'
 *   -> 1743298200 (02:30 is in the gap: read as +01:00, fold=0)
 *   date -u -d '2025-03-04T14:22:05Z' +%s -> 1741098125
 *   python3 -c 'import datetime as d; print(d.date(2024,12,30)
 *     .isocalendar())' -> (2025, 1, 1), i.e. "2025-W01"
 * The offsets of IANA zones are also checked against glibc's localtime_r
 * at random instants from 1900 to 2200.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input/datetime.h"
#include "test.h"

/* EF_STATIC helpers of datetime.c */

/* ==== Zones by name, opened once ======================================== */

static struct {
    const char *name;
    ef_tz *tz;
} zones[32];

static const ef_tz *zone(const char *name)
{
    size_t i;
    ef_err e = {EF_OK, ""};

    if (name == NULL)
        return NULL;
    for (i = 0; i < EF_ARRAY_LEN(zones) && zones[i].name; i++)
        if (strcmp(zones[i].name, name) == 0)
            return zones[i].tz;
    if (i == EF_ARRAY_LEN(zones))
        abort();
    zones[i].name = name;
    if (ef_tz_open(name, &zones[i].tz, &e) != EF_OK)
        fprintf(stderr, "FAIL: %s\n", e.msg);
    OK(zones[i].tz != NULL, name);
    return zones[i].tz;
}

static void close_zones(void)
{
    size_t i;

    for (i = 0; i < EF_ARRAY_LEN(zones) && zones[i].name; i++) {
        ef_tz_free(zones[i].tz);
        zones[i].name = NULL;
        zones[i].tz = NULL;
    }
}

/* ==== ef_datetime_parse ================================================= */

typedef struct {
    const char *in;  /* the text */
    const char *tz;  /* NULL: UTC */
    const char *fmt; /* --date-format, or NULL */
    long long want;  /* Unix seconds */
    int ms;          /* milliseconds */
    const char *why; /* NULL if accepted, else the reason */
} parse_case;

static const parse_case parse_cases[] = {
    /* accepted (python) */
    {"2025-03-04", NULL, NULL, 1741046400LL, 0, NULL},
    {"2025-03-04T14:22", NULL, NULL, 1741098120LL, 0, NULL},
    {"2025-03-04T14:22:05", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04T14:22:05Z", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04t14:22:05z", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04 14:22:05", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04T14:22Z", NULL, NULL, 1741098120LL, 0, NULL},
    {"2025-03-04T14:22:05.123456Z", NULL, NULL, 1741098125LL, 123, NULL},
    {"2025-03-04T14:22:05.5Z", NULL, NULL, 1741098125LL, 500, NULL},
    {"2025-03-04T14:22:05,25Z", NULL, NULL, 1741098125LL, 250, NULL},
    {"2025-03-04T14:22:59.999999999Z", NULL, NULL, 1741098179LL, 999, NULL},
    {"2025-03-04T14:22:05+02:00", NULL, NULL, 1741090925LL, 0, NULL},
    {"2025-03-04T14:22:05-05:30", NULL, NULL, 1741117925LL, 0, NULL},
    {"2025-03-04T14:22:05+0200", NULL, NULL, 1741090925LL, 0, NULL},
    {"2025-03-04T14:22:05+02", NULL, NULL, 1741090925LL, 0, NULL},
    {"2025-03-04T14:22:05-00:00", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04T00:30:00+05:45", NULL, NULL, 1741027500LL, 0, NULL},
    {"2025-03-04 14:22:05 +0000", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04 14:22:05 UTC", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04 14:22:05.123+01", NULL, NULL, 1741094525LL, 123, NULL},
    {"  2025-03-04T14:22:05Z\r\n", NULL, NULL, 1741098125LL, 0, NULL},
    {"\t2025-03-04\t", NULL, NULL, 1741046400LL, 0, NULL},
    {"2024-02-29", NULL, NULL, 1709164800LL, 0, NULL},
    {"2000-02-29T23:59:59Z", NULL, NULL, 951868799LL, 0, NULL},
    {"1969-12-31T23:59:59Z", NULL, NULL, -1LL, 0, NULL},
    {"1970-01-01", NULL, NULL, 0LL, 0, NULL},
    {"0001-01-01", NULL, NULL, -62135596800LL, 0, NULL},
    {"9999-12-31T23:59:59Z", NULL, NULL, 253402300799LL, 0, NULL},
    {"1741098125", NULL, NULL, 1741098125LL, 0, NULL},
    {"1741098125.75", NULL, NULL, 1741098125LL, 750, NULL},
    {"0999999999", NULL, NULL, 999999999LL, 0, NULL},
    {"999999999", NULL, NULL, 999999999LL, 0, NULL},
    {"100000000.1", NULL, NULL, 100000000LL, 100, NULL},
    {"1741098125123", NULL, NULL, 1741098125LL, 123, NULL},
    {"1741098125000", NULL, NULL, 1741098125LL, 0, NULL},
    {"2025-03-04 14:22:05", "Europe/Paris", NULL, 1741094525LL, 0, NULL},
    {"2025-07-04 14:22:05", "Europe/Paris", NULL, 1751631725LL, 0, NULL},
    {"2025-03-04", "Europe/Paris", NULL, 1741042800LL, 0, NULL},
    {"2025-03-04T14:22:05", "+05:30", NULL, 1741078325LL, 0, NULL},
    {"2025-03-04T14:22:05", "-03:00", NULL, 1741108925LL, 0, NULL},
    {"2025-07-01 12:00", "America/New_York", NULL, 1751385600LL, 0, NULL},
    {"2025-01-01 12:00", "America/New_York", NULL, 1735750800LL, 0, NULL},
    {"2025-03-04", "Asia/Kolkata", NULL, 1741026600LL, 0, NULL},
    {"2025-03-04", "Asia/Kathmandu", NULL, 1741025700LL, 0, NULL},
    {"1950-07-01 12:00", "America/New_York", NULL, -615456000LL, 0, NULL},
    {"1900-01-01 12:00", "Europe/Paris", NULL, -2208946161LL, 0, NULL},
    {"2100-07-01 12:00", "Europe/Paris", NULL, 4118119200LL, 0, NULL},
    {"2100-01-01 12:00", "Europe/Paris", NULL, 4102484400LL, 0, NULL},
    {"2300-10-31 01:30", "America/New_York", NULL, 10439991000LL, 0, NULL},
    {"2025-01-15 12:00", "Australia/Sydney", NULL, 1736902800LL, 0, NULL},
    {"2025-07-15 12:00", "Australia/Sydney", NULL, 1752544800LL, 0, NULL},
    {"2060-01-15 12:00", "Australia/Sydney", NULL, 2841354000LL, 0, NULL},
    {"2060-07-15 12:00", "Australia/Sydney", NULL, 2857082400LL, 0, NULL},
    {"2060-01-01 00:30", "Australia/Sydney", NULL, 2840103000LL, 0, NULL},
    {"2025-01-15 12:00", "Europe/Dublin", NULL, 1736942400LL, 0, NULL},
    {"2025-07-15 12:00", "Europe/Dublin", NULL, 1752577200LL, 0, NULL},
    {"2080-07-15 12:00", "Europe/Dublin", NULL, 3488266800LL, 0, NULL},
    {"2080-03-31 01:30", "Europe/Dublin", NULL, 3479074200LL, 0, NULL},
    {"2025-03-04 00:00", "Etc/GMT+5", NULL, 1741064400LL, 0, NULL},
    {"2025-03-04 00:00", "America/Santiago", NULL, 1741057200LL, 0, NULL},
    {"2070-09-07 00:30", "America/Santiago", NULL, 3177289800LL, 0, NULL},
    {"2070-04-05 23:30", "America/Santiago", NULL, 3163977000LL, 0, NULL},
    {"2025-03-30 02:30:00", "Europe/Paris", NULL, 1743298200LL, 0, NULL},
    {"2025-03-30 01:59:59", "Europe/Paris", NULL, 1743296399LL, 0, NULL},
    {"2025-03-30 03:00:00", "Europe/Paris", NULL, 1743296400LL, 0, NULL},
    {"2025-10-26 02:30:00", "Europe/Paris", NULL, 1761438600LL, 0, NULL},
    {"2025-10-26 03:00:00", "Europe/Paris", NULL, 1761444000LL, 0, NULL},
    {"2025-10-26 01:59:59", "Europe/Paris", NULL, 1761436799LL, 0, NULL},
    {"2090-03-26 02:30:00", "Europe/Paris", NULL, 3794175000LL, 0, NULL},
    {"2090-10-29 02:30:00", "Europe/Paris", NULL, 3812920200LL, 0, NULL},
    {"2025-03-09 02:30", "America/New_York", NULL, 1741505400LL, 0, NULL},
    {"2025-11-02 01:30", "America/New_York", NULL, 1762061400LL, 0, NULL},
    {"2025-04-06 02:30", "Australia/Sydney", NULL, 1743867000LL, 0, NULL},
    {"2025-10-05 02:30", "Australia/Sydney", NULL, 1759595400LL, 0, NULL},
    {"2025-03-04T14:22:05Z", "Europe/Paris", NULL, 1741098125LL, 0, NULL},
    {"2025-03-04T14:22:05+02:00", "America/New_York", NULL, 1741090925LL, 0,
     NULL},
    {"1741098125", "Europe/Paris", NULL, 1741098125LL, 0, NULL},
    {"04/03/2025 14:22", NULL, "%d/%m/%Y %H:%M", 1741098120LL, 0, NULL},
    {"4/3/2025 14:22", NULL, "%d/%m/%Y %H:%M", 1741098120LL, 0, NULL},
    {"04/07/2025 14:22", "Europe/Paris", "%d/%m/%Y %H:%M", 1751631720LL, 0,
     NULL},
    {"03/04/2025 02:22 PM", NULL, "%m/%d/%Y %I:%M %p", 1741098120LL, 0, NULL},
    {"03/04/2025 12:05 am", NULL, "%m/%d/%Y %I:%M %p", 1741046700LL, 0, NULL},
    {"03/04/2025 12:05 pm", NULL, "%m/%d/%Y %I:%M %p", 1741089900LL, 0, NULL},
    {"4 Mar 2025", NULL, "%d %b %Y", 1741046400LL, 0, NULL},
    {"4 MARCH 2025", NULL, "%d %B %Y", 1741046400LL, 0, NULL},
    {"Sep 30, 2025", NULL, "%b %d, %Y", 1759190400LL, 0, NULL},
    {"Tue, 04 Mar 2025 14:22:05 +0100", NULL, "%a, %d %b %Y %H:%M:%S %z",
     1741094525LL, 0, NULL},
    {"Tuesday 04 Mar 2025 14:22:05 Z", "Europe/Paris", "%A %d %b %Y %T %z",
     1741098125LL, 0, NULL},
    {"20250304", NULL, "%Y%m%d", 1741046400LL, 0, NULL},
    {"20250304142205", NULL, "%Y%m%d%H%M%S", 1741098125LL, 0, NULL},
    {"2025-03-04T14:22:05.250-0500", NULL, "%Y-%m-%dT%H:%M:%S.%f%z",
     1741116125LL, 250, NULL},
    {"2025-03-04 14:22:05", "America/New_York", "%F %T", 1741116125LL, 0,
     NULL},
    {"03/04/25", NULL, "%D", 1741046400LL, 0, NULL},
    {"03/04/69 10:00", NULL, "%D %R", -26143200LL, 0, NULL},
    {"2024-366", NULL, "%Y-%j", 1735603200LL, 0, NULL},
    {"2025-03", NULL, "%Y-%m", 1740787200LL, 0, NULL},
    {"1741098125", "Europe/Paris", "%s", 1741098125LL, 0, NULL},
    {"100%  2025-03-04", NULL, "100%% %Y-%m-%d", 1741046400LL, 0, NULL},
    /* year 0 (proleptic Gregorian, a leap year) */
    /* date -u -d '0000-01-01' +%s, and 0000-03-01, 0000-02-29 */
    {"0000-01-01", NULL, NULL, -62167219200LL, 0, NULL},
    {"0000-03-01T00:00:00Z", NULL, NULL, -62162035200LL, 0, NULL},
    {"0000-02-29", NULL, NULL, -62162121600LL, 0, NULL},
    /* rejected (by hand) */
    {"", NULL, NULL, 0, 0, "empty"},
    {" \t\r\n", NULL, NULL, 0, 0, "empty"},
    {"2025-13-01", NULL, NULL, 0, 0, "month out of range"},
    {"2025-00-10", NULL, NULL, 0, 0, "month out of range"},
    {"2025-02-29", NULL, NULL, 0, 0, "day out of range"},
    {"1900-02-29", NULL, NULL, 0, 0, "day out of range"},
    {"2025-04-31", NULL, NULL, 0, 0, "day out of range"},
    {"2025-03-00", NULL, NULL, 0, 0, "day out of range"},
    {"2025-02-30T10:00:00Z", NULL, NULL, 0, 0, "day out of range"},
    /* 24:00 is rejected: ISO 8601-1:2019 dropped it, and a row stamped
     * "end of day" would land in the next day's period */
    {"2025-03-04T24:00", NULL, NULL, 0, 0, "hour out of range"},
    {"2025-03-04T24:00:00Z", NULL, NULL, 0, 0, "hour out of range"},
    {"2025-03-04 25:00:00", NULL, NULL, 0, 0, "hour out of range"},
    {"2025-03-04T14:60", NULL, NULL, 0, 0, "minute out of range"},
    /* no leap seconds: Unix time has none */
    {"2016-12-31T23:59:60Z", NULL, NULL, 0, 0, "second out of range"},
    {"garbage", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:05Zjunk", NULL, NULL, 0, 0, "trailing characters"},
    {"2025-03-04x", NULL, NULL, 0, 0, "trailing characters"},
    {"2025-03-04Z", NULL, NULL, 0, 0, "trailing characters"},
    {"2025-03-04 14:22:05  Z", NULL, NULL, 0, 0, "trailing characters"},
    {"2025-03-04 14:22:05 PST", NULL, NULL, 0, 0, "trailing characters"},
    {"2025-03-04T", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:2", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:5", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:05.", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:05.Z", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T1a:22", NULL, NULL, 0, 0, "not a date"},
    {"2025-3-4", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-4", NULL, NULL, 0, 0, "not a date"},
    {"2025/03/04", NULL, NULL, 0, 0, "not a date"},
    {"25-03-04", NULL, NULL, 0, 0, "not a date"},
    {"+2025-03-04", NULL, NULL, 0, 0, "not a date"},
    {"2025-03-04T14:22:05+25:00", NULL, NULL, 0, 0, "bad UTC offset"},
    {"2025-03-04T14:22:05+02:0", NULL, NULL, 0, 0, "bad UTC offset"},
    {"2025-03-04T14:22:05+02:60", NULL, NULL, 0, 0, "bad UTC offset"},
    {"2025-03-04T14:22:05+2", NULL, NULL, 0, 0, "bad UTC offset"},
    {"2025-03-04T14:22:05-02:00:00", NULL, NULL, 0, 0, "bad UTC offset"},
    {"20250304", NULL, NULL, 0, 0, "not a date"},
    {"12345678", NULL, NULL, 0, 0, "not a date"},
    {"12345678901", NULL, NULL, 0, 0, "not a date"},
    {"174109812512", NULL, NULL, 0, 0, "not a date"},
    {"17410981251234", NULL, NULL, 0, 0, "not a date"},
    {"99999999999999999999999", NULL, NULL, 0, 0, "not a date"},
    {"1741098125.", NULL, NULL, 0, 0, "not a date"},
    {"1741098125.5x", NULL, NULL, 0, 0, "not a date"},
    {"1741098125123.5", NULL, NULL, 0, 0, "not a date"},
    {"-1741098125", NULL, NULL, 0, 0, "not a date"},
    {"1741098125 x", NULL, NULL, 0, 0, "not a date"},
    {"1e9", NULL, NULL, 0, 0, "not a date"},
    {"31/02/2025 10:00", NULL, "%d/%m/%Y %H:%M", 0, 0, "day out of range"},
    {"04/03/2025", NULL, "%d/%m/%Y %H:%M", 0, 0,
     "does not match --date-format"},
    {"04/03/2025 14:22 x", NULL, "%d/%m/%Y %H:%M", 0, 0,
     "trailing characters"},
    {"04/13/2025 10:00", NULL, "%d/%m/%Y %H:%M", 0, 0, "month out of range"},
    {"04/03/2025 24:00", NULL, "%d/%m/%Y %H:%M", 0, 0, "hour out of range"},
    {"04/03/2025 10:61", NULL, "%d/%m/%Y %H:%M", 0, 0, "minute out of range"},
    {"03/04/2025 13:05 PM", NULL, "%m/%d/%Y %I:%M %p", 0, 0,
     "hour out of range"},
    {"03/04/2025 11:05 XM", NULL, "%m/%d/%Y %I:%M %p", 0, 0,
     "does not match --date-format"},
    {"4 Foo 2025", NULL, "%d %b %Y", 0, 0, "does not match --date-format"},
    {"2025-366", NULL, "%Y-%j", 0, 0, "day out of range"},
    {"2025-03-04 14:22:05 +2500", NULL, "%F %T %z", 0, 0,
     "does not match --date-format"},
    {"14:22", NULL, "%H:%M", 0, 0, "no year in --date-format"},
};

static void check_parse(void)
{
    const parse_case *c;
    char what[160];
    const char *why;
    int64_t t;
    int ms, rc;
    size_t n;
    char *copy;

    for (c = parse_cases; c < parse_cases + EF_ARRAY_LEN(parse_cases); c++) {
        snprintf(what, sizeof what, "parse \"%s\" in %s%s%s", c->in,
                 c->tz ? c->tz : "UTC", c->fmt ? " with " : "",
                 c->fmt ? c->fmt : "");
        /* an exact-size heap copy, so that ASan sees any read past len */
        n = strlen(c->in);
        copy = malloc(n ? n : 1);
        memcpy(copy, c->in, n);
        t = -42;
        ms = -42;
        why = NULL;
        rc = ef_datetime_parse(copy, n, c->fmt, zone(c->tz), &t, &ms, &why);
        free(copy);
        if (c->why) {
            INT_EQ(rc, -1, what);
            STR_EQ(why, c->why, what);
            INT_EQ(t, -42, what); /* *out untouched on error */
        } else {
            INT_EQ(rc, 0, what);
            INT_EQ(t, c->want, what);
            INT_EQ(ms, c->ms, what);
        }
    }
}

static void check_parse_edges(void)
{
    static const char buf[] = "2025-03-04T14:22:05Zxyz";
    int64_t t = 0;
    int ms = -1;

    /* len bounds the text: no NUL needed, what follows is not read */
    INT_EQ(ef_datetime_parse(buf, 20, NULL, NULL, &t, &ms, NULL), 0,
           "prefix of a longer buffer");
    INT_EQ(t, 1741098125, "prefix of a longer buffer");
    INT_EQ(ef_datetime_parse(buf, 10, NULL, NULL, &t, NULL, NULL), 0,
           "date prefix");
    INT_EQ(t, 1741046400, "date prefix");
    INT_EQ(ef_datetime_parse(buf, 21, NULL, NULL, &t, NULL, NULL), -1,
           "one byte too many, why NULL");
    INT_EQ(ef_datetime_parse(NULL, 0, NULL, NULL, &t, NULL, NULL), -1,
           "NULL text");
    INT_EQ(ef_datetime_parse("2025-03-04\0", 11, NULL, NULL, &t, NULL, NULL),
           -1, "embedded NUL");
    /* ms is reset for each parse */
    ef_datetime_parse("2025-03-04T14:22:05.5Z", 22, NULL, NULL, &t, &ms, NULL);
    ef_datetime_parse("2025-03-04T14:22:06Z", 20, NULL, NULL, &t, &ms, NULL);
    INT_EQ(ms, 0, "ms without a fraction");
    INT_EQ(t, 1741098126, "second parse");
}

/* ==== --date-format checks ============================================== */

static void check_formats(void)
{
    static const struct {
        const char *fmt;
        int ok;
        const char *msg; /* start of the message when not ok */
    } cases[] = {
        {"%d/%m/%Y %H:%M", 1, NULL},
        {"%Y-%m-%dT%H:%M:%S.%f%z", 1, NULL},
        {"%a, %d %b %Y %T %z", 1, NULL},
        {"%s", 1, NULL},
        {"%D %I:%M %p", 1, NULL},
        {"%Ey-%Om", 1, NULL},
        {"%d/%m", 0, "date format \"%d/%m\": no year"},
        {"%d/%m/%Y %Q", 0,
         "date format \"%d/%m/%Y %Q\": unsupported "
         "conversion %Q"},
        {"%Z %Y", 0, "date format \"%Z %Y\": unsupported conversion %Z"},
        {"%Y%", 0, "date format \"%Y%\": ends with %"},
        {"", 0, "empty date format"},
    };
    size_t i;

    for (i = 0; i < EF_ARRAY_LEN(cases); i++) {
        ef_err e = {EF_OK, ""};
        ef_status rc = ef_datetime_check_format(cases[i].fmt, &e);
        INT_EQ(rc, cases[i].ok ? EF_OK : EF_ERR_USAGE, cases[i].fmt);
        if (!cases[i].ok)
            OK(strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) == 0, e.msg);
    }
}

/* ==== Time zones ======================================================== */

static void check_tz_open(void)
{
    static const struct {
        const char *name;
        int ok;
        long long offset; /* at 2025-07-01T00:00Z, when ok */
        const char *msg;  /* start of the message when not ok */
    } cases[] = {
        {NULL, 1, 0, NULL},
        {"", 1, 0, NULL},
        {"UTC", 1, 0, NULL},
        {"utc", 1, 0, NULL},
        {"Z", 1, 0, NULL},
        {"GMT", 1, 0, NULL},
        {"+05:30", 1, 19800, NULL},
        {"-0530", 1, -19800, NULL},
        {"+05", 1, 18000, NULL},
        {"+5", 1, 18000, NULL},
        {"-00:00", 1, 0, NULL},
        {"Etc/UTC", 1, 0, NULL},
        {"Etc/GMT-3", 1, 10800, NULL}, /* POSIX sign: 3 h east */
        {"Europe/Paris", 1, 7200, NULL},
        {"America/New_York", 1, -14400, NULL},
        {"Asia/Kolkata", 1, 19800, NULL},
        {"Australia/Lord_Howe", 1, 37800, NULL},
        {"+25:00", 0, 0, "bad time zone offset +25:00"},
        {"+05:3", 0, 0, "bad time zone offset +05:3"},
        {"+", 0, 0, "bad time zone offset +"},
        {"UTC+2", 0, 0, "unknown time zone UTC+2"},
        {"Europe/Pariss", 0, 0, "unknown time zone Europe/Pariss"},
        {"europe/paris", 0, 0, "unknown time zone europe/paris"},
        {"../../etc/passwd", 0, 0, "unknown time zone ../../etc/passwd"},
        {"/etc/localtime", 0, 0, "unknown time zone /etc/localtime"},
        {"Europe", 0, 0, "unknown time zone Europe"},
        {"zone.tab", 0, 0, "unknown time zone zone.tab"},
        {"right/Europe/Paris", 0, 0,
         "time zone right/Europe/Paris: /usr/share/zoneinfo/right/Europe/"
         "Paris: leap-second time zones are not supported"},
    };
    size_t i;
    ef_tz *tz;

    for (i = 0; i < EF_ARRAY_LEN(cases); i++) {
        ef_err e = {EF_OK, ""};
        const char *what = cases[i].name ? cases[i].name : "(NULL)";
        ef_status rc = ef_tz_open(cases[i].name, &tz, &e);
        if (cases[i].ok) {
            INT_EQ(rc, EF_OK, what);
            if (rc == EF_OK) {
                INT_EQ(ef_tz_offset(tz, 1751328000), cases[i].offset, what);
                STR_EQ(ef_tz_name(tz),
                       cases[i].name && *cases[i].name ? cases[i].name : "UTC",
                       what);
            }
        } else {
            OK(rc != EF_OK && tz == NULL, what);
            OK(strncmp(e.msg, cases[i].msg, strlen(cases[i].msg)) == 0, e.msg);
        }
        ef_tz_free(tz);
    }
    ef_tz_free(NULL);
    INT_EQ(ef_tz_offset(NULL, 0), 0, "NULL is UTC");
    STR_EQ(ef_tz_name(NULL), "UTC", "NULL is UTC");
}

/* TZDIR: a missing tzdata, and damaged TZif files. */
static void check_tzdir(void)
{
    char dir[] = "/tmp/ef_tzdir_XXXXXX", path[64];
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;
    unsigned char data[8192];
    size_t len;
    FILE *f;
    ef_tz *tz;
    ef_err e = {EF_OK, ""};

    setenv("TZDIR", "/nonexistent/zoneinfo", 1);
    INT_EQ(ef_tz_open("Europe/Paris", &tz, &e), EF_ERR_USAGE, "no tzdata");
    STR_EQ(e.msg, "unknown time zone Europe/Paris (is tzdata installed?)",
           "no tzdata");
    /* offsets and UTC need no tzdata */
    INT_EQ(ef_tz_open("+01:00", &tz, NULL), EF_OK, "offset without tzdata");
    ef_tz_free(tz);

    f = fopen("/usr/share/zoneinfo/Europe/Paris", "rb");
    OK(f != NULL, "read Europe/Paris");
    if (f == NULL || mkdtemp(dir) == NULL)
        goto out;
    len = fread(data, 1, sizeof data, f);
    fclose(f);
    setenv("TZDIR", dir, 1);
    snprintf(path, sizeof path, "%s/Cut", dir);
    if ((f = fopen(path, "wb")) != NULL) {
        fwrite(data, 1, len / 2, f);
        fclose(f);
    }
    e.code = EF_OK;
    INT_EQ(ef_tz_open("Cut", &tz, &e), EF_ERR_PARSE, "truncated TZif");
    OK(strstr(e.msg, "truncated TZif file") != NULL, e.msg);
    unlink(path);
    snprintf(path, sizeof path, "%s/Copy", dir);
    if ((f = fopen(path, "wb")) != NULL) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
    INT_EQ(ef_tz_open("Copy", &tz, NULL), EF_OK, "TZDIR is honoured");
    INT_EQ(ef_tz_offset(tz, 1751328000), 7200, "TZDIR is honoured");
    ef_tz_free(tz);
    unlink(path);
    rmdir(dir);
out:
    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
}

static unsigned long long rng = 88172645463325252ULL;

static uint64_t next_random(void)
{
    rng ^= rng << 13; /* xorshift64 */
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Offsets against glibc's localtime_r (its own TZif reader), and the
 * round trip wall time -> instant -> wall time. */
static void check_offsets_vs_libc(void)
{
    static const char *const names[] = {
        "Europe/Paris",      "America/New_York", "Australia/Sydney",
        "America/Sao_Paulo", "Asia/Kolkata",     "Pacific/Apia",
        "Europe/Dublin",     "America/Santiago", "Australia/Lord_Howe",
        "Africa/Casablanca", "Asia/Tehran",      "Pacific/Chatham"};
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL, env[64], what[96];
    int64_t lo = -2208988800LL, hi = 7258118400LL; /* 1900 to 2200 */
    size_t i;
    int k, bad, bad_wall, bad_fold;

    for (i = 0; i < EF_ARRAY_LEN(names); i++) {
        const ef_tz *tz = zone(names[i]);
        snprintf(env, sizeof env, ":%s", names[i]);
        setenv("TZ", env, 1);
        tzset();
        bad = bad_wall = bad_fold = 0;
        for (k = 0; k < 20000; k++) {
            int64_t t = lo + (int64_t)(next_random() % (uint64_t)(hi - lo));
            time_t tt = (time_t)t;
            struct tm tm;
            int64_t wall, back;
            char buf[EF_DATETIME_UTC_SIZE];

            localtime_r(&tt, &tm);
            if (ef_tz_offset(tz, t) != tm.tm_gmtoff && bad++ < 3)
                fprintf(stderr, "  %s at %lld: %d, libc %ld\n", names[i],
                        (long long)t, (int)ef_tz_offset(tz, t),
                        (long)tm.tm_gmtoff);
            /* the wall time read back in tz gives the same wall time, at
             * this instant or (fold=0) an earlier one */
            wall = t + ef_tz_offset(tz, t);
            ef_datetime_format_utc(wall, buf);
            buf[19] = '\0';
            if (ef_datetime_parse(buf, 19, NULL, tz, &back, NULL, NULL) != 0 ||
                back + ef_tz_offset(tz, back) != wall)
                bad_wall++;
            else if (back > t)
                bad_fold++;
        }
        snprintf(what, sizeof what, "%s: offsets as libc", names[i]);
        INT_EQ(bad, 0, what);
        snprintf(what, sizeof what, "%s: wall time round trip", names[i]);
        INT_EQ(bad_wall, 0, what);
        snprintf(what, sizeof what, "%s: overlap gives the earlier", names[i]);
        INT_EQ(bad_fold, 0, what);
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
}

/* ==== Calendar ========================================================== */

static void check_calendar(void)
{
    int64_t z, y, py = -2001;
    int m, d, pm = 12, pd = 31, bad = 0;

    /* every day from -2000-01-01 to 4000-12-31 follows the one before */
    for (z = ef_days_from_civil(-2000, 1, 1);
         z <= ef_days_from_civil(4000, 12, 31); z++) {
        ef_civil_from_days(z, &y, &m, &d);
        if (ef_days_from_civil(y, m, d) != z)
            bad++;
        if (d == 1 ? !(pd >= 28 && (m == pm % 12 + 1) && (y == py + (m == 1)))
                   : !(y == py && m == pm && d == pd + 1))
            bad++;
        py = y;
        pm = m;
        pd = d;
    }
    INT_EQ(bad, 0, "civil calendar round trip");

    /* every date from 0000-01-01 to 9999-12-31 parses to its day */
    bad = 0;
    for (z = ef_days_from_civil(0, 1, 1);
         z <= ef_days_from_civil(9999, 12, 31); z++) {
        char buf[EF_DATETIME_UTC_SIZE];
        int64_t t;
        ef_datetime_format_utc(z * 86400, buf);
        if (ef_datetime_parse(buf, 10, NULL, NULL, &t, NULL, NULL) != 0 ||
            t != z * 86400)
            bad++;
    }
    INT_EQ(bad, 0, "every date parses");
    INT_EQ(ef_days_from_civil(1970, 1, 1), 0, "epoch day");
    INT_EQ(ef_days_from_civil(2000, 3, 1), 11017, "2000-03-01");
    INT_EQ(ef_days_from_civil(1, 1, 1), -719162, "0001-01-01");
}

static void check_format_out(void)
{
    static const struct {
        long long t;
        const char *utc;
    } cases[] = {
        /* date -u -d @1741098125 +%FT%TZ */
        {1741098125LL, "2025-03-04T14:22:05Z"},
        {0, "1970-01-01T00:00:00Z"},
        {-1, "1969-12-31T23:59:59Z"},
        {951782400LL, "2000-02-29T00:00:00Z"},
        {-62135596800LL, "0001-01-01T00:00:00Z"},
        {253402300799LL, "9999-12-31T23:59:59Z"},
        {253402300800LL, "9999-12-31T23:59:59Z"}, /* clamped */
        {INT64_MAX, "9999-12-31T23:59:59Z"},
        {INT64_MIN, "0000-01-01T00:00:00Z"},
    };
    char buf[EF_DATETIME_UTC_SIZE], date[EF_DATETIME_DATE_SIZE];
    size_t i;

    for (i = 0; i < EF_ARRAY_LEN(cases); i++) {
        ef_datetime_format_utc(cases[i].t, buf);
        STR_EQ(buf, cases[i].utc, cases[i].utc);
    }
    /* 2025-03-04T23:30Z */
    ef_datetime_format_date(1741131000LL, zone("Europe/Paris"), date);
    STR_EQ(date, "2025-03-05", "date in Paris");
    ef_datetime_format_date(1741131000LL, zone("America/New_York"), date);
    STR_EQ(date, "2025-03-04", "date in New York");
    ef_datetime_format_date(1741131000LL, NULL, date);
    STR_EQ(date, "2025-03-04", "date in UTC");
    ef_datetime_format_date(INT64_MIN, zone("Europe/Paris"), date);
    STR_EQ(date, "0000-01-01", "date clamped");
}

/* ==== Calendar periods ================================================== */

typedef struct {
    long long t;       /* an instant */
    const char *tz;    /* NULL: UTC */
    ef_period p;       /* the period kind */
    long long start;   /* start of the period holding t */
    long long next;    /* start of the one after */
    const char *label; /* its label */
} period_case;

static const period_case period_cases[] = {
    /* python */
    /* 2020-12-31T12:00Z */
    {1609416000LL, NULL, EF_PERIOD_WEEK, 1609113600LL, 1609718400LL,
     "2020-W53"},
    /* 2021-01-03T23:59Z */
    {1609718340LL, NULL, EF_PERIOD_WEEK, 1609113600LL, 1609718400LL,
     "2020-W53"},
    /* 2021-01-04T00:00Z */
    {1609718400LL, NULL, EF_PERIOD_WEEK, 1609718400LL, 1610323200LL,
     "2021-W01"},
    /* 2024-12-30T08:00Z */
    {1735545600LL, NULL, EF_PERIOD_WEEK, 1735516800LL, 1736121600LL,
     "2025-W01"},
    /* 2025-01-05T08:00Z */
    {1736064000LL, NULL, EF_PERIOD_WEEK, 1735516800LL, 1736121600LL,
     "2025-W01"},
    /* 2025-12-29T08:00Z */
    {1766995200LL, NULL, EF_PERIOD_WEEK, 1766966400LL, 1767571200LL,
     "2026-W01"},
    /* 2026-01-01T08:00Z */
    {1767254400LL, NULL, EF_PERIOD_WEEK, 1766966400LL, 1767571200LL,
     "2026-W01"},
    /* 2027-01-01T08:00Z */
    {1798790400LL, NULL, EF_PERIOD_WEEK, 1798416000LL, 1799020800LL,
     "2026-W53"},
    /* 2027-01-04T08:00Z */
    {1799049600LL, NULL, EF_PERIOD_WEEK, 1799020800LL, 1799625600LL,
     "2027-W01"},
    /* 2008-12-29T08:00Z */
    {1230537600LL, NULL, EF_PERIOD_WEEK, 1230508800LL, 1231113600LL,
     "2009-W01"},
    /* 2010-01-03T08:00Z */
    {1262505600LL, NULL, EF_PERIOD_WEEK, 1261958400LL, 1262563200LL,
     "2009-W53"},
    /* 2015-12-31T08:00Z */
    {1451548800LL, NULL, EF_PERIOD_WEEK, 1451260800LL, 1451865600LL,
     "2015-W53"},
    /* 2016-01-03T08:00Z */
    {1451808000LL, NULL, EF_PERIOD_WEEK, 1451260800LL, 1451865600LL,
     "2015-W53"},
    /* 2025-04-02T08:00Z */
    {1743580800LL, NULL, EF_PERIOD_WEEK, 1743379200LL, 1743984000LL,
     "2025-W14"},
    /* 1969-12-31T08:00Z */
    {-57600LL, NULL, EF_PERIOD_WEEK, -259200LL, 345600LL, "1970-W01"},
    /* 1970-01-01T00:00Z */
    {0LL, NULL, EF_PERIOD_WEEK, -259200LL, 345600LL, "1970-W01"},
    /* 2025-03-04T14:22:05Z */
    {1741098125LL, NULL, EF_PERIOD_DAY, 1741046400LL, 1741132800LL,
     "2025-03-04"},
    /* 2025-03-04T14:22:05Z */
    {1741098125LL, NULL, EF_PERIOD_MONTH, 1740787200LL, 1743465600LL,
     "2025-03"},
    /* 2025-01-31T23:59:59Z */
    {1738367999LL, NULL, EF_PERIOD_MONTH, 1735689600LL, 1738368000LL,
     "2025-01"},
    /* 2024-02-29T12:00Z */
    {1709208000LL, NULL, EF_PERIOD_MONTH, 1706745600LL, 1709251200LL,
     "2024-02"},
    /* 2025-12-31T12:00Z */
    {1767182400LL, NULL, EF_PERIOD_MONTH, 1764547200LL, 1767225600LL,
     "2025-12"},
    /* 1969-12-31T23:59:59Z */
    {-1LL, NULL, EF_PERIOD_DAY, -86400LL, 0LL, "1969-12-31"},
    /* 2025-03-04T23:30Z */
    {1741131000LL, "Europe/Paris", EF_PERIOD_DAY, 1741129200LL, 1741215600LL,
     "2025-03-05"},
    /* 2025-03-04T23:30Z */
    {1741131000LL, "America/New_York", EF_PERIOD_DAY, 1741064400LL,
     1741150800LL, "2025-03-04"},
    /* 2025-03-31T23:30Z */
    {1743463800LL, "Europe/Paris", EF_PERIOD_MONTH, 1743458400LL, 1746050400LL,
     "2025-04"},
    /* 2025-03-31T23:30Z */
    {1743463800LL, "Europe/Paris", EF_PERIOD_WEEK, 1743372000LL, 1743976800LL,
     "2025-W14"},
    /* 2025-03-30T12:00Z */
    {1743336000LL, "Europe/Paris", EF_PERIOD_DAY, 1743289200LL, 1743372000LL,
     "2025-03-30"},
    /* 2025-10-26T12:00Z */
    {1761480000LL, "Europe/Paris", EF_PERIOD_DAY, 1761429600LL, 1761519600LL,
     "2025-10-26"},
    /* 2025-03-26T12:00Z */
    {1742990400LL, "Europe/Paris", EF_PERIOD_WEEK, 1742770800LL, 1743372000LL,
     "2025-W13"},
    /* 2025-10-22T12:00Z */
    {1761134400LL, "Europe/Paris", EF_PERIOD_WEEK, 1760911200LL, 1761519600LL,
     "2025-W43"},
    /* 2025-03-15T12:00Z */
    {1742040000LL, "Europe/Paris", EF_PERIOD_MONTH, 1740783600LL, 1743458400LL,
     "2025-03"},
    /* 2025-10-15T12:00Z */
    {1760529600LL, "Europe/Paris", EF_PERIOD_MONTH, 1759269600LL, 1761951600LL,
     "2025-10"},
    /* 2025-03-09T12:00Z */
    {1741521600LL, "America/New_York", EF_PERIOD_DAY, 1741496400LL,
     1741579200LL, "2025-03-09"},
    /* 2025-11-02T12:00Z */
    {1762084800LL, "America/New_York", EF_PERIOD_DAY, 1762056000LL,
     1762146000LL, "2025-11-02"},
    /* 2025-11-02T05:30Z */
    {1762061400LL, "America/New_York", EF_PERIOD_DAY, 1762056000LL,
     1762146000LL, "2025-11-02"},
    /* 2025-03-09T06:59Z */
    {1741503540LL, "America/New_York", EF_PERIOD_DAY, 1741496400LL,
     1741579200LL, "2025-03-09"},
    /* 2025-11-01T12:00Z */
    {1761998400LL, "America/New_York", EF_PERIOD_WEEK, 1761537600LL,
     1762146000LL, "2025-W44"},
    /* 2095-03-13T12:00Z */
    {3950856000LL, "America/New_York", EF_PERIOD_DAY, 3950830800LL,
     3950913600LL, "2095-03-13"},
    /* 2095-11-06T12:00Z */
    {3971419200LL, "America/New_York", EF_PERIOD_DAY, 3971390400LL,
     3971480400LL, "2095-11-06"},
    /* 2025-10-05T12:00Z */
    {1759665600LL, "Australia/Sydney", EF_PERIOD_DAY, 1759586400LL,
     1759669200LL, "2025-10-05"},
    /* 2025-04-06T12:00Z */
    {1743940800LL, "Australia/Sydney", EF_PERIOD_DAY, 1743858000LL,
     1743948000LL, "2025-04-06"},
    /* 2018-11-04T12:00Z */
    {1541332800LL, "America/Sao_Paulo", EF_PERIOD_DAY, 1541300400LL,
     1541383200LL, "2018-11-04"},
    /* 2018-11-03T12:00Z */
    {1541246400LL, "America/Sao_Paulo", EF_PERIOD_DAY, 1541214000LL,
     1541300400LL, "2018-11-03"},
    /* 2019-02-16T12:00Z */
    {1550318400LL, "America/Sao_Paulo", EF_PERIOD_DAY, 1550282400LL,
     1550372400LL, "2019-02-16"},
    /* 2019-02-17T02:30Z */
    {1550370600LL, "America/Sao_Paulo", EF_PERIOD_DAY, 1550282400LL,
     1550372400LL, "2019-02-16"},
    /* 2011-12-29T12:00Z */
    {1325160000LL, "Pacific/Apia", EF_PERIOD_DAY, 1325152800LL, 1325239200LL,
     "2011-12-29"},
    /* 2025-12-31T20:00Z */
    {1767211200LL, "+05:30", EF_PERIOD_MONTH, 1767205800LL, 1769884200LL,
     "2026-01"},
    /* 2025-12-29T20:00Z */
    {1767038400LL, "-03:00", EF_PERIOD_WEEK, 1766977200LL, 1767582000LL,
     "2026-W01"},
};

static void check_periods(void)
{
    const period_case *c;
    char what[120], label[EF_PERIOD_LABEL_SIZE];
    int64_t s;

    for (c = period_cases; c < period_cases + EF_ARRAY_LEN(period_cases);
         c++) {
        const ef_tz *tz = zone(c->tz);
        snprintf(what, sizeof what, "period %d of %lld in %s", (int)c->p, c->t,
                 c->tz ? c->tz : "UTC");
        s = ef_period_start(c->t, c->p, tz);
        INT_EQ(s, c->start, what);
        INT_EQ(ef_period_next(s, c->p, tz), c->next, what);
        INT_EQ(ef_period_start(s, c->p, tz), s, what);
        INT_EQ(ef_period_start(c->next - 1, c->p, tz), s, what);
        ef_period_label(s, c->p, tz, label, sizeof label);
        STR_EQ(label, c->label, what);
    }
}

/* Days across DST last 23 or 25 hours; a year of days sums up. */
static void check_period_walks(void)
{
    static const struct {
        const char *tz;
        long long spring, fall; /* a local noon on each change day */
    } dst[] = {
        {"Europe/Paris", 1743332400LL, 1761476400LL},     /* 03-30 10-26 */
        {"America/New_York", 1741536000LL, 1762102800LL}, /* 03-09 11-02 */
    };
    size_t i;
    int64_t s, n, end;
    int days, short_days, long_days, weeks53;
    char label[EF_PERIOD_LABEL_SIZE], prev[EF_PERIOD_LABEL_SIZE];

    for (i = 0; i < EF_ARRAY_LEN(dst); i++) {
        const ef_tz *tz = zone(dst[i].tz);
        s = ef_period_start(dst[i].spring, EF_PERIOD_DAY, tz);
        INT_EQ(ef_period_next(s, EF_PERIOD_DAY, tz) - s, 23 * 3600, dst[i].tz);
        s = ef_period_start(dst[i].fall, EF_PERIOD_DAY, tz);
        INT_EQ(ef_period_next(s, EF_PERIOD_DAY, tz) - s, 25 * 3600, dst[i].tz);

        /* 2025 day by day, from 2025-01-01T12:00Z */
        s = ef_period_start(1735732800LL, EF_PERIOD_DAY, tz);
        end =
            ef_period_next(ef_period_start(1767180000LL, EF_PERIOD_MONTH, tz),
                           EF_PERIOD_MONTH, tz);
        days = short_days = long_days = 0;
        prev[0] = '\0';
        for (; s < end; s = n, days++) {
            n = ef_period_next(s, EF_PERIOD_DAY, tz);
            short_days += n - s == 23 * 3600;
            long_days += n - s == 25 * 3600;
            ef_period_label(s, EF_PERIOD_DAY, tz, label, sizeof label);
            if (strcmp(label, prev) <= 0)
                break;
            strcpy(prev, label);
        }
        INT_EQ(days, 365, dst[i].tz);
        INT_EQ(short_days, 1, dst[i].tz);
        INT_EQ(long_days, 1, dst[i].tz);
        STR_EQ(prev, "2025-12-31", dst[i].tz);
    }

    /* ISO weeks 2020-2030: 53 weeks in 2020 and 2026 only
     * (python3: [y for y in range(2020,2031)
     *            if date(y,12,28).isocalendar()[1] == 53]) */
    weeks53 = 0;
    s = ef_period_start(1577836800LL, EF_PERIOD_WEEK, NULL); /* 2020-01-01 */
    for (; s < 1924992000LL; s = ef_period_next(s, EF_PERIOD_WEEK, NULL)) {
        ef_period_label(s, EF_PERIOD_WEEK, NULL, label, sizeof label);
        weeks53 += strcmp(label + 4, "-W53") == 0;
    }
    INT_EQ(weeks53, 2, "ISO years with 53 weeks in 2020-2030");

    ef_period_label(1741046400LL, EF_PERIOD_DAY, NULL, label, 5);
    STR_EQ(label, "2025", "label truncated to cap");
}

/* Any instant lies in [start, next), in every zone and period kind. */
static void check_period_bounds(void)
{
    static const char *const names[] = {NULL,
                                        "Europe/Paris",
                                        "America/New_York",
                                        "America/Sao_Paulo",
                                        "Pacific/Apia",
                                        "Australia/Lord_Howe",
                                        "Asia/Kathmandu",
                                        "-09:30"};
    int64_t lo = -2208988800LL, hi = 7258118400LL;
    size_t i;
    int k, p, bad;

    for (i = 0; i < EF_ARRAY_LEN(names); i++) {
        const ef_tz *tz = zone(names[i]);
        bad = 0;
        for (k = 0; k < 20000; k++) {
            int64_t t = lo + (int64_t)(next_random() % (uint64_t)(hi - lo));
            for (p = EF_PERIOD_DAY; p <= EF_PERIOD_MONTH; p++) {
                int64_t s = ef_period_start(t, (ef_period)p, tz);
                int64_t n = ef_period_next(s, (ef_period)p, tz);
                if (!(s <= t && t < n) ||
                    ef_period_start(s, (ef_period)p, tz) != s)
                    bad++;
            }
        }
        INT_EQ(bad, 0, names[i] ? names[i] : "UTC");
    }
}

static void check_period_parse(void)
{
    ef_period p = EF_PERIOD_DAY;
    ef_err e = {EF_OK, ""};

    INT_EQ(ef_period_parse("week", &p, &e), EF_OK, "week");
    INT_EQ(p, EF_PERIOD_WEEK, "week");
    INT_EQ(ef_period_parse("month", &p, &e), EF_OK, "month");
    INT_EQ(p, EF_PERIOD_MONTH, "month");
    INT_EQ(ef_period_parse("day", &p, &e), EF_OK, "day");
    INT_EQ(p, EF_PERIOD_DAY, "day");
    INT_EQ(ef_period_parse("Week", &p, &e), EF_ERR_USAGE, "Week");
    STR_EQ(e.msg, "unknown period Week (want day, week or month)", "Week");
}

void test_datetime(void)
{
    check_parse();
    check_parse_edges();
    check_formats();
    check_tz_open();
    check_tzdir();
    check_offsets_vs_libc();
    check_calendar();
    check_format_out();
    check_periods();
    check_period_walks();
    check_period_bounds();
    check_period_parse();
    close_zones();
}
