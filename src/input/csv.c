/* csv.c - streaming CSV record reader.
 *
 * Four layers, each feeding the next:
 *   raw      read(2) blocks from a file or stdin, or a memory block; every
 *            raw byte goes through sha256
 *   bytes    the raw bytes, or their inflated form when they start with
 *            the gzip magic
 *   text     UTF-8: the bytes themselves (BOM stripped), or decoded from
 *            UTF-16 (found by its BOM) or from opts->encoding by iconv
 *   records  parse() splits the text, validating UTF-8 and dropping NULs
 *
 * parse() is the hot path. It copies the record into r->out while it
 * scans with SSE2 (64 bytes at a time outside quotes, where it also ends
 * fields at delimiters; 16 inside), and stops only at the bytes that need
 * a decision: quote, CR, LF, NUL and bytes >= 0x80 (and delimiters in the
 * short tail). Fields are NUL-terminated in r->out, which is reused from
 * record to record, so its size follows the longest record, not the file.
 * There is no call per byte and no allocation per record.
 *
 * sha256 costs about as much as everything else together, so past the
 * first few MiB a second thread hashes each block while this one parses
 * the block before it. A buffer that holds raw bytes is not written again
 * until they are hashed: raw_read() waits when its destination overlaps
 * the pending block, and text alternates between two buffers.
 */
#define _FILE_OFFSET_BITS 64 /* 32-bit hosts: files over 2 GB */

#include "input/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <zlib.h>

#include "input/input.h"
#include "util/pool.h"
#include "util/text.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The read size. Unit tests shrink it to a few bytes so that every record
 * straddles block boundaries. */
EF_STATIC size_t csv_block_size = 256 * 1024;

/* Raw bytes read before hashing moves to a thread (tests set it to 0). */
EF_STATIC uint64_t csv_thread_after = (uint64_t)4 << 20;

enum {
    CARRY = 64, /* text kept across a refill (lookahead), and headroom */
    SLACK = 64, /* spare bytes in r->out past what the scan may write */
    MAX_DEFAULT_MIB = 64,
    MAX_DEFAULT_FIELDS = 10000,
    TITLE_LINES = 10,   /* the most lines looked at above a header */
    TITLE_FIELDS = 512, /* ... and fields in each of them */
    TITLE_BYTES = 16384 /* ... and bytes */
};

enum { DEC_UTF8, DEC_UTF16LE, DEC_UTF16BE, DEC_ICONV };
enum { ST_FIELD, ST_QUOTED };
enum { P_NEED, P_RECORD, P_EOF, P_ERROR };

struct ef_csv_reader {
    char *name;               /* path for messages */
    int fd;                   /* -1 for memory input */
    int close_fd;             /* 0 for stdin */
    const unsigned char *mem; /* memory input */
    size_t mem_len, mem_pos;
    size_t block; /* read size */
    int started;  /* the first ef_csv_next has run start() */
    int done;     /* end of input was returned */
    ef_err err;   /* the first error, repeated afterwards */

    /* raw */
    unsigned char *raw;      /* gzip input, or the first raw block */
    size_t raw_pos, raw_len; /* raw[raw_pos..raw_len) not yet passed on */
    int raw_eof;
    struct sha256_ctx sha;

    /* hashing on a thread of its own (a pool's): one block at a time */
    ef_pool *hpool;            /* NULL until csv_thread_after bytes */
    ef_job hjob;               /* hashes hbuf[0..hlen) */
    int hposted;               /* hjob submitted, not yet waited for */
    const unsigned char *hbuf; /* the posted block, unchanged until */
    size_t hlen;               /* hash_wait() */

    /* bytes */
    int gz;                   /* input is gzip */
    int z_init, z_member_end; /* inflate set up; a member just ended */
    z_stream z;
    int bytes_eof;

    /* text */
    int dec;             /* DEC_* */
    int enc_utf8;        /* opts named UTF-8: no iconv */
    int enc_given;       /* opts named another encoding */
    int exact;           /* ef_csv_exact: no title skipped */
    char *map;           /* ef_csv_set_map's, or NULL */
    iconv_t cd;          /* DEC_ICONV */
    size_t unit;         /* DEC_ICONV: bytes skipped on EILSEQ */
    unsigned char *dbuf; /* bytes waiting to be decoded */
    size_t dpos, dlen, dcap;
    unsigned char *text;  /* UTF-8 text waiting to be parsed */
    unsigned char *text2; /* the other text buffer */
    size_t tpos, tend, tcap;
    int text_eof;

    /* parser */
    unsigned char delim;
    unsigned char cls[2][256]; /* per state: bytes that stop the scan */
    int state;                 /* ST_FIELD or ST_QUOTED */
    int fq;                    /* the current field began with a quote */
    unsigned char *out;        /* the record's fields, NUL-terminated */
    size_t olen, ocap, fstart; /* fstart: where the current field began */
    size_t *foff, *flen;       /* per field: offset in out, length */
    const char **fptr;
    size_t nf, fcap;
    uint64_t line;     /* current physical line */
    uint64_t rec_line; /* where the current record began */
    uint64_t fline;    /* where the current field began */
    size_t max_bytes;  /* limits: past them a record is cut */
    size_t max_fields;
    int cut;       /* EF_CSV_CUT_* bits of the record */
    int cutf;      /* the current field is being cut */
    int fdrop;     /* bytes of the current field were let go */
    size_t cutlen; /* and this much of it is kept */
    uint64_t nall; /* fields of the record, kept or not */

    /* lone CRs outside quotes, kept as data (cr_split) */
    size_t *cr_off;    /* each one's offset in out */
    uint64_t *cr_line; /* and line */
    size_t ncr, crcap;
    size_t hdr_fields; /* the first record's fields */
    size_t piece;      /* the next piece of a split record to return */
    size_t npieces;    /* its pieces; 0: not split */
    uint64_t *pline;   /* each piece's line */
    size_t *pfield;    /* per split: the CR it is at */
    size_t pcap;

    ef_csv_stats st;
};

/* ==== Raw input ========================================================= */

static void sha_finish(ef_csv_reader *r)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    int i;

    sha256_digest(&r->sha, sizeof d, d);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
        r->st.sha256[2 * i] = hex[d[i] >> 4];
        r->st.sha256[2 * i + 1] = hex[d[i] & 15];
    }
    r->st.sha256[64] = '\0';
}

static void hash_task(void *ctx, size_t task, int worker)
{
    ef_csv_reader *r = ctx;

    (void)task;
    (void)worker;
    sha256_update(&r->sha, r->hlen, r->hbuf);
}

/* Waits until the posted block (if any) is hashed. */
static void hash_wait(ef_csv_reader *r)
{
    if (!r->hposted)
        return;
    ef_pool_wait(r->hpool, &r->hjob);
    r->hposted = 0;
    r->hbuf = NULL;
    r->hlen = 0;
}

