/* datetime.c - date parsing, time zones and calendar periods.
 *
 * The calendar is computed here (Howard Hinnant's days_from_civil and
 * civil_from_days, proleptic Gregorian, 64-bit), so that UTC and fixed
 * offsets cost a few multiplications and the result never depends on the
 * process's TZ variable or locale. IANA zones are read from TZif files
 * (RFC 8536, version 1 to 4): the transition table, then the footer's
 * POSIX TZ rule for instants after the last transition.
 */
#include "input/datetime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define DAY 86400
#define TZDIR_DEFAULT "/usr/share/zoneinfo"
#define TZIF_MAX (1u << 20) /* larger files are not time zones */

/* Instants are clamped to +-2^48 s (8.9 million years) in the functions
 * that take any int64, so that adding an offset cannot overflow. */
#define T_LIMIT ((int64_t)1 << 48)

/* ==== Calendar arithmetic =============================================== */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b != 0 && (a < 0) != (b < 0))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int64_t clamp_t(int64_t t)
{
    return t < -T_LIMIT ? -T_LIMIT : t > T_LIMIT ? T_LIMIT : t;
}

static int is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + is_leap(y) : mdays[m - 1];
}

/* Days from 1970-01-01 to y-m-d (m 1-12, d 1-31). */
int64_t ef_days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* ef_days_from_civil for years 0-9999, in 32-bit unsigned arithmetic
 * (the year is moved up one 400-year era so that it stays positive). */
static inline int64_t days_from_civil4(int y, int m, int d)
{
    unsigned yy = (unsigned)(y + 400 - (m <= 2));
    unsigned era = yy / 400, yoe = yy % 400;
    unsigned doy =
        (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int64_t)(era * 146097 + doe) - 719468 - 146097;
}

/* The date of day z (days from 1970-01-01). */
void ef_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Day of the week of day z: 0 = Monday ... 6 = Sunday (1970-01-01 was a
 * Thursday). */
static int weekday_mon0(int64_t z)
{
    return (int)floor_mod(z + 3, 7);
}

/* ==== POSIX TZ rules (the TZif footer) ================================== */

typedef struct {
    char kind;    /* 'J' (1-365, no Feb 29), 'N' (0-365), 'M' (m.w.d) */
    int a, b, c;  /* J/N: day; M: month 1-12, week 1-5, weekday 0=Sun */
    int32_t time; /* seconds after local midnight, may be <0 or >24h */
} rule_date;

typedef struct {
    int32_t std, dst; /* UTC offsets, east positive */
    int has_dst;      /* else std all year */
    rule_date start;  /* DST starts, time in standard local time */
    rule_date end;    /* DST ends, time in daylight local time */
} posix_rule;

/* The local midnight (days from 1970-01-01) of the day r names in y. */
static int64_t rule_day(const rule_date *r, int64_t y)
{
    int64_t first, day;
    int mdays;

    if (r->kind == 'J')
        return ef_days_from_civil(y, 1, 1) + r->a - 1 +
               (is_leap(y) && r->a >= 60);
    if (r->kind == 'N')
        return ef_days_from_civil(y, 1, 1) + r->a;
    first = ef_days_from_civil(y, r->a, 1);
    /* weekday_mon0 + 1 is Sunday-based modulo 7 */
    day = first + floor_mod(r->c - (weekday_mon0(first) + 1), 7) +
          (int64_t)(r->b - 1) * 7;
    mdays = days_in_month(y, r->a);
    while (day >= first + mdays)
        day -= 7;
    return day;
}

/* The UTC instants at which DST starts and ends in year y. */
static void rule_instants(const posix_rule *r, int64_t y, int64_t *s,
                          int64_t *e)
{
    *s = rule_day(&r->start, y) * DAY + r->start.time - r->std;
    *e = rule_day(&r->end, y) * DAY + r->end.time - r->dst;
}

static int64_t year_of_days(int64_t z)
{
    int64_t y;
    int m, d;
    ef_civil_from_days(z, &y, &m, &d);
    return y;
}

static int32_t rule_offset(const posix_rule *r, int64_t t)
{
    int64_t s, e;
    int in;

    if (!r->has_dst)
        return r->std;
    rule_instants(r, year_of_days(floor_div(t + r->std, DAY)), &s, &e);
    /* s > e on the southern hemisphere: DST spans the new year */
    in = s < e ? t >= s && t < e : !(t >= e && t < s);
    return in ? r->dst : r->std;
}

/* Local wall time -> UTC under a rule, with the offset in effect before
 * the nearest transition when the wall time is in a gap or an overlap. */
