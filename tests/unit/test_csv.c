/* test_csv.c - the CSV reader: splitting, encodings, gzip, errors.
 *
 * Every table case runs at several read sizes, down to one byte, so that
 * each record, quote pair, CR LF and UTF-8 sequence is also split across
 * block boundaries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input/csv.h"
#include "test.h"

extern size_t csv_block_size;     /* EF_STATIC in csv.c */
extern uint64_t csv_thread_after; /* EF_STATIC in csv.c */

static const size_t blocks[] = {1, 2, 3, 5, 16, 17, 256 * 1024};

/* ==== Helpers =========================================================== */

/* Appends the records of r as "LINE:[f1][f2]\n", with CR, LF and
 * brackets escaped ("LINE:CUTc/n:[f1]..." for a record cut by a limit:
 * c its EF_CSV_CUT_* bits, n the fields it had; "LINE:CR:[f1]..." for
 * one split off the row before at a lone CR); on error appends
 * "ERR:message". */
static void drain(ef_csv_reader *r, ef_buf *b, ef_status *rc)
{
    ef_csv_record rec;
    ef_err e = {EF_OK, ""};
    int eof = 0;
    size_t i, j;

    *rc = EF_OK;
    for (;;) {
        if ((*rc = ef_csv_next(r, &rec, &eof, &e)) != EF_OK) {
            ef_buf_printf(b, "ERR:%s", e.msg);
            return;
        }
        if (eof)
            return;
        ef_buf_printf(b, "%llu:", (unsigned long long)rec.line);
        if (rec.after_cr)
            ef_buf_puts(b, "CR:");
        if (rec.cut)
            ef_buf_printf(b, "CUT%d/%llu:", rec.cut,
                          (unsigned long long)rec.nfields);
        else if (rec.nfields != rec.n)
            ef_buf_puts(b, "<NFIELDS MISMATCH>");
        for (i = 0; i < rec.n; i++) {
            const char *f = rec.field[i];

            ef_buf_putc(b, '[');
            if (strlen(f) != rec.len[i])
                ef_buf_puts(b, "<LEN MISMATCH>");
            for (j = 0; j < rec.len[i]; j++) {
                if (f[j] == '\n')
                    ef_buf_puts(b, "\\n");
                else if (f[j] == '\r')
                    ef_buf_puts(b, "\\r");
                else if (f[j] == '[' || f[j] == ']' || f[j] == '\\') {
                    ef_buf_putc(b, '\\');
                    ef_buf_putc(b, f[j]);
                } else
                    ef_buf_putc(b, f[j]);
            }
            ef_buf_putc(b, ']');
        }
        ef_buf_putc(b, '\n');
    }
}

/* Reads data (len bytes) at read size block; returns the drained text in
 * b and the reader's stats in *st. */
static ef_status read_mem(const void *data, size_t len, const ef_csv_opts *o,
                          size_t block, ef_buf *b, ef_csv_stats *st)
{
    ef_csv_reader *r = NULL;
    ef_err e = {EF_OK, ""};
    ef_status rc;

    csv_block_size = block;
    ef_buf_clear(b);
    rc = ef_csv_open_mem("t.csv", data, len, o, &r, &e);
    csv_block_size = 256 * 1024;
    if (rc != EF_OK) {
        ef_buf_printf(b, "OPEN:%s", e.msg);
        return rc;
    }
    drain(r, b, &rc);
    if (st)
        *st = *ef_csv_stats_get(r);
    ef_csv_free(r);
    ef_buf_cstr(b);
    return rc;
}

