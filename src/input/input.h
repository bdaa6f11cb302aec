/* input.h - the input stage: sources that yield feedback items one at a
 * time, from CSV files or a SQLite database.
 *
 *   ef_source *src;
 *   ef_source_open("feedback.csv", &opts, &src, &err);
 *   while (ef_source_next(src, &item, &eof, &err) == EF_OK && !eof)
 *       ...;                     // item is valid until the next call
 *   ef_source_free(src);
 *
 * A row that cannot be used is never lost: it is counted by reason,
 * passed to opts.on_reject (which writes rejected.csv), and skipped; with
 * opts.strict the first one is an error instead (EF_ERR_PARSE).
 */
#ifndef EF_INPUT_H
#define EF_INPUT_H

#include "input/datetime.h"
#include "sentiment/sentiment.h"
#include "util/util.h"

/* The fields earful knows; columns are mapped to them by header name. */
typedef enum {
    EF_F_TEXT,
    EF_F_DATE,
    EF_F_ID,
    EF_F_CHANNEL,
    EF_F_AUTHOR,
    EF_F_RATING,
    EF_F_NPS,
    EF_F_RESPONDED_AT,
    EF_F_LABEL,
    EF_F_URL,
    EF_F_COUNT
} ef_field;

/* Why a row was rejected. */
typedef enum {
    EF_REJECT_NO_TEXT,
    EF_REJECT_BAD_DATE,
    EF_REJECT_BAD_RATING,
    EF_REJECT_BAD_NPS,
    EF_REJECT_BAD_RESPONDED_AT,
    EF_REJECT_BAD_LABEL,
    EF_REJECT_FIELD_COUNT,
    EF_REJECT_ID_CONFLICT, /* an id seen before with other content */
    EF_REJECT_TOO_BIG,     /* over EF_MAX_FIELDS fields or EF_MAX_ROW_MIB */
    EF_REJECT_COUNT
} ef_reject_reason;

/* Limits on one CSV row, so that memory stays bounded whatever the input
 * (a gzip bomb of commas, a field without an end): a row past either is
 * read to its end without keeping the excess, and rejected (kept cut in
 * rejected.csv); a header past them is an error. */
#define EF_MAX_FIELDS 10000
#define EF_MAX_ROW_MIB 64

#define EF_NO_TIME INT64_MIN /* an absent date */

/* One feedback row. Strings are NUL-terminated UTF-8 ("" when the column
 * is absent or empty) and valid until the next ef_source_next. */
typedef struct {
    const char *text;
    size_t text_len;
    int64_t date;         /* Unix seconds, UTC */
    const char *id;       /* the row's stable id, or "" */
    const char *channel;  /* trimmed, as written, or "" (the aggregator and
                           * item identities ignore its ASCII case) */
    const char *author;   /* "" for anonymous */
    const char *url;      /* permalink, or "" */
    const char *segment;  /* the --segment column's value, or "" */
    int rating;           /* 1..5 stars, 0 when absent */
    int nps;              /* 0..10, -1 when absent */
    int64_t responded_at; /* first brand response, EF_NO_TIME if none */
    int label;            /* a human's ef_class, -1 when absent */
    int scored;           /* 1: scores hold the store's cached scores */
    ef_scores scores;     /* valid when scored */
    const unsigned char *terms; /* the store's cache of the text's terms
                                 * (metrics/themes.h), or NULL */
    size_t terms_len;
    const char *source; /* the input's path */
    uint64_t line;      /* physical line (CSV) or row number (SQLite) */
} ef_item;

/* A rejected row, as passed to on_reject. */
typedef struct {
    const char *source; /* the input's path */
    uint64_t line;      /* where the row starts */
    ef_reject_reason reason;
    const char *detail;       /* the message: "unparseable date 'x'" */
    const char *const *field; /* the row's original fields */
    const size_t *len;
    size_t nfields;
    const char *const *header; /* the input's column names */
    size_t nheader;
} ef_reject;

typedef struct {
    const char *map;         /* --map "field=Column,...", or NULL */
    const char *date_format; /* --date-format (strptime-like), or NULL */
    const ef_tz *tz;         /* naive times are in this zone (NULL: UTC) */
    const char *encoding;    /* --encoding for CSV, NULL: auto */
    char delimiter;          /* --delimiter for CSV, 0: sniff */
    const char *table;       /* SQLite --table, or NULL */
    const char *query;       /* SQLite --query, or NULL */
    const char *segment;     /* --segment COLUMN, or NULL */
    const char *scorer;      /* cached scores count only from this scorer */
    int strict;              /* the first rejection is an error */
    void (*on_reject)(void *ctx, const ef_reject *r);
    void *reject_ctx;
    /* items to leave out, neither used nor rejected (report
     * --brand-account: the brand's own posts), counted in brand_posts;
     * NULL: none */
    int (*leave_out)(void *ctx, const ef_item *it);
    void *leave_ctx;
} ef_source_opts;

