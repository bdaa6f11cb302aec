/* cmd_score.c - `earful score`: one text per line in, VADER scores out.
 *
 * Input is taken in large batches of whole lines, cut into chunks of about
 * CHUNK_BYTES that the scoring threads take in turn; each thread splits
 * its chunk into lines, scores and formats them into the chunk's own
 * buffer, and the buffers are written in input order. Each batch is one
 * job of the thread pool (util/pool.h), a task per chunk, and up to DEPTH
 * batches are in flight: while the pool's threads score, the main thread
 * reads the batches ahead and writes the oldest once it is scored. The
 * pool serves jobs in the order submitted, so a thread that finds no
 * chunk left in one batch goes on to the next and none waits for another
 * to finish a batch (on a shared machine, a thread can stop for
 * milliseconds). With one thread, the main thread does it all in turn.
 *
 * A line longer than MAX_LINE is scored on its first MAX_LINE bytes (its
 * row is still one row, in its place) and named in a warning: scoring
 * takes about ten bytes of memory per byte of text, and a text of a
 * megabyte is already a book chapter, its compound long saturated. Read
 * from a pipe, the rest of such a line is skipped as it comes, never
 * held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdline.h"
#include "sentiment/sentiment.h"
#include "util/pool.h"
#include "util/text.h"
#include "util/util.h"

#define BATCH_BYTES (1u << 20) /* read this much input per batch */
#define MAX_LINE (1u << 20)    /* bytes of a line that are scored */

typedef enum { FMT_TSV, FMT_JSONL } out_format;

typedef struct {
    const ef_vader *vader;
    ef_thresholds thr;
    out_format format;
    int with_text;
} score_opts;

#define CHUNK_BYTES (16u << 10) /* input a thread takes at a time */

/* What every chunk's scoring reads: the options, and a scratch per
 * thread of the pool. */
typedef struct {
    const score_opts *opt;
    ef_vader_scratch **scratch; /* [ef_pool_threads()] */
} scoring;

/* One batch of input: whole lines (the last may lack its newline only at
 * the end of the input), cut into chunks that the threads take in turn
 * (so that one slow chunk does not idle the rest); chunk c is
 * data[cut[c] .. cut[c + 1]), and its output goes to out[c]. */
typedef struct {
    const char *data; /* the bytes: buf, or the mapped file */
    size_t len;       /* of the whole lines to score */
    char *buf;        /* read input (owned); may run on past len */
    size_t buf_len, cap;
    int eof;
    size_t *cut;
    size_t nchunks, cut_cap;
    ef_buf *out;   /* per chunk */
    size_t *lines; /* per chunk: lines in it */
    ef_buf *longs; /* per chunk: the indexes (size_t) of lines cut */
    size_t out_cap;
    const scoring *sc;
    ef_job job; /* a task per chunk (score_task) */
} batch;

#define DEPTH 4 /* batches in flight (read ahead, scored, to be written) */

/* ==== Reading =========================================================== */

/* Reads and drops the rest of a line too long to keep, up to its
 * newline, which goes to the end of b's buffer with what follows it in
 * the same read. Returns 0 (also at the end of input: the next read
 * sees it), or -1 on a read error. */
static int skip_line(int fd, batch *b)
{
    char tmp[64 * 1024];

    for (;;) {
        ssize_t got = read(fd, tmp, sizeof tmp);
        const char *nl;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        if ((nl = memchr(tmp, '\n', (size_t)got)) != NULL) {
            size_t k = (size_t)(tmp + got - nl);
            if (b->cap - b->buf_len < k) {
                b->cap = b->buf_len + k + BATCH_BYTES;
                b->buf = ef_xrealloc(b->buf, b->cap);
            }
            memcpy(b->buf + b->buf_len, nl, k);
            b->buf_len += k;
            return 0;
        }
    }
}

