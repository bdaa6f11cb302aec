/* test_source.c - sources: CSV and SQLite rows to items, column mapping,
 * dates, rejected rows, and the errors, over the nasty files of
 * tests/data/source/ (see its README).
 *
 * Each case names a file and the options, and gives every item it must
 * yield, one line each ("LINE|DATE|ID|CHANNEL|AUTHOR|RATING|NPS|RESPONDED|
 * LABEL|URL|TEXT", absent values empty, CR and LF in the text as \r and
 * \n), every rejected row ("LINE: reason"), or the error ("ERR:message").
 * Expected dates were worked out with Python's datetime and zoneinfo,
 * not with earful (see test_datetime.c for the method).
 *
 * Binary fixtures are written at run time under build/test-source/: gzip,
 * UTF-16LE, windows-1252, invalid UTF-8 and NUL bytes, a 16 MB field, and
 * SQLite databases made by the sqlite3 shell from tests/data/source/
 * store.sql and several.sql.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "input/input.h"
#include "test.h"
#include "util/text.h"

#define SRC "tests/data/source/"
#define GEN "build/test-source/"

/* ==== Cases ============================================================= */

typedef struct {
    const char *name;
    const char *path;
    const char *map, *date_format, *tz, *encoding, *table, *query, *scorer;
    char delimiter;
    int strict;
    const char *items;   /* the items, then "ERR:message" on an error */
    ef_status status;    /* that error's status (checked when set) */
    const char *rejects; /* "LINE: reason\n" per rejected row */
    const char *encname; /* stats.encoding after the last row; NULL: any */
    int invalid, nuls;   /* stats.invalid_utf8, stats.nul_bytes */
} src_case;

#define FFFD "\xEF\xBF\xBD"