/* What a source read: the data-quality section of the report. */
typedef struct {
    char path[512];
    char kind[8];           /* "csv" or "sqlite" */
    char encoding[48];      /* "UTF-8", "UTF-16LE (BOM), gzip", ... */
    char sha256[65];        /* of the file's bytes, once read to the end */
    uint64_t rows_read;     /* data rows seen */
    uint64_t rows_used;     /* rows returned as items */
    uint64_t rows_rejected; /* rows passed to on_reject */
    uint64_t rejected[EF_REJECT_COUNT]; /* by reason */
    uint64_t invalid_utf8;              /* sequences replaced by U+FFFD */
    uint64_t nul_bytes;                 /* NUL bytes dropped */
    uint64_t duplicates;    /* items dropped as the same item again */
    uint64_t brand_posts;   /* items opts.leave_out left out (the brand's
                               own posts; not in rows_used) */
    int mapped[EF_F_COUNT]; /* 1 when the field has a column (for an
                               earful store: when its inputs had one) */
    char date_format[64];   /* the dates' format, given or sniffed; ""
                               for ISO 8601 and Unix time */
    int ids_ignored;        /* the ids looked mangled: items are known by
                               their content */
    char notes[1024];       /* what was judged on opening, for people:
                               sentences, one a line ("" if none) */
    char hints[1024];       /* suggestions for the command line (unused
                               category columns), one a line */
} ef_source_stats;

typedef struct ef_source ef_source;

/* Opens path as a SQLite database (by its magic header) or else as CSV,
 * maps its columns, and reads up to its first EF_SNIFF_ROWS (1,000) rows
 * ahead to judge them (they are then returned in turn): the form of the
 * dates unless opts->date_format gives it, whether the ids survived a
 * spreadsheet (if not, items lose their ids and are known by content),
 * which unused columns look like categories. What it judged is in the
 * stats' notes and hints. Values from SQLite are made valid UTF-8 without
 * NULs, as CSV fields are. Errors: EF_ERR_NOINPUT (cannot open, an empty
 * file, a corrupt database), EF_ERR_PARSE (a header past the limits, text
 * or date unmapped: the message names the columns found; dates ambiguous
 * between day and month first, or mostly unreadable: the message gives
 * the --date-format to use), EF_ERR_USAGE (bad --map, a --query or
 * --table SQLite cannot compile), EF_ERR_IO. Free with ef_source_free. */
ef_status ef_source_open(const char *path, const ef_source_opts *opts,
                         ef_source **out, ef_err *e);

/* The next usable item; *eof = 1 at the end. */
ef_status ef_source_next(ef_source *s, ef_item *it, int *eof, ef_err *e);

/* 1 when no two items of s can be the same item by the rule of identity
 * (dedup.h): an earful store's feedback table, read whole with its ids,
 * where `earful import` gave every row an id (its own, or its content
 * hash) and the store holds each id once. A report from that store alone
 * needs no set of the items seen. */
int ef_source_ids_unique(ef_source *s);

/* 1 when s reads a table that has rowids (not a view, not WITHOUT ROWID),
 * which can be read by parts (ef_source_part_open). */
int ef_source_has_rowids(ef_source *s);

/* Whether column col of table in db holds no value twice: 1 when a UNIQUE
 * index or the primary key is on that column alone (not partial) and,
 * with not_null, the column holds no NULL (NOT NULL, or the key of a
 * WITHOUT ROWID table); 0 when not; -1 when SQLite cannot tell (the
 * pragmas' table-valued forms are from 3.16 and 3.37). */
struct sqlite3;
int ef_sqlite_unique(struct sqlite3 *db, const char *table, const char *col,
                     int not_null);

/* Parts: the table of a source opened on a SQLite table (not a --query),
 * read by several threads at once, each through a part of its own. A
 * part has s's columns, date formats and options, but its own on_reject
 * (called on the part's thread), and reads nothing until given a range:
 * then ef_source_next returns the items of rows lo <= rowid <= hi, in
 * rowid order, each numbered by its rowid, and *eof at their end; another
 * range may follow. s itself is then not read: ef_source_parts_stats
 * gives what s judged (and its file's sha256) with what its parts read.
 * ef_source_part_rowids gives the table's smallest and largest rowids and
 * the database's size in bytes. Parts are freed with ef_source_free,
 * before s. */