/* Reads until buf holds at least want bytes and a newline, or the input
 * ends; the lines to score are those up to the last newline (all of it
 * at the end). Bytes already in buf (carried over) come first. A line
 * longer than MAX_LINE keeps its first MAX_LINE + 1 bytes (so that it is
 * seen to be too long) and the rest is skipped. Returns 0, or -1 on a
 * read error (errno set). */
static int read_batch(int fd, batch *b, size_t want)
{
    size_t scanned = 0, end = 0; /* end: just past the last newline */

    b->eof = 0;
    for (;;) {
        if (b->buf_len > scanned) { /* only the new bytes */
            const char *nl =
                memrchr(b->buf + scanned, '\n', b->buf_len - scanned);
            if (nl != NULL)
                end = (size_t)(nl - b->buf) + 1;
            scanned = b->buf_len;
        }
        if (end != 0 && b->buf_len >= want)
            break;
        if (b->buf_len - end > MAX_LINE + 1) {
            /* the last line has no end in sight: keep its head only */
            b->buf_len = scanned = end + MAX_LINE + 1;
            if (skip_line(fd, b) < 0)
                return -1;
            continue;
        }
        if (b->cap - b->buf_len < BATCH_BYTES / 4) {
            b->cap = b->cap ? b->cap * 2 : BATCH_BYTES + BATCH_BYTES / 2;
            b->buf = ef_xrealloc(b->buf, b->cap);
        }
        ssize_t got = read(fd, b->buf + b->buf_len, b->cap - b->buf_len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0) {
            b->eof = 1;
            end = b->buf_len; /* a last line may lack its newline */
            break;
        }
        b->buf_len += (size_t)got;
    }
    b->data = b->buf;
    b->len = end;
    return 0;
}

/* Moves the bytes of `from` after its lines (an incomplete last line) to
 * the start of `to`'s buffer. */
static void carry_tail(const batch *from, batch *to)
{
    size_t n = from->buf_len - from->len;

    if (to->cap < n + BATCH_BYTES) {
        to->cap = n + BATCH_BYTES + BATCH_BYTES / 2;
        to->buf = ef_xrealloc(to->buf, to->cap);
    }
    memcpy(to->buf, from->buf + from->len, n);
    to->buf_len = n;
    to->len = 0;
}

/* A regular file is mapped instead of read: no copy of its bytes. (Were
 * it cut short while being scored, the process would get SIGBUS; the
 * files a data drop delivers are not written while read.) */
typedef struct {
    const char *p;
    size_t size, pos;
    size_t released; /* pages before this offset were given back */
} mapped_file;

/* The next batch from a mapped file: at least want bytes (or the rest),
 * up to the end of a line. */
static void map_batch(mapped_file *mf, batch *b, size_t want)
{
    size_t len = mf->size - mf->pos;

    if (len > want) { /* to the end of the line at want */
        const char *nl = memchr(mf->p + mf->pos + want, '\n', len - want);
        len = nl ? (size_t)(nl - (mf->p + mf->pos)) + 1 : len;
    }
    b->data = mf->p + mf->pos;
    b->len = len;
    mf->pos += len;
    b->eof = mf->pos == mf->size;
}

/* Lets the kernel drop the mapped pages that lie wholly within b's bytes
 * (and before): b is scored, and its rows formatted. */
static void release(mapped_file *mf, const batch *b)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t end = (size_t)(b->data + b->len - mf->p) / page * page;

    if (end > mf->released) {
        madvise((char *)mf->p + mf->released, end - mf->released,
                MADV_DONTNEED);
        mf->released = end;
    }
}

/* Cuts b's lines into chunks of about CHUNK_BYTES, each ending at the end
 * of a line, and makes room for their output. */