/* Hashes n bytes at b: inline for the first csv_thread_after bytes, then
 * on the pool's thread, when b must stay unchanged until hash_wait(). A
 * pool of two threads, of which one is ever busy: a pool of one would
 * hash in hash_wait, on this thread. */
static void hash_post(ef_csv_reader *r, const unsigned char *b, size_t n)
{
    if (r->hpool == NULL && r->st.bytes >= csv_thread_after)
        r->hpool = ef_pool_new(2);
    if (r->hpool == NULL) {
        sha256_update(&r->sha, n, b);
        return;
    }
    hash_wait(r);
    r->hbuf = b;
    r->hlen = n;
    r->hjob = EF_JOB(hash_task, r, 1);
    ef_pool_submit(r->hpool, &r->hjob);
    r->hposted = 1;
}

/* Lets the thread hash what is posted, and ends it. */
static void hash_stop(ef_csv_reader *r)
{
    if (r->hpool == NULL)
        return;
    hash_wait(r);
    ef_pool_free(r->hpool);
    r->hpool = NULL;
}

/* Reads up to cap raw bytes into buf; *n = 0 at end of input. */
static ef_status raw_read(ef_csv_reader *r, unsigned char *buf, size_t cap,
                          size_t *n, ef_err *e)
{
    size_t got = 0;

    *n = 0;
    if (r->raw_eof || cap == 0)
        return EF_OK;
    if (r->hposted && (uintptr_t)buf < (uintptr_t)r->hbuf + r->hlen &&
        (uintptr_t)r->hbuf < (uintptr_t)buf + cap)
        hash_wait(r); /* buf still holds bytes being hashed */
    if (r->fd < 0) {
        got = r->mem_len - r->mem_pos;
        if (got > cap)
            got = cap;
        if (got > 0)
            memcpy(buf, r->mem + r->mem_pos, got);
        r->mem_pos += got;
    } else {
        ssize_t k;

        do
            k = read(r->fd, buf, cap);
        while (k < 0 && errno == EINTR);
        if (k < 0)
            return ef_fail(e, EF_ERR_IO, "%s: %s", r->name, strerror(errno));
        got = (size_t)k;
    }
    if (got == 0) {
        r->raw_eof = 1;
        hash_stop(r);
        sha_finish(r);
        return EF_OK;
    }
    r->st.bytes += got;
    hash_post(r, buf, got);
    *n = got;
    return EF_OK;
}

/* Reads and hashes what is left after a gzip stream (trailing garbage,
 * which gzip itself ignores too). */
static ef_status raw_drain(ef_csv_reader *r, ef_err *e)
{
    ef_status rc = EF_OK;
    size_t n;

    do
        rc = raw_read(r, r->raw, r->block, &n, e);
    while (rc == EF_OK && n > 0);
    return rc;
}

/* ==== Bytes (gzip) ====================================================== */

static ef_status gz_fail(ef_csv_reader *r, const char *what, ef_err *e)
{
    return ef_fail(e, EF_ERR_PARSE, "%s: gzip: %s", r->name, what);
}

/* Reads up to cap bytes of the (decompressed) input into buf; *n = 0 at
 * the end. */
static ef_status bytes_read(ef_csv_reader *r, unsigned char *buf, size_t cap,
                            size_t *n, ef_err *e)
{
    ef_status rc = EF_OK;
    size_t k;
    int zr;

    *n = 0;
    if (r->bytes_eof || cap == 0)
        return EF_OK;
    if (!r->gz) {
        if (r->raw_pos < r->raw_len) {
            k = r->raw_len - r->raw_pos;
            if (k > cap)
                k = cap;
            memcpy(buf, r->raw + r->raw_pos, k);
            r->raw_pos += k;
            *n = k;
            return EF_OK;
        }
        rc = raw_read(r, buf, cap, n, e);
        if (rc == EF_OK && *n == 0)
            r->bytes_eof = 1;
        return rc;
    }
    for (;;) {
        if (r->z.avail_in == 0) {
            if ((rc = raw_read(r, r->raw, r->block, &k, e)) != EF_OK)
                return rc;
            if (k == 0) {
                if (!r->z_member_end)
                    return gz_fail(r, "unexpected end of file", e);
                r->bytes_eof = 1;
                return EF_OK;
            }
            r->z.next_in = r->raw;
            r->z.avail_in = (uInt)k;
        }
        if (r->z_member_end) {
            /* Concatenated members continue the data; anything else
             * after a member is ignored, as gzip -d does. */
            if (r->z.next_in[0] != 0x1f) {
                r->z.avail_in = 0;
                if ((rc = raw_drain(r, e)) != EF_OK)
                    return rc;
                r->bytes_eof = 1;
                return EF_OK;
            }
            if (inflateReset(&r->z) != Z_OK)
                return gz_fail(r, "inflateReset failed", e);
            r->z_member_end = 0;
        }
        r->z.next_out = buf;
        r->z.avail_out = (uInt)cap;
        zr = inflate(&r->z, Z_NO_FLUSH);
        k = cap - r->z.avail_out;
        if (zr == Z_STREAM_END)
            r->z_member_end = 1;
        else if (zr != Z_OK && !(zr == Z_BUF_ERROR && r->z.avail_in == 0))
            return gz_fail(r, r->z.msg ? r->z.msg : zError(zr), e);
        if (k > 0) {
            *n = k;
            return EF_OK;
        }
    }
}

/* ==== Text (decoding) =================================================== */

/* Decodes UTF-16 from dbuf into text; lone surrogates (and an odd last
 * byte) become U+FFFD. final: no more bytes will come. */
static void utf16_decode(ef_csv_reader *r, int final)
{
    const unsigned char *s = r->dbuf + r->dpos, *se = r->dbuf + r->dlen;
    unsigned char *o = r->text + r->tend, *oe = r->text + r->tcap;
    int be = r->dec == DEC_UTF16BE;

    while (se - s >= 2 && oe - o >= 4) {
        uint32_t u =
            be ? (uint32_t)(s[0] << 8 | s[1]) : (uint32_t)(s[1] << 8 | s[0]);
        uint32_t c = u;

        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t u2;

            if (se - s < 4 && !final)
                break;
            u2 = se - s < 4 ? 0
                 : be       ? (uint32_t)(s[2] << 8 | s[3])
                            : (uint32_t)(s[3] << 8 | s[2]);
            if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                c = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
                s += 2;
            } else {
                c = 0xFFFD;
                r->st.invalid_utf8++;
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            c = 0xFFFD;
            r->st.invalid_utf8++;
        }
        s += 2;
        o += ef_utf8_encode((char *)o, c);
    }
    if (final && se - s == 1 && oe - o >= 3) {
        o += ef_utf8_encode((char *)o, 0xFFFD);
        r->st.invalid_utf8++;
        s++;
    }
    r->dpos = (size_t)(s - r->dbuf);
    r->tend = (size_t)(o - r->text);
}