static int64_t rule_local_to_utc(const posix_rule *r, int64_t local)
{
    int64_t s, e;
    int32_t hi;
    int in;

    if (!r->has_dst)
        return local - r->std;
    rule_instants(r, year_of_days(floor_div(local, DAY)), &s, &e);
    /* the new offset applies from the later of the two wall times that
     * the transition instant has */
    hi = r->std > r->dst ? r->std : r->dst;
    s += hi;
    e += hi;
    in = s < e ? local >= s && local < e : !(local >= e && local < s);
    return local - (in ? r->dst : r->std);
}

static const char *pz_name(const char *p)
{
    const char *q;

    if (*p == '<') {
        q = strchr(p, '>');
        return q && q - p > 1 ? q + 1 : NULL;
    }
    for (q = p; (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'); q++)
        ;
    return q - p >= 3 ? q : NULL;
}

/* [+-]hh[:mm[:ss]] with hh <= maxh, into seconds. */
static const char *pz_time(const char *p, int maxh, int32_t *out)
{
    int sign = 1, n, part = 0;
    int32_t v[3] = {0, 0, 0};

    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    for (;;) {
        for (n = 0; *p >= '0' && *p <= '9' && n < 3; n++)
            v[part] = v[part] * 10 + (*p++ - '0');
        if (n == 0 || (part > 0 && (n != 2 || v[part] > 59)))
            return NULL;
        if (part == 2 || *p != ':')
            break;
        p++;
        part++;
    }
    if (v[0] > maxh)
        return NULL;
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    return p;
}

static const char *pz_num(const char *p, int lo, int hi, int *out)
{
    int v = 0, n = 0;

    for (; *p >= '0' && *p <= '9' && n < 4; n++)
        v = v * 10 + (*p++ - '0');
    if (n == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return p;
}

static const char *pz_date(const char *p, rule_date *r)
{
    r->time = 7200;
    if (*p == 'J') {
        r->kind = 'J';
        p = pz_num(p + 1, 1, 365, &r->a);
    } else if (*p == 'M') {
        r->kind = 'M';
        if ((p = pz_num(p + 1, 1, 12, &r->a)) == NULL || *p != '.' ||
            (p = pz_num(p + 1, 1, 5, &r->b)) == NULL || *p != '.')
            return NULL;
        p = pz_num(p + 1, 0, 6, &r->c);
    } else {
        r->kind = 'N';
        p = pz_num(p, 0, 365, &r->a);
    }
    if (p && *p == '/')
        p = pz_time(p + 1, 167, &r->time);
    return p;
}

/* Parses a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". Note the
 * POSIX sign: "CET-1" is one hour east of UTC. Returns 0 or -1. */
static int pz_parse(const char *p, posix_rule *r)
{
    int32_t v;

    memset(r, 0, sizeof *r);
    if ((p = pz_name(p)) == NULL || (p = pz_time(p, 24, &v)) == NULL)
        return -1;
    r->std = -v;
    if (*p == '\0')
        return 0;
    if ((p = pz_name(p)) == NULL)
        return -1;
    r->has_dst = 1;
    r->dst = r->std + 3600;
    if (*p != ',' && *p != '\0') {
        if ((p = pz_time(p, 24, &v)) == NULL)
            return -1;
        r->dst = -v;
    }
    if (*p == '\0') /* no rule given: the US rule, as glibc assumes */
        p = ",M3.2.0,M11.1.0";
    if (*p != ',' || (p = pz_date(p + 1, &r->start)) == NULL || *p != ',' ||
        (p = pz_date(p + 1, &r->end)) == NULL)
        return -1;
    return *p == '\0' ? 0 : -1;
}

/* ==== Time zones ======================================================== */

enum { TZ_FIXED, TZ_ZONE };

struct ef_tz {
    int kind;        /* TZ_FIXED or TZ_ZONE */
    char *name;      /* as opened */
    int32_t fixed;   /* TZ_FIXED: the UTC offset */
    size_t n;        /* TZ_ZONE: transitions */
    int64_t *utc;    /* transition instants, ascending */
    int64_t *wall;   /* wall time from which off[i] applies (fold=0) */
    int32_t *off;    /* UTC offset from utc[i] on */
    int32_t off0;    /* UTC offset before utc[0] (time type 0) */
    int has_rule;    /* rule applies after utc[n - 1] */
    posix_rule rule; /* the TZif footer */
};

static int32_t zone_offset(const ef_tz *tz, int64_t t)
{
    size_t lo, hi, mid;

    if (tz->n == 0 || t >= tz->utc[tz->n - 1]) {
        if (tz->has_rule)
            return rule_offset(&tz->rule, t);
        return tz->n ? tz->off[tz->n - 1] : tz->off0;
    }
    if (t < tz->utc[0])
        return tz->off0;
    lo = 0; /* utc[lo] <= t < utc[hi] */
    hi = tz->n - 1;
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (tz->utc[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->off[lo];
}

static int64_t zone_local_to_utc(const ef_tz *tz, int64_t local)
{
    size_t lo, hi, mid;

    if (tz->n == 0 || local >= tz->wall[tz->n - 1]) {
        if (tz->has_rule)
            return rule_local_to_utc(&tz->rule, local);
        return local - (tz->n ? tz->off[tz->n - 1] : tz->off0);
    }
    if (local < tz->wall[0])
        return local - tz->off0;
    lo = 0; /* wall[lo] <= local < wall[hi] */
    hi = tz->n - 1;
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (tz->wall[mid] <= local)
            lo = mid;
        else
            hi = mid;
    }
    return local - tz->off[lo];
}

int32_t ef_tz_offset(const ef_tz *tz, int64_t t)
{
    if (tz == NULL)
        return 0;
    if (tz->kind == TZ_FIXED)
        return tz->fixed;
    return zone_offset(tz, clamp_t(t));
}

/* Local wall time (seconds from 1970-01-01 00:00 local) -> Unix time. */
static int64_t local_to_utc(const ef_tz *tz, int64_t local)
{
    if (tz == NULL)
        return local;
    if (tz->kind == TZ_FIXED)
        return local - tz->fixed;
    return zone_local_to_utc(tz, local);
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static int digit(int c)
{
    return c >= '0' && c <= '9';
}

/* "+02:00", "-0530", "+05", "+5" -> seconds east; -1 if not an offset. */
static int fixed_offset(const char *s, int32_t *out)
{
    int sign, h = 0, m = 0, n;

    if (*s != '+' && *s != '-')
        return -1;
    sign = *s++ == '-' ? -1 : 1;
    for (n = 0; digit(*s) && n < 2; n++)
        h = h * 10 + (*s++ - '0');
    if (n == 0)
        return -1;
    if (*s == ':')
        s++;
    if (*s != '\0') {
        if (n != 2 || !digit(s[0]) || !digit(s[1]) || s[2] != '\0')
            return -1;
        m = (s[0] - '0') * 10 + (s[1] - '0');
    }
    if (h > 23 || m > 59)
        return -1;
    *out = sign * (h * 3600 + m * 60);
    return 0;
}

static int32_t be32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                     (uint32_t)p[2] << 8 | p[3]);
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)(uint32_t)be32(p) << 32 |
                     (uint32_t)be32(p + 4));
}

/* Reads TZif data (RFC 8536) into tz. Returns NULL or what is wrong. */
static const char *tzif_load(ef_tz *tz, const unsigned char *b, size_t len)
{
    const unsigned char *p = b, *end = b + len, *times, *idx, *types, *nl;
    size_t cnt[6], i, tsize = 4, need;
    int pass, ver;
    int32_t prev;
    char footer[128];

    for (pass = 0; pass < 2; pass++) {
        if ((size_t)(end - p) < 44 || memcmp(p, "TZif", 4) != 0)
            return "not a TZif file";
        ver = p[4];
        /* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
        for (i = 0; i < 6; i++) {
            cnt[i] = (uint32_t)be32(p + 20 + 4 * i);
            if (cnt[i] > 100000)
                return "bad TZif counts";
        }
        if (cnt[4] == 0 || cnt[4] > 256)
            return "bad TZif counts";
        need = cnt[3] * (tsize + 1) + cnt[4] * 6 + cnt[5] +
               cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
        if ((size_t)(end - p) - 44 < need)
            return "truncated TZif file";
        if (pass == 0 && ver >= '2') {
            p += 44 + need; /* skip the 32-bit data: the 64-bit follows */
            tsize = 8;
            continue;
        }
        break;
    }
    if (cnt[2] != 0)
        return "leap-second time zones are not supported";
    times = p + 44;
    idx = times + cnt[3] * tsize;
    types = idx + cnt[3];
    for (i = 0; i < cnt[4]; i++) {
        int32_t o = be32(types + 6 * i);
        if (o < -26 * 3600 || o > 26 * 3600)
            return "bad TZif offset";
    }

    tz->n = cnt[3];
    tz->utc = ef_xmalloc((tz->n ? tz->n : 1) * sizeof *tz->utc);
    tz->wall = ef_xmalloc((tz->n ? tz->n : 1) * sizeof *tz->wall);
    tz->off = ef_xmalloc((tz->n ? tz->n : 1) * sizeof *tz->off);
    tz->off0 = be32(types);
    prev = tz->off0;
    for (i = 0; i < tz->n; i++) {
        int64_t t = tsize == 8 ? be64(times + 8 * i) : be32(times + 4 * i);
        if (idx[i] >= cnt[4])
            return "bad TZif type index";
        if (i > 0 && t <= tz->utc[i - 1])
            return "TZif transitions out of order";
        tz->utc[i] = clamp_t(t);
        tz->off[i] = be32(types + 6 * idx[i]);
        tz->wall[i] = tz->utc[i] + (prev > tz->off[i] ? prev : tz->off[i]);
        prev = tz->off[i];
    }

    /* the footer: "\nTZ-string\n" after the 64-bit data */
    p = types + cnt[4] * 6 + cnt[5] + cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
    if (tsize == 8 && p < end && *p == '\n' &&
        (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) != NULL &&
        nl > p + 1) {
        if ((size_t)(nl - p - 1) >= sizeof footer)
            return "TZif rule too long";
        memcpy(footer, p + 1, (size_t)(nl - p - 1));
        footer[nl - p - 1] = '\0';
        if (pz_parse(footer, &tz->rule) != 0)
            return "unsupported TZif rule";
        tz->has_rule = 1;
    }
    return NULL;
}