ef_status ef_source_part_open(const ef_source *s,
                              void (*on_reject)(void *, const ef_reject *),
                              void *reject_ctx, ef_source **out, ef_err *e);
ef_status ef_source_part_rowids(ef_source *p, int64_t *min, int64_t *max,
                                int64_t *bytes, ef_err *e);
ef_status ef_source_part_range(ef_source *p, int64_t lo, int64_t hi,
                               ef_err *e);
void ef_source_parts_stats(ef_source *s, ef_source *const *parts, size_t n,
                           ef_source_stats *out);

const ef_source_stats *ef_source_stats_get(const ef_source *s);
void ef_source_free(ef_source *s);

/* The original fields of the row the last item came from (valid until
 * the next ef_source_next), and the input's column names. */
void ef_source_row(const ef_source *s, const char *const **field,
                   const size_t **len, size_t *n);
const char *const *ef_source_header(const ef_source *s, size_t *n);

/* Rejects the item ef_source_next just returned, for a reason only the
 * caller can see (an id conflict): counted under why instead of as used
 * and passed to on_reject with detail; with opts.strict, EF_ERR_PARSE
 * ("FILE:LINE: detail") instead. */
ef_status ef_source_reject(ef_source *s, ef_reject_reason why,
                           const char *detail, ef_err *e);

/* Drops the item ef_source_next just returned as a duplicate of an
 * earlier one: counted in stats.duplicates instead of as used. */
void ef_source_drop_duplicate(ef_source *s);

/* "no text", "unparseable date", ... */
const char *ef_reject_reason_name(ef_reject_reason r);

/* Parses a human label: positive/neutral/negative, pos/neu/neg, 1/0/-1
 * (any case). Returns the ef_class, or -1 if s is not a label. */
int ef_label_parse(const char *s, size_t n);

/* ==== Column mapping (columns.c) ======================================= */

typedef struct {
    int col[EF_F_COUNT];   /* column index for each field, -1 if none */
    int given[EF_F_COUNT]; /* 1 when --map named the field's column */
    int segment;           /* column of --segment, -1 if none */
} ef_columns;

/* Maps header names to fields: --map entries first, then the names and
 * synonyms of each field, case-insensitively. Fails (EF_ERR_PARSE) when
 * text or date has no column, naming the columns found; --map errors are
 * EF_ERR_USAGE. `what` names the input in messages. */
ef_status ef_columns_map(const char *const *names, size_t n, const char *map,
                         const char *segment, const char *what,
                         ef_columns *out, ef_err *e);

/* "text", "date", ... */
const char *ef_field_name(ef_field f);

/* ==== Identity (identity.c) ============================================ */

/* An item is its id when the source has a usable one (it->id is then not
 * empty: a source clears ids it judged unusable, such as a spreadsheet's
 * "5.70301E+17"), else the hash of its content. `import` stores that key
 * as the row's id, `report` dedupes on it and label samples carry it, so
 * a CSV and the store imported from it name every item alike. */

#define EF_KEY_SIZE 17 /* a content hash: 16 hex digits and a NUL */

/* The content hash: the first 8 bytes of SHA-256 over the item's UTC date
 * ("2025-03-04T14:22:05Z"), channel (ASCII lower-cased: sources keep its
 * spelling, the hash does not) and author, each followed by a NUL byte, and
 * its text; as 16 lower-case hex digits. Stores depend on it: never change
 * what it covers. */
void ef_item_hash(const ef_item *it, char out[EF_KEY_SIZE]);

/* The item's key: it->id when not empty, else its content hash written
 * to buf. Valid as long as both it and buf are. */
const char *ef_item_key(const ef_item *it, char buf[EF_KEY_SIZE]);

/* ==== Rejected rows (rejects.c) ======================================== */

typedef struct ef_rejects ef_rejects;

/* Collects rejected rows into a CSV file at path (written under a
 * temporary name; ef_rejects_commit renames it into place, and only if
 * there was a row). Free with ef_rejects_free. */
ef_status ef_rejects_open(const char *path, ef_rejects **out, ef_err *e);

/* The on_reject callback: ctx is the ef_rejects. Also prints the first
 * few as "earful: FILE:LINE: reason" warnings unless quiet. */
void ef_rejects_add(void *ctx, const ef_reject *r);

/* Rows written so far. */
uint64_t ef_rejects_count(const ef_rejects *rj);

/* Closes the file, renaming it into place when it holds rows. */
ef_status ef_rejects_commit(ef_rejects *rj, ef_err *e);
void ef_rejects_set_quiet(ef_rejects *rj, int quiet);
void ef_rejects_free(ef_rejects *rj);

#endif