/* Decodes dbuf into text through iconv; bytes iconv rejects become
 * U+FFFD, as does a sequence cut short by the end of input. */
static void iconv_decode(ef_csv_reader *r, int final)
{
    char *in = (char *)r->dbuf + r->dpos;
    size_t inleft = r->dlen - r->dpos;
    char *o = (char *)r->text + r->tend;
    size_t oleft = r->tcap - r->tend;

    while (inleft > 0) {
        if (iconv(r->cd, &in, &inleft, &o, &oleft) != (size_t)-1)
            break;
        if (errno == E2BIG || oleft < 3)
            break;
        if (errno == EILSEQ || (errno == EINVAL && final)) {
            size_t skip = errno == EILSEQ ? r->unit : inleft;

            if (skip > inleft)
                skip = inleft;

            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            oleft -= 3;
            in += skip;
            inleft -= skip;
            r->st.invalid_utf8++;
            continue;
        }
        break; /* EINVAL: the rest of a sequence is still to come */
    }
    if (final && inleft == 0)
        iconv(r->cd, NULL, NULL, &o, &oleft); /* stateful encodings */
    r->dpos = (size_t)(in - (char *)r->dbuf);
    r->tend = (size_t)(o - (char *)r->text);
}

/* Appends more text after r->text[tpos..tend), which moves to the front
 * first. Appends at least one byte unless the input has ended (then
 * text_eof = 1) or the buffer is full. */
static ef_status text_fill(ef_csv_reader *r, ef_err *e)
{
    ef_status rc;
    size_t n, keep = r->tend - r->tpos;
    int final;

    if (r->dec == DEC_UTF8 && r->dpos >= r->dlen && !r->text_eof) {
        /* Read into the other buffer: the thread may be hashing this one.
         * The text kept is the few bytes of lookahead parse() left (or,
         * while start() looks for the header, all of it). */
        unsigned char *t = r->text2;

        memcpy(t, r->text + r->tpos, keep);
        r->text2 = r->text;
        r->text = t;
        r->tpos = 0;
        r->tend = keep;
        if (r->tcap - r->tend < 8)
            return EF_OK;
        rc = bytes_read(r, r->text + r->tend, r->tcap - r->tend, &n, e);
        if (rc != EF_OK)
            return rc;
        if (n == 0)
            r->text_eof = 1;
        r->tend += n;
        return EF_OK;
    }
    if (r->tpos > 0) {
        memmove(r->text, r->text + r->tpos, r->tend - r->tpos);
        r->tend -= r->tpos;
        r->tpos = 0;
    }
    while (!r->text_eof && r->tcap - r->tend >= 8) {
        if (r->dec == DEC_UTF8) {
            if (r->dpos < r->dlen) { /* the block read by start() */
                n = r->dlen - r->dpos;
                if (n > r->tcap - r->tend)
                    n = r->tcap - r->tend;
                memcpy(r->text + r->tend, r->dbuf + r->dpos, n);
                r->dpos += n;
                r->tend += n;
                return EF_OK;
            }
            r->text_eof = 1; /* not reached: handled above */
            return EF_OK;
        }
        n = r->tend;
        for (final = r->bytes_eof;; final = 1) {
            size_t dpos = r->dpos;

            if (r->dec == DEC_ICONV)
                iconv_decode(r, final);
            else
                utf16_decode(r, final);
            /* A full dbuf that yields nothing holds no valid sequence:
             * replace it rather than wait for more. */
            if (final || r->tend > n || r->dpos != dpos || dpos != 0 ||
                r->dlen != r->dcap)
                break;
        }
        if (r->tend > n)
            return EF_OK;
        if (r->bytes_eof) {
            r->text_eof = 1;
            return EF_OK;
        }
        hash_wait(r); /* dbuf may hold raw bytes being hashed */
        memmove(r->dbuf, r->dbuf + r->dpos, r->dlen - r->dpos);
        r->dlen -= r->dpos;
        r->dpos = 0;
        rc = bytes_read(r, r->dbuf + r->dlen, r->dcap - r->dlen, &n, e);
        if (rc != EF_OK)
            return rc;
        r->dlen += n;
    }
    return EF_OK;
}

/* ==== Start: gzip, BOM, delimiter ======================================= */

/* The most frequent of , ; TAB outside quotes in the first non-blank line
 * of t[0..n), ties in that order, ',' when none. *whole: the line ended
 * inside t. */
