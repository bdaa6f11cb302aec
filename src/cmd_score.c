/* cmd_score.c - `earful score`: one text per line in, VADER scores out.
 *
 * Lines are read in large batches; the scoring threads take a batch's
 * chunks in turn, format each into its own buffer, and the buffers are
 * written in input order. While the threads score batch k, the main
 * thread writes batch k-1 and reads batch k+1. With one thread, the main
 * thread does it all in turn.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cmd.h"
#include "sentiment/sentiment.h"
#include "util/text.h"
#include "util/util.h"

#define BATCH_BYTES (1u << 20) /* read this much input per batch */

typedef enum { FMT_TSV, FMT_JSONL } out_format;

typedef struct {
    const ef_vader *vader;
    ef_thresholds thr;
    out_format format;
    int with_text;
} score_opts;

#define CHUNK 256 /* lines a thread takes at a time */

/* One batch of input lines, scored in chunks of CHUNK lines that the
 * threads take in turn (so that one slow chunk does not idle the rest);
 * chunk c's output goes to out[c], written in order. */
typedef struct {
    char *data; /* the bytes; lines point into it */
    size_t len, cap;
    size_t *start, *end; /* line i is data[start[i] .. end[i]) */
    size_t nlines, lines_cap;
    size_t tail; /* start of the incomplete last line */
    int eof;
    int mapped; /* data points into the mapped file (not owned) */
    ef_buf *out; /* per chunk */
    size_t nchunks, out_cap;
    atomic_size_t next; /* the next chunk to take */
} batch;

typedef struct {
    pthread_t tid;
    int running; /* tid is a thread to join */
    const score_opts *opt;
    batch *b;
    ef_vader_scratch *scratch;
} worker;

/* ==== Reading =========================================================== */

static void add_line(batch *b, size_t start, size_t end)
{
    if (b->nlines == b->lines_cap) {
        b->lines_cap = b->lines_cap ? b->lines_cap * 2 : 4096;
        b->start = ef_xrealloc(b->start, b->lines_cap * sizeof(size_t));
        b->end = ef_xrealloc(b->end, b->lines_cap * sizeof(size_t));
    }
    /* only the line ending goes: "\n" or "\r\n" */
    if (end > start && b->data[end - 1] == '\r')
        end--;
    b->start[b->nlines] = start;
    b->end[b->nlines] = end;
    b->nlines++;
}

/* Reads until b holds at least want bytes or the input ends, and splits
 * off the complete lines; bytes already in b (carried over) come first.
 * b->tail is where the incomplete last line starts. Returns 0, or -1 on a
 * read error (errno set). */