static const src_case cases[] = {
    {.name = "basic",
     .path = SRC "basic.csv",
     .items = "2|2025-03-04T14:22:05Z|a1|Twitter|@maria|5||"
              "2025-03-04T15:00:00Z|positive|https://t.example/1|"
              "Love the new buds!\n"
              "3|2025-03-05T00:00:00Z|a2|facebook||1|3||negative||"
              "Battery died, again.\n"
              "4|2025-03-06T08:30:00Z|a3|SURVEY|cust-1||7||neutral||"
              "It is fine.\n",
     .encname = "UTF-8"},
    {.name = "BOM, ';' and CR LF",
     .path = SRC "bom_semicolon_crlf.csv",
     .items = "2|2025-01-02T00:00:00Z|1||||||||Bonjour, \xC3\xA7"
              "a va\n"
              "3|2025-01-03T00:00:00Z|2||||||||multi\\r\\nline\n"
              "5|2025-01-04T00:00:00Z|3||||||||end\n",
     .encname = "UTF-8 (BOM)"},
    {.name = "TAB",
     .path = SRC "tab.tsv",
     .items = "2|2025-02-01T00:00:00Z||||4|||||hello; world, ok\n"
              "3|2025-02-02T00:00:00Z|||||||||tab\tinside\n"},
    {.name = "TAB given",
     .path = SRC "tab.tsv",
     .delimiter = '\t',
     .items = "2|2025-02-01T00:00:00Z||||4|||||hello; world, ok\n"
              "3|2025-02-02T00:00:00Z|||||||||tab\tinside\n"},
    {.name = "quoted newlines: the line where the record starts",
     .path = SRC "quoted_newlines.csv",
     .items = "2|2025-01-01T00:00:00Z|1||||||||first\\nsecond\\nthird\n"
              "5|2025-01-02T00:00:00Z|2||||||||she said \"no\"\n"
              "6|2025-01-03T00:00:00Z|3||||||||plain\n"},
    {.name = "mixed line endings",
     .path = SRC "mixed_endings.csv",
     .items = "2|2025-01-01T00:00:00Z|1||||||||a\n"
              "3|2025-01-02T00:00:00Z|2||||||||b\n"
              "4|2025-01-03T00:00:00Z|3||||||||c\n"},
    {.name = "Comment, Created_At, Stars, LTR...",
     .path = SRC "comment_column.csv",
     .items = "2|2025-05-01T08:00:00Z||Reviews|bob|5|10||||"
              "Great, works well\n"},
    {.name = "synonyms",
     .path = SRC "synonyms.csv",
     .items = "2|2025-06-01T12:00:00Z|r-9|App Store|zoe|1|0|"
              "2025-06-02T12:00:00Z|negative|https://x.example/r-9|"
              "Crashes on start\n"},
    {.name = "--map",
     .path = SRC "map.csv",
     .map = "date=When,text=Body Text,author=who, rating = score ",
     .items = "2|2025-01-01T00:00:00Z|||amy|3|||||mapped text\n"},
    {.name = "--map: no such column",
     .path = SRC "map.csv",
     .map = "text=Body,date=When",
     .items = "ERR:" SRC "map.csv: --map text=Body: no such column (found "
              "'When', 'Body Text', 'Who', 'Score')"},
    {.name = "--map: unknown field",
     .path = SRC "map.csv",
     .map = "txt=Body Text",
     .items = "ERR:option --map: unknown field 'txt' (text, date, id, "
              "channel, author, rating, nps, responded_at, label, url)"},
    {.name = "--map: not field=column",
     .path = SRC "map.csv",
     .map = "text",
     .items = "ERR:option --map: expected field=Column, got 'text'"},
    {.name = "no text column",
     .path = SRC "no_text.csv",
     .items = "ERR:" SRC "no_text.csv: no text column (found 'date', "
              "'title', 'stars'); name one with --map text=COLUMN"},
    {.name = "no date column",
     .path = SRC "no_date.csv",
     .items = "ERR:" SRC "no_date.csv: no date column (found 'text', "
              "'when'); name one with --map date=COLUMN"},
    {.name = "duplicate header: the first wins",
     .path = SRC "dup_header.csv",
     .items = "2|2025-01-01T00:00:00Z|||||||||first\n"},
    {.name = "dates",
     .path = SRC "dates.csv",
     .items = "2|2025-03-04T00:00:00Z|||||||||date only\n"
              "3|2025-03-04T14:22:00Z|||||||||minutes\n"
              "4|2025-03-04T14:22:05Z|||||||||fraction Z\n"
              "5|2025-03-04T08:52:05Z|||||||||offset\n"
              "6|2025-03-04T14:22:05Z|||||||||lower t UTC\n"
              "7|2025-03-04T14:22:05Z|||||||||epoch seconds\n"
              "8|2025-03-04T14:22:05Z|||||||||epoch ms\n"
              "9|2025-03-04T14:22:05Z|||||||||epoch fraction\n"
              "10|2025-03-04T22:22:05Z|||||||||padded offset\n",
     .rejects = "11: unparseable date '04/03/2025' (not a date)\n"},
    {.name = "--tz Europe/Paris",
     .path = SRC "dates_tz.csv",
     .tz = "Europe/Paris",
     .items = "2|2025-03-04T13:22:05Z|||||||||winter\n"
              "3|2025-07-01T10:00:00Z|||||||||summer\n"
              "4|2025-03-30T01:30:00Z|||||||||in the gap\n"
              "5|2025-10-26T00:30:00Z|||||||||in the overlap\n"
              "6|2025-03-04T14:22:05Z|||||||||explicit Z\n"
              "7|2025-03-04T14:22:05Z|||||||||epoch\n"},
    {.name = "--tz +05:30",
     .path = SRC "dates_tz.csv",
     .tz = "+05:30",
     .items = "2|2025-03-04T08:52:05Z|||||||||winter\n"
              "3|2025-07-01T06:30:00Z|||||||||summer\n"
              "4|2025-03-29T21:00:00Z|||||||||in the gap\n"
              "5|2025-10-25T21:00:00Z|||||||||in the overlap\n"
              "6|2025-03-04T14:22:05Z|||||||||explicit Z\n"
              "7|2025-03-04T14:22:05Z|||||||||epoch\n"},
    {.name = "--date-format",
     .path = SRC "dates_format.csv",
     .date_format = "%d/%m/%Y %H:%M",
     .items = "2|2025-03-04T14:22:00Z|||||||||day first\n"
              "3|2025-03-04T09:05:00Z|||||||||short numbers\n",
     .rejects =
         "4: unparseable date '2025-03-04' (does not match --date-format)\n"},
    {.name = "rejects, one per reason",
     .path = SRC "rejects.csv",
     .items = "2|2025-01-01T00:00:00Z|1|||5|10|2025-01-02T00:00:00Z|"
              "positive||ok row\n"
              "12|2025-01-01T00:00:00Z|11|||4|0||negative||edge values\n",
     .rejects = "3: no text\n"
                "4: unparseable date 'not a date' (not a date)\n"
                "5: rating '0' is not 1-5\n"
                "6: rating '6' is not 1-5\n"
                "7: rating 'x' is not 1-5\n"
                "8: nps '11' is not 0-10\n"
                "9: unparseable responded_at 'soon' (not a date)\n"
                "10: label 'maybe' is not positive, neutral or negative\n"
                "11: 4 fields, the header has 7\n"
                "13: 8 fields, the header has 7\n"},
    {.name = "--strict",
     .path = SRC "rejects.csv",
     .strict = 1,
     .items = "2|2025-01-01T00:00:00Z|1|||5|10|2025-01-02T00:00:00Z|"
              "positive||ok row\n"
              "ERR:" SRC "rejects.csv:3: no text"},
    {.name = "empty file",
     .path = SRC "empty.csv",
     .items = "ERR:" SRC "empty.csv: empty file (no header row)"},
    {.name = "header only", .path = SRC "header_only.csv", .items = ""},
    {.name = "unterminated quote at EOF",
     .path = SRC "unterminated.csv",
     .items = "ERR:" SRC "unterminated.csv:2: unterminated \"-quoted "
              "field"},
    {.name = "missing file",
     .path = SRC "no-such-file.csv",
     .items = "ERR:" SRC "no-such-file.csv: No such file or directory"},
    {.name = "cached scores of the same scorer",
     .path = SRC "cached_scores.csv",
     .scorer = "S1",
     .items = "2|2025-01-01T00:00:00Z|||||||||hello|scores 0.1 0.2 0.7 0.5\n"
              "3|2025-01-01T00:00:00Z|||||||||hi\n"
              "4|2025-01-01T00:00:00Z|||||||||yo\n"},
    {.name = "cached scores: duplicate columns, the first wins",
     .path = SRC "cached_dup.csv",
     .scorer = "S1",
     .items = "2|2025-01-01T00:00:00Z|||||||||x|scores 0.1 0.2 0.7 0.5\n"},
    {.name = "cached scores without a scorer",
     .path = SRC "cached_scores.csv",
     .items = "2|2025-01-01T00:00:00Z|||||||||hello\n"
              "3|2025-01-01T00:00:00Z|||||||||hi\n"
              "4|2025-01-01T00:00:00Z|||||||||yo\n"},

    /* generated by make_fixtures() */
    {.name = "gzip",
     .path = GEN "basic.csv.gz",
     .items = "2|2025-03-04T14:22:05Z|a1|Twitter|@maria|5||"
              "2025-03-04T15:00:00Z|positive|https://t.example/1|"
              "Love the new buds!\n"
              "3|2025-03-05T00:00:00Z|a2|facebook||1|3||negative||"
              "Battery died, again.\n"
              "4|2025-03-06T08:30:00Z|a3|SURVEY|cust-1||7||neutral||"
              "It is fine.\n",
     .encname = "UTF-8, gzip"},
    {.name = "UTF-16LE with BOM",
     .path = GEN "utf16le.csv",
     .items = "2|2025-01-01T00:00:00Z|||||||||caf\xC3\xA9 \xF0\x9F\x98\x80\n"
              "3|2025-01-02T00:00:00Z|||||||||two\\r\\nlines\n",
     .encname = "UTF-16LE (BOM)"},
    {.name = "windows-1252 with --encoding",
     .path = GEN "win1252.csv",
     .encoding = "windows-1252",
     .items = "2|2025-01-01T00:00:00Z|||||||||Caf\xC3\xA9 cr\xC3\xA8me "
              "\xE2\x82\xAC"
              "5\n",
     .encname = "windows-1252"},
    {.name = "windows-1252 without --encoding: replaced, counted",
     .path = GEN "win1252.csv",
     .items =
         "2|2025-01-01T00:00:00Z|||||||||Caf" FFFD " cr" FFFD "me " FFFD "5\n",
     .encname = "UTF-8",
     .invalid = 3},
    {.name = "invalid UTF-8 and NUL bytes",
     .path = GEN "invalid_nul.csv",
     .items = "2|2025-01-01T00:00:00Z|||||||||bad " FFFD " byte\n"
              "3|2025-01-02T00:00:00Z|||||||||nulhere\n",
     .invalid = 1,
     .nuls = 2},
    {.name = "SQLite: the feedback table",
     .path = GEN "store.db",
     .items = "1|2025-03-04T14:22:05Z|s1|Forum|ann|4|||||text date\n"
              "2|2025-03-04T14:22:05Z|s2|forum|||9|2025-03-04T15:22:05Z|"
              "positive||integer date\n"
              "3|2025-03-04T14:22:05Z|s3|forum||5|||||real date\n",
     .rejects = "4: unparseable date '' (empty)\n"
                "5: no text\n"
                "6: rating '4.5' is not 1-5\n"},
    {.name = "SQLite: --table",
     .path = GEN "store.db",
     .table = "other",
     .items = "1|2025-03-04T14:22:05Z|||||||||from other\n"
              "2|1970-01-01T00:00:00Z|||||||||epoch zero\n"},
    {.name = "SQLite: --query",
     .path = GEN "store.db",
     .query = "SELECT upper(body) AS comment, created_at AS timestamp "
              "FROM other WHERE created_at > 0",
     .items = "1|2025-03-04T14:22:05Z|||||||||FROM OTHER\n"},
    {.name = "SQLite: --query must only read",
     .path = GEN "store.db",
     .query = "DELETE FROM feedback",
     .items = "ERR:" GEN "store.db: --query must only read (a SELECT), "
              "got 'DELETE FROM feedback'"},
    {.name = "SQLite: --query with RETURNING must only read",
     .path = GEN "store.db",
     .query = "DELETE FROM other RETURNING body AS text, created_at AS date",
     .items = "ERR:" GEN "store.db: --query must only read (a SELECT), "
              "got 'DELETE FROM other RETURNING body AS text, "
              "created_at AS date'"},
    {.name = "SQLite: --query syntax error",
     .path = GEN "store.db",
     .query = "SELEKT 1",
     .items = "ERR:" GEN "store.db: near \"SELEKT\": syntax error "
              "(in --query)",
     .status = EF_ERR_USAGE},
    {.name = "SQLite: --query failing on the data",
     .path = GEN "store.db",
     .query = "SELECT json_extract('{', '$.x') AS text, 1 AS date",
     .items = "ERR:" GEN "store.db: malformed JSON (in --query)",
     .status = EF_ERR_PARSE},
    {.name = "SQLite: no such --table",
     .path = GEN "store.db",
     .table = "nope",
     .items = "ERR:" GEN "store.db: no such table: nope",
     .status = EF_ERR_USAGE},
    {.name = "SQLite: a corrupt database is unreadable input",
     .path = GEN "corrupt.db",
     .items = "ERR:" GEN "corrupt.db: database disk image is malformed",
     .status = EF_ERR_NOINPUT},
    /* a BLOB of "ok", NUL, 0xFF, "!": repaired as a CSV field would be */
    {.name = "SQLite: a BLOB's NUL and invalid UTF-8",
     .path = GEN "blob.db",
     .items = "1|2025-01-01T00:00:00Z|||||||||ok" FFFD "!\n",
     .invalid = 1,
     .nuls = 1},
    {.name = "SQLite: several tables, none named feedback",
     .path = GEN "several.db",
     .items = "ERR:" GEN "several.db: no table 'feedback' and several "
              "others ('a', 'b'): name one with --table"},
    {.name = "SQLite: --strict",
     .path = GEN "store.db",
     .strict = 1,
     .items = "1|2025-03-04T14:22:05Z|s1|Forum|ann|4|||||text date\n"
              "2|2025-03-04T14:22:05Z|s2|forum|||9|2025-03-04T15:22:05Z|"
              "positive||integer date\n"
              "3|2025-03-04T14:22:05Z|s3|forum||5|||||real date\n"
              "ERR:" GEN "store.db:4: unparseable date '' (empty)"},
};

