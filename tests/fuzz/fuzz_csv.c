/* fuzz_csv.c - libFuzzer target for the CSV reader.
 *
 * The first byte picks the options: bits 0-2 the encoding, 3-4 the
 * delimiter, 5 small limits (max_bytes, max_fields), 6-7 the read size
 * when built with -DEF_TESTING (which makes records straddle blocks); the
 * rest is the file.
 * Every record is checked: fields non-NULL, len == strlen (NULs are
 * dropped), valid UTF-8, lines going forward (or staying, after a lone
 * CR that ended a row, in a piece as long as the header); at EOF the
 * stats must account for every byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"

#ifdef EF_TESTING
extern size_t csv_block_size;
#endif

/* Strict UTF-8 check (no overlongs, surrogates or code points past
 * U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t k, len;
        unsigned lo = 0x80, hi = 0xBF;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, lo = c == 0xE0 ? 0xA0 : 0x80,
            hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, lo = c == 0xF0 ? 0x90 : 0x80,
            hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return 0;
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            if (s[i + k] < lo || s[i + k] > hi)
                return 0;
            lo = 0x80;
            hi = 0xBF;
        }
        i += len;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encs[8] = {NULL,     NULL,       NULL,
                                        "UTF-8",  "UTF-16",   "UTF-16BE",
                                        "CP1252", "SHIFT_JIS"};
    static const char delims[4] = {0, ',', ';', '\t'};
    ef_csv_opts o = {NULL, 0, 0, 0};
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    ef_err e = {EF_OK, ""};
    uint64_t records = 0, last_line = 0;
    size_t header_n = 0;
    ef_status rc;
    uint8_t sel;
    size_t i;
    int eof = 0;

    if (size == 0)
        return 0;
    sel = data[0];
    data++;
    size--;
    o.encoding = encs[sel & 7];
    o.delimiter = delims[sel >> 3 & 3];
    o.max_bytes = sel & 32 ? 16 : 0;
    o.max_fields = sel & 32 ? 3 : 0;
#ifdef EF_TESTING
    {
        static const size_t sizes[4] = {1, 3, 16, 256 * 1024};

        csv_block_size = sizes[sel >> 6];
    }
#endif
    rc = ef_csv_open_mem("fuzz.csv", data, size, &o, &r, &e);
    if (rc != EF_OK)
        abort(); /* the options above are all valid */
    for (;;) {
        rc = ef_csv_next(r, &rec, &eof, &e);
        if (rc != EF_OK) {
            if (e.msg[0] == '\0' || strncmp(e.msg, "fuzz.csv", 8) != 0)
                abort();
            break;
        }
        if (eof)
            break;
        records++;
        if (rec.n == 0 || rec.field == NULL || rec.len == NULL)
            abort();
        /* a record split off the row before at a lone CR shares its
         * line (ef_csv_next) */
        if (rec.line < 1 || rec.line < last_line ||
            (rec.line == last_line && !rec.after_cr))
            abort();
        if (records == 1)
            header_n = rec.n;
        if (rec.after_cr && (records == 1 || rec.n != header_n))
            abort(); /* the header is never split; pieces are its length */
        /* within the limits, and every field counted */
        if (o.max_fields && rec.n > o.max_fields)
            abort();
        if (rec.nfields < rec.n || (!rec.cut && rec.nfields != rec.n))
            abort();
        last_line = rec.line;
        for (i = 0; i < rec.n; i++) {
            const char *f = rec.field[i];

            if (f == NULL || strlen(f) != rec.len[i])
                abort();
            if (o.max_bytes && rec.len[i] > o.max_bytes)
                abort();
            if (!valid_utf8((const unsigned char *)f, rec.len[i]))
                abort();
        }
    }
    {
        const ef_csv_stats *st = ef_csv_stats_get(r);

        if (st->records != records)
            abort();
        if (eof && (st->bytes != size || strlen(st->sha256) != 64))
            abort();
    }
    ef_csv_free(r);
    return 0;
}