static void cut_chunks(batch *b)
{
    size_t at = 0, c = 0, most = b->len / CHUNK_BYTES + 2;

    if (most > b->cut_cap) {
        b->cut_cap = most;
        b->cut = ef_xrealloc(b->cut, most * sizeof(size_t));
    }
    b->cut[0] = 0;
    while (at < b->len) {
        size_t to = at + CHUNK_BYTES;
        if (to >= b->len) {
            to = b->len;
        } else {
            const char *nl = memchr(b->data + to, '\n', b->len - to);
            to = nl ? (size_t)(nl - b->data) + 1 : b->len;
        }
        b->cut[++c] = to;
        at = to;
    }
    b->nchunks = c;
    if (c > b->out_cap) {
        b->out = ef_xrealloc(b->out, c * sizeof(ef_buf));
        b->longs = ef_xrealloc(b->longs, c * sizeof(ef_buf));
        b->lines = ef_xrealloc(b->lines, c * sizeof(size_t));
        for (size_t k = b->out_cap; k < c; k++)
            b->out[k] = b->longs[k] = (ef_buf)EF_BUF_INIT;
        b->out_cap = c;
    }
}

/* ==== Scoring =========================================================== */

/* "00".."99", for writing a compound's digits two at a time, and
 * "0.000".."1.000", a proportion's text (8 bytes each, 5 used). */
static char digits2[200];
static char prop_text[1001][8];

static void init_digits(void)
{
    for (int i = 0; i < 100; i++) {
        digits2[2 * i] = (char)('0' + i / 10);
        digits2[2 * i + 1] = (char)('0' + i % 10);
    }
    for (int k = 0; k <= 1000; k++) {
        char *t = prop_text[k];
        t[0] = (char)('0' + k / 1000);
        t[1] = '.';
        t[2] = (char)('0' + k / 100 % 10);
        t[3] = (char)('0' + k / 10 % 10);
        t[4] = (char)('0' + k % 10);
    }
}

/* Writes a proportion (0..1, rounded to 3 decimals by the scorer) with 3
 * decimals, looked up rather than converted. Writes 8 bytes; returns 5. */
static inline int fmt_prop(char *out, double x)
{
    unsigned k = (unsigned)(x * 1000.0 + 0.5);

    memcpy(out, prop_text[k <= 1000 ? k : 1000], 8);
    return 5;
}

/* Writes a compound score (-1..1, rounded to 4 decimals by the scorer)
 * with 4 decimals: the digits of |x| * 10^4, and the sign written without
 * a branch (it is as random as the texts). Returns the length. */
static inline int fmt_compound(char *out, double x)
{
    double ax = x < 0 ? -x : x;
    unsigned k = (unsigned)(ax * 10000.0 + 0.5);
    int n = (x < 0) & (k != 0);

    k = k <= 10000 ? k : 10000;
    out[0] = '-';
    out[n] = (char)('0' + k / 10000);
    out[n + 1] = '.';
    memcpy(out + n + 2, digits2 + 2 * (k % 10000 / 100), 2);
    memcpy(out + n + 4, digits2 + 2 * (k % 100), 2);
    return n + 6;
}

/* The TSV row of sc, straight into o (the common case: no per-field
 * calls). */
static void format_tsv(ef_buf *o, const score_opts *opt, const ef_scores *sc,
                       const char *text, size_t len)
{
    /* "negative" and "positive" are 8 bytes, "neutral" 7 and a NUL */
    static const char cls[3][8] = {{'n', 'e', 'g', 'a', 't', 'i', 'v', 'e'},
                                   {'n', 'e', 'u', 't', 'r', 'a', 'l', 0},
                                   {'p', 'o', 's', 'i', 't', 'i', 'v', 'e'}};
    ef_class c = ef_classify(sc->compound, &opt->thr);
    char *p;

    if (o->cap - o->len < 64) /* 4 x "-0.1234\t", class, "\t\n\0" < 64 */
        ef_buf_grow(o, 64);
    p = o->data + o->len;
    p += fmt_prop(p, sc->neg);
    *p++ = '\t';
    p += fmt_prop(p, sc->neu);
    *p++ = '\t';
    p += fmt_prop(p, sc->pos);
    *p++ = '\t';
    p += fmt_compound(p, sc->compound);
    *p++ = '\t';
    memcpy(p, cls[c], 8);
    p += c == EF_NEUTRAL ? 7 : 8;
    if (!opt->with_text) {
        *p++ = '\n';
        *p = '\0';
        o->len = (size_t)(p - o->data);
        return;
    }
    *p++ = '\t';
    o->len = (size_t)(p - o->data);
    ef_text_tsv_escape(o, text, len);
    ef_buf_putc(o, '\n');
}