static int read_batch(int fd, batch *b, size_t want)
{
    size_t scan = 0;

    b->nlines = 0;
    for (;;) {
        char *nl;
        ssize_t got;

        while ((nl = memchr(b->data + scan, '\n', b->len - scan)) != NULL) {
            size_t e = (size_t)(nl - b->data);
            add_line(b, scan, e);
            scan = e + 1;
        }
        if (b->nlines > 0 && b->len >= want)
            break;
        if (b->cap - b->len < BATCH_BYTES / 4) {
            b->cap = b->cap ? b->cap * 2 : BATCH_BYTES + BATCH_BYTES / 2;
            b->data = ef_xrealloc(b->data, b->cap);
        }
        got = read(fd, b->data + b->len, b->cap - b->len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0) {
            b->eof = 1;
            if (scan < b->len) /* a last line without a newline */
                add_line(b, scan, b->len);
            scan = b->len;
            break;
        }
        b->len += (size_t)got;
    }
    b->tail = scan;
    return 0;
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
    size_t scan = 0, len = mf->size - mf->pos;
    const char *nl;

    if (len > want) { /* to the end of the line at want */
        nl = memchr(mf->p + mf->pos + want, '\n', len - want);
        len = nl ? (size_t)(nl - (mf->p + mf->pos)) + 1 : len;
    }
    b->data = (char *)mf->p + mf->pos; /* read only: lines are not changed */
    b->len = len;
    b->mapped = 1;
    b->nlines = 0;
    while ((nl = memchr(b->data + scan, '\n', len - scan)) != NULL) {
        size_t e = (size_t)(nl - b->data);
        add_line(b, scan, e);
        scan = e + 1;
    }
    if (scan < len) /* a last line without a newline */
        add_line(b, scan, len);
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

/* Moves the incomplete last line of `from` to the start of `to`. */
static void carry_tail(const batch *from, batch *to)
{
    size_t n = from->len - from->tail;

    if (to->cap < n + BATCH_BYTES) {
        to->cap = n + BATCH_BYTES + BATCH_BYTES / 2;
        to->data = ef_xrealloc(to->data, to->cap);
    }
    memcpy(to->data, from->data + from->tail, n);
    to->len = n;
    to->eof = from->eof;
    to->nlines = 0;
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
    static const char *const keys[4] = {"{\"neg\":", ",\"neu\":",
                                        ",\"pos\":", ",\"compound\":"};
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

static void *work(void *arg)
{
    worker *w = arg;
    batch *b = w->b;
    size_t c;

    while ((c = atomic_fetch_add(&b->next, 1)) < b->nchunks) {
        size_t to = (c + 1) * CHUNK < b->nlines ? (c + 1) * CHUNK : b->nlines;
        ef_buf *out = &b->out[c];
        ef_buf_clear(out);
        for (size_t i = c * CHUNK; i < to; i++) {
            const char *t = b->data + b->start[i];
            size_t len = b->end[i] - b->start[i];
            ef_scores sc;
            ef_vader_score(w->opt->vader, w->scratch, t, len, &sc);
            format_row(out, w->opt, &sc, t, len);
        }
    }
    return NULL;
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
    batch bs[2] = {{0}, {0}};
    worker *ws[2];
    struct stat st;
    mapped_file mf = {NULL, 0, 0, 0};
    int cur = 0, have_prev = 0;
    size_t want = BATCH_BYTES / 16;
    ef_status rc = EF_OK;
    const char *header = opt->with_text
                             ? "neg\tneu\tpos\tcompound\tclass\ttext\n"
                             : "neg\tneu\tpos\tcompound\tclass\n";

    for (int k = 0; k < 2; k++) {
        ws[k] = ef_xcalloc((size_t)nthreads, sizeof(worker));
        for (int t = 0; t < nthreads; t++) {
            ws[k][t].scratch = ef_vader_scratch_new();
            ws[k][t].opt = opt;
        }
    }
    if (opt->format == FMT_TSV && write_all(1, header, strlen(header)) < 0) {
        rc = ef_fail(e, EF_ERR_IO, "standard output: %s", strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
                       0);
        if (p != MAP_FAILED) {
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
            mf.p = p;
            mf.size = (size_t)st.st_size;
        }
    }
    /* a small first batch, so that scoring starts at once */
    if (mf.p)
        map_batch(&mf, &bs[cur], want);
    else if (read_batch(fd, &bs[cur], want) < 0) {
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", name, strerror(errno));
        goto out;
    }
    for (;;) {
        batch *b = &bs[cur], *next = &bs[1 - cur], *prev = &bs[1 - cur];
        worker *w = ws[cur];

        if (b->nlines == 0 || rc != EF_OK)
            break;
        b->nchunks = (b->nlines + CHUNK - 1) / CHUNK;
        if (b->nchunks > b->out_cap) {
            b->out = ef_xrealloc(b->out, b->nchunks * sizeof(ef_buf));
            for (size_t c = b->out_cap; c < b->nchunks; c++)
                b->out[c] = (ef_buf)EF_BUF_INIT;
            b->out_cap = b->nchunks;
        }
        atomic_store(&b->next, 0);
        /* one scoring thread is this one: a second thread only for the
         * reading and writing measured slower (they are little work) */
        for (int t = 0; t < nthreads; t++) {
            w[t].b = b;
            w[t].running = nthreads > 1 &&
                           pthread_create(&w[t].tid, NULL, work, &w[t]) == 0;
        }
        if (!w[0].running)
            work(&w[0]); /* no thread to be had, or one: do it here */
        /* while b is scored: write the previous batch (its output
         * buffers are not the ones being filled), then read the next
         * batch into its input buffer */
        if (have_prev && write_out(prev) < 0)
            rc = ef_fail(e, EF_ERR_IO, "standard output: %s",
                         strerror(errno));
        want = want * 4 < BATCH_BYTES ? want * 4 : BATCH_BYTES;
        if (mf.p) {
            next->nlines = 0;
            if (!b->eof)
                map_batch(&mf, next, want);
        } else {
            carry_tail(b, next);
            if (!next->eof && read_batch(fd, next, want) < 0)
                rc = ef_fail(e, EF_ERR_IO, "%s: %s", name, strerror(errno));
        }
        for (int t = 0; t < nthreads; t++)
            if (w[t].running)
                pthread_join(w[t].tid, NULL);
        if (b->mapped) /* scored: its pages may go (memory stays flat) */
            release(&mf, b);
        have_prev = 1;
        cur = 1 - cur;
    }
    /* the last batch scored */
    if (rc == EF_OK && have_prev && write_out(&bs[1 - cur]) < 0)
        rc = ef_fail(e, EF_ERR_IO, "standard output: %s", strerror(errno));
out:
    for (int k = 0; k < 2; k++) {
        for (int t = 0; t < nthreads; t++)
            ef_vader_scratch_free(ws[k][t].scratch);
        for (size_t c = 0; c < bs[k].out_cap; c++)
            ef_buf_reset(&bs[k].out[c]);
        free(bs[k].out);
        free(ws[k]);
        if (!bs[k].mapped)
            free(bs[k].data);
        free(bs[k].start);
        free(bs[k].end);
    }
    if (mf.p)
        munmap((void *)mf.p, mf.size);
    return rc;
}

/* ==== Command line ====================================================== */

static void usage(FILE *f)
{
    fputs("usage: earful score [OPTIONS] [FILE|-]\n"
          "\n"
          "Scores each line of FILE (default: standard input) with VADER and\n"
          "writes one row per line, in input order.\n"
          "\n"
          "  -f, --format FMT       tsv (default: neg neu pos compound "
          "class) or jsonl\n"
          "  -t, --text             append the text as a last column/field\n"
          "  -l, --lexicon FILE     add or override words: word<TAB>valence "
          "lines\n"
          "      --thresholds N,P   negative if compound <= N, positive if "
          ">= P\n"
          "                         (default -0.05,0.05)\n"
          "  -j, --threads N        scoring threads (default: the number of "
          "cores)\n"
          "  -h, --help             this help\n",
          f);
}

EF_STATIC int parse_thresholds(const char *s, ef_thresholds *t)
{
    char *end;
    double n = strtod(s, &end), p;

    if (end == s || *end != ',')
        return -1;
    s = end + 1;
    p = strtod(s, &end);
    if (end == s || *end || !(n <= p) || n < -1 || p > 1)
        return -1;
    t->neg_max = n;
    t->pos_min = p;
    return 0;
}

int ef_cmd_score(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"text", no_argument, NULL, 't'},
        {"lexicon", required_argument, NULL, 'l'},
        {"thresholds", required_argument, NULL, 'T'},
        {"threads", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    score_opts opt = {NULL, EF_THRESHOLDS_DEFAULT, FMT_TSV, 0};
    const char *lexicons[64];
    int nlex = 0, nthreads = 0, c, fd = 0, rc;
    const char *path = "-";
    ef_vader *v = NULL;
    ef_err err = {0};

    init_digits();
    ef_parse_threads("auto", &nthreads);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:tl:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "tsv") == 0)
                opt.format = FMT_TSV;
            else if (strcmp(optarg, "jsonl") == 0 ||
                     strcmp(optarg, "json") == 0)
                opt.format = FMT_JSONL;
            else
                return ef_usage_error("score",
                                      "option --format: unknown format '%s' "
                                      "(tsv or jsonl)", optarg);
            break;
        case 't': opt.with_text = 1; break;
        case 'l':
            if (nlex == (int)EF_ARRAY_LEN(lexicons))
                return ef_usage_error("score", "too many --lexicon files");
            lexicons[nlex++] = optarg;
            break;
        case 'T':
            if (parse_thresholds(optarg, &opt.thr) < 0)
                return ef_usage_error("score",
                                      "option --thresholds: expected NEG,POS "
                                      "with -1 <= NEG <= POS <= 1, got '%s'",
                                      optarg);
            break;
        case 'j':
            if (ef_parse_threads(optarg, &nthreads) < 0)
                return ef_usage_error("score",
                                      "option --threads: expected a number "
                                      "from 1 to 256, got '%s'", optarg);
            break;
        case 'h': usage(stdout); return EF_EXIT_OK;
        default: return ef_getopt_error("score", c, argv);
        }
    }
    if (argc - optind > 1)
        return ef_usage_error("score", "expected at most one FILE");
    if (optind < argc)
        path = argv[optind];

    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            ef_warn("%s: %s", path, strerror(errno));
            return EF_EXIT_NOINPUT;
        }
    }
    if (ef_vader_new(&v, &err) != EF_OK)
        goto done;
    for (int i = 0; i < nlex; i++)
        if (ef_vader_add_lexicon(v, lexicons[i], &err) != EF_OK)
            goto done;
    opt.vader = v;
    run(fd, strcmp(path, "-") == 0 ? "standard input" : path, &opt, nthreads,
        &err);
done:
    if (fd > 0)
        close(fd);
    ef_vader_free(v);
    if (err.code != EF_OK) {
        ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    rc = EF_EXIT_OK;
    return rc;
}