/* IANA names are paths below the zoneinfo folder: no "..", no leading /. */
static int valid_zone_name(const char *s)
{
    const char *p;

    if (*s == '/' || *s == '\0' || strlen(s) > 255)
        return 0;
    for (p = s; *p; p++) {
        int c = (unsigned char)*p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || digit(c) ||
              c == '_' || c == '-' || c == '+' || c == '/' || c == '.'))
            return 0;
        if (c == '.' && p[1] == '.')
            return 0;
    }
    return 1;
}

static ef_status zone_open(ef_tz *tz, const char *name, ef_err *e)
{
    const char *dir = getenv("TZDIR"), *bad;
    char path[4096];
    unsigned char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    struct stat st;
    ef_status rc = EF_OK;

    if (dir == NULL || *dir == '\0')
        dir = TZDIR_DEFAULT;
    if (!valid_zone_name(name) ||
        snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return ef_fail(e, EF_ERR_USAGE, "unknown time zone %s", name);
    if (stat(dir, &st) != 0)
        return ef_fail(e, EF_ERR_USAGE,
                       "unknown time zone %s (is tzdata installed?)", name);
    if ((f = fopen(path, "rb")) == NULL)
        return ef_fail(e, EF_ERR_USAGE, "unknown time zone %s (no %s)", name,
                       path);
    buf = ef_xmalloc(TZIF_MAX);
    len = fread(buf, 1, TZIF_MAX, f);
    if (ferror(f) || len == TZIF_MAX || len < 4 ||
        memcmp(buf, "TZif", 4) != 0) {
        rc = ef_fail(e, EF_ERR_USAGE,
                     "unknown time zone %s (%s is not a TZif file)", name,
                     path);
        goto out;
    }
    if ((bad = tzif_load(tz, buf, len)) != NULL) {
        rc = ef_fail(e, EF_ERR_PARSE, "time zone %s: %s: %s", name, path, bad);
        goto out;
    }
    /* "Etc/UTC", "Etc/GMT-3": a zone with one offset is a fixed offset */
    if (tz->n == 0 && (!tz->has_rule || !tz->rule.has_dst)) {
        tz->kind = TZ_FIXED;
        tz->fixed = tz->has_rule ? tz->rule.std : tz->off0;
    }
out:
    free(buf);
    if (f)
        fclose(f);
    return rc;
}

ef_status ef_tz_open(const char *name, ef_tz **out, ef_err *e)
{
    ef_tz *tz;
    ef_status rc = EF_OK;

    *out = NULL;
    if (name == NULL)
        name = "";
    tz = ef_xcalloc(1, sizeof *tz);
    tz->name = ef_xstrdup(*name ? name : "UTC");
    tz->kind = TZ_FIXED;
    if (*name == '\0' || strcasecmp(name, "UTC") == 0 ||
        strcasecmp(name, "Z") == 0 || strcasecmp(name, "GMT") == 0)
        tz->fixed = 0;
    else if (*name == '+' || *name == '-') {
        if (fixed_offset(name, &tz->fixed) != 0)
            rc = ef_fail(e, EF_ERR_USAGE,
                         "bad time zone offset %s (want +hh:mm)", name);
    } else {
        tz->kind = TZ_ZONE;
        rc = zone_open(tz, name, e);
    }
    if (rc != EF_OK) {
        ef_tz_free(tz);
        return rc;
    }
    *out = tz;
    return EF_OK;
}

void ef_tz_free(ef_tz *tz)
{
    if (tz == NULL)
        return;
    free(tz->name);
    free(tz->utc);
    free(tz->wall);
    free(tz->off);
    free(tz);
}

const char *ef_tz_name(const ef_tz *tz)
{
    return tz ? tz->name : "UTC";
}

/* ==== Parsing: the built-in forms ======================================= */

/* Two digits at p into *v; 0 if they are not digits. */
static inline int dig2(const char *p, int *v)
{
    unsigned a = (unsigned)((unsigned char)p[0] - '0');
    unsigned b = (unsigned)((unsigned char)p[1] - '0');

    if (a > 9 || b > 9)
        return 0;
    *v = (int)(a * 10 + b);
    return 1;
}

#define FAIL(msg) return (*why = (msg), -1)

/* Reads a fraction's digits (at least one) at *pp: the milliseconds,
 * truncated. Returns -1 if there is no digit. */
static int fraction_ms(const char **pp, const char *end)
{
    const char *p = *pp, *start = p;
    int v = 0;

    for (; p < end && digit(*p); p++)
        if (p - start < 3)
            v = v * 10 + (*p - '0');
    if (p == start)
        return -1;
    for (ptrdiff_t n = p - start; n < 3; n++)
        v *= 10;
    *pp = p;
    return v;
}

/* "Z", "z", "UTC", "+hh:mm", "+hhmm", "+hh" (and "-"), exactly [p, end). */
static int utc_offset(const char *p, const char *end, int32_t *off)
{
    int h, m = 0;
    ptrdiff_t n = end - p;

    if (n == 1 && (*p == 'Z' || *p == 'z')) {
        *off = 0;
        return 0;
    }
    if (n == 3 && memcmp(p, "UTC", 3) == 0) {
        *off = 0;
        return 0;
    }
    if ((*p != '+' && *p != '-') || n < 3 || !dig2(p + 1, &h))
        return -1;
    if (n == 6 && p[3] == ':') {
        if (!dig2(p + 4, &m))
            return -1;
    } else if (n == 5) {
        if (!dig2(p + 3, &m))
            return -1;
    } else if (n != 3) {
        return -1;
    }
    if (h > 23 || m > 59)
        return -1;
    *off = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

/* ISO 8601: p[4] == '-' is known. */
static int parse_iso(const char *p, const char *end, const ef_tz *tz,
                     int64_t *out, int *ms, const char **why)
{
    int y1, y2, mo, d, h, mi, sec = 0, frac = 0;
    int64_t local;
    int32_t off;

    if (end - p < 10 || p[7] != '-' || !dig2(p, &y1) || !dig2(p + 2, &y2) ||
        !dig2(p + 5, &mo) || !dig2(p + 8, &d))
        FAIL("not a date");
    if (mo < 1 || mo > 12)
        FAIL("month out of range");
    if (d < 1 || (d > 28 && d > days_in_month(y1 * 100 + y2, mo)))
        FAIL("day out of range");
    local = days_from_civil4(y1 * 100 + y2, mo, d) * DAY;
    p += 10;
    if (p == end) {
        *out = local_to_utc(tz, local);
        goto done;
    }
    if (*p != 'T' && *p != 't' && *p != ' ')
        FAIL("trailing characters");
    p++;
    if (end - p < 5 || !dig2(p, &h) || p[2] != ':' || !dig2(p + 3, &mi))
        FAIL("not a date");
    if (h > 23)
        FAIL("hour out of range");
    if (mi > 59)
        FAIL("minute out of range");
    p += 5;
    if (p < end && *p == ':') {
        if (end - p < 3 || !dig2(p + 1, &sec))
            FAIL("not a date");
        if (sec > 59)
            FAIL("second out of range");
        p += 3;
        if (p < end && (*p == '.' || *p == ',')) {
            p++;
            if ((frac = fraction_ms(&p, end)) < 0)
                FAIL("not a date");
        }
    }
    local += h * 3600 + mi * 60 + sec;
    if (p == end) {
        *out = local_to_utc(tz, local);
        goto done;
    }
    if (*p == ' ' && end - p > 1)
        p++;
    if (utc_offset(p, end, &off) != 0)
        FAIL(*p == '+' || *p == '-' ? "bad UTC offset"
                                    : "trailing characters");
    *out = local - off;
done:
    if (ms)
        *ms = frac;
    return 0;
}

/* Unix seconds (9 or 10 digits, optional fraction) or milliseconds (13). */
static int parse_epoch(const char *p, const char *end, int64_t *out, int *ms,
                       const char **why)
{
    const char *start = p;
    int64_t v = 0;
    int frac = 0;

    for (; p < end && digit(*p) && p - start < 14; p++)
        v = v * 10 + (*p - '0');
    if (p - start == 13 && p == end) {
        *out = v / 1000;
        frac = (int)(v % 1000);
    } else if (p - start == 9 || p - start == 10) {
        if (p < end && *p == '.') {
            p++;
            if ((frac = fraction_ms(&p, end)) < 0)
                FAIL("not a date");
        }
        if (p != end)
            FAIL("not a date");
        *out = v;
    } else {
        FAIL("not a date");
    }
    if (ms)
        *ms = frac;
    return 0;
}

/* ==== Parsing: --date-format ============================================ */

typedef struct {
    int year, mon, day, yday, hour, min, sec, ms;
    int have_year, have_md, have_yday, have_i, pm, have_off, have_epoch;
    int32_t off;   /* %z */
    int64_t epoch; /* %s */
} fields;

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
static const char *const day_names[7] = {"monday",   "tuesday", "wednesday",
                                         "thursday", "friday",  "saturday",
                                         "sunday"};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Matches an English name (full, else its first three letters) in any
 * case; returns its index or -1 and advances *pp. */
static int match_name(const char **pp, const char *end,
                      const char *const *names, int count)
{
    const char *p = *pp;
    size_t n, k, avail = (size_t)(end - p);
    int i;

    for (i = 0; i < count; i++) {
        n = strlen(names[i]);
        for (k = 0; k < n && k < avail && lower(p[k]) == names[i][k]; k++)
            ;
        if (k == n || k >= 3) {
            *pp = p + (k == n ? n : 3);
            return i;
        }
    }
    return -1;
}

/* 1 to maxd digits, after optional spaces (as glibc's strptime). */
static const char *num(const char *p, const char *end, int maxd, int *v)
{
    int n = 0, x = 0;

    while (p < end && *p == ' ')
        p++;
    for (; n < maxd && p < end && digit(*p); n++)
        x = x * 10 + (*p++ - '0');
    *v = x;
    return n ? p : NULL;
}

/* Matches [p, end) against fmt from its start; returns the end of what
 * matched or NULL. */
static const char *match_fmt(const char *p, const char *end, const char *f,
                             fields *r)
{
    int v;
    char c;

    while (p && *f) {
        c = *f++;
        if (is_space((unsigned char)c)) {
            while (p < end && is_space((unsigned char)*p))
                p++;
            continue;
        }
        if (c != '%') {
            if (p == end || *p != c)
                return NULL;
            p++;
            continue;
        }
        c = *f;
        if (c == 'E' || c == 'O')
            c = *++f;
        if (c == '\0')
            return NULL;
        f++;
        switch (c) {
        case 'Y':
            p = num(p, end, 4, &r->year);
            r->have_year = 1;
            break;
        case 'y':
            if ((p = num(p, end, 2, &v)) != NULL)
                r->year = v < 69 ? 2000 + v : 1900 + v; /* POSIX */
            r->have_year = 1;
            break;
        case 'm':
            p = num(p, end, 2, &r->mon);
            r->have_md = 1;
            break;
        case 'd':
        case 'e':
            p = num(p, end, 2, &r->day);
            r->have_md = 1;
            break;
        case 'j':
            p = num(p, end, 3, &r->yday);
            r->have_yday = 1;
            break;
        case 'H':
            p = num(p, end, 2, &r->hour);
            r->have_i = 0;
            break;
        case 'I':
            p = num(p, end, 2, &r->hour);
            r->have_i = 1;
            break;
        case 'M': p = num(p, end, 2, &r->min); break;
        case 'S': p = num(p, end, 2, &r->sec); break;
        case 'f':
            if ((v = fraction_ms(&p, end)) < 0)
                return NULL;
            r->ms = v;
            break;
        case 'p':
            if (end - p < 2 || lower(p[1]) != 'm' ||
                (lower(p[0]) != 'a' && lower(p[0]) != 'p'))
                return NULL;
            r->pm = lower(p[0]) == 'p';
            p += 2;
            break;
        case 'b':
        case 'B':
        case 'h':
            if ((v = match_name(&p, end, month_names, 12)) < 0)
                return NULL;
            r->mon = v + 1;
            r->have_md = 1;
            break;
        case 'a':
        case 'A':
            if (match_name(&p, end, day_names, 7) < 0)
                return NULL;
            break;
        case 'z': {
            const char *q = p;
            if (q < end && (*q == 'Z' || *q == 'z')) {
                q++;
            } else {
                if (q < end && (*q == '+' || *q == '-'))
                    q++;
                while (q < end && (digit(*q) || *q == ':') && q - p < 6)
                    q++;
            }
            if (q == p || utc_offset(p, q, &r->off) != 0)
                return NULL;
            r->have_off = 1;
            p = q;
            break;
        }
        case 's': {
            int neg = p < end && *p == '-', n = 0;
            p += neg;
            for (r->epoch = 0; p < end && digit(*p) && n < 12; n++)
                r->epoch = r->epoch * 10 + (*p++ - '0');
            if (n == 0)
                return NULL;
            if (neg)
                r->epoch = -r->epoch;
            r->have_epoch = 1;
            break;
        }
        case 'T': p = match_fmt(p, end, "%H:%M:%S", r); break;
        case 'R': p = match_fmt(p, end, "%H:%M", r); break;
        case 'F': p = match_fmt(p, end, "%Y-%m-%d", r); break;
        case 'D': p = match_fmt(p, end, "%m/%d/%y", r); break;
        case 'n':
        case 't':
            while (p < end && is_space((unsigned char)*p))
                p++;
            break;
        case '%':
            if (p == end || *p != '%')
                return NULL;
            p++;
            break;
        default: return NULL;
        }
    }
    return p;
}

static int parse_fmt(const char *s, const char *end, const char *fmt,
                     const ef_tz *tz, int64_t *out, int *ms, const char **why)
{
    fields r;
    const char *p;
    int64_t local;

    memset(&r, 0, sizeof r);
    r.mon = r.day = 1;
    r.pm = -1;
    if ((p = match_fmt(s, end, fmt, &r)) == NULL)
        FAIL("does not match --date-format");
    if (p != end)
        FAIL("trailing characters");
    if (r.have_epoch) {
        /* the years a date can be written in: 0000-01-01 to 9999-12-31 */
        if (r.epoch < -62167219200LL || r.epoch > 253402300799LL)
            FAIL("out of range");
        *out = r.epoch;
        goto done;
    }
    if (!r.have_year)
        FAIL("no year in --date-format");
    if (r.have_i) {
        if (r.hour < 1 || r.hour > 12)
            FAIL("hour out of range");
        r.hour = r.hour % 12 + (r.pm == 1 ? 12 : 0);
    }
    if (r.have_yday && !r.have_md) {
        if (r.yday < 1 || r.yday > 365 + is_leap(r.year))
            FAIL("day out of range");
        local = ef_days_from_civil(r.year, 1, 1) + r.yday - 1;
    } else {
        if (r.mon < 1 || r.mon > 12)
            FAIL("month out of range");
        if (r.day < 1 || r.day > days_in_month(r.year, r.mon))
            FAIL("day out of range");
        local = ef_days_from_civil(r.year, r.mon, r.day);
    }
    if (r.hour > 23)
        FAIL("hour out of range");
    if (r.min > 59)
        FAIL("minute out of range");
    if (r.sec > 59)
        FAIL("second out of range");
    local = local * DAY + r.hour * 3600 + r.min * 60 + r.sec;
    *out = r.have_off ? local - r.off : local_to_utc(tz, local);
done:
    if (ms)
        *ms = r.ms;
    return 0;
}

int ef_datetime_parse(const char *s, size_t len, const char *fmt,
                      const ef_tz *tz, int64_t *out, int *ms, const char **why)
{
    const char *end, *unused;

    if (why == NULL)
        why = &unused;
    if (s == NULL || len == 0)
        FAIL("empty");
    end = s + len;
    while (s < end && is_space((unsigned char)*s))
        s++;
    while (end > s && is_space((unsigned char)end[-1]))
        end--;
    if (s == end)
        FAIL("empty");
    if (fmt)
        return parse_fmt(s, end, fmt, tz, out, ms, why);
    if (end - s > 4 && s[4] == '-')
        return parse_iso(s, end, tz, out, ms, why);
    return parse_epoch(s, end, out, ms, why);
}

ef_status ef_datetime_check_format(const char *fmt, ef_err *e)
{
    static const char convs[] = "YymdejHIMSfpbBhaAzsTRFDnt%";
    const char *f;
    int year = 0;

    if (fmt == NULL || *fmt == '\0')
        return ef_fail(e, EF_ERR_USAGE, "empty date format");
    for (f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        if (f[1] == 'E' || f[1] == 'O')
            f++;
        if (f[1] == '\0')
            return ef_fail(e, EF_ERR_USAGE, "date format \"%s\": ends with %%",
                           fmt);
        if (strchr(convs, f[1]) == NULL)
            return ef_fail(e, EF_ERR_USAGE,
                           "date format \"%s\": unsupported conversion %%%c",
                           fmt, f[1]);
        f++;
        if (strchr("YyFDs", *f))
            year = 1;
    }
    if (!year)
        return ef_fail(e, EF_ERR_USAGE,
                       "date format \"%s\": no year (%%Y, %%y, %%F, %%D or "
                       "%%s)",
                       fmt);
    return EF_OK;
}

/* ==== Formatting ======================================================== */

static void put_digits(char *p, int64_t v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* The date of day z, with years clamped to 0000-9999, as "YYYY-MM-DD". */
static void put_date(char *p, int64_t z)
{
    int64_t y;
    int m, d;

    if (z < ef_days_from_civil(0, 1, 1))
        z = ef_days_from_civil(0, 1, 1);
    if (z > ef_days_from_civil(9999, 12, 31))
        z = ef_days_from_civil(9999, 12, 31);
    ef_civil_from_days(z, &y, &m, &d);
    put_digits(p, y, 4);
    p[4] = '-';
    put_digits(p + 5, m, 2);
    p[7] = '-';
    put_digits(p + 8, d, 2);
}

void ef_datetime_format_utc(int64_t t, char *buf)
{
    int64_t lo = ef_days_from_civil(0, 1, 1) * DAY;
    int64_t hi = ef_days_from_civil(9999, 12, 31) * DAY + DAY - 1;
    int64_t sod;

    t = t < lo ? lo : t > hi ? hi : t;
    sod = floor_mod(t, DAY);
    put_date(buf, floor_div(t, DAY));
    buf[10] = 'T';
    put_digits(buf + 11, sod / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, sod / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, sod % 60, 2);
    buf[19] = 'Z';
    buf[20] = '\0';
}

void ef_datetime_format_date(int64_t t, const ef_tz *tz, char *buf)
{
    t = clamp_t(t);
    put_date(buf, floor_div(t + ef_tz_offset(tz, t), DAY));
    buf[10] = '\0';
}

/* ==== Calendar periods ================================================== */

ef_status ef_period_parse(const char *name, ef_period *out, ef_err *e)
{
    if (strcmp(name, "day") == 0)
        *out = EF_PERIOD_DAY;
    else if (strcmp(name, "week") == 0)
        *out = EF_PERIOD_WEEK;
    else if (strcmp(name, "month") == 0)
        *out = EF_PERIOD_MONTH;
    else
        return ef_fail(e, EF_ERR_USAGE,
                       "unknown period %s (want day, week or month)", name);
    return EF_OK;
}

/* The local date (days from 1970-01-01) of instant t in tz. */
static int64_t local_day(int64_t t, const ef_tz *tz)
{
    return floor_div(t + ef_tz_offset(tz, t), DAY);
}

/* The first day of the period containing local day z. */
static int64_t period_first_day(int64_t z, ef_period p)
{
    int64_t y;
    int m, d;

    switch (p) {
    case EF_PERIOD_WEEK: return z - weekday_mon0(z);
    case EF_PERIOD_MONTH:
        ef_civil_from_days(z, &y, &m, &d);
        return z - (d - 1);
    default: return z;
    }
}

/* The first day of the period after the one containing local day z. */
static int64_t period_next_day(int64_t z, ef_period p)
{
    int64_t y;
    int m, d;

    switch (p) {
    case EF_PERIOD_WEEK: return z - weekday_mon0(z) + 7;
    case EF_PERIOD_MONTH:
        ef_civil_from_days(z, &y, &m, &d);
        return m == 12 ? ef_days_from_civil(y + 1, 1, 1)
                       : ef_days_from_civil(y, m + 1, 1);
    default: return z + 1;
    }
}

int64_t ef_period_start(int64_t t, ef_period p, const ef_tz *tz)
{
    int64_t s;

    t = clamp_t(t);
    s = local_to_utc(tz, period_first_day(local_day(t, tz), p) * DAY);
    return s <= t ? s : t; /* only in zones whose wall clock runs back */
}

int64_t ef_period_next(int64_t start, ef_period p, const ef_tz *tz)
{
    int64_t z, s;
    int tries;

    start = clamp_t(start);
    z = local_day(start, tz);
    for (tries = 0; tries < 3; tries++) {
        z = period_next_day(z, p);
        if ((s = local_to_utc(tz, z * DAY)) > start)
            return s;
    }
    return start + 1; /* unreachable with real zones */
}

void ef_period_label(int64_t start, ef_period p, const ef_tz *tz, char *buf,
                     size_t cap)
{
    char date[EF_DATETIME_DATE_SIZE];
    int64_t z, th, y;
    int m, d;

    if (cap == 0)
        return;
    z = local_day(clamp_t(start), tz);
    if (p == EF_PERIOD_WEEK) {
        /* the ISO week belongs to the year that holds its Thursday */
        th = z - weekday_mon0(z) + 3;
        ef_civil_from_days(th, &y, &m, &d);
        snprintf(buf, cap, "%04lld-W%02d", (long long)y,
                 (int)((th - ef_days_from_civil(y, 1, 1)) / 7) + 1);
        return;
    }
    put_date(date, z);
    date[p == EF_PERIOD_MONTH ? 7 : 10] = '\0';
    snprintf(buf, cap, "%s", date);
}