/* ==== Running a case ==================================================== */

/* Appends s (n bytes) with CR and LF written as \r and \n. */
static void put_escaped(ef_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            ef_buf_puts(b, "\\n");
        else if (s[i] == '\r')
            ef_buf_puts(b, "\\r");
        else
            ef_buf_putc(b, s[i]);
    }
}

static void dump_item(ef_buf *b, const ef_item *it)
{
    char d[EF_DATETIME_UTC_SIZE];

    ef_datetime_format_utc(it->date, d);
    ef_buf_printf(b, "%llu|%s|%s|%s|%s|", (unsigned long long)it->line, d,
                  it->id, it->channel, it->author);
    if (it->rating)
        ef_buf_printf(b, "%d", it->rating);
    ef_buf_putc(b, '|');
    if (it->nps >= 0)
        ef_buf_printf(b, "%d", it->nps);
    ef_buf_putc(b, '|');
    if (it->responded_at != EF_NO_TIME) {
        ef_datetime_format_utc(it->responded_at, d);
        ef_buf_puts(b, d);
    }
    ef_buf_putc(b, '|');
    if (it->label >= 0)
        ef_buf_puts(b, ef_class_name((ef_class)it->label));
    ef_buf_printf(b, "|%s|", it->url);
    put_escaped(b, it->text, it->text_len);
    if (it->scored)
        ef_buf_printf(b, "|scores %g %g %g %g", it->scores.neg, it->scores.neu,
                      it->scores.pos, it->scores.compound);
    ef_buf_putc(b, '\n');
}

