/* csv.h - streaming CSV record reader.
 *
 * RFC 4180 (quoted fields, doubled quotes, newlines inside quotes), read
 * leniently like Python's csv module. Input may be UTF-8 (with or without
 * BOM), UTF-16LE/BE with a BOM, or any iconv encoding named in the options,
 * and may be gzip-compressed. Every field comes out as valid UTF-8: invalid
 * sequences become U+FFFD and NUL bytes are dropped, both counted.
 */
#ifndef EF_INPUT_CSV_H
#define EF_INPUT_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

typedef struct ef_csv_reader ef_csv_reader;

typedef struct {
    const char *encoding; /* NULL: auto (UTF-8, UTF-16LE/BE by BOM); else
                             an iconv name ("windows-1252", "latin1") */
    char delimiter;       /* 0: sniff from the header among , ; TAB */
    size_t max_bytes;     /* 0: 64 MiB; the most a record keeps */
    size_t max_fields;    /* 0: 10,000; the most fields a record keeps */
} ef_csv_opts;

/* A record that breaks a limit is read to its end all the same (memory
 * stays bounded: what is past the limit is not kept) and returned cut,
 * with `cut` saying which limit: its fields hold what fitted, for the
 * caller to reject the row and keep what it can of it. */
enum { EF_CSV_CUT_BYTES = 1, EF_CSV_CUT_FIELDS = 2 };

typedef struct {
    const char **field; /* NUL-terminated UTF-8, valid until the next
                           ef_csv_next */
    size_t *len;        /* byte length of each field (no NULs inside) */
    size_t n;           /* number of fields */
    uint64_t line;      /* physical line (1-based) where the record starts */
    int cut;            /* 0, or EF_CSV_CUT_* bits: see above */
    uint64_t nfields;   /* fields the record had, kept or not */
    int after_cr;       /* it was split off the row before at a lone CR
                           (see ef_csv_next), so line may equal the line
                           of the record before */
} ef_csv_record;

typedef struct {
    char encoding[32];     /* "UTF-8", "UTF-8 (BOM)", "UTF-16LE (BOM)",
                              "windows-1252"...; set by the first next */
    char delimiter;        /* the delimiter in use (sniffed or given) */
    char sep_line;         /* the delimiter an Excel "sep=;" first line
                              named (that line is no record), or 0 */
    uint64_t title_lines;  /* non-blank lines skipped above the header
                              as a title: each has one non-empty field,
                              or at most half the header's and names no
                              column, and the line below them maps text
                              and date, within the first 10 lines (and
                              the first read); the header's record keeps
                              its true line */
    char title[84];        /* the first of them, cut to 80 bytes */
    int gzip;              /* 1 when the input was gzip-compressed */
    uint64_t bytes;        /* raw bytes read from the file */
    uint64_t records;      /* records returned so far (header included) */
    uint64_t invalid_utf8; /* invalid sequences replaced by U+FFFD */
    uint64_t nul_bytes;    /* NUL bytes dropped */
    uint64_t cr_rows;      /* records split off at a lone CR */
    char sha256[65];       /* hex sha256 of the raw bytes; "" until EOF */
} ef_csv_stats;

/* Opens PATH ("-" is stdin) for reading; opts may be NULL. Fails with
 * EF_ERR_NOINPUT ("PATH: strerror") when it cannot be opened, EF_ERR_USAGE
 * for an unknown encoding or a bad delimiter. Free with ef_csv_free. */
ef_status ef_csv_open(const char *path, const ef_csv_opts *opts,
                      ef_csv_reader **out, ef_err *e);

/* Like ef_csv_open, over len bytes at data (not copied: they must outlive
 * the reader); name is used in messages. For tests and the fuzzer. */
ef_status ef_csv_open_mem(const char *name, const void *data, size_t len,
                          const ef_csv_opts *opts, ef_csv_reader **out,
                          ef_err *e);

/* Lines above the header that are a title ("Trustpilot reviews export -
 * 2025-03-01", "Report generated ...", an Excel row "Title,,,,") are
 * skipped unless ef_csv_exact was called (see ef_csv_stats.title_lines):
 * the header is the first line whose columns map text and date
 * (ef_columns_map), with map (--map, or NULL) if ef_csv_set_map gave one.
 * Both must come before the first ef_csv_next; map is copied. */
void ef_csv_set_map(ef_csv_reader *r, const char *map);

/* Every line is read as written, none skipped as a title: for a file to
 * be written back. */
void ef_csv_exact(ef_csv_reader *r);

/* Reads the next record into *rec; at end of input returns EF_OK with
 * *eof = 1. A record over a limit is returned cut (rec->cut), not an
 * error. A lone CR outside quotes is data, unless the record has more
 * fields than the first (the header) and splitting at such CRs gives
 * pieces of the header's length in exactly one way: then each piece is
 * a record (an old Mac tool's line end inside an export), numbered by
 * the line feeds before it, and rec->after_cr set on all but the first.
 * Errors: EF_ERR_PARSE ("FILE:LINE: reason"), EF_ERR_NOINPUT
 * ("FILE: empty file (no header row)"), EF_ERR_IO; after an error every
 * call repeats it. */
ef_status ef_csv_next(ef_csv_reader *r, ef_csv_record *rec, int *eof,
                      ef_err *e);

/* What was read so far (encoding, delimiter, counters, sha256). */
const ef_csv_stats *ef_csv_stats_get(const ef_csv_reader *r);

/* Closes the input (not stdin) and frees the reader; NULL is a no-op. */
void ef_csv_free(ef_csv_reader *r);

#endif