static void format_row(ef_buf *o, const score_opts *opt, const ef_scores *sc,
                       const char *text, size_t len)
{
    char num[4][40];
    int n[4];
    const char *cls;

    if (opt->format == FMT_TSV) {
        format_tsv(o, opt, sc, text, len);
        return;
    }
    cls = ef_class_name(ef_classify(sc->compound, &opt->thr));
    n[0] = fmt_prop(num[0], sc->neg);
    n[1] = fmt_prop(num[1], sc->neu);
    n[2] = fmt_prop(num[2], sc->pos);
    n[3] = fmt_compound(num[3], sc->compound);
    static const char *const keys[4] = {
        "{\"neg\":", ",\"neu\":", ",\"pos\":", ",\"compound\":"};
    for (int i = 0; i < 4; i++) {
        ef_buf_puts(o, keys[i]);
        /* Python-style shortest form: trailing zeros go, one digit stays */
        while (n[i] > 1 && num[i][n[i] - 1] == '0' && num[i][n[i] - 2] != '.')
            n[i]--;
        ef_buf_put(o, num[i], (size_t)n[i]);
    }
    ef_buf_puts(o, ",\"class\":\"");
    ef_buf_puts(o, cls);
    ef_buf_putc(o, '"');
    if (opt->with_text) {
        ef_buf_puts(o, ",\"text\":");
        ef_text_json_string(o, text, len);
    }
    ef_buf_puts(o, "}\n");
}

/* Where to cut a line scored on its first max bytes: after the last
 * space or tab in its last 256 bytes (no word cut in two), else on a
 * character boundary. */
static size_t cut_line(const char *p, size_t max)
{
    size_t k = max;

    while (k > max - 256 && p[k - 1] != ' ' && p[k - 1] != '\t')
        k--;
    if (k > max - 256)
        return k;
    k = max;
    while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Scores the lines of chunk c of b into its output buffer, noting the
 * lines too long to score whole. */
static void score_chunk(const score_opts *opt, ef_vader_scratch *scratch,
                        batch *b, size_t c)
{
    const char *p = b->data + b->cut[c], *end = b->data + b->cut[c + 1];
    /* a copy of the chunk's buffer: the buffers of neighbouring chunks,
     * which other threads fill, share its cache line */
    ef_buf buf = b->out[c], *out = &buf;
    size_t lines = 0;

    ef_buf_clear(out);
    ef_buf_clear(&b->longs[c]);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        ef_scores sc;
        /* only the line ending goes: "\n" or "\r\n" */
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len > MAX_LINE) {
            len = cut_line(p, MAX_LINE);
            ef_buf_put(&b->longs[c], &lines, sizeof lines);
        }
        ef_vader_score(opt->vader, scratch, p, len, &sc);
        format_row(out, opt, &sc, p, len);
        p = nl ? nl + 1 : end;
        lines++;
    }
    b->out[c] = buf;
    b->lines[c] = lines;
}