static void collect_reject(void *ctx, const ef_reject *r)
{
    ef_buf_printf(ctx, "%llu: %s\n", (unsigned long long)r->line, r->detail);
}

/* Reads the case's source to the end: items (or the error) into items,
 * rejections into rejects; returns the status and the stats. */
static ef_status run(const src_case *c, ef_buf *items, ef_buf *rejects,
                     ef_source_stats *st)
{
    ef_source_opts o = {0};
    ef_source *src = NULL;
    ef_tz *tz = NULL;
    ef_err e = {EF_OK, ""};
    ef_item it;
    int eof = 0;
    ef_status rc;

    ef_buf_clear(items);
    ef_buf_clear(rejects);
    memset(st, 0, sizeof *st);
    if (c->tz && ef_tz_open(c->tz, &tz, &e) != EF_OK)
        abort();
    o.map = c->map;
    o.date_format = c->date_format;
    o.tz = tz;
    o.encoding = c->encoding;
    o.delimiter = c->delimiter;
    o.table = c->table;
    o.query = c->query;
    o.scorer = c->scorer;
    o.strict = c->strict;
    o.on_reject = collect_reject;
    o.reject_ctx = rejects;
    rc = ef_source_open(c->path, &o, &src, &e);
    while (rc == EF_OK && (rc = ef_source_next(src, &it, &eof, &e)) == EF_OK &&
           !eof)
        dump_item(items, &it);
    if (rc != EF_OK)
        ef_buf_printf(items, "ERR:%s", e.msg);
    if (src)
        *st = *ef_source_stats_get(src);
    ef_source_free(src);
    ef_tz_free(tz);
    ef_buf_cstr(items);
    ef_buf_cstr(rejects);
    return rc;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void check_case(const src_case *c)
{
    ef_buf items = EF_BUF_INIT, rejects = EF_BUF_INIT;
    ef_source_stats st;
    char what[200];
    ef_status rc = run(c, &items, &rejects, &st);

    STR_EQ(items.data, c->items, c->name);
    if (c->status)
        INT_EQ(rc, c->status, c->name);
    snprintf(what, sizeof what, "%s: rejects", c->name);
    STR_EQ(rejects.data, c->rejects ? c->rejects : "", what);
    if (rc == EF_OK) {
        snprintf(what, sizeof what, "%s: rows used", c->name);
        INT_EQ(st.rows_used, count_lines(c->items), what);
        snprintf(what, sizeof what, "%s: rows rejected", c->name);
        INT_EQ(st.rows_rejected, count_lines(c->rejects), what);
        snprintf(what, sizeof what, "%s: rows read", c->name);
        INT_EQ(st.rows_read, st.rows_used + st.rows_rejected, what);
        snprintf(what, sizeof what, "%s: invalid UTF-8", c->name);
        INT_EQ(st.invalid_utf8, c->invalid, what);
        snprintf(what, sizeof what, "%s: NUL bytes", c->name);
        INT_EQ(st.nul_bytes, c->nuls, what);
        snprintf(what, sizeof what, "%s: sha256", c->name);
        INT_EQ(strlen(st.sha256), 64, what);
        if (c->encname) {
            snprintf(what, sizeof what, "%s: encoding", c->name);
            STR_EQ(st.encoding, c->encname, what);
        }
    }
    ef_buf_reset(&items);
    ef_buf_reset(&rejects);
}

/* ==== Generated fixtures ================================================ */

static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, n, f) == n;

    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ef_buf b = EF_BUF_INIT;
    char chunk[4096];
    size_t k;

    if (f == NULL)
        return NULL;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        ef_buf_put(&b, chunk, k);
    fclose(f);
    *n = b.len;
    ef_buf_cstr(&b);
    return b.data;
}