static unsigned char sniff(const unsigned char *t, size_t n, int *whole)
{
    static const unsigned char cand[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0}, i = 0;
    int inq = 0, k, best = 0;

    while (i < n &&
           (t[i] == '\n' || (t[i] == '\r' && i + 1 < n && t[i + 1] == '\n')))
        i++;
    *whole = 0;
    for (; i < n; i++) {
        unsigned char c = t[i];

        if (c == '"')
            inq = !inq;
        else if (inq)
            continue;
        else if (c == '\n') {
            *whole = 1;
            break;
        }
        for (k = 0; k < 3; k++)
            count[k] += c == cand[k];
    }
    for (k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return count[best] ? cand[best] : ',';
}

/* The line feeds in t[0..n). */
static size_t count_lines(const unsigned char *t, size_t n)
{
    size_t k = 0;
    const unsigned char *p = t, *end = t + n;

    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/* Excel's first line "sep=;" (written by exports meant for Excel, read
 * by Excel as the delimiter, never shown): its length with the line
 * ending, and the delimiter in *d; 0 if t[0..n) does not start with one. */
static size_t sep_line(const unsigned char *t, size_t n, unsigned char *d)
{
    size_t k;

    if (n < 5 || (memcmp(t, "sep=", 4) != 0 && memcmp(t, "SEP=", 4) != 0))
        return 0;
    if (t[4] != ',' && t[4] != ';' && t[4] != '\t' && t[4] != '|')
        return 0;
    k = 5;
    if (k < n && t[k] == '\r')
        k++;
    if (k < n && t[k] == '\n')
        k++;
    else if (k < n) /* "sep=;x" or "sep=;\r" alone: a header after all */
        return 0;
    *d = t[4];
    return k;
}

/* ==== Title lines above the header ===================================== */

/* Splits the line at t[0..n) by d (quotes honoured) into NUL-terminated
 * copies in buf, pointed to by names; *nonempty counts the fields that
 * are not blank and *len is the line's length with its ending. Returns
 * the number of fields, or -1 when the line does not end within t, holds
 * a quoted line break, or is past the TITLE_* limits. */
static int line_fields(const unsigned char *t, size_t n, unsigned char d,
                       char *buf, const char **names, int *nonempty,
                       size_t *len)
{
    size_t o = 0, fstart = 0;
    int nf = 0, inq = 0, blank = 1;

    *nonempty = 0;
    names[0] = buf;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        int crlf = c == '\r' && i + 1 < n && t[i + 1] == '\n';

        if (inq) {
            if (c == '\n' || c == '\r')
                return -1;
            if (c == '"' && i + 1 < n && t[i + 1] == '"')
                i++;
            else if (c == '"') {
                inq = 0;
                continue;
            }
        } else if (c == '"' && o == fstart) {
            inq = 1;
            continue;
        } else if (c == d || c == '\n' || crlf) {
            buf[o++] = '\0';
            *nonempty += !blank;
            blank = 1;
            if (++nf == TITLE_FIELDS && c == d)
                return -1;
            if (c == d) {
                names[nf] = buf + o;
                fstart = o;
                continue;
            }
            *len = i + 1 + (size_t)crlf;
            return nf;
        }
        if (o + 2 >= TITLE_BYTES)
            return -1;
        buf[o++] = (char)c;
        blank &= c == ' ' || c == '\t';
    }
    return -1;
}

/* 2: the names map text and date (a header); 1: they map some other
 * field (it may be a header still); 0: none. */
static int names_header(const char *const *names, int n, const char *map)
{
    ef_columns c;
    ef_err e = {EF_OK, ""};
    int any = 0;

    if (ef_columns_map(names, (size_t)n, map, NULL, "", &c, &e) == EF_OK)
        return 2;
    for (int f = 0; f < EF_F_COUNT && e.code == EF_ERR_PARSE; f++)
        any |= c.col[f] >= 0;
    return any;
}

/* 1 when the first non-blank line in the text is whole and names no
 * column: it may be a title, worth reading further for the header. */
static int may_be_title(ef_csv_reader *r)
{
    const unsigned char *t = r->text + r->tpos;
    size_t n = r->tend - r->tpos, pos = 0, len;
    char *buf = ef_xmalloc(TITLE_BYTES);
    const char **names = ef_xcalloc(TITLE_FIELDS, sizeof *names);
    int nf, ne, whole, may;

    while (pos < n && (t[pos] == '\n' ||
                       (t[pos] == '\r' && pos + 1 < n && t[pos + 1] == '\n')))
        pos += t[pos] == '\r' ? 2 : 1;
    nf = line_fields(t + pos, n - pos,
                     r->delim ? r->delim : sniff(t + pos, n - pos, &whole),
                     buf, names, &ne, &len);
    may = nf > 0 && names_header(names, nf, r->map) == 0;
    free(buf);
    free(names);
    return may;
}

/* A title above the header ("Trustpilot reviews export - 2025-03-01",
 * "Report generated ...", an Excel row "Title,,,,"), with blank lines
 * about it: skipped when it is in the text read so far. The lines skipped
 * are no records; the header keeps its true line number. Never skips a
 * line that could be the header itself: one with a column earful knows,
 * or with more than one non-empty field and over half the header's. */
static void skip_title(ef_csv_reader *r)
{
    const unsigned char *t = r->text + r->tpos;
    size_t n = r->tend - r->tpos, pos = 0, at[TITLE_LINES + 1], len;
    uint64_t line = r->line, lines[TITLE_LINES + 1];
    char *buf = ef_xmalloc(TITLE_BYTES);
    const char **names = ef_xcalloc(TITLE_FIELDS, sizeof *names);
    unsigned char d = 0;
    int k, nf = -1, hf = 0, ne, titles = 0;

    for (k = 0; k <= TITLE_LINES; k++) {
        int whole, h;

        while (pos < n && (t[pos] == '\n' || (t[pos] == '\r' && pos + 1 < n &&
                                              t[pos + 1] == '\n'))) {
            pos += t[pos] == '\r' ? 2 : 1;
            line++;
        }
        at[k] = pos;
        lines[k] = line;
        d = r->delim ? r->delim : sniff(t + pos, n - pos, &whole);
        if ((nf = line_fields(t + pos, n - pos, d, buf, names, &ne, &len)) < 0)
            goto out;
        if ((h = names_header(names, nf, r->map)) == 2)
            break;
        if (h == 1 || k == TITLE_LINES)
            goto out; /* a header, or no title */
        pos += len;
        line++;
    }
    if (k == 0)
        goto out;
    /* every line above, split as the header is, a title or blank */
    hf = nf;
    for (int i = 0; i < k; i++) {
        nf = line_fields(t + at[i], n - at[i], d, buf, names, &ne, &len);
        if (nf < 0 || names_header(names, nf, r->map) > 0 ||
            (ne > 1 && 2 * ne > hf))
            goto out;
        if (ne > 0 && titles++ == 0) {
            /* the title for the note: its fields, the empty ones left
             * out, cut on a character boundary */
            size_t o = 0;
            for (int f = 0; f < nf; f++) {
                size_t fl = strlen(names[f]);
                if (ef_text_trim(names[f], &fl), fl == 0)
                    continue;
                if (o > 0 && o + 1 < sizeof r->st.title - 4)
                    r->st.title[o++] = ' ';
                for (size_t b = 0;
                     b < strlen(names[f]) && o + 1 < sizeof r->st.title - 4;
                     b++)
                    r->st.title[o++] = names[f][b];
            }
            while (o > 0 && ((unsigned char)r->st.title[o] & 0xC0) == 0x80)
                o--; /* not inside a character */
            r->st.title[o] = '\0';
        }
    }
    r->st.title_lines = (uint64_t)titles;
    r->tpos += at[k];
    r->line = r->rec_line = r->fline = lines[k];
out:
    free(buf);
    free(names);
}

static void set_delimiter(ef_csv_reader *r, unsigned char d)
{
    static const unsigned char both[] = {'"', '\n', '\0'};
    size_t i;

    r->delim = d;
    r->st.delimiter = (char)d;
    memset(r->cls, 0, sizeof r->cls);
    for (i = 0x80; i < 256; i++)
        r->cls[ST_FIELD][i] = r->cls[ST_QUOTED][i] = 1;
    for (i = 0; i < sizeof both; i++)
        r->cls[ST_FIELD][both[i]] = r->cls[ST_QUOTED][both[i]] = 1;
    r->cls[ST_FIELD]['\r'] = 1;
    r->cls[ST_FIELD][d] = 1;
}

/* Runs before the first record: finds gzip, the BOM and the delimiter. */
static ef_status start(ef_csv_reader *r, ef_err *e)
{
    ef_status rc;
    const unsigned char *b;
    size_t n;
    int whole = 0, bom_done = !r->enc_given;

    r->started = 1;
    while (r->raw_len < 2 && !r->raw_eof) {
        rc = raw_read(r, r->raw + r->raw_len, r->block + 16 - r->raw_len, &n,
                      e);
        if (rc != EF_OK)
            return rc;
        r->raw_len += n;
    }
    if (r->raw_len >= 2 && r->raw[0] == 0x1f && r->raw[1] == 0x8b) {
        r->gz = 1;
        r->st.gzip = 1;
        if (inflateInit2(&r->z, 15 + 16) != Z_OK)
            return ef_fail(e, EF_ERR_INTERNAL, "%s: zlib: cannot start",
                           r->name);
        r->z_init = 1;
        r->z.next_in = r->raw;
        r->z.avail_in = (uInt)r->raw_len;
        r->raw_pos = r->raw_len;
    }

    /* The BOM, from the first bytes. */
    while (r->dlen < 4 && !r->bytes_eof) {
        rc = bytes_read(r, r->dbuf + r->dlen, r->dcap - r->dlen, &n, e);
        if (rc != EF_OK)
            return rc;
        r->dlen += n;
    }
    b = r->dbuf;
    if (!r->enc_given) {
        if (r->dlen >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
            r->dpos = 3;
            strcpy(r->st.encoding, "UTF-8 (BOM)");
        } else if (!r->enc_utf8 && r->dlen >= 2 && b[0] == 0xFF &&
                   b[1] == 0xFE) {
            r->dpos = 2;
            r->dec = DEC_UTF16LE;
            strcpy(r->st.encoding, "UTF-16LE (BOM)");
        } else if (!r->enc_utf8 && r->dlen >= 2 && b[0] == 0xFE &&
                   b[1] == 0xFF) {
            r->dpos = 2;
            r->dec = DEC_UTF16BE;
            strcpy(r->st.encoding, "UTF-16BE (BOM)");
        }
    }

    /* Enough text for the header line, then the delimiter. */
    do {
        if ((rc = text_fill(r, e)) != EF_OK)
            return rc;
        if (!bom_done && r->tend >= 3) {
            bom_done = 1;
            if (memcmp(r->text, "\xEF\xBB\xBF", 3) == 0) {
                /* a BOM, decoded as U+FEFF: not part of the header */
                size_t len = strlen(r->st.encoding);

                r->tpos = 3;
                if (len + 6 < sizeof r->st.encoding)
                    strcpy(r->st.encoding + len, " (BOM)");
            }
        }
        if (!bom_done && !r->text_eof)
            continue; /* a BOM may still come */
        if (r->delim)
            break;
        sniff(r->text + r->tpos, r->tend - r->tpos, &whole);
    } while (!whole && !r->text_eof && r->tcap - r->tend >= 8);
    {
        unsigned char d;
        size_t k = sep_line(r->text + r->tpos, r->tend - r->tpos, &d);

        if (k > 0) { /* line 1; the header is on line 2 */
            r->tpos += k;
            r->line = r->rec_line = r->fline = 2;
            r->st.sep_line = (char)d;
            if (!r->delim)
                r->delim = d;
        }
    }
    if (!r->exact && may_be_title(r)) {
        /* a title's lines and the header's in the text, if they fit */
        while (!r->text_eof && r->tcap - r->tend >= 8 &&
               count_lines(r->text + r->tpos, r->tend - r->tpos) <
                   2 * TITLE_LINES + 2)
            if ((rc = text_fill(r, e)) != EF_OK)
                return rc;
        skip_title(r);
    }
    set_delimiter(
        r, r->delim ? r->delim
                    : sniff(r->text + r->tpos, r->tend - r->tpos, &whole));
    return EF_OK;
}

/* ==== Records =========================================================== */

static void out_grow(ef_csv_reader *r, size_t need)
{
    size_t cap = r->ocap ? r->ocap : 4096;

    while (cap - r->olen < need)
        cap *= 2;
    r->out = ef_xrealloc(r->out, cap);
    r->ocap = cap;
}

/* n, or less, so that s[0..n) ends on a character boundary; s holds
 * valid UTF-8 and at least n + 1 bytes. */
static size_t utf8_floor(const unsigned char *s, size_t n)
{
    while (n > 0 && (s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static void fields_grow(ef_csv_reader *r)
{
    r->fcap = r->fcap ? 2 * r->fcap : 16;
    r->foff = ef_xrealloc(r->foff, r->fcap * sizeof *r->foff);
    r->flen = ef_xrealloc(r->flen, r->fcap * sizeof *r->flen);
    r->fptr = ef_xrealloc(r->fptr, r->fcap * sizeof *r->fptr);
}

/* Checks the UTF-8 sequence at p (p[0] >= 0x80) and copies it to o, or
 * writes U+FFFD for its maximal invalid prefix (Unicode 3.9, "substitution
 * of maximal subparts"). Returns the bytes consumed and sets *w to those
 * written; returns 0 when the sequence may go on past end. */
static inline size_t utf8_one(const unsigned char *p, const unsigned char *end,
                              int eof, unsigned char *o, size_t *w,
                              uint64_t *bad)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t n, i = 1, avail = (size_t)(end - p);

    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (p[1] & 0xC0) == 0x80) { /* the common case */
            o[0] = (unsigned char)c;
            o[1] = p[1];
            *w = 2;
            return 2;
        }
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        n = 1;
    if (n > 1) {
        if (avail < n && !eof)
            return 0;
        for (; i < n && i < avail; i++) {
            if (p[i] < lo || p[i] > hi)
                break;
            lo = 0x80;
            hi = 0xBF;
        }
        if (i == n) {
            memcpy(o, p, n);
            *w = n;
            return n;
        }
    }
    memcpy(o, "\xEF\xBF\xBD", 3);
    *w = 3;
    (*bad)++;
    return i;
}

#ifdef __SSE2__
/* Copies 16 bytes from p to o, delimiters as NULs; returns the mask of
 * delimiters and shifts the mask of other special bytes into *sm. */
static inline uint64_t lane(const unsigned char *p, unsigned char *o,
                            __m128i vd, __m128i vq, __m128i vcr, __m128i vlf,
                            uint64_t *sm)
{
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i d = _mm_cmpeq_epi8(v, vd);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vcr)),
        _mm_or_si128(_mm_cmpeq_epi8(v, vlf),
                     _mm_cmpeq_epi8(v, _mm_setzero_si128())));
    unsigned s =
        (unsigned)_mm_movemask_epi8(m) | (unsigned)_mm_movemask_epi8(v);

    _mm_storeu_si128((__m128i *)o, _mm_andnot_si128(d, v));
    *sm = *sm >> 16 | (uint64_t)s << 48;
    return (uint64_t)(unsigned)_mm_movemask_epi8(d);
}
#endif