/* gzip-compresses in into a malloc'd buffer. */
static unsigned char *gzip_mem(const void *in, size_t len, size_t *outlen)
{
    z_stream z;
    unsigned char *out;
    size_t cap = len + len / 100 + 64;

    memset(&z, 0, sizeof z);
    out = ef_xmalloc(cap);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* ==== Table ============================================================= */

typedef struct {
    const char *name;
    const char *in;      /* input bytes */
    size_t len;          /* 0: strlen(in) */
    const char *enc;     /* opts.encoding */
    char delim;          /* opts.delimiter */
    size_t max_bytes;    /* opts.max_bytes */
    const char *want;    /* drained records, or "ERR:..." at the end */
    const char *encname; /* stats.encoding, NULL: not checked */
    char sniffed;        /* stats.delimiter, 0: not checked */
    int invalid, nuls;   /* stats counters */
} csv_case;

#define U16LE_BOM "\xFF\xFE"
#define U16BE_BOM "\xFE\xFF"

static const csv_case cases[] = {
    {"simple", "a,b,c\n1,2,3\n", 0, NULL, 0, 0, "1:[a][b][c]\n2:[1][2][3]\n",
     "UTF-8", ',', 0, 0},
    {"no final newline", "a,b\n1,2", 0, NULL, 0, 0, "1:[a][b]\n2:[1][2]\n",
     NULL, 0, 0, 0},
    {"header only", "a,b,c\n", 0, NULL, 0, 0, "1:[a][b][c]\n", NULL, 0, 0, 0},
    {"header only, no newline", "a", 0, NULL, 0, 0, "1:[a]\n", NULL, 0, 0, 0},
    {"CRLF", "a,b\r\n1,2\r\n", 0, NULL, 0, 0, "1:[a][b]\n2:[1][2]\n", NULL, 0,
     0, 0},
    {"mixed endings", "a,b\r\n1,2\n3,4\r\n5,6", 0, NULL, 0, 0,
     "1:[a][b]\n2:[1][2]\n3:[3][4]\n4:[5][6]\n", NULL, 0, 0, 0},
    {"lone CR is data", "a,b\n1\r2,3\r\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[1\\r2][3]\n", NULL, 0, 0, 0},
    {"CR at EOF is data", "a\nb\r", 0, NULL, 0, 0, "1:[a]\n2:[b\\r]\n", NULL,
     0, 0, 0},
    /* A lone CR that joins two rows (an old Mac tool's line end) ends a
     * row when the pieces then have the header's fields in exactly one
     * way; they keep the line of the line feeds before them. */
    {"lone CR joins two rows", "a,b,c\n1,x,y\r2,z,w\n3,u,v\n", 0, NULL, 0, 0,
     "1:[a][b][c]\n2:[1][x][y]\n2:CR:[2][z][w]\n3:[3][u][v]\n", NULL, 0, 0, 0},
    {"lone CRs join three rows, CR LF", "a,b\r\n1,x\r2,y\r3,z\r\n4,w\r\n", 0,
     NULL, 0, 0, "1:[a][b]\n2:[1][x]\n2:CR:[2][y]\n2:CR:[3][z]\n3:[4][w]\n",
     NULL, 0, 0, 0},
    {"lone CR in the last field stays data", "a,b\n1,x\r2,y\rz\n", 0, NULL, 0,
     0, "1:[a][b]\n2:[1][x]\n2:CR:[2][y\\rz]\n", NULL, 0, 0, 0},
    {"lone CR after a quoted newline: its line", "a,b\n1,\"p\nq\"\r2,y\n", 0,
     NULL, 0, 0, "1:[a][b]\n2:[1][p\\nq]\n3:CR:[2][y]\n", NULL, 0, 0, 0},
    {"two lone CRs where one row must end: not split",
     "a,b,c\n1,x,bad\rproduct\r2,z,w\n", 0, NULL, 0, 0,
     "1:[a][b][c]\n2:[1][x][bad\\rproduct\\r2][z][w]\n", NULL, 0, 0, 0},
    {"pieces of the wrong length: not split", "a,b,c\n1,x\r2,y,z,w\n", 0, NULL,
     0, 0, "1:[a][b][c]\n2:[1][x\\r2][y][z][w]\n", NULL, 0, 0, 0},
    {"a quoted CR never ends a row", "a,b\n1,\"x\ry\",z\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[1][x\\ry][z]\n", NULL, 0, 0, 0},
    {"CR line ends only: one record, the header", "a,b\r1,2\r3,4\r", 0, NULL,
     0, 0, "1:[a][b\\r1][2\\r3][4\\r]\n", NULL, 0, 0, 0},
    {"blank lines skipped", "\na,b\n\n\r\n1,2\n\n\n", 0, NULL, 0, 0,
     "2:[a][b]\n5:[1][2]\n", NULL, ',', 0, 0},
    {"quoted, doubled quotes, newline",
     "id,text\n1,\"he said \"\"hi\"\"\nand left\"\n2,x\n", 0, NULL, 0, 0,
     "1:[id][text]\n2:[1][he said \"hi\"\\nand left]\n4:[2][x]\n", NULL, 0, 0,
     0},
    {"quoted CRLF kept", "a\r\n\"x\r\ny\"\r\nz\r\n", 0, NULL, 0, 0,
     "1:[a]\n2:[x\\r\\ny]\n4:[z]\n", NULL, 0, 0, 0},
    {"quoted delimiter", "a,b\n\"x,y\",z\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[x,y][z]\n", NULL, 0, 0, 0},
    {"quote inside unquoted field", "a,b\nab\"c,d\"\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[ab\"c][d\"]\n", NULL, 0, 0, 0},
    {"text after closing quote", "a,b\n\"ab\"c,\"\"x\"\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[abc][x\"]\n", NULL, 0, 0, 0},
    {"empty quoted field", "a\n\"\"\n", 0, NULL, 0, 0, "1:[a]\n2:[]\n", NULL,
     0, 0, 0},
    {"quoted at EOF", "a\n\"x\"\"\"", 0, NULL, 0, 0, "1:[a]\n2:[x\"]\n", NULL,
     0, 0, 0},
    {"empty fields", "a,,b,\n,\n", 0, NULL, 0, 0, "1:[a][][b][]\n2:[][]\n",
     NULL, 0, 0, 0},
    {"whitespace kept", " a , b \n", 0, NULL, 0, 0, "1:[ a ][ b ]\n", NULL, 0,
     0, 0},
    {"empty file", "", 0, NULL, 0, 0, "ERR:t.csv: empty file (no header row)",
     NULL, 0, 0, 0},
    {"only blank lines", "\n\r\n", 0, NULL, 0, 0,
     "ERR:t.csv: empty file (no header row)", NULL, 0, 0, 0},
    {"unterminated quote", "a,b\n1,\"abc\nxyz\n", 0, NULL, 0, 0,
     "1:[a][b]\nERR:t.csv:2: unterminated \"-quoted field", NULL, 0, 0, 0},
    {"semicolon sniffed", "a;b;c\n1;2,5;3\n", 0, NULL, 0, 0,
     "1:[a][b][c]\n2:[1][2,5][3]\n", NULL, ';', 0, 0},
    {"tab sniffed", "a\tb\n1\t2 ;x\n", 0, NULL, 0, 0,
     "1:[a][b]\n2:[1][2 ;x]\n", NULL, '\t', 0, 0},
    {"sniff ignores quotes", "\"a,b,c\";d;e\n1;2;3\n", 0, NULL, 0, 0,
     "1:[a,b,c][d][e]\n2:[1][2][3]\n", NULL, ';', 0, 0},
    {"sniff tie goes to comma", "a,b;c\n", 0, NULL, 0, 0, "1:[a][b;c]\n", NULL,
     ',', 0, 0},
    {"sniff tie ; before tab", "a\tb;c\n", 0, NULL, 0, 0, "1:[a\tb][c]\n",
     NULL, ';', 0, 0},
    {"sniff default comma", "abc\n", 0, NULL, 0, 0, "1:[abc]\n", NULL, ',', 0,
     0},
    {"sniff skips blank lines", "\r\n\na;b\n", 0, NULL, 0, 0, "3:[a][b]\n",
     NULL, ';', 0, 0},
    {"delimiter given", "a;b,c\n", 0, NULL, ';', 0, "1:[a][b,c]\n", NULL, ';',
     0, 0},
    {"UTF-8 BOM", "\xEF\xBB\xBFid,x\n1,2\n", 0, NULL, 0, 0,
     "1:[id][x]\n2:[1][2]\n", "UTF-8 (BOM)", ',', 0, 0},
    {"UTF-8 BOM only", "\xEF\xBB\xBF", 0, NULL, 0, 0,
     "ERR:t.csv: empty file (no header row)", "UTF-8 (BOM)", 0, 0, 0},
    {"UTF-8 kept", "caf\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80\n", 0, NULL, 0,
     0, "1:[caf\xC3\xA9][\xE2\x82\xAC][\xF0\x9F\x98\x80]\n", "UTF-8", 0, 0, 0},
    {"invalid UTF-8 replaced",
     "a\n\xFF\xE2\x82x\xC3\n\xC0\xAF,\xED\xA0\x80,\xF4\x90\n", 0, NULL, 0, 0,
     "1:[a]\n2:[\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBD]\n"
     "3:[\xEF\xBF\xBD\xEF\xBF\xBD][\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD]"
     "[\xEF\xBF\xBD\xEF\xBF\xBD]\n",
     "UTF-8", 0, 10, 0},
    {"truncated UTF-8 at EOF", "a\nb\xF0\x9F\x98", 0, NULL, 0, 0,
     "1:[a]\n2:[b\xEF\xBF\xBD]\n", NULL, 0, 1, 0},
    {"invalid UTF-8 in quotes", "a\n\"\x80\"\n", 0, NULL, 0, 0,
     "1:[a]\n2:[\xEF\xBF\xBD]\n", NULL, 0, 1, 0},
    {"NUL dropped", "a,b\n1\0,\0\0\n\"\0x\0\"\n", 16, NULL, 0, 0,
     "1:[a][b]\n2:[1][]\n3:[x]\n", NULL, 0, 0, 5},
    {"NUL then quote stays literal", "a\n\"\"\0\"\n", 7, NULL, 0, 0,
     "1:[a]\n2:[\"]\n", NULL, 0, 0, 1},
    {"UTF-16LE BOM",
     U16LE_BOM "a\0,\0b\0\n\0"
               "1\0,\0\xE9\0\r\0\n\0=\xD8\0\xDE",
     24, NULL, 0, 0, "1:[a][b]\n2:[1][\xC3\xA9]\n3:[\xF0\x9F\x98\x80]\n",
     "UTF-16LE (BOM)", ',', 0, 0},
    {"UTF-16BE BOM", U16BE_BOM "\0a\0;\0b\0\n\0\xE9\0;\xD8=\0x\xDE\0", 20,
     NULL, 0, 0, "1:[a][b]\n2:[\xC3\xA9][\xEF\xBF\xBDx\xEF\xBF\xBD]\n",
     "UTF-16BE (BOM)", ';', 2, 0},
    {"UTF-16LE odd byte", U16LE_BOM "a\0b", 5, NULL, 0, 0,
     "1:[a\xEF\xBF\xBD]\n", NULL, 0, 1, 0},
    {"windows-1252", "a,b\n\xE9t\xE9,\x80\x81\n", 0, "windows-1252", 0, 0,
     "1:[a][b]\n2:[\xC3\xA9t\xC3\xA9][\xE2\x82\xAC\xEF\xBF\xBD]\n",
     "windows-1252", ',', 1, 0},
    {"UTF-8 given, BOM",
     "\xEF\xBB\xBF"
     "a\n\xE9\n",
     0, "utf8", 0, 0, "1:[a]\n2:[\xEF\xBF\xBD]\n", "UTF-8 (BOM)", 0, 1, 0},
    {"latin1", "x;y\n\xFF;\xA3\n", 0, "latin1", 0, 0,
     "1:[x][y]\n2:[\xC3\xBF][\xC2\xA3]\n", "latin1", ';', 0, 0},
    {"UTF-16LE given, BOM",
     "\xFF\xFE"
     "a\0\n\0",
     6, "UTF-16LE", 0, 0, "1:[a]\n", "UTF-16LE (BOM)", 0, 0, 0},
    {"UTF-16BE given, no BOM", "\0a\0;\0b", 6, "utf-16be", 0, 0, "1:[a][b]\n",
     "utf-16be", ';', 0, 0},
    {"UTF-16 via iconv stays aligned",
     "\xFF\xFE"
     "a\0\0\xDC"
     "b\0\n\0"
     "c\0",
     12, "UTF-16", 0, 0,
     "1:[a\xEF\xBF\xBD"
     "b]\n2:[c]\n",
     "UTF-16", 0, 1, 0},
    {"iconv: only the first U+FEFF goes",
     "\xFF\xFE\xFF\xFE"
     "a\0,\0b\0,\0c\0,\0d\0,\0e\0,\0f\0,\0g\0,\0h\0,\0"
     "i\0,\0j\0,\0k\0,\0l\0,\0m\0,\0n\0,\0o\0,\0p\0,\0q\0,\0r\0,\0"
     "s\0,\0t\0,\0u\0,\0v\0,\0w\0,\0x\0,\0y\0,\0z\0,\0\n\0",
     110, "UTF-16LE", 0, 0,
     "1:[\xEF\xBB\xBF"
     "a][b][c][d][e][f][g][h][i][j][k][l][m][n][o][p][q]"
     "[r][s][t][u][v][w][x][y][z][]\n",
     "UTF-16LE (BOM)", ',', 0, 0},
    /* max_bytes counts the record's bytes with one NUL after each field:
     * "a" NUL "bcde" is 6, so at 3 "bcde" keeps 3 - 2 = 1 byte */
    {"max_bytes", "a,bcde\n1,2\n", 0, NULL, 0, 3,
     "1:CUT1/2:[a][b]\n2:[1][2]\n", NULL, 0, 0, 0},
    {"max_bytes: fields after the cut dropped", "ab,cdef,g,h\nx\n", 0, NULL, 0,
     4, "1:CUT1/4:[ab][c]\n2:[x]\n", NULL, 0, 0, 0},
    {"max_bytes quoted, lines still counted", "a\n\"1\n234\"\nb\n", 0, NULL, 0,
     4, "1:[a]\n2:CUT1/1:[1\\n23]\n4:[b]\n", NULL, 0, 0, 0},
    {"max_bytes: a field starting past it is dropped", "abc,\"d\"\"e\"\nz\n",
     0, NULL, 0, 3, "1:CUT1/2:[abc]\n2:[z]\n", NULL, 0, 0, 0},
    {"max_bytes exact fits", "ab,c\n", 0, NULL, 0, 4, "1:[ab][c]\n", NULL, 0,
     0, 0},
    /* U+00E9 is 2 bytes: the cut never splits a character */
    {"max_bytes on a character boundary", "\xC3\xA9\xC3\xA9\n", 0, NULL, 0, 3,
     "1:CUT1/1:[\xC3\xA9]\n", NULL, 0, 0, 0},
};

static void check_case(const csv_case *c)
{
    ef_buf got = EF_BUF_INIT;
    ef_csv_opts o = {c->enc, c->delim, c->max_bytes, 0};
    ef_csv_stats st;
    size_t len = c->len ? c->len : strlen(c->in), i;
    int ok = strstr(c->want, "ERR:") == NULL;
    char what[160];

    for (i = 0; i < EF_ARRAY_LEN(blocks); i++) {
        snprintf(what, sizeof what, "%s (block %zu)", c->name, blocks[i]);
        read_mem(c->in, len, &o, blocks[i], &got, &st);
        STR_EQ(got.data, c->want, what);
        if (c->encname)
            STR_EQ(st.encoding, c->encname, what);
        if (c->sniffed)
            INT_EQ(st.delimiter, c->sniffed, what);
        if (!ok)
            continue;
        INT_EQ(st.invalid_utf8, c->invalid, what);
        INT_EQ(st.nul_bytes, c->nuls, what);
        INT_EQ(st.bytes, len, what);
        INT_EQ(strlen(st.sha256), 64, what);
    }
    ef_buf_reset(&got);
}

/* Opens data with default options and reads it all. */
static ef_status read_all(const void *data, size_t len, ef_buf *b,
                          ef_csv_stats *st)
{
    return read_mem(data, len, NULL, 256 * 1024, b, st);
}

static void check_errors(void)
{
    ef_csv_reader *r = NULL;
    ef_csv_opts o = {"no-such-charset", 0, 0, 0};
    ef_csv_record rec;
    ef_err e = {EF_OK, ""};
    ef_status rc;
    int eof = 0;

    rc = ef_csv_open_mem("t.csv", "a\n", 2, &o, &r, &e);
    INT_EQ(rc, EF_ERR_USAGE, "unknown encoding: status");
    STR_EQ(e.msg, "unknown encoding \"no-such-charset\"", "unknown encoding");
    OK(r == NULL, "unknown encoding: no reader");

    e.code = EF_OK;
    o.encoding = NULL;
    o.delimiter = '"';
    rc = ef_csv_open_mem("t.csv", "a\n", 2, &o, &r, &e);
    INT_EQ(rc, EF_ERR_USAGE, "quote as delimiter");

    e.code = EF_OK;
    rc = ef_csv_open("tests/data/csv/no-such-file.csv", NULL, &r, &e);
    INT_EQ(rc, EF_ERR_NOINPUT, "missing file: status");
    STR_EQ(e.msg, "tests/data/csv/no-such-file.csv: No such file or directory",
           "missing file");

    e.code = EF_OK;
    rc = ef_csv_open("tests/data/csv", NULL, &r, &e);
    INT_EQ(rc, EF_ERR_NOINPUT, "directory: status");
    STR_EQ(e.msg, "tests/data/csv: Is a directory", "directory");

    /* An error repeats, and the empty file is reported by next, not open. */
    e.code = EF_OK;
    rc = ef_csv_open_mem("empty.csv", "", 0, NULL, &r, &e);
    INT_EQ(rc, EF_OK, "empty: open succeeds");
    rc = ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(rc, EF_ERR_NOINPUT, "empty: status (nothing to read)");
    STR_EQ(e.msg, "empty.csv: empty file (no header row)", "empty: message");
    e.code = EF_OK;
    rc = ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(rc, EF_ERR_NOINPUT, "empty: error repeats");
    INT_EQ(eof, 0, "empty: not eof");
    ef_csv_free(r);
    ef_csv_free(NULL);
}

static void check_sha_and_stats(void)
{
    ef_buf b = EF_BUF_INIT;
    ef_csv_stats st;
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    ef_err e = {EF_OK, ""};
    int eof = 0;

    INT_EQ(read_all("abc", 3, &b, &st), EF_OK, "abc: status");
    STR_EQ(b.data, "1:[abc]\n", "abc: records");
    STR_EQ(st.sha256,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256 of abc");
    INT_EQ(st.records, 1, "abc: records counted");
    INT_EQ(st.gzip, 0, "abc: not gzip");

    /* sha256 is empty until EOF, records count the header. (A first
     * line that names no column may be a title: the reader reads on
     * for the header below it, here to the end.) */
    ef_csv_open_mem("t.csv", "id\n1\n2\n", 7, NULL, &r, &e);
    ef_csv_next(r, &rec, &eof, &e);
    STR_EQ(ef_csv_stats_get(r)->sha256, "", "sha256 before EOF");
    INT_EQ(ef_csv_stats_get(r)->records, 1, "header counted");
    ef_csv_next(r, &rec, &eof, &e);
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(rec.n, 1, "third record");
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(eof, 1, "eof");
    INT_EQ(rec.n, 0, "eof: no fields");
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(eof, 1, "eof again");
    INT_EQ(ef_csv_stats_get(r)->records, 3, "records");
    INT_EQ(e.code, EF_OK, "no error");
    STR_EQ(ef_csv_stats_get(r)->sha256,
           "1d1c91d15ace6e21ea5f551e16e717f326992bdf800f6696628859be29b906bf",
           "sha256 of id\\n1\\n2\\n");
    ef_csv_free(r);
    ef_buf_reset(&b);
}

static void check_gzip(void)
{
    static const char csv[] = "id;text\n1;\"caf\xC3\xA9\n\"\"ok\"\"\"\n2;x";
    static const char want[] = "1:[id][text]\n2:[1][caf\xC3\xA9\\n\"ok\"]\n"
                               "4:[2][x]\n";
    static const char u16[] = U16LE_BOM "a\0\n\0\xE9\0";
    ef_buf b = EF_BUF_INIT;
    ef_csv_stats st;
    unsigned char *gz, *gz2, *two;
    size_t n, n2, i;
    char what[80];

    gz = gzip_mem(csv, sizeof csv - 1, &n);
    for (i = 0; i < EF_ARRAY_LEN(blocks); i++) {
        snprintf(what, sizeof what, "gzip (block %zu)", blocks[i]);
        INT_EQ(read_mem(gz, n, NULL, blocks[i], &b, &st), EF_OK, what);
        STR_EQ(b.data, want, what);
        INT_EQ(st.gzip, 1, what);
        INT_EQ(st.bytes, n, what);
        INT_EQ(st.delimiter, ';', what);
        INT_EQ(strlen(st.sha256), 64, what);
    }

    /* Two members in a row are one stream, as with `cat a.gz b.gz`. */
    gz2 = gzip_mem("\n3;y\n", 5, &n2);
    two = ef_xmalloc(n + n2 + 3);
    memcpy(two, gz, n);
    memcpy(two + n, gz2, n2);
    for (i = 0; i < EF_ARRAY_LEN(blocks); i++) {
        snprintf(what, sizeof what, "gzip members (block %zu)", blocks[i]);
        read_mem(two, n + n2, NULL, blocks[i], &b, &st);
        STR_EQ(b.data,
               "1:[id][text]\n2:[1][caf\xC3\xA9\\n\"ok\"]\n"
               "4:[2][x]\n5:[3][y]\n",
               what);
        /* trailing garbage after a member is ignored, but hashed */
        memcpy(two + n + n2, "xyz", 3);
        read_mem(two, n + n2 + 3, NULL, blocks[i], &b, &st);
        STR_EQ(b.data,
               "1:[id][text]\n2:[1][caf\xC3\xA9\\n\"ok\"]\n"
               "4:[2][x]\n5:[3][y]\n",
               what);
        INT_EQ(st.bytes, n + n2 + 3, what);
        INT_EQ(strlen(st.sha256), 64, what);
    }

    /* Truncated and corrupt data are parse errors. */
    read_mem(gz, n - 9, NULL, 256 * 1024, &b, &st);
    STR_EQ(b.data,
           "1:[id][text]\n2:[1][caf\xC3\xA9\\n\"ok\"]\n"
           "ERR:t.csv: gzip: unexpected end of file",
           "truncated gzip");
    gz[12] ^= 0xFF;
    gz[13] ^= 0x55;
    OK(read_mem(gz, n, NULL, 256 * 1024, &b, &st) == EF_ERR_PARSE,
       "corrupt gzip");
    OK(strncmp(b.data, "ERR:t.csv: gzip: ", 17) == 0 ||
           strstr(b.data, "\nERR:t.csv: gzip: ") != NULL,
       "corrupt gzip: message");
    free(gz);
    free(gz2);
    free(two);

    /* gzip, then UTF-16 inside */
    gz = gzip_mem(u16, sizeof u16 - 1, &n);
    read_mem(gz, n, NULL, 3, &b, &st);
    STR_EQ(b.data, "1:[a]\n2:[\xC3\xA9]\n", "gzip + UTF-16LE");
    STR_EQ(st.encoding, "UTF-16LE (BOM)", "gzip + UTF-16LE: encoding");
    free(gz);
    ef_buf_reset(&b);
}

/* A 16 MB field, unquoted and quoted (with doubled quotes and newlines),
 * and the same past max_bytes. */
static void check_big_field(void)
{
    const size_t big = 16u << 20;
    unsigned char *in = ef_xmalloc(2 * big + big / 500 + 64);
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    ef_csv_opts o = {NULL, 0, 0, 0};
    ef_err e = {EF_OK, ""};
    size_t n = 0, i, quotes = 0;
    int eof = 0, ok = 1;

    memcpy(in, "h,t\n1,", 6);
    n = 6;
    memset(in + n, 'x', big);
    n += big;
    memcpy(in + n, "\n2,\"", 4);
    n += 4;
    for (i = 0; i < big; i++) {
        char c = i % 1000 == 999 ? '"' : i % 777 == 0 ? '\n' : 'y';

        in[n++] = (unsigned char)c;
        if (c == '"') {
            in[n++] = '"';
            quotes++;
        }
    }
    memcpy(in + n, "\"\n", 2);
    n += 2;

    ef_csv_open_mem("big.csv", in, n, &o, &r, &e);
    ef_csv_next(r, &rec, &eof, &e);
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(rec.n, 2, "16 MB unquoted: fields");
    INT_EQ(rec.len[1], big, "16 MB unquoted: length");
    for (i = 0; i < big && ok; i++)
        ok = rec.field[1][i] == 'x';
    OK(ok && rec.field[1][big] == '\0', "16 MB unquoted: bytes");
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(rec.line, 3, "16 MB quoted: line");
    INT_EQ(rec.len[1], big, "16 MB quoted: length");
    for (i = 0, ok = 1; i < big && ok; i++)
        ok = rec.field[1][i] == (i % 1000 == 999 ? '"'
                                 : i % 777 == 0  ? '\n'
                                                 : 'y');
    OK(ok, "16 MB quoted: bytes");
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(eof, 1, "16 MB: eof");
    INT_EQ(e.code, EF_OK, "16 MB: no error");
    OK(quotes > 0, "16 MB quoted: has quotes");
    ef_csv_free(r);

    /* past max_bytes: both records cut, not an error; "1" and its NUL
     * take 2 of the bytes */
    o.max_bytes = big - 1;
    ef_csv_open_mem("big.csv", in, n, &o, &r, &e);
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(ef_csv_next(r, &rec, &eof, &e), EF_OK, "max_bytes: status");
    INT_EQ(rec.cut, EF_CSV_CUT_BYTES, "max_bytes: unquoted cut");
    INT_EQ(rec.len[1], big - 3, "max_bytes: unquoted kept");
    INT_EQ(ef_csv_next(r, &rec, &eof, &e), EF_OK, "max_bytes: quoted");
    INT_EQ(rec.cut, EF_CSV_CUT_BYTES, "max_bytes: quoted cut");
    INT_EQ(rec.line, 3, "max_bytes: quoted line");
    INT_EQ(rec.len[1], big - 3, "max_bytes: quoted kept");
    for (i = 0, ok = 1; i < big - 3 && ok; i++)
        ok = rec.field[1][i] == (i % 1000 == 999 ? '"'
                                 : i % 777 == 0  ? '\n'
                                                 : 'y');
    OK(ok, "max_bytes: quoted head kept as it was");
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(eof, 1, "max_bytes: then eof");
    ef_csv_free(r);
    free(in);
}

/* The fixtures in tests/data/csv, read from files. */
static void check_files(void)
{
    static const struct {
        const char *path, *enc, *encname, *want;
        char delim;
    } files[] = {
        {"tests/data/csv/excel_unicode.txt", NULL, "UTF-16LE (BOM)",
         "1:[date][text][rating]\n2:[2024-03-01][Caf\xC3\xA9 was great \xF0"
         "\x9F\x98\x80][5]\n3:[2024-03-02][\"Never\" again,\\nsorry][1]\n",
         '\t'},
        {"tests/data/csv/semicolon_bom_crlf.csv", NULL, "UTF-8 (BOM)",
         "1:[id][text]\n2:[1][multi\\r\\nline; quoted]\n5:[2][plain]\n"
         "7:[3][]\n",
         ';'},
        {"tests/data/csv/windows1252.csv", "windows-1252", "windows-1252",
         "1:[id][text]\n2:[1][\xE2\x80\x9Cna\xC3\xAFve\xE2\x80\x9D "
         "\xE2\x82\xAC"
         "5]\n",
         ','},
        {"tests/data/csv/feedback.csv.gz", NULL, "UTF-8",
         "1:[id][date][text]\n2:[a1][2024-01-02][Great, \"fast\" service]\n"
         "3:[a2][2024-01-03][slow]\n",
         ','},
    };
    ef_buf b = EF_BUF_INIT;
    size_t i;

    for (i = 0; i < EF_ARRAY_LEN(files); i++) {
        ef_csv_opts o = {files[i].enc, 0, 0, 0};
        ef_csv_reader *r = NULL;
        ef_err e = {EF_OK, ""};
        ef_status rc;

        ef_buf_clear(&b);
        rc = ef_csv_open(files[i].path, &o, &r, &e);
        INT_EQ(rc, EF_OK, files[i].path);
        if (rc != EF_OK)
            continue;
        drain(r, &b, &rc);
        STR_EQ(ef_buf_cstr(&b), files[i].want, files[i].path);
        STR_EQ(ef_csv_stats_get(r)->encoding, files[i].encname, files[i].path);
        INT_EQ(ef_csv_stats_get(r)->delimiter, files[i].delim, files[i].path);
        INT_EQ(ef_csv_stats_get(r)->gzip, strstr(files[i].path, ".gz") != NULL,
               files[i].path);
        ef_csv_free(r);
    }
    ef_buf_reset(&b);
}

/* Random inputs over the bytes that matter, read at small read sizes,
 * must give what one big read gives, and valid output. */
static void check_random(void)
{
    static const char alphabet[] = "a,\"\r\n\0;\xC3\xA9\xFF\xE2\x82\xAC\xF0 ";
    unsigned char in[160];
    ef_buf want = EF_BUF_INIT, got = EF_BUF_INIT;
    ef_csv_opts o = {NULL, ',', 0, 0};
    uint32_t seed = 12345;
    int iter, bad = 0;
    size_t i, n, k;

    for (iter = 0; iter < 3000; iter++) {
        /* sniffing looks at the text buffer: keep the header inside it
         * at the smallest read size */
        o.delimiter = iter % 3 ? ',' : 0;
        n = (size_t)(iter % (o.delimiter ? 150 : 50));
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            in[i] =
                (unsigned char)alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        o.max_bytes = iter % 5 == 4 ? 7 : 0;
        o.max_fields = iter % 7 == 6 ? 2 : 0;
        read_mem(in, n, &o, 256 * 1024, &want, NULL);
        for (k = 1; k <= 4; k++) {
            read_mem(in, n, &o, k, &got, NULL);
            if (strcmp(got.data, want.data) != 0 && bad++ < 3) {
                fprintf(stderr, "random %d block %zu:\n%s\n--\n%s\n", iter, k,
                        want.data, got.data);
            }
        }
    }
    INT_EQ(bad, 0, "random inputs: same records at every read size");

    /* The same over UTF-16: the built-in decoder at one read against
     * iconv's at small ones. */
    bad = 0;
    for (iter = 0; iter < 1000; iter++) {
        unsigned char u16[2 + 2 * sizeof in];
        ef_csv_opts iconv16 = {"UTF-16", ',', 0, 0};

        n = (size_t)(iter % 150);
        u16[0] = 0xFF;
        u16[1] = 0xFE;
        for (i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            k = (unsigned char)alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            u16[2 + 2 * i] = (unsigned char)k;
            u16[3 + 2 * i] = k >= 0x80 ? 0x4E : 0; /* CJK */
        }
        o.delimiter = ',';
        o.max_bytes = 0;
        o.max_fields = 0;
        read_mem(u16, 2 + 2 * n, &o, 256 * 1024, &want, NULL);
        for (k = 1; k <= 4; k++) {
            read_mem(u16, 2 + 2 * n, &iconv16, k, &got, NULL);
            if (strcmp(got.data, want.data) != 0 && bad++ < 3)
                fprintf(stderr, "UTF-16 %d block %zu:\n%s\n--\n%s\n", iter, k,
                        want.data, got.data);
        }
    }
    INT_EQ(bad, 0, "random UTF-16: iconv and built-in decoder agree");
    ef_buf_reset(&want);
    ef_buf_reset(&got);
}

/* Hashing in the thread gives the same sha256 and records as inline,
 * whatever layer the raw bytes go through. */
static void check_thread(void)
{
    static const char *const encs[] = {NULL, "latin1"};
    const size_t n = 3u << 20;
    unsigned char *in = ef_xmalloc(2 * n + 2), *gz;
    ef_buf want = EF_BUF_INIT, got = EF_BUF_INIT;
    ef_csv_stats st1, st2;
    size_t i, k, gzn;
    char what[80];

    for (i = 0; i < n; i++)
        in[i] = (unsigned char)("ab,\"c\"\"d\"\n\xC3\xA9\r\n;"[i % 15]);
    gz = gzip_mem(in, n, &gzn);
    for (k = 0; k < 4; k++) {
        const void *data = k == 2 ? (const void *)gz : in;
        size_t len = k == 2 ? gzn : n;
        ef_csv_opts o = {encs[k == 3], 0, 0, 0};

        if (k == 1) { /* UTF-16LE with BOM */
            in[0] = 0xFF;
            in[1] = 0xFE;
            for (i = 0; i < n; i++) {
                in[2 + 2 * i] = (unsigned char)("a,\"b\"\n"[i % 6]);
                in[3 + 2 * i] = i % 7 == 0 ? 0x20 : 0;
            }
            len = 2 * n + 2;
        }
        if (k == 3) {
            for (i = 0; i < n; i++)
                in[i] = (unsigned char)("x;\xE9\n"[i % 4]);
        }
        snprintf(what, sizeof what, "hash thread, input %zu", k);
        csv_thread_after = UINT64_MAX;
        read_mem(data, len, &o, 4096, &want, &st1);
        csv_thread_after = 0;
        read_mem(data, len, &o, 4096, &got, &st2);
        csv_thread_after = (uint64_t)4 << 20;
        OK(want.len > 1000 && strstr(want.data, "ERR") == NULL, what);
        OK(strcmp(want.data, got.data) == 0, what);
        STR_EQ(st2.sha256, st1.sha256, what);
        INT_EQ(st2.bytes, len, what);
    }
    free(gz);
    free(in);
    ef_buf_reset(&want);
    ef_buf_reset(&got);
}

/* max_fields, alone and with max_bytes, at every read size; and a
 * gzip-compressed row of 200,000 commas, returned cut to the default
 * 10,000 fields with the count of all it had. */
static void check_limits(void)
{
    static const struct {
        const char *name, *in;
        size_t max_bytes, max_fields;
        const char *want;
    } lim[] = {
        {"max_fields", "a,b,c,d\n1,2\n", 0, 2, "1:CUT2/4:[a][b]\n2:[1][2]\n"},
        {"max_fields, quoted delimiters are data", "\"a,b\",c\n", 0, 1,
         "1:CUT2/2:[a,b]\n"},
        /* "abc" NUL "d" is 5 bytes: fits; "e" is past 2 fields */
        {"max_fields and max_bytes", "abc,d,e\nx,y\n", 5, 2,
         "1:CUT2/3:[abc][d]\n2:[x][y]\n"},
        {"both broken", "abcdef,g,h\n", 3, 1, "1:CUT3/3:[abc]\n"},
        {"a long run of delimiters",
         "h\n,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
         ",,"
         ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
         ",,"
         ",,,,\nz\n",
         0, 3, "1:[h]\n2:CUT2/142:[][][]\n3:[z]\n"},
    };
    ef_buf got = EF_BUF_INIT;
    char what[160];
    size_t i, k, n = 200000;
    char *bomb = ef_xmalloc(n + 16), *gz;
    size_t gzlen;
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    ef_err e = {EF_OK, ""};
    int eof = 0;

    for (i = 0; i < EF_ARRAY_LEN(lim); i++) {
        ef_csv_opts o = {NULL, ',', lim[i].max_bytes, lim[i].max_fields};
        for (k = 0; k < EF_ARRAY_LEN(blocks); k++) {
            snprintf(what, sizeof what, "%s (block %zu)", lim[i].name,
                     blocks[k]);
            read_mem(lim[i].in, strlen(lim[i].in), &o, blocks[k], &got, NULL);
            STR_EQ(got.data, lim[i].want, what);
        }
    }
    memcpy(bomb, "h\n", 2);
    memset(bomb + 2, ',', n - 1);
    memcpy(bomb + n + 1, "\nz\n", 4);
    gz = (char *)gzip_mem(bomb, n + 5, &gzlen);
    ef_csv_open_mem("bomb.csv.gz", gz, gzlen, NULL, &r, &e);
    ef_csv_next(r, &rec, &eof, &e);
    INT_EQ(ef_csv_next(r, &rec, &eof, &e), EF_OK, "comma bomb: not an error");
    INT_EQ(rec.cut, EF_CSV_CUT_FIELDS, "comma bomb: cut by fields");
    INT_EQ(rec.n, 10000, "comma bomb: 10,000 fields kept");
    INT_EQ(rec.nfields, n, "comma bomb: 200,000 fields counted");
    INT_EQ(ef_csv_next(r, &rec, &eof, &e), EF_OK, "comma bomb: next row");
    OK(rec.n == 1 && strcmp(rec.field[0], "z") == 0 && rec.line == 3,
       "comma bomb: the row after it is read");
    ef_csv_free(r);
    free(gz);
    free(bomb);
    ef_buf_reset(&got);
}

/* ==== Title lines above the header ===================================== */

static const struct {
    const char *name, *in, *map;
    int exact;
    const char *want, *title;
    int titles;
    char delim;
} title_cases[] = {
    {"a title, a blank line",
     "Acme reviews - 2025-03-01\n\nid,date,text\n1,"
     "d,x\n",
     NULL, 0, "3:[id][date][text]\n4:[1][d][x]\n", "Acme reviews - 2025-03-01",
     1, ','},
    {"Excel's title row and empty row, CR LF",
     "Export,,\r\n,,\r\nComment,Created at,Stars\r\nok,d,5\r\n", NULL, 0,
     "3:[Comment][Created at][Stars]\n4:[ok][d][5]\n", "Export", 1, ','},
    {"key: value lines above a ; header",
     "Report:;Mentions\nBrand:;Acme\nFrom:;2025-02-01\n\nQuery;Date;Title;"
     "Full Text;Author\n1;d;t;x;a\n",
     NULL, 0, "5:[Query][Date][Title][Full Text][Author]\n6:[1][d][t][x][a]\n",
     "Report: Mentions", 3, ';'},
    {"after sep=", "sep=;\nExport\nid;date;text\n1;d;x\n", NULL, 0,
     "3:[id][date][text]\n4:[1][d][x]\n", "Export", 1, ';'},
    {"a header first: nothing skipped", "id,date,text\nid,date,text\n", NULL,
     0, "1:[id][date][text]\n2:[id][date][text]\n", "", 0, ','},
    {"a line that names a column is no title", "id,comment\nid,date,text\n",
     NULL, 0, "1:[id][comment]\n2:[id][date][text]\n", "", 0, ','},
    {"a one-field line that names a column is no title",
     "Feedback\nid,date,text\n", NULL, 0, "1:[Feedback]\n2:[id][date][text]\n",
     "", 0, ','},
    {"two fields above three are no title", "a,b\nid,date,text\n", NULL, 0,
     "1:[a][b]\n2:[id][date][text]\n", "", 0, ','},
    {"no header below: nothing skipped", "Title\nBody,When\n1,2\n", NULL, 0,
     "1:[Title]\n2:[Body][When]\n3:[1][2]\n", "", 0, ','},
    {"--map names the header", "Title\nBody,When\n1,2\n",
     "text=Body,date=When", 0, "2:[Body][When]\n3:[1][2]\n", "Title", 1, ','},
    {"exact: kept", "Title\n\nid,date,text\n", NULL, 1,
     "1:[Title]\n3:[id][date][text]\n", "", 0, ','},
    {"past ten lines: kept", "t\nt\nt\nt\nt\nt\nt\nt\nt\nt\nt\ndate,text\n",
     NULL, 0,
     "1:[t]\n2:[t]\n3:[t]\n4:[t]\n5:[t]\n6:[t]\n7:[t]\n8:[t]\n9:[t]\n10:["
     "t]\n11:[t]\n12:[date][text]\n",
     "", 0, ','},
};

static void check_titles(void)
{
    for (size_t i = 0; i < EF_ARRAY_LEN(title_cases); i++) {
        ef_csv_reader *r = NULL;
        ef_err e = {EF_OK, ""};
        ef_buf got = EF_BUF_INIT;
        ef_status rc;
        const ef_csv_stats *st;

        ef_csv_open_mem("t.csv", title_cases[i].in, strlen(title_cases[i].in),
                        NULL, &r, &e);
        ef_csv_set_map(r, title_cases[i].map);
        if (title_cases[i].exact)
            ef_csv_exact(r);
        drain(r, &got, &rc);
        st = ef_csv_stats_get(r);
        STR_EQ(ef_buf_cstr(&got), title_cases[i].want, title_cases[i].name);
        STR_EQ(st->title, title_cases[i].title, title_cases[i].name);
        INT_EQ(st->title_lines, title_cases[i].titles, title_cases[i].name);
        INT_EQ(st->delimiter, title_cases[i].delim, title_cases[i].name);
        INT_EQ(st->bytes, strlen(title_cases[i].in), title_cases[i].name);
        ef_csv_free(r);
        ef_buf_reset(&got);
    }
}

void test_csv(void)
{
    size_t i;

    for (i = 0; i < EF_ARRAY_LEN(cases); i++)
        check_case(&cases[i]);
    check_errors();
    check_sha_and_stats();
    check_gzip();
    check_big_field();
    check_limits();
    check_files();
    check_random();
    check_thread();
    check_titles();
}