/* UTF-8 to UTF-16LE with a BOM. */
static void to_utf16le(const char *s, size_t n, ef_buf *out)
{
    ef_buf_put(out, "\xFF\xFE", 2);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        unsigned u[2];
        int k = 1;

        i += ef_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        u[0] = cp;
        if (cp >= 0x10000) {
            u[0] = 0xD800 + ((cp - 0x10000) >> 10);
            u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            k = 2;
        }
        for (int j = 0; j < k; j++) {
            ef_buf_putc(out, (char)(u[j] & 0xFF));
            ef_buf_putc(out, (char)(u[j] >> 8));
        }
    }
}

/* Writes the fixtures that are not committed; returns 0, or -1 (with a
 * failure counted) if one could not be made. */
static int make_fixtures(void)
{
    static const char u16[] = "date,text\r\n2025-01-01,caf\xC3\xA9 "
                              "\xF0\x9F\x98\x80\r\n2025-01-02,\"two\r\n"
                              "lines\"\r\n";
    static const char w1252[] = "date,text\n2025-01-01,Caf\xE9 cr\xE8me "
                                "\x80"
                                "5\n";
    static const char bad[] = "date,text\n2025-01-01,bad \xFF byte\n"
                              "2025-01-02,nul\0here\0\n";
    ef_buf b = EF_BUF_INIT;
    char *basic;
    size_t n;
    gzFile gz;
    int rc = 0;

    mkdir("build", 0777);
    mkdir(GEN, 0777);
    basic = read_file(SRC "basic.csv", &n);
    gz = gzopen(GEN "basic.csv.gz", "wb");
    if (basic == NULL || gz == NULL || gzwrite(gz, basic, (unsigned)n) <= 0)
        rc = -1;
    if (gz && gzclose(gz) != Z_OK)
        rc = -1;
    free(basic);
    to_utf16le(u16, sizeof u16 - 1, &b);
    if (write_file(GEN "utf16le.csv", b.data, b.len) ||
        write_file(GEN "win1252.csv", w1252, sizeof w1252 - 1) ||
        write_file(GEN "invalid_nul.csv", bad, sizeof bad - 1))
        rc = -1;
    ef_buf_reset(&b);
    /* SQLite databases, by the sqlite3 shell (a build dependency) */
    remove(GEN "store.db");
    remove(GEN "several.db");
    remove(GEN "blob.db");
    if (system("sqlite3 " GEN "store.db < " SRC "store.sql") != 0 ||
        system("sqlite3 " GEN "several.db < " SRC "several.sql") != 0 ||
        system("sqlite3 " GEN "blob.db \"CREATE TABLE feedback(date, text);"
               " INSERT INTO feedback VALUES ('2025-01-01', "
               "X'6F6B00FF21')\"") != 0)
        rc = -1;
    /* the store with its header kept and every page after it garbled */
    basic = read_file(GEN "store.db", &n);
    if (basic == NULL || n < 200)
        rc = -1;
    else {
        memset(basic + 100, 0x5a, n - 100);
        rc |= write_file(GEN "corrupt.db", basic, n);
    }
    free(basic);
    OK(rc == 0, "fixtures generated under " GEN);
    return rc;
}