/* Splits text into the current record until it is complete (P_RECORD),
 * the text runs out (P_NEED), the input ends (P_EOF) or an error.
 *
 * The parser state lives in locals while it runs: r->out is written
 * through an unsigned char pointer, which may alias anything in *r, so
 * fields of *r would be reloaded after every store.
 *
 * r->out always has room for what is left of the text plus SLACK, so the
 * scan can store 16 bytes at a time without checks; only U+FFFD (3 bytes
 * for 1) writes more than it reads, and it checks again. */
static int parse(ef_csv_reader *r, ef_err *e)
{
    const unsigned char *const base = r->text;
    const unsigned char *p = base + r->tpos;
    const unsigned char *const end = base + r->tend;
    const int eof = r->text_eof;
    const unsigned char delim = r->delim;
    unsigned char *out;
    size_t ol = r->olen, fstart = r->fstart, nf = r->nf, k, w;
    size_t cutlen = r->cutlen;
    const size_t max_bytes = r->max_bytes, max_fields = r->max_fields;
    uint64_t line = r->line, fline = r->fline, nall = r->nall;
    int state = r->state, fq = r->fq, res, cut = r->cut, cutf = r->cutf;
    int fdrop = r->fdrop;
#ifdef __SSE2__
    const __m128i vq = _mm_set1_epi8('"'), vlf = _mm_set1_epi8('\n');
    const __m128i vz = _mm_setzero_si128();
    const __m128i vd = _mm_set1_epi8((char)delim);
    const __m128i vcr = _mm_set1_epi8('\r');
#endif

    if (r->ocap - ol < (size_t)(end - p) + SLACK) {
        r->olen = ol;
        out_grow(r, (size_t)(end - p) + SLACK);
    }
    out = r->out;

/* The limits. The field that takes the record past max_bytes is cut
 * there (cutf: its first cutlen bytes are kept; none when it starts past
 * the limit); fields after it, and past max_fields, are dropped. LIMIT()
 * applies them to the field so far: it runs at the end of each field and
 * whenever the text runs out, so what is past a limit never piles up. */
#define LIMIT()                                                               \
    do {                                                                      \
        size_t ol0_ = ol;                                                     \
        if (nf == max_fields) {                                               \
            ol = fstart; /* to be dropped */                                  \
            fdrop |= ol < ol0_;                                               \
            break;                                                            \
        }                                                                     \
        if (!cutf && !(cut & EF_CSV_CUT_BYTES) && ol > max_bytes) {           \
            cut |= EF_CSV_CUT_BYTES;                                          \
            if (fstart < max_bytes) {                                         \
                cutf = 1;                                                     \
                cutlen = utf8_floor(out + fstart, max_bytes - fstart);        \
            }                                                                 \
        }                                                                     \
        if (cutf)                                                             \
            ol = fstart + cutlen;                                             \
        else if (cut & EF_CSV_CUT_BYTES)                                      \
            ol = fstart;    /* to be dropped */                               \
        fdrop |= ol < ol0_; /* the field is not empty, all the same */        \
    } while (0)

/* Ends the current field: kept, or dropped when past a limit. */
#define END_FIELD()                                                           \
    do {                                                                      \
        nall++;                                                               \
        LIMIT();                                                              \
        if (nf == max_fields || (!cutf && (cut & EF_CSV_CUT_BYTES))) {        \
            if (nf == max_fields)                                             \
                cut |= EF_CSV_CUT_FIELDS;                                     \
        } else {                                                              \
            if (nf == r->fcap)                                                \
                fields_grow(r);                                               \
            r->foff[nf] = fstart;                                             \
            r->flen[nf] = ol - fstart;                                        \
            nf++;                                                             \
            out[ol++] = '\0';                                                 \
        }                                                                     \
        cutf = fdrop = 0;                                                     \
        fstart = ol;                                                          \
        fq = 0;                                                               \
        fline = line;                                                         \
    } while (0)

    for (;;) {
        unsigned char c;

#ifdef __SSE2__
        /* Outside quotes, 64 bytes at a time: delimiters become the NULs
         * that end fields, without leaving the loop; any other special
         * byte stops it. */
        while (state == ST_FIELD && !cut && end - p >= 64) {
            uint64_t dm, sm;
            size_t lim = 64, fend;

            sm = 0;
            dm = lane(p, out + ol, vd, vq, vcr, vlf, &sm);
            dm |= lane(p + 16, out + ol + 16, vd, vq, vcr, vlf, &sm) << 16;
            dm |= lane(p + 32, out + ol + 32, vd, vq, vcr, vlf, &sm) << 32;
            dm |= lane(p + 48, out + ol + 48, vd, vq, vcr, vlf, &sm) << 48;
            if (sm) {
                lim = (size_t)__builtin_ctzll(sm);
                dm &= ((uint64_t)1 << lim) - 1;
            }
            while (dm) {
                fend = ol + (size_t)__builtin_ctzll(dm);
                dm &= dm - 1;
                if (fend > max_bytes || nf == max_fields) {
                    /* past a limit: END_FIELD decides, at the delimiter */
                    p += fend - ol;
                    ol = fend;
                    goto special;
                }
                if (nf == r->fcap)
                    fields_grow(r);
                r->foff[nf] = fstart;
                r->flen[nf] = fend - fstart;
                nf++;
                nall++;
                fstart = fend + 1;
                fq = 0;
                fline = line;
            }
            p += lim;
            ol += lim;
            if (lim < 64)
                goto special;
        }
        {
            /* In quotes, the delimiter and CR are data: compare with the
             * quote twice instead. */
            const __m128i a = state == ST_FIELD ? vd : vq;
            const __m128i b = state == ST_FIELD ? vcr : vq;

            while (end - p >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)p);
                __m128i m = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, a)),
                    _mm_or_si128(_mm_cmpeq_epi8(v, b),
                                 _mm_cmpeq_epi8(v, vlf)));
                unsigned bits;

                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, vz));
                bits = (unsigned)_mm_movemask_epi8(m) |
                       (unsigned)_mm_movemask_epi8(v);
                _mm_storeu_si128((__m128i *)(out + ol), v);
                if (bits) {
                    k = (size_t)__builtin_ctz(bits);
                    p += k;
                    ol += k;
                    goto special;
                }
                p += 16;
                ol += 16;
            }
        }
