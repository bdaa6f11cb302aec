/* fuzz_date.c - libFuzzer target for the date parser and the calendar.
 *
 * The first byte picks the options: bits 0-1 the time zone (UTC, a fixed
 * offset, two IANA zones with DST, one of them with half-hour shifts),
 * bit 2 a --date-format taken from the rest up to its first newline (used
 * only if ef_datetime_check_format accepts it, as the program does); the
 * rest is the date text.
 * Checks: a failure gives a reason; a parsed time is in the years the
 * formats can write, milliseconds in 0-999; its ISO form reads back as
 * the same second; and every period holds it: start <= t < next, the
 * label fits its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/datetime.h"

#define MIN_T (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define MAX_T 253402300799LL   /* 9999-12-31T23:59:59Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const zones[4] = {NULL, "+05:30", "Europe/Paris",
                                         "Australia/Lord_Howe"};
    static ef_tz *tz[4];
    static int opened;
    char fmt[256], iso[EF_DATETIME_UTC_SIZE], day[EF_DATETIME_DATE_SIZE];
    const char *text, *why = NULL, *f = NULL;
    size_t len;
    int64_t t = 0, back = 0;
    int ms = -1;
    uint8_t sel;
    const ef_tz *z;

    if (!opened) {
        for (int i = 0; i < 4; i++) {
            ef_err e = {EF_OK, ""};
            if (ef_tz_open(zones[i], &tz[i], &e) != EF_OK)
                tz[i] = NULL; /* no zoneinfo here: UTC */
        }
        opened = 1;
    }
    if (size == 0)
        return 0;
    sel = data[0];
    text = (const char *)data + 1;
    len = size - 1;
    z = tz[sel & 3];
    if (sel & 4) {
        const char *nl = memchr(text, '\n', len);
        size_t k = nl ? (size_t)(nl - text) : len;
        ef_err e = {EF_OK, ""};
        if (k >= sizeof fmt)
            return 0;
        memcpy(fmt, text, k);
        fmt[k] = '\0';
        if (strlen(fmt) != k || ef_datetime_check_format(fmt, &e) != EF_OK)
            return 0;
        f = fmt;
        text += nl ? k + 1 : k;
        len -= nl ? k + 1 : k;
    }
    if (ef_datetime_parse(text, len, f, z, &t, &ms, &why) != 0) {
        if (why == NULL || why[0] == '\0')
            abort();
        return 0;
    }
    if (t < MIN_T - 86400 || t > MAX_T + 86400 || ms < 0 || ms > 999)
        abort();
    ef_datetime_format_utc(t, iso);
    if (strlen(iso) != EF_DATETIME_UTC_SIZE - 1)
        abort();
    if (t >= MIN_T && t <= MAX_T) {
        if (ef_datetime_parse(iso, strlen(iso), NULL, NULL, &back, NULL,
                              &why) != 0 ||
            back != t)
            abort();
        for (int p = EF_PERIOD_DAY; p <= EF_PERIOD_MONTH; p++) {
            char label[EF_PERIOD_LABEL_SIZE + 8];
            int64_t s = ef_period_start(t, (ef_period)p, z);
            int64_t next = ef_period_next(s, (ef_period)p, z);
            if (s > t || next <= t)
                abort();
            memset(label, 'x', sizeof label);
            ef_period_label(s, (ef_period)p, z, label, EF_PERIOD_LABEL_SIZE);
            if (memchr(label, '\0', EF_PERIOD_LABEL_SIZE) == NULL)
                abort();
        }
    }
    ef_datetime_format_date(t, z, day);
    if (strlen(day) != EF_DATETIME_DATE_SIZE - 1)
        abort();
    return 0;
}