/* A 16 MiB field in a quoted, multi-line record, and the row after it. */
static void check_big_field(void)
{
    const size_t big = (size_t)16 << 20;
    ef_source_opts o = {0};
    ef_source *src = NULL;
    ef_err e = {EF_OK, ""};
    ef_item it;
    int eof = 0, ok = 1;
    char *data = ef_xmalloc(big + 64);
    size_t n = 0;

    n += (size_t)sprintf(data, "date,text\n2025-01-01,\"");
    memset(data + n, 'x', big);
    data[n + big / 2] = '\n'; /* the record spans lines 2 and 3 */
    n += big;
    n += (size_t)sprintf(data + n, "\"\n2025-01-02,after\n");
    OK(write_file(GEN "big_field.csv", data, n) == 0, "16 MB field: write");
    free(data);

    INT_EQ(ef_source_open(GEN "big_field.csv", &o, &src, &e), EF_OK,
           "16 MB field: open");
    if (src == NULL)
        return;
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_OK, "16 MB field: next");
    INT_EQ(it.text_len, big, "16 MB field: length");
    INT_EQ(it.line, 2, "16 MB field: line");
    for (size_t i = 0; i < it.text_len && ok; i++)
        ok = it.text[i] == (i == big / 2 ? '\n' : 'x');
    OK(ok, "16 MB field: content");
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_OK, "16 MB field: next");
    INT_EQ(it.line, 4, "16 MB field: the row after");
    STR_EQ(it.text, "after", "16 MB field: the row after");
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_OK, "16 MB field: end");
    INT_EQ(eof, 1, "16 MB field: eof");
    ef_source_free(src);
    remove(GEN "big_field.csv");
}