#endif
        {
            const unsigned char *cls = r->cls[state];

            while (p < end && !cls[*p])
                out[ol++] = *p++;
        }
        if (p == end) {
            /* Limits are applied here too, so that memory stays bounded
             * (what is past them is let go at every refill), and the
             * same way at every read size */
            LIMIT();
            if (!eof) {
                res = P_NEED;
                goto done;
            }
            if (state == ST_QUOTED) {
                ef_fail(e, EF_ERR_PARSE,
                        "%s:%llu: unterminated \"-quoted field", r->name,
                        (unsigned long long)r->rec_line);
                res = P_ERROR;
                goto done;
            }
            if (nf == 0 && ol == 0 && !fq && !cut && nall == 0) {
                res = P_EOF;
                goto done;
            }
            END_FIELD();
            res = P_RECORD;
            goto done;
        }
#ifdef __SSE2__
    special:
#endif
        c = *p;
        if (state == ST_FIELD) {
            if (c == delim) {
                p++;
                END_FIELD();
                continue;
            }
            if (c == '\n') {
            lf:
                p++;
                line++;
                if (nf == 0 && ol == 0 && !fq && !cut && nall == 0) {
                    r->rec_line = fline = line; /* a blank line */
                    continue;
                }
                END_FIELD();
                res = P_RECORD;
                goto done;
            }
            if (c == '"') {
                if (ol == fstart && !fq && !fdrop) {
                    state = ST_QUOTED;
                    fq = 1;
                } else {
                    out[ol++] = '"'; /* lenient, like Python's csv */
                }
                p++;
                continue;
            }
            if (c == '\r') {
                if (end - p < 2 && !eof) {
                    res = P_NEED;
                    goto done;
                }
                if (end - p >= 2 && p[1] == '\n') {
                    p++;
                    goto lf;
                }
                /* a lone CR is data, unless cr_split finds it a row's
                 * end: where it is kept */
                if (r->ncr == r->crcap) {
                    r->crcap = r->crcap ? 2 * r->crcap : 16;
                    r->cr_off =
                        ef_xrealloc(r->cr_off, r->crcap * sizeof *r->cr_off);
                    r->cr_line =
                        ef_xrealloc(r->cr_line, r->crcap * sizeof *r->cr_line);
                }
                r->cr_off[r->ncr] = ol;
                r->cr_line[r->ncr++] = line;
                out[ol++] = '\r';
                p++;
                continue;
            }
        } else if (c == '"') {
            /* doubled, or the end of the quoted part */
            if (end - p < 2 && !eof) {
                res = P_NEED;
                goto done;
            }
            if (end - p >= 2 && p[1] == '"') {
                out[ol++] = '"';
                p += 2;
            } else {
                state = ST_FIELD;
                p++;
            }
            continue;
        } else if (c == '\n') {
            out[ol++] = '\n';
            line++;
            p++;
            continue;
        }
        if (c == '\0') {
            r->st.nul_bytes++;
            p++;
            continue;
        }
        /* c >= 0x80 */
        k = utf8_one(p, end, eof, out + ol, &w, &r->st.invalid_utf8);
        if (k == 0) {
            res = P_NEED;
            goto done;
        }
        p += k;
        ol += w;
        if (w > k && r->ocap - ol < (size_t)(end - p) + SLACK) {
            r->olen = ol;
            out_grow(r, (size_t)(end - p) + SLACK);
            out = r->out;
        }
    }