/* The pool's task: chunk c of the batch ctx, on thread `worker`. */
static void score_task(void *ctx, size_t c, int worker)
{
    batch *b = ctx;

    score_chunk(b->sc->opt, b->sc->scratch[worker], b, c);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Warns about the lines of b that were cut; *line counts the lines
 * written before b's. */
static void warn_long(const batch *b, const char *name, uint64_t *line)
{
    for (size_t c = 0; c < b->nchunks; c++) {
        const size_t *k = (const size_t *)(const void *)b->longs[c].data;
        for (size_t i = 0; i < b->longs[c].len / sizeof(size_t); i++)
            ef_warn("%s:%llu: line longer than 1 MiB: scored on its first "
                    "1 MiB",
                    name, (unsigned long long)(*line + k[i] + 1));
        *line += b->lines[c];
    }
}

/* Writes the scored rows of b to standard output: its chunks' buffers
 * in as few calls as writev takes (a write per chunk was ~1,000 calls on
 * 240,000 lines). */
static int write_out(const batch *b)
{
    struct iovec iov[256];
    size_t c = 0;

    while (c < b->nchunks) {
        int n = 0;
        size_t total = 0;
        for (; c < b->nchunks && n < (int)EF_ARRAY_LEN(iov); c++) {
            iov[n].iov_base = b->out[c].data;
            iov[n].iov_len = b->out[c].len;
            total += b->out[c].len;
            n++;
        }
        ssize_t k = writev(1, iov, n);
        if (k < 0 && errno != EINTR)
            return -1;
        if (k == (ssize_t)total)
            continue;
        /* short write (or EINTR): the rest one buffer at a time */
        size_t done = k > 0 ? (size_t)k : 0;
        for (int i = 0; i < n; i++) {
            if (done >= iov[i].iov_len) {
                done -= iov[i].iov_len;
                continue;
            }
            if (write_all(1, (const char *)iov[i].iov_base + done,
                          iov[i].iov_len - done) < 0)
                return -1;
            done = 0;
        }
    }
    return 0;
}

/* Scores every line of fd onto stdout. */
static ef_status run(int fd, const char *name, const score_opts *opt,
                     int nthreads, ef_err *e)
{
    batch ring[DEPTH]; /* batch k is ring[k % DEPTH] */
    ef_pool *pool = ef_pool_new(nthreads);
    int threads = ef_pool_threads(pool);
    scoring sc = {opt, ef_xcalloc((size_t)threads, sizeof *sc.scratch)};
    struct stat st;
    mapped_file mf = {NULL, 0, 0, 0};
    int more = 1;
    /* with one thread, this one scores each batch in turn (ef_pool_wait
     * runs it); with more, they all score and this one reads ahead and
     * writes (little work) */
    size_t want = BATCH_BYTES / 16, filled = 0, written = 0,
           depth = threads > 1 ? DEPTH : 1;
    uint64_t line = 0; /* lines written */
    ef_status rc = EF_OK;
    const char *header = opt->with_text
                             ? "neg\tneu\tpos\tcompound\tclass\ttext\n"
                             : "neg\tneu\tpos\tcompound\tclass\n";

    memset(ring, 0, sizeof ring);
    for (int t = 0; t < threads; t++)
        sc.scratch[t] = ef_vader_scratch_new();
    if (opt->format == FMT_TSV && write_all(1, header, strlen(header)) < 0) {
        rc = ef_fail(e, EF_ERR_IO, "standard output: %s", strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        void *p =
            mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
            mf.p = p;
            mf.size = (size_t)st.st_size;
        }
    }
    for (;;) {
        /* read batches ahead, as many as the ring has room for (the
         * first small, so that scoring starts at once) */
        while (more && filled - written < depth) {
            batch *b = &ring[filled % DEPTH];
            if (mf.p) {
                map_batch(&mf, b, want);
            } else {
                if (filled > 0)
                    carry_tail(&ring[(filled - 1) % DEPTH], b);
                if (read_batch(fd, b, want) < 0) {
                    rc =
                        ef_fail(e, EF_ERR_IO, "%s: %s", name, strerror(errno));
                    b->len = 0;
                }
            }
            want = want * 4 < BATCH_BYTES ? want * 4 : BATCH_BYTES;
            if (b->len == 0 || rc != EF_OK) {
                more = 0;
                break;
            }
            more = !b->eof;
            cut_chunks(b);
            b->sc = &sc;
            b->job = EF_JOB(score_task, b, b->nchunks);
            ef_pool_submit(pool, &b->job);
            filled++;
        }
        if (written == filled)
            break;
        /* the oldest batch, once scored: written, and its pages let go
         * (its slot is filled anew only after this) */
        batch *b = &ring[written % DEPTH];
        ef_pool_wait(pool, &b->job);
        warn_long(b, name, &line);
        if (rc == EF_OK && write_out(b) < 0) {
            rc = ef_fail(e, EF_ERR_IO, "standard output: %s", strerror(errno));
            more = 0;
        }
        if (mf.p)
            release(&mf, b);
        written++;
    }
out:
    ef_pool_free(pool);
    for (int t = 0; t < threads; t++)
        ef_vader_scratch_free(sc.scratch[t]);
    free(sc.scratch);
    for (int k = 0; k < DEPTH; k++) {
        for (size_t c = 0; c < ring[k].out_cap; c++) {
            ef_buf_reset(&ring[k].out[c]);
            ef_buf_reset(&ring[k].longs[c]);
        }
        free(ring[k].out);
        free(ring[k].longs);
        free(ring[k].lines);
        free(ring[k].cut);
        free(ring[k].buf);
    }
    if (mf.p)
        munmap((void *)mf.p, mf.size);
    return rc;
}

/* ==== Command line ====================================================== */

static const ef_option options[] = {
    {"format", 'f', 0, "FMT",
     "tsv (default: neg neu pos compound class) or jsonl", EF_OPT_NONE},
    {"text", 't', 0, NULL, "append the text as a last column/field",
     EF_OPT_NONE},
    {.shared = EF_OPT_LEXICON},
    {.shared = EF_OPT_THRESHOLDS},
    {.shared = EF_OPT_NAMES},
    {.shared = EF_OPT_BRAND,
     .help = "brand words or phrases with no valence\n"
             "(\"united,best buy\"); implies --names; repeatable"},
    {.shared = EF_OPT_THREADS,
     .help = "scoring threads (default: the "
             "number of cores)"},
    {.shared = EF_OPT_HELP},
};

static const ef_command command = {
    "score",
    "usage: earful score [OPTIONS] [FILE|-]\n"
    "\n"
    "Scores each line of FILE (default: standard input) with VADER and\n"
    "writes one row per line, in input order.\n"
    "\n",
    NULL, options, EF_ARRAY_LEN(options)};

int ef_cmd_score(int argc, char **argv)
{
    score_opts opt = {NULL, EF_THRESHOLDS_DEFAULT, FMT_TSV, 0};
    ef_cmdline cl;
    int c, fd = 0;
    const char *path = "-";
    ef_vader *v = NULL;
    ef_err err = {0};

    init_digits();
    ef_cmdline_init(&cl, &command);
    while ((c = ef_cmdline_next(&cl, argc, argv)) > 0) {
        switch (c) {
        case 'f':
            if (strcmp(cl.arg, "tsv") == 0) {
                opt.format = FMT_TSV;
            } else if (strcmp(cl.arg, "jsonl") == 0 ||
                       strcmp(cl.arg, "json") == 0) {
                opt.format = FMT_JSONL;
            } else {
                ef_cmdline_free(&cl);
                return ef_usage_error("score",
                                      "option --format: unknown format "
                                      "'%s' (tsv or jsonl)",
                                      cl.arg);
            }
            break;
        case 't': opt.with_text = 1; break;
        }
    }
    if (c < 0 || argc - cl.optind > 1) {
        ef_cmdline_free(&cl);
        return c < 0 ? cl.exit
                     : ef_usage_error("score", "expected at most one FILE");
    }
    if (cl.optind < argc)
        path = argv[cl.optind];
    opt.thr = cl.common.thr;

    if (ef_common_scorer(&cl.common, 0, &v, &err) != EF_OK)
        goto done;
    if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0) {
        ef_fail(&err, EF_ERR_NOINPUT, "%s: %s", path, strerror(errno));
        fd = 0;
        goto done;
    }
    opt.vader = v;
    run(fd, strcmp(path, "-") == 0 ? "standard input" : path, &opt,
        cl.common.threads, &err);
done:
    if (fd > 0)
        close(fd);
    ef_vader_free(v);
    ef_cmdline_free(&cl);
    if (err.code != EF_OK) {
        ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return EF_EXIT_OK;
}