/* The rejected rows as written to a CSV file by ef_rejects_*. */
static void check_rejects_file(void)
{
    static const char want[] =
        "source,line,reason,id,date,text,rating,nps,responded_at,label\r\n" SRC
        "rejects.csv,3,no text,2,2025-01-01,\"   \",,,,\r\n" SRC
        "rejects.csv,4,unparseable date 'not a date' (not a date),3,"
        "not a date,text,,,,\r\n" SRC
        "rejects.csv,5,rating '0' is not 1-5,4,2025-01-01,text,0,,,\r\n" SRC
        "rejects.csv,6,rating '6' is not 1-5,5,2025-01-01,text,6,,,\r\n" SRC
        "rejects.csv,7,rating 'x' is not 1-5,6,2025-01-01,text,x,,,\r\n" SRC
        "rejects.csv,8,nps '11' is not 0-10,7,2025-01-01,text,,11,,\r\n" SRC
        "rejects.csv,9,unparseable responded_at 'soon' (not a date),8,"
        "2025-01-01,text,,,soon,\r\n" SRC
        "rejects.csv,10,\"label 'maybe' is not positive, neutral or "
        "negative\",9,2025-01-01,text,,,,maybe\r\n" SRC
        "rejects.csv,11,\"4 fields, the header has 7\",10,2025-01-01,"
        "too,few\r\n" SRC
        "rejects.csv,13,\"8 fields, the header has 7\",12,2025-01-01,a,"
        "1,2,,,extra\r\n";
    ef_source_opts o = {0};
    ef_source *src = NULL;
    ef_rejects *rj = NULL;
    ef_err e = {EF_OK, ""};
    ef_item it;
    int eof = 0, used = 0;
    char *got;
    size_t n;

    remove(GEN "rejected.csv");
    INT_EQ(ef_rejects_open(GEN "rejected.csv", &rj, &e), EF_OK,
           "rejects file: open");
    ef_rejects_set_quiet(rj, 1);
    o.on_reject = ef_rejects_add;
    o.reject_ctx = rj;
    INT_EQ(ef_source_open(SRC "rejects.csv", &o, &src, &e), EF_OK,
           "rejects file: source");
    while (src && ef_source_next(src, &it, &eof, &e) == EF_OK && !eof)
        used++;
    INT_EQ(used, 2, "rejects file: rows used");
    INT_EQ(ef_rejects_count(rj), 10, "rejects file: rows");
    OK(access(GEN "rejected.csv", F_OK) != 0,
       "rejects file: not in place before commit");
    INT_EQ(ef_rejects_commit(rj, &e), EF_OK, "rejects file: commit");
    ef_rejects_free(rj);
    ef_source_free(src);
    got = read_file(GEN "rejected.csv", &n);
    STR_EQ(got, want, "rejects file: content");
    free(got);

    /* no rejection, no file (and an old one goes) */
    INT_EQ(ef_rejects_open(GEN "rejected.csv", &rj, &e), EF_OK,
           "rejects file: reopen");
    INT_EQ(ef_rejects_commit(rj, &e), EF_OK, "rejects file: empty commit");
    ef_rejects_free(rj);
    OK(access(GEN "rejected.csv", F_OK) != 0, "rejects file: none");

    /* a file that cannot be created is an error at commit */
    rj = NULL;
    INT_EQ(ef_rejects_open(GEN "no-such-dir/rejected.csv", &rj, &e), EF_OK,
           "rejects file: open in a missing folder");
    ef_rejects_set_quiet(rj, 1);
    o.reject_ctx = rj;
    src = NULL;
    ef_source_open(SRC "rejects.csv", &o, &src, &e);
    while (src && ef_source_next(src, &it, &eof, &e) == EF_OK && !eof)
        ;
    ef_source_free(src);
    INT_EQ(ef_rejects_commit(rj, &e), EF_ERR_CANTCREAT,
           "rejects file: cannot create");
    OK(strstr(e.msg, "no-such-dir") != NULL, "rejects file: message");
    ef_rejects_free(rj);
}