#undef END_FIELD
#undef LIMIT
done:
    r->olen = ol;
    r->fstart = fstart;
    r->nf = nf;
    r->nall = nall;
    r->cut = cut;
    r->cutf = cutf;
    r->fdrop = fdrop;
    r->cutlen = cutlen;
    r->line = line;
    r->fline = fline;
    r->state = state;
    r->fq = fq;
    r->tpos = (size_t)(p - base);
    return res;
}

/* ==== Rows joined by a lone CR ========================================= */

/* An old Mac tool's line end (a lone CR) inside an export whose lines
 * end in LF or CR LF joins two rows into one record: "...,late\r5,...\n".
 * parse() keeps such CRs as data and notes where they are; here, a record
 * with more fields than the header (h of them) is split at them when that
 * gives pieces of h fields in exactly one way. With k pieces after the
 * first, the record has h + k(h - 1) fields and the m-th split falls in
 * field m(h - 1), which must hold exactly one lone CR: with two there
 * ("bad\rproduct\r5,..."), either could end the row, so none is taken.
 * CRs in other fields stay data ("bad\rproduct" in a row of h fields).
 * A record that does not split so is returned whole, to be rejected.
 * Sets r->npieces (0: not split); the pieces' fields are then fields
 * [p h, (p + 1) h) of the record. */
static void cr_split(ef_csv_reader *r)
{
    size_t h = r->hdr_fields, nf = r->nf, k, c, f = 0, pos;

    r->npieces = r->piece = 0;
    if (r->ncr == 0 || r->cut || h < 2 || nf <= h || (nf - h) % (h - 1))
        return;
    k = (nf - h) / (h - 1);
    if (k > r->ncr)
        return;
    if (r->pcap < k + 1) {
        r->pcap = k + 1;
        r->pline = ef_xrealloc(r->pline, r->pcap * sizeof *r->pline);
        r->pfield = ef_xrealloc(r->pfield, r->pcap * sizeof *r->pfield);
    }
    /* pfield[m]: the CR that splits in field m(h - 1), or SIZE_MAX */
    for (size_t m = 0; m <= k; m++)
        r->pfield[m] = SIZE_MAX;
    for (c = 0; c < r->ncr; c++) {
        size_t m;

        while (r->cr_off[c] >= r->foff[f] + r->flen[f])
            f++; /* the field that holds it */
        if (f == 0 || f % (h - 1) != 0)
            continue;
        m = f / (h - 1);
        if (m > k) /* the last field: data */
            continue;
        if (r->pfield[m] != SIZE_MAX)
            return; /* two CRs: either could end the row */
        r->pfield[m] = c;
    }
    for (size_t m = 1; m <= k; m++)
        if (r->pfield[m] == SIZE_MAX)
            return;
    /* Split: each such CR becomes the NUL that ends a field, so the
     * record's nf + k fields lie end to end in out. */
    while (r->fcap < nf + k)
        fields_grow(r);
    r->pline[0] = r->rec_line;
    for (size_t m = 1; m <= k; m++) {
        r->out[r->cr_off[r->pfield[m]]] = '\0';
        r->pline[m] = r->cr_line[r->pfield[m]];
    }
    for (f = 0, pos = 0; f < nf + k; f++) {
        r->foff[f] = pos;
        r->flen[f] = strlen((const char *)r->out + pos);
        pos += r->flen[f] + 1;
    }
    r->nf = nf + k;
    r->npieces = k + 1;
    r->st.cr_rows += k;
}

/* Returns the next piece of a split record as *rec. */
static void piece_next(ef_csv_reader *r, ef_csv_record *rec)
{
    size_t h = r->hdr_fields, p = r->piece++;

    rec->field = r->fptr + p * h;
    rec->len = r->flen + p * h;
    rec->n = h;
    rec->nfields = h;
    rec->line = r->pline[p];
    rec->cut = 0;
    rec->after_cr = p > 0;
    r->st.records++;
}

/* ==== Public API ======================================================== */

static ef_status reader_new(const char *name, int fd, const ef_csv_opts *opts,
                            ef_csv_reader **out, ef_err *e)
{
    static const ef_csv_opts none = {NULL, 0, 0, 0};
    ef_csv_reader *r;
    const char *enc;
    unsigned char d;

    if (opts == NULL)
        opts = &none;
    enc = opts->encoding && *opts->encoding ? opts->encoding : NULL;
    d = (unsigned char)opts->delimiter;
    if (d == '"' || d == '\r' || d == '\n' || d >= 0x80)
        return ef_fail(e, EF_ERR_USAGE, "%s: bad delimiter 0x%02x", name,
                       (unsigned)d);
    r = ef_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->cd = (iconv_t)-1;
    /* UTF-8 and UTF-16LE/BE are decoded here, the rest by iconv */
    if (enc && (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0))
        r->enc_utf8 = 1;
    else if (enc && (strcasecmp(enc, "UTF-16LE") == 0 ||
                     strcasecmp(enc, "UTF16LE") == 0))
        r->dec = DEC_UTF16LE;
    else if (enc && (strcasecmp(enc, "UTF-16BE") == 0 ||
                     strcasecmp(enc, "UTF16BE") == 0))
        r->dec = DEC_UTF16BE;
    else if (enc) {
        r->cd = iconv_open("UTF-8", enc);
        if (r->cd == (iconv_t)-1) {
            free(r);
            return ef_fail(e, EF_ERR_USAGE, "unknown encoding \"%s\"", enc);
        }
        r->dec = DEC_ICONV;
        /* Skip a whole code unit on a bad sequence, so that UTF-16 or
         * UTF-32 stays aligned. */
        r->unit = strstr(enc, "32") || strcasestr(enc, "UCS-4")   ? 4
                  : strstr(enc, "16") || strcasestr(enc, "UCS-2") ? 2
                                                                  : 1;
    }
    r->enc_given = enc != NULL && !r->enc_utf8;
    snprintf(r->st.encoding, sizeof r->st.encoding, "%s",
             r->enc_given ? enc : "UTF-8");
    r->name = ef_xstrdup(name);
    r->block = csv_block_size ? csv_block_size : 1;
    r->raw = ef_xmalloc(r->block + 16);
    r->dcap = r->block + 16;
    r->dbuf = ef_xmalloc(r->dcap);
    r->tcap = r->block + CARRY;
    r->text = ef_xmalloc(r->tcap);
    r->text2 = ef_xmalloc(r->tcap);
    r->delim = d;
    r->max_bytes =
        opts->max_bytes ? opts->max_bytes : (size_t)MAX_DEFAULT_MIB << 20;
    r->max_fields = opts->max_fields ? opts->max_fields : MAX_DEFAULT_FIELDS;
    r->line = r->rec_line = r->fline = 1;
    sha256_init(&r->sha);
    *out = r;
    return EF_OK;
}

ef_status ef_csv_open(const char *path, const ef_csv_opts *opts,
                      ef_csv_reader **out, ef_err *e)
{
    ef_status rc;
    struct stat sb;
    int fd;

    *out = NULL;
    if (strcmp(path, "-") == 0) {
        if ((rc = reader_new("<stdin>", STDIN_FILENO, opts, out, e)) != EF_OK)
            return rc;
        return EF_OK;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path, strerror(EISDIR));
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if ((rc = reader_new(path, fd, opts, out, e)) != EF_OK) {
        close(fd);
        return rc;
    }
    (*out)->close_fd = 1;
    return EF_OK;
}

ef_status ef_csv_open_mem(const char *name, const void *data, size_t len,
                          const ef_csv_opts *opts, ef_csv_reader **out,
                          ef_err *e)
{
    ef_status rc;

    *out = NULL;
    if ((rc = reader_new(name, -1, opts, out, e)) != EF_OK)
        return rc;
    (*out)->mem = data;
    (*out)->mem_len = len;
    return EF_OK;
}

ef_status ef_csv_next(ef_csv_reader *r, ef_csv_record *rec, int *eof,
                      ef_err *e)
{
    ef_status rc = EF_OK;
    size_t i;
    int res;

    *eof = 0;
    rec->field = NULL;
    rec->len = NULL;
    rec->n = 0;
    rec->line = r->line;
    rec->cut = 0;
    rec->nfields = 0;
    rec->after_cr = 0;
    if (r->err.code != EF_OK)
        goto out;
    if (r->piece < r->npieces) {
        piece_next(r, rec);
        return EF_OK;
    }
    if (r->done) {
        *eof = 1;
        return EF_OK;
    }
    if (!r->started && start(r, &r->err) != EF_OK)
        goto out;
    r->olen = r->fstart = r->nf = 0;
    r->nall = 0;
    r->cut = r->cutf = r->fdrop = 0;
    r->cutlen = 0;
    r->fq = 0;
    r->ncr = 0;
    r->state = ST_FIELD;
    r->rec_line = r->fline = r->line;
    for (;;) {
        res = parse(r, &r->err);
        if (res == P_RECORD)
            break;
        if (res == P_ERROR)
            goto out;
        if (res == P_EOF) {
            if (r->st.records == 0) {
                /* nothing to read: as an input without rows (66) */
                ef_fail(&r->err, EF_ERR_NOINPUT,
                        "%s: empty file (no header row)", r->name);
                goto out;
            }
            if (r->gz && !r->raw_eof && raw_drain(r, &r->err) != EF_OK)
                goto out;
            r->done = 1;
            *eof = 1;
            return EF_OK;
        }
        if (text_fill(r, &r->err) != EF_OK)
            goto out;
    }
    if (r->st.records == 0)
        r->hdr_fields = r->nf;
    cr_split(r);
    for (i = 0; i < r->nf; i++)
        r->fptr[i] = (const char *)r->out + r->foff[i];
    if (r->npieces > 0) {
        piece_next(r, rec);
        return EF_OK;
    }
    rec->field = r->fptr;
    rec->len = r->flen;
    rec->n = r->nf;
    rec->line = r->rec_line;
    rec->cut = r->cut;
    rec->nfields = r->nall;
    r->st.records++;
    return EF_OK;
out:
    rc = ef_fail(e, r->err.code, "%s", r->err.msg);
    return rc;
}

void ef_csv_set_map(ef_csv_reader *r, const char *map)
{
    free(r->map);
    r->map = map && *map ? ef_xstrdup(map) : NULL;
}

void ef_csv_exact(ef_csv_reader *r)
{
    r->exact = 1;
}

const ef_csv_stats *ef_csv_stats_get(const ef_csv_reader *r)
{
    return &r->st;
}

void ef_csv_free(ef_csv_reader *r)
{
    if (r == NULL)
        return;
    hash_stop(r);
    if (r->close_fd)
        close(r->fd);
    if (r->z_init)
        inflateEnd(&r->z);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->name);
    free(r->map);
    free(r->raw);
    free(r->dbuf);
    free(r->text);
    free(r->text2);
    free(r->out);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free(r->cr_off);
    free(r->cr_line);
    free(r->pline);
    free(r->pfield);
    free(r);
}