/* A --query cannot change the database: the rows are all still there. */
static void check_read_only(void)
{
    ef_source_opts o = {0};
    ef_source *src = NULL;
    ef_err e = {EF_OK, ""};
    ef_item it;
    int eof = 0;

    o.query = "DELETE FROM feedback";
    ef_source_open(GEN "store.db", &o, &src, &e);
    ef_source_free(src);
    o.query = "SELECT count(*) AS text, '2025-01-01' AS date FROM feedback";
    e.code = EF_OK;
    src = NULL;
    INT_EQ(ef_source_open(GEN "store.db", &o, &src, &e), EF_OK,
           "read-only: count");
    if (src == NULL)
        return;
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_OK, "read-only: next");
    STR_EQ(it.text, "6", "read-only: every row still there");
    ef_source_free(src);
}

static void check_labels(void)
{
    static const struct {
        const char *s;
        int want;
    } t[] = {{"positive", EF_POSITIVE},
             {" POS ", EF_POSITIVE},
             {"+1", EF_POSITIVE},
             {"1", EF_POSITIVE},
             {"Neutral", EF_NEUTRAL},
             {"0", EF_NEUTRAL},
             {"neg", EF_NEGATIVE},
             {"-1", EF_NEGATIVE},
             {"", -1},
             {"good", -1},
             {"2", -1},
             {"negatives", -1}};

    for (size_t i = 0; i < EF_ARRAY_LEN(t); i++)
        INT_EQ(ef_label_parse(t[i].s, strlen(t[i].s)), t[i].want, t[i].s);
    STR_EQ(ef_reject_reason_name(EF_REJECT_FIELD_COUNT),
           "wrong number of fields", "reason name");
}

/* Rows past the limits (EF_MAX_FIELDS fields): rejected with the count,
 * the rows after them read; with --strict, an error; a header past them,
 * an error. */
static void check_limits(void)
{
    ef_buf data = EF_BUF_INIT, rejects = EF_BUF_INIT;
    ef_source_opts o = {0};
    ef_source *src = NULL;
    ef_err e = {EF_OK, ""};
    ef_item it;
    int eof = 0;

    ef_buf_puts(&data, "date,text\n2025-01-01,");
    for (int i = 0; i < 20000; i++)
        ef_buf_putc(&data, ',');
    ef_buf_puts(&data, "\n2025-01-02,after\n");
    OK(write_file(GEN "wide.csv", data.data, data.len) == 0, "wide: write");
    o.on_reject = collect_reject;
    o.reject_ctx = &rejects;
    INT_EQ(ef_source_open(GEN "wide.csv", &o, &src, &e), EF_OK, "wide: open");
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_OK, "wide: next");
    STR_EQ(it.text, "after", "wide: the row after is read");
    STR_EQ(ef_buf_cstr(&rejects),
           "2: 20,002 fields, over the limit of 10,000 (the first 10,000 "
           "are kept)\n",
           "wide: rejected with its count");
    INT_EQ(ef_source_stats_get(src)->rejected[EF_REJECT_TOO_BIG], 1,
           "wide: counted as too big");
    ef_source_free(src);

    o.strict = 1;
    INT_EQ(ef_source_open(GEN "wide.csv", &o, &src, &e), EF_OK,
           "wide strict: open");
    INT_EQ(ef_source_next(src, &it, &eof, &e), EF_ERR_PARSE,
           "wide strict: an error");
    STR_EQ(e.msg,
           GEN "wide.csv:2: 20,002 fields, over the limit of 10,000 "
               "(the first 10,000 are kept)",
           "wide strict: message");
    ef_source_free(src);

    ef_buf_clear(&data);
    for (int i = 0; i < 10001; i++)
        ef_buf_puts(&data, i ? ",c" : "date");
    ef_buf_puts(&data, "\n");
    OK(write_file(GEN "wide_header.csv", data.data, data.len) == 0,
       "wide header: write");
    e.code = EF_OK;
    INT_EQ(ef_source_open(GEN "wide_header.csv", &o, &src, &e), EF_ERR_PARSE,
           "wide header: an error");
    STR_EQ(e.msg,
           GEN "wide_header.csv:1: the header has 10001 columns, "
               "over the limit of 10000",
           "wide header: message");
    remove(GEN "wide.csv");
    remove(GEN "wide_header.csv");
    ef_buf_reset(&data);
    ef_buf_reset(&rejects);
}

void test_source(void)
{
    int have_gen = make_fixtures() == 0;

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        if (!have_gen && strncmp(cases[i].path, GEN, strlen(GEN)) == 0)
            continue;
        check_case(&cases[i]);
    }
    check_big_field();
    check_rejects_file();
    if (have_gen) {
        check_read_only();
        check_limits();
    }
    check_labels();
}
