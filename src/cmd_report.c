/* cmd_report.c - `earful report`: the main job. Reads every input, scores
 * what the store has not scored yet, aggregates, and writes the report
 * folder: report.md, report.html, metrics.json, charts/, report.xlsx and,
 * when rows were rejected, rejected.csv. Everything is written to a
 * staging folder first and renamed into place at the end. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdline.h"
#include "input/csv.h"
#include "input/dedup.h"
#include "input/input.h"
#include "input/labels.h"
#include "input/pg_source.h"
#include "label_sample.h"
#include "metrics/calibrate.h"
#include "metrics/metrics.h"
#include "metrics/traps.h"
#include "render/chart.h"
#include "render/findings.h"
#include "render/render.h"
#include "render/xlsx.h"
#include "sentiment/sentiment.h"
#include "util/csvout.h"
#include "util/outdir.h"
#include "util/pool.h"
#include "util/progress.h"
#include "util/strmap.h"
#include "util/text.h"
#include "util/util.h"

#define MAX_INPUTS 256
#define MAX_GATES 64
#define MAX_ACCOUNTS 64

typedef struct {
    const char *inputs[MAX_INPUTS];
    int ninputs;
    const char *outdir;
    const char *gates[MAX_GATES];
    int ngates;
    const char *templates, *title, *font, *xlsx_path, *period;
    const char *labels[EF_LABELS_MAX_FILES]; /* --labels FILE.csv */
    int nlabels;
    char *map; /* every --map, merged (malloc'd) */
    /* --brand-account: the brand's own accounts, as compared (no '@'),
     * and as shown ("@a, b"); malloc'd */
    char *accounts[MAX_ACCOUNTS];
    size_t naccounts;
    ef_buf accounts_shown;
    size_t label_sample; /* --label-sample N */
    uint64_t seed;       /* --seed N, for --label-sample */
    int no_xlsx, no_data_sheet, no_charts, list_vars, quiet, strict;
    int threads;
    ef_common_opts common; /* input, scorer, --threads, --quiet */
    ef_source_opts src;    /* common.src, completed */
    ef_agg_opts agg;
} report_opts;

enum {
    O_TITLE = 256,
    O_TEMPLATES,
    O_LIST_VARS,
    O_XLSX,
    O_NO_XLSX,
    O_NO_DATA_SHEET,
    O_NO_CHARTS,
    O_FONT,
    O_PERIOD,
    O_MIN_N,
    O_EXPECTED,
    O_FAIL_IF,
    O_LABELS,
    O_LABEL_SAMPLE,
    O_SEED,
    O_MAX_GROUPS,
    O_BRAND_ACCOUNT
};

static const ef_option options[] = {
    {.help = "Output"},
    {"output", 'o', 0, "DIR", "the report folder (default: report)",
     EF_OPT_NONE},
    {"title", 0, O_TITLE, "TEXT", "the report's title", EF_OPT_NONE},
    {"templates", 0, O_TEMPLATES, "DIR",
     "use DIR/report.md and DIR/report.html", EF_OPT_NONE},
    {"list-vars", 0, O_LIST_VARS, NULL,
     "print every template variable, write nothing", EF_OPT_NONE},
    {"xlsx", 0, O_XLSX, "PATH", "write the workbook here instead",
     EF_OPT_NONE},
    {"no-xlsx", 0, O_NO_XLSX, NULL, "no workbook", EF_OPT_NONE},
    {"no-data-sheet", 0, O_NO_DATA_SHEET, NULL,
     "a workbook without the all-rows sheet", EF_OPT_NONE},
    {"no-charts", 0, O_NO_CHARTS, NULL, "no charts", EF_OPT_NONE},
    {"font", 0, O_FONT, "FILE",
     "the charts' font (default: fonts/DejaVuSans.ttf)", EF_OPT_NONE},
    {.help = "Metrics"},
    {"period", 0, O_PERIOD, "P", "day, week (ISO weeks, default) or month",
     EF_OPT_NONE},
    {.shared = EF_OPT_TZ},
    {"min-n", 0, O_MIN_N, "N",
     "smaller groups are \"too few to call\" (default 30)", EF_OPT_NONE},
    {.shared = EF_OPT_SEGMENT},
    {"max-groups", 0, O_MAX_GROUPS, "N",
     "channels (segment values) shown, the rest pooled\n"
     "in one row (default 20)",
     EF_OPT_NONE},
    {.shared = EF_OPT_THRESHOLDS},
    {.shared = EF_OPT_LEXICON},
    {.shared = EF_OPT_BRAND},
    {"brand-account", 0, O_BRAND_ACCOUNT, "A[,A...]",
     "the brand's own accounts (authors; @ optional):\n"
     "their posts are the brand speaking, not\n"
     "feedback: left out, and counted (repeatable)",
     EF_OPT_NONE},
    {"expected-negative", 0, O_EXPECTED, "X",
     "what leadership believes (0.30), shown beside\nthe data", EF_OPT_NONE},
    {"labels", 0, O_LABELS, "FILE.csv",
     "human labels (columns key, label, as in\n"
     "label_sample.csv): the shares are re-estimated\n"
     "from them (repeatable)",
     EF_OPT_NONE},
    {"label-sample", 0, O_LABEL_SAMPLE, "N",
     "also write label_sample.csv: N items to label by\n"
     "hand (with --labels: N more, none of those\nlabelled)",
     EF_OPT_NONE},
    {"seed", 0, O_SEED, "N", "which items --label-sample draws (default 1)",
     EF_OPT_NONE},
    {"fail-if", 0, O_FAIL_IF, "EXPR",
     "exit 1 when EXPR holds, e.g.\n"
     "'sentiment.negative.share > 0.25' (any\n"
     "metrics.json number; < <= > >=; repeatable)",
     EF_OPT_NONE},
    {.help = "Input"},
    {.shared = EF_OPT_MAP},
    {.shared = EF_OPT_DATE_FORMAT},
    {.shared = EF_OPT_ENCODING},
    {.shared = EF_OPT_DELIMITER},
    {.shared = EF_OPT_TABLE,
     .help = "SQLite input: the table to read (default:\n"
             "feedback, or the only one); or the postgresql://\n"
             "input's table (default: feedback)"},
    {.shared = EF_OPT_QUERY},
    {.shared = EF_OPT_STRICT},
    {.help = ""},
    {.shared = EF_OPT_THREADS},
    {.shared = EF_OPT_QUIET},
    {.shared = EF_OPT_HELP},
};

static const ef_command command = {
    "report",
    "usage: earful report [OPTIONS] INPUT...\n"
    "\n"
    "Reads feedback from CSV files or one SQLite database, scores it with "
    "VADER\nand writes a report folder: report.md, report.html, "
    "metrics.json, charts/,\nreport.xlsx (and rejected.csv when rows were "
    "rejected).\n"
    "INPUT postgresql://... reads a table (sharded or not) through the\n"
    "earful_pg extension: the servers aggregate, earful computes the\n"
    "statistics (see README, More than one machine).\n",
    "\nSOURCE_DATE_EPOCH, when set, fixes every timestamp written.\n", options,
    EF_ARRAY_LEN(options)};

static int parse_unit_interval(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

/* An author trimmed, without its leading '@': (*s, *n). */
static void account_name(const char **s, size_t *n)
{
    *s = ef_text_trim(*s, n);
    if (*n > 0 && **s == '@') {
        (*s)++;
        (*n)--;
    }
}

/* Adds the --brand-account names in arg (comma-separated) to o. */
static int add_accounts(report_opts *o, const char *arg)
{
    const char *p = arg;

    for (;;) {
        const char *end = strchr(p, ',');
        const char *s = p;
        size_t n = end ? (size_t)(end - p) : strlen(p);

        account_name(&s, &n);
        if (n == 0)
            return ef_usage_error("report",
                                  "option --brand-account: an empty "
                                  "name in '%s'",
                                  arg);
        if (o->naccounts == MAX_ACCOUNTS)
            return ef_usage_error("report",
                                  "too many --brand-account names (at "
                                  "most %d)",
                                  MAX_ACCOUNTS);
        o->accounts[o->naccounts++] = ef_xstrndup(s, n);
        ef_buf_printf(&o->accounts_shown, "%s%.*s",
                      o->accounts_shown.len ? ", " : "", (int)n, s);
        if (end == NULL)
            return 0;
        p = end + 1;
    }
}

/* The sources' leave_out (ctx: the options): whether the item's author
 * is one of the brand's own accounts, the same name with or without '@',
 * in any case (handles are not case-sensitive). */
static int brand_post(void *ctx, const ef_item *it)
{
    const report_opts *o = ctx;
    const char *s = it->author;
    size_t n = strlen(s);

    account_name(&s, &n);
    for (size_t i = 0; i < o->naccounts; i++)
        if (strlen(o->accounts[i]) == n &&
            strncasecmp(o->accounts[i], s, n) == 0)
            return 1;
    return 0;
}

static void free_opts(report_opts *o)
{
    free(o->map);
    for (size_t i = 0; i < o->naccounts; i++)
        free(o->accounts[i]);
    ef_buf_reset(&o->accounts_shown);
}

/* Reads report's own option c (value arg) into o. Returns 0, or the
 * usage error's exit code. */
static int report_option(report_opts *o, int c, const char *arg)
{
    char *end;
    ef_gate gate;
    ef_err err = {0};

    switch (c) {
    case 'o': o->outdir = arg; break;
    case O_TITLE: o->title = arg; break;
    case O_TEMPLATES: o->templates = arg; break;
    case O_LIST_VARS: o->list_vars = 1; break;
    case O_XLSX: o->xlsx_path = arg; break;
    case O_NO_XLSX: o->no_xlsx = 1; break;
    case O_NO_DATA_SHEET: o->no_data_sheet = 1; break;
    case O_NO_CHARTS: o->no_charts = 1; break;
    case O_FONT: o->font = arg; break;
    case O_PERIOD: o->period = arg; break;
    case O_MIN_N: {
        long v = strtol(arg, &end, 10);
        if (end == arg || *end || v < 1 || v > 1000000000)
            return ef_usage_error("report",
                                  "option --min-n: expected a "
                                  "positive number, got '%s'",
                                  arg);
        o->agg.min_n = (uint64_t)v;
        break;
    }
    case O_MAX_GROUPS: {
        long v = strtol(arg, &end, 10);
        if (end == arg || *end || v < 1 || v > 1000)
            return ef_usage_error("report",
                                  "option --max-groups: "
                                  "expected a number from 1 to 1000, "
                                  "got '%s'",
                                  arg);
        o->agg.groups_shown = (size_t)v;
        break;
    }
    case O_EXPECTED:
        if (parse_unit_interval(arg, &o->agg.expected_negative))
            return ef_usage_error("report",
                                  "option --expected-negative: "
                                  "expected a share from 0 to 1, got "
                                  "'%s'",
                                  arg);
        o->agg.has_expected = 1;
        break;
    case O_FAIL_IF:
        /* its form now, before any input is read; its metric once the
         * report is written (which numbers exist depends on the data) */
        if (ef_gate_parse(arg, &gate, &err) != EF_OK)
            return ef_usage_error("report", "%s", err.msg);
        if (o->ngates == MAX_GATES)
            return ef_usage_error("report",
                                  "too many --fail-if gates (at "
                                  "most %d)",
                                  MAX_GATES);
        o->gates[o->ngates++] = arg;
        break;
    case O_BRAND_ACCOUNT: return add_accounts(o, arg);
    case O_LABELS:
        if (o->nlabels == EF_LABELS_MAX_FILES)
            return ef_usage_error("report", "too many --labels files");
        o->labels[o->nlabels++] = arg;
        break;
    case O_SEED: {
        unsigned long long v;
        errno = 0;
        v = strtoull(arg, &end, 10);
        if (end == arg || *end || errno || arg[0] == '-')
            return ef_usage_error("report",
                                  "option --seed: expected a "
                                  "whole number, got '%s'",
                                  arg);
        o->seed = (uint64_t)v;
        break;
    }
    case O_LABEL_SAMPLE: {
        long v = strtol(arg, &end, 10);
        if (end == arg || *end || v < 1 || v > 1000000)
            return ef_usage_error("report",
                                  "option --label-sample: "
                                  "expected a number of items, got '%s'",
                                  arg);
        o->label_sample = (size_t)v;
        break;
    }
    }
    return 0;
}

/* Reads the command line into o. Returns 0, or the exit code to end with
 * (-1: 0 after --help). */
static int parse_args(int argc, char **argv, report_opts *o)
{
    ef_cmdline cl;
    int c, rc = 0;

    o->outdir = "report";
    o->period = "week";
    o->agg.min_n = 30;
    o->seed = 1;
    ef_cmdline_init(&cl, &command);
    while (rc == 0 && (c = ef_cmdline_next(&cl, argc, argv)) > 0)
        rc = report_option(o, c, cl.arg);
    if (rc == 0 && c < 0)
        rc = cl.exit ? cl.exit : -1;
    o->common = cl.common;
    o->src = cl.common.src;
    o->agg.thr = cl.common.thr;
    o->quiet = cl.common.quiet;
    o->strict = cl.common.src.strict;
    o->threads = cl.common.threads;
    o->map = cl.map; /* o's now */
    cl.map = NULL;
    for (int i = cl.optind; rc == 0 && i < argc; i++) {
        if (o->ninputs == MAX_INPUTS)
            rc = ef_usage_error("report", "too many inputs");
        else
            o->inputs[o->ninputs++] = argv[i];
    }
    ef_cmdline_free(&cl);
    if (rc != 0)
        return rc;
    if (o->ninputs == 0)
        return ef_usage_error("report", "no INPUT given");
    for (int i = 0; i < o->ninputs; i++)
        if (strcmp(o->inputs[i], "-") == 0 && (o->nlabels || o->label_sample))
            return ef_usage_error("report",
                                  "--labels and --label-sample "
                                  "read the inputs twice: save standard "
                                  "input to a file first");
    for (int i = 0; i < o->ninputs; i++)
        if (ef_pg_is_url(o->inputs[i]) &&
            (o->ninputs > 1 || o->nlabels || o->label_sample || o->src.query ||
             o->naccounts))
            return ef_usage_error("report", "a postgresql:// input is read "
                                            "alone, without --labels, "
                                            "--label-sample, --query or "
                                            "--brand-account");
    return 0;
}

/* The font: --font, else fonts/ beside the executable or the current
 * folder, else Debian's copy of the same file. */
static const char *find_font(const char *given, char *buf, size_t cap)
{
    static const char *const name = "fonts/DejaVuSans.ttf";
    char exe[PATH_MAX];
    ssize_t n;

    if (given)
        return given;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash && (size_t)(slash - exe) + strlen(name) + 2 <= cap) {
            size_t k = (size_t)(slash - exe) + 1;
            memcpy(buf, exe, k);
            memcpy(buf + k, name, strlen(name) + 1);
            if (access(buf, R_OK) == 0)
                return buf;
        }
    }
    if (access(name, R_OK) == 0)
        return name;
    return "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
}

/* The title: --title, else "Feedback report" with the date range. */
static void default_title(const ef_report *r, char *buf, size_t cap)
{
    char a[16], b[16];
    if (r->first_date == EF_NO_TIME) {
        snprintf(buf, cap, "Feedback report");
        return;
    }
    ef_datetime_format_date(r->first_date, NULL, a);
    ef_datetime_format_date(r->last_date, NULL, b);
    snprintf(buf, cap, "Feedback report, %s to %s", a, b);
}

/* ==== Reading, scoring and folding ===================================== */

/* Items travel in batches through three stages at once: reading (parsing,
 * the rule of identity, strings copied) batch after batch into a ring of
 * NBATCH, running ahead while a batch is free; scoring and splitting into
 * terms (ef_prep_item, a task a slice, on the pool's other threads); and
 * folding the prepared batches, in order, into the aggregator and the
 * workbook (which only the main thread touches), which frees them for
 * reading. Reading is the longest stage: the ring lets it run without
 * waiting on the others' pace (a lockstep of one batch a stage left it
 * idle a third of the time on two cores).
 *
 * Inputs are read one after another by one of the pool's threads, except
 * a lone earful store, which is read by parts (ef_source_part_open), a
 * thread each, as many as the scoring threads: batch k holds the rows of
 * rowids [k * BATCH, (k + 1) * BATCH), read and prepared by part
 * k % nparts while its texts are in that thread's cache (a weekly store's
 * scores are cached: reading is most of its work). The fold takes the
 * batches in their order either way, so the report is the same. */
#define BATCH 4096
#define NBATCH 8    /* batches in the ring */
#define MAX_PARTS 4 /* threads reading one store */

typedef struct {
    size_t text, id, channel, author, url, segment, terms; /* offsets in
                                                            strings */
} item_strings;

/* The rows a part rejected while reading a batch, for the fold to pass
 * on in order (rejected.csv is written in the order of the rows). */
typedef struct {
    struct held_reject {
        uint64_t line;
        ef_reject_reason why;
        size_t detail;          /* offset in bytes */
        size_t field0, nfields; /* its fields: off/len [field0, +nfields) */
    } * r;
    size_t n, cap;
    size_t *off, *len; /* of each field in bytes */
    size_t nf, fcap;
    ef_buf bytes; /* details and fields, each NUL-terminated */
} held_rejects;

typedef struct {
    ef_item items[BATCH];
    int input[BATCH]; /* which input each item came from */
    item_strings off[BATCH];
    ef_prepared prep[BATCH];
    size_t n;
    ef_buf strings; /* the items' strings, copied */
    held_rejects rejects;
    /* set under the reader's mutex once the batch is read: */
    size_t seq;   /* 1 + the batch's number */
    int last;     /* no batch follows */
    ef_status rc; /* an error ended the reading here (message in err) */
    ef_err err;
} batch;

/* One slice of a batch, prepared (scored, split into terms) by one task
 * of the batch's pool job; fold() reads the slices back in order. */
typedef struct {
    ef_prep *prep;
    batch *b;
    size_t from, to;
} worker;

/* A part of a store being read, and the batch it is filling. */
typedef struct {
    ef_source *src;
    batch *b;
} part;

typedef struct {
    report_opts *o;
    int input; /* the input being read */
    ef_source *src;
    ef_dedup *seen; /* every item so far, over all inputs */
    int unique;     /* the only input is a store: ids unique, no set */
    /* each input's statistics once read to its end (inputs 0 .. input -
     * 1), for the main thread to record when reading is over */
    ef_source_stats *ended;
    part parts[MAX_PARTS];
    int nparts;     /* 0: inputs read one after another */
    size_t nchunks; /* parts: the batches to read, of BATCH rowids each */
    int64_t min_rowid, max_rowid; /* parts: the rows to read */
    worker **ws; /* each slot's workers (a part prepares with the first) */
    /* the ring: batch k is bs[k % NBATCH]; under mu */
    batch *bs;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a batch read or folded, or stop */
    size_t nfolded;    /* batches folded: free to read again */
    int stop;          /* the main thread gave up: read no more */
} reader;

/* Copies s (n bytes) and a NUL to the end of b; returns where. */
static size_t keep(ef_buf *b, const char *s, size_t n)
{
    size_t at = b->len;

    ef_buf_grow(b, n + 1); /* and the buffer's own NUL after it */
    memcpy(b->data + at, s, n);
    b->data[at + n] = '\0';
    b->len = at + n + 1;
    b->data[b->len] = '\0';
    return at;
}

/* on_reject of a part (ctx: the part): the row waits in its batch. */
static void hold_reject(void *ctx, const ef_reject *r)
{
    held_rejects *h = &((part *)ctx)->b->rejects;
    struct held_reject *x;

    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->r = ef_xrealloc(h->r, h->cap * sizeof *h->r);
    }
    if (h->nf + r->nfields > h->fcap) {
        h->fcap = 2 * (h->nf + r->nfields) + 64;
        h->off = ef_xrealloc(h->off, h->fcap * sizeof(size_t));
        h->len = ef_xrealloc(h->len, h->fcap * sizeof(size_t));
    }
    x = &h->r[h->n++];
    x->line = r->line;
    x->why = r->reason;
    x->detail = keep(&h->bytes, r->detail, strlen(r->detail));
    x->field0 = h->nf;
    x->nfields = r->nfields;
    for (size_t i = 0; i < r->nfields; i++, h->nf++) {
        h->off[h->nf] = keep(&h->bytes, r->field[i], r->len[i]);
        h->len[h->nf] = r->len[i];
    }
}

/* Passes a batch's held rejections to the report's on_reject. */
static void pass_rejects(reader *rd, batch *b)
{
    held_rejects *h = &b->rejects;
    const ef_source_opts *so = &rd->o->src;
    const char **field = NULL, *const * header;
    size_t nheader;

    if (h->n == 0)
        return;
    header = ef_source_header(rd->src, &nheader);
    for (size_t k = 0; k < h->n; k++) {
        struct held_reject *x = &h->r[k];
        ef_reject rj = {rd->o->inputs[0],
                        x->line,
                        x->why,
                        h->bytes.data + x->detail,
                        NULL,
                        h->len + x->field0,
                        x->nfields,
                        header,
                        nheader};
        field = ef_xrealloc(field, (x->nfields + 1) * sizeof *field);
        for (size_t i = 0; i < x->nfields; i++)
            field[i] = h->bytes.data + h->off[x->field0 + i];
        rj.field = field;
        if (so->on_reject)
            so->on_reject(so->reject_ctx, &rj);
    }
    free(field);
    h->n = h->nf = 0;
    ef_buf_clear(&h->bytes);
}

static void held_free(held_rejects *h)
{
    free(h->r);
    free(h->off);
    free(h->len);
    ef_buf_reset(&h->bytes);
}

/* The rule of identity (dedup.h): *use = 1 for a new item; the same item
 * again is dropped and counted, an id already seen with other content is
 * rejected (an id-conflict: in rejected.csv, fatal with --strict). */
static ef_status identify(reader *rd, const ef_item *it,
                          const ef_dedup_sig *sig, int *use, ef_err *e)
{
    char detail[160];

    *use = 0;
    switch (ef_dedup_add(rd->seen, sig)) {
    case EF_DEDUP_NEW: *use = 1; break;
    case EF_DEDUP_DUPLICATE: ef_source_drop_duplicate(rd->src); break;
    case EF_DEDUP_CONFLICT:
        snprintf(detail, sizeof detail,
                 "id-conflict: id '%.60s' was seen before with other "
                 "content",
                 it->id);
        if (ef_source_reject(rd->src, EF_REJECT_ID_CONFLICT, detail, e) !=
            EF_OK)
            return e->code;
        break;
    }
    return EF_OK;
}

/* Adds item it (from input `input`) to b, its strings copied. */
static void put(batch *b, const ef_item *it, int input)
{
    item_strings *o = &b->off[b->n];

    o->text = keep(&b->strings, it->text, it->text_len);
    o->id = keep(&b->strings, it->id, strlen(it->id));
    o->channel = keep(&b->strings, it->channel, strlen(it->channel));
    o->author = keep(&b->strings, it->author, strlen(it->author));
    o->url = keep(&b->strings, it->url, strlen(it->url));
    o->segment = keep(&b->strings, it->segment, strlen(it->segment));
    o->terms = it->terms
                   ? keep(&b->strings, (const char *)it->terms, it->terms_len)
                   : SIZE_MAX;
    b->input[b->n] = input;
    b->items[b->n++] = *it;
}

/* The strings have stopped moving: points b's items at them. */
static void settle(batch *b)
{
    const char *base = b->strings.data;

    for (size_t i = 0; i < b->n; i++) {
        ef_item *it = &b->items[i];
        it->text = base + b->off[i].text;
        it->id = base + b->off[i].id;
        it->channel = base + b->off[i].channel;
        it->author = base + b->off[i].author;
        it->url = base + b->off[i].url;
        it->segment = base + b->off[i].segment;
        if (b->off[i].terms != SIZE_MAX)
            it->terms = (const unsigned char *)base + b->off[i].terms;
    }
}

/* Fills b with up to BATCH items, opening the inputs in turn. */
static ef_status fill(reader *rd, batch *b, ef_err *e)
{
    ef_status rc = EF_OK;

    while (b->n < BATCH && rd->input < rd->o->ninputs) {
        ef_item it;
        ef_dedup_sig sig;
        size_t mark;
        int eof = 0, use;

        if (rd->src == NULL) {
            const ef_source_stats *st;
            if ((rc = ef_source_open(rd->o->inputs[rd->input], &rd->o->src,
                                     &rd->src, e)) != EF_OK)
                return rc;
            st = ef_source_stats_get(rd->src);
            ef_print_source_notes(st->notes, st->hints, rd->o->quiet);
        }
        if ((rc = ef_source_next(rd->src, &it, &eof, e)) != EF_OK)
            return rc;
        if (eof) {
            rd->ended[rd->input] = *ef_source_stats_get(rd->src);
            ef_source_free(rd->src);
            rd->src = NULL;
            rd->input++;
            continue;
        }
        /* the set's memory is fetched while the strings are copied */
        if (!rd->unique) {
            ef_dedup_sign(&it, &sig);
            ef_dedup_prefetch(rd->seen, &sig);
        }
        mark = b->strings.len;
        it.source = rd->o->inputs[rd->input];
        put(b, &it, rd->input);
        use = 1;
        if (!rd->unique && (rc = identify(rd, &it, &sig, &use, e)) != EF_OK)
            return rc;
        if (!use) { /* a duplicate or an id conflict */
            b->strings.len = mark;
            b->n--;
        }
    }
    return EF_OK;
}

/* Fills b with the items of chunk k of the store, through part p. */
static ef_status fill_chunk(reader *rd, part *p, size_t k, batch *b, ef_err *e)
{
    /* in unsigned arithmetic, which wraps where int64_t may not */
    uint64_t lo = (uint64_t)rd->min_rowid + (uint64_t)k * BATCH;
    uint64_t hi =
        k + 1 == rd->nchunks ? (uint64_t)rd->max_rowid : lo + BATCH - 1;
    ef_status rc = ef_source_part_range(p->src, (int64_t)lo, (int64_t)hi, e);

    p->b = b; /* for hold_reject */
    while (rc == EF_OK) {
        ef_item it;
        int eof = 0;
        if ((rc = ef_source_next(p->src, &it, &eof, e)) != EF_OK || eof)
            break;
        it.source = rd->o->inputs[0];
        put(b, &it, 0);
    }
    return rc;
}

/* Publishes batch k, read (rc: how its reading ended), to the folding. */
static void publish(reader *rd, batch *b, size_t k, ef_status rc, int last)
{
    pthread_mutex_lock(&rd->mu);
    b->rc = rc;
    b->last = last || rc != EF_OK;
    b->seq = k + 1;
    pthread_cond_broadcast(&rd->cv);
    pthread_mutex_unlock(&rd->mu);
}

/* Waits for batch k's place in the ring; 0 when told to stop instead. */
static int await_slot(reader *rd, size_t k)
{
    int go;

    pthread_mutex_lock(&rd->mu);
    while (k >= rd->nfolded + NBATCH && !rd->stop)
        pthread_cond_wait(&rd->cv, &rd->mu);
    go = !rd->stop;
    pthread_mutex_unlock(&rd->mu);
    return go;
}

static void clear(batch *b)
{
    b->n = 0;
    ef_buf_clear(&b->strings);
}

/* The pool's reading job (ctx: the reader): fills the ring's batches in
 * turn until the end of the inputs (a batch with no item), an error, or
 * stop. */
static void read_all(void *ctx, size_t task, int thread)
{
    reader *rd = ctx;

    (void)task;
    (void)thread;
    for (size_t k = 0; await_slot(rd, k); k++) {
        batch *b = &rd->bs[k % NBATCH];
        ef_status rc;

        clear(b);
        rc = fill(rd, b, &b->err);
        settle(b);
        publish(rd, b, k, rc, b->n == 0);
        if (rc != EF_OK || b->n == 0)
            return;
    }
}

/* A pool task: prepares slice `task` of the batch (ctx: its workers). */
static void prepare(void *ctx, size_t task, int thread)
{
    worker *w = (worker *)ctx + task;

    (void)thread; /* each slice has its own ef_prep */
    ef_prep_reset(w->prep);
    for (size_t i = w->from; i < w->to; i++)
        ef_prep_item(w->prep, &w->b->items[i], &w->b->prep[i]);
}

/* Gives batch b's items to its workers w (nw of them), in slices. */
static void share_out(batch *b, worker *w, int nw)
{
    size_t per = (b->n + (size_t)nw - 1) / (size_t)nw;

    for (int t = 0; t < nw; t++) {
        w[t].b = b;
        w[t].from = (size_t)t * per < b->n ? (size_t)t * per : b->n;
        w[t].to = w[t].from + per < b->n ? w[t].from + per : b->n;
    }
}

/* A part's reading job (ctx: the reader): fills the batches of its
 * chunks, task, task + nparts, ..., until the last, an error, or stop,
 * and prepares each itself (scores, terms) while its texts are still in
 * the cache, in one slice: the parts are as many as the scoring threads,
 * and there is no handing over. */
static void read_part(void *ctx, size_t task, int thread)
{
    reader *rd = ctx;
    part *p = &rd->parts[task];

    for (size_t k = task; k < rd->nchunks && await_slot(rd, k);
         k += (size_t)rd->nparts) {
        batch *b = &rd->bs[k % NBATCH];
        ef_status rc;

        clear(b);
        rc = fill_chunk(rd, p, k, b, &b->err);
        settle(b);
        if (rc == EF_OK) {
            worker *w = rd->ws[k % NBATCH];
            share_out(b, w, 1);
            prepare(w, 0, thread);
        }
        publish(rd, b, k, rc, k + 1 == rd->nchunks);
        if (rc != EF_OK)
            return;
    }
}

/* Opens the only input on this thread; a store that can be read by
 * parts (ids unique: a table read whole) gets nparts of them, even one:
 * read by parts, a store's rows are numbered by their rowids (which stay
 * put when rows are deleted), whatever the number of threads. */
static ef_status open_parts(reader *rd, int nparts, ef_err *e)
{
    const ef_source_stats *st;
    int64_t bytes = 0;
    uint64_t span;
    ef_status rc;

    if ((rc = ef_source_open(rd->o->inputs[0], &rd->o->src, &rd->src, e)) !=
        EF_OK)
        return rc;
    st = ef_source_stats_get(rd->src);
    ef_print_source_notes(st->notes, st->hints, rd->o->quiet);
    rd->unique = ef_source_ids_unique(rd->src);
    if (!rd->unique || !ef_source_has_rowids(rd->src))
        return EF_OK; /* read in one piece (a WITHOUT ROWID table, too) */
    for (int i = 0; i < nparts; i++) {
        part *p = &rd->parts[i];
        if ((rc = ef_source_part_open(rd->src, hold_reject, p, &p->src, e)) !=
            EF_OK)
            return rc;
        rd->nparts = i + 1;
    }
    if ((rc = ef_source_part_rowids(rd->parts[0].src, &rd->min_rowid,
                                    &rd->max_rowid, &bytes, e)) != EF_OK)
        return rc;
    span = (uint64_t)rd->max_rowid - (uint64_t)rd->min_rowid;
    /* rowids far sparser than rows could be (a row takes 4 bytes at the
     * least) would be chunks with nothing in them, without end: then the
     * store is read in one piece, its rows numbered in turn */
    if (span / BATCH >
        (uint64_t)(bytes > 0 ? bytes : 0) / 4 / BATCH * 4 + 64) {
        for (int i = 0; i < rd->nparts; i++) {
            ef_source_free(rd->parts[i].src);
            rd->parts[i].src = NULL;
        }
        rd->nparts = 0;
        return EF_OK;
    }
    rd->nchunks = (size_t)(span / BATCH) + 1;
    return EF_OK;
}

/* What folding needs besides the batch. */
typedef struct {
    ef_agg *agg;
    ef_xlsx *xlsx;
    ef_lsample *ls;
    ef_labels *labels; /* --labels, or NULL */
    ef_progress *pg;
    const char **inputs;
} folder;

/* Folds a prepared batch into the aggregator and the workbook. */
static ef_status fold(const folder *f, batch *b, worker *ws, int nw, ef_err *e)
{
    for (int k = 0; k < nw; k++) {
        for (size_t i = ws[k].from; i < ws[k].to; i++) {
            ef_item *it = &b->items[i];
            if (i + 8 < ws[k].to)
                ef_agg_prefetch(f->agg, &b->prep[i + 8]);
            if (f->labels && it->label < 0)
                it->label = ef_labels_find(f->labels, it);
            ef_agg_add_prepared(f->agg, it, &b->prep[i], ws[k].prep);
            if (f->ls)
                ef_lsample_add(f->ls, b->input[i], it,
                               b->prep[i].scores.compound);
            if (f->xlsx && ef_xlsx_add_row(f->xlsx, it, &b->prep[i].scores,
                                           b->prep[i].cls, e) != EF_OK)
                return e->code;
            ef_progress_tick(f->pg, f->inputs[b->input[i]]);
        }
    }
    return EF_OK;
}

/* ef_pg_item_fn: an item of the workbook's Negative sheet (ctx: the
 * ef_xlsx). */
static ef_status negative_row(void *ctx, const ef_item *it,
                              const ef_scores *sc, ef_err *e)
{
    return ef_xlsx_add_row(ctx, it, sc, EF_NEGATIVE, e);
}

/* Reads every input into the aggregator (and the workbook's row sheets),
 * scoring on nthreads threads. The pool has a thread more than the
 * scoring threads for each reading job, which holds it from start to
 * end. This thread hands each batch read to the scoring threads as it
 * sees it, and folds the prepared ones in order. With one scoring thread,
 * reading, scoring and folding still overlap as they do with more. */
static ef_status read_inputs(report_opts *o, const ef_vader *v, ef_agg *agg,
                             ef_xlsx *xlsx, int nthreads, ef_labels *lm,
                             ef_lsample *ls, ef_err *e)
{
    batch *bs = ef_xcalloc(NBATCH, sizeof(batch));
    worker *ws[NBATCH];
    ef_job prep[NBATCH], read;
    reader rd = {
        .o = o,
        .seen = ef_dedup_new(),
        .ended = ef_xcalloc((size_t)o->ninputs + 1, sizeof(ef_source_stats)),
        .bs = bs};
    folder f = {agg, xlsx, ls, lm, ef_progress_new(o->quiet), o->inputs};
    ef_pool *pool = NULL;
    ef_status rc = EF_OK;
    /* batches handed to the scoring threads, folded; the end */
    size_t np = 0, nf = 0, end = SIZE_MAX;

    pthread_mutex_init(&rd.mu, NULL);
    pthread_cond_init(&rd.cv, NULL);
    for (int k = 0; k < NBATCH; k++) {
        ws[k] = ef_xcalloc((size_t)nthreads, sizeof(worker));
        for (int t = 0; t < nthreads; t++)
            ws[k][t].prep = ef_prep_new(v, &o->agg.thr);
    }
    rd.ws = ws;
    if (o->ninputs == 1 &&
        (rc = open_parts(&rd, nthreads < MAX_PARTS ? nthreads : MAX_PARTS,
                         e)) != EF_OK)
        goto out;
    /* parts: a thread each (a pool of one would run the job on this
     * thread, at the wait); else the reader and the scoring threads */
    pool = ef_pool_new(rd.nparts ? (rd.nparts > 1 ? rd.nparts : 2)
                                 : nthreads + 1);
    read = rd.nparts ? EF_JOB(read_part, &rd, (size_t)rd.nparts)
                     : EF_JOB(read_all, &rd, 1);
    ef_pool_submit(pool, &read);
    for (;;) {
        size_t nr;

        pthread_mutex_lock(&rd.mu);
        while (np < end && bs[np % NBATCH].seq != np + 1 && nf == np)
            pthread_cond_wait(&rd.cv, &rd.mu);
        /* the batches read since, in a row, up to an error or the last */
        for (nr = np; nr < end && bs[nr % NBATCH].seq == nr + 1; nr++) {
            batch *b = &bs[nr % NBATCH];
            if (b->rc != EF_OK) {
                rc = b->rc;
                *e = b->err;
                end = nr;
            } else if (b->last) {
                end = nr + 1;
            }
        }
        pthread_mutex_unlock(&rd.mu);
        for (; np < nr && np < end; np++) { /* to the scorers */
            batch *b = &bs[np % NBATCH];
            if (rd.nparts)
                continue; /* prepared by its part */
            share_out(b, ws[np % NBATCH], nthreads);
            prep[np % NBATCH] =
                EF_JOB(prepare, ws[np % NBATCH], (size_t)nthreads);
            ef_pool_submit(pool, &prep[np % NBATCH]);
        }
        if (nf < np) { /* the oldest, once prepared, folded and freed */
            ef_status frc;
            if (!rd.nparts)
                ef_pool_wait(pool, &prep[nf % NBATCH]);
            pass_rejects(&rd, &bs[nf % NBATCH]);
            frc = fold(&f, &bs[nf % NBATCH], ws[nf % NBATCH], nthreads, e);
            pthread_mutex_lock(&rd.mu);
            rd.nfolded = ++nf;
            pthread_cond_broadcast(&rd.cv);
            pthread_mutex_unlock(&rd.mu);
            if (frc != EF_OK) {
                rc = frc;
                break;
            }
            continue;
        }
        if (nf == end)
            break; /* everything read was folded, or an error is next */
    }
    pthread_mutex_lock(&rd.mu);
    rd.stop = 1;
    pthread_cond_broadcast(&rd.cv);
    pthread_mutex_unlock(&rd.mu);
    ef_pool_wait(pool, &read);
    for (; nf < np; nf++)
        if (!rd.nparts)
            ef_pool_wait(pool, &prep[nf % NBATCH]);
    if (rc == EF_OK && rd.nparts) { /* the store, read by its parts */
        ef_source *ps[MAX_PARTS];
        for (int i = 0; i < rd.nparts; i++)
            ps[i] = rd.parts[i].src;
        ef_source_parts_stats(rd.src, ps, (size_t)rd.nparts, &rd.ended[0]);
        rd.input = 1;
    }
    if (rc == EF_OK && o->naccounts) {
        int authors = 0;
        for (int i = 0; i < rd.input; i++)
            authors |= rd.ended[i].mapped[EF_F_AUTHOR];
        if (!authors && !o->quiet)
            ef_warn("--brand-account: no input has an author column (name "
                    "one with --map author=COLUMN): nothing was left out");
    }
    for (int i = 0; rc == EF_OK && i < rd.input; i++) {
        ef_print_replaced(rd.ended[i].path, rd.ended[i].invalid_utf8,
                          rd.ended[i].nul_bytes, 0, o->quiet);
        ef_agg_add_source(agg, &rd.ended[i]);
    }
out:
    free(rd.ended);
    ef_pool_free(pool);
    pthread_cond_destroy(&rd.cv);
    pthread_mutex_destroy(&rd.mu);
    ef_progress_done(f.pg);
    ef_progress_free(f.pg);
    for (int i = 0; i < rd.nparts; i++)
        ef_source_free(rd.parts[i].src);
    ef_source_free(rd.src);
    ef_dedup_free(rd.seen);
    for (int k = 0; k < NBATCH; k++) {
        for (int t = 0; t < nthreads; t++) {
            ef_agg_merge_prep(agg, ws[k][t].prep);
            ef_prep_free(ws[k][t].prep);
        }
        free(ws[k]);
        ef_buf_reset(&bs[k].strings);
        held_free(&bs[k].rejects);
    }
    free(bs);
    return rc;
}

/* The error for inputs without a usable row: EF_ERR_NOINPUT when they
 * held no row at all, else EF_ERR_PARSE with the reasons. */
static void no_usable(const report_opts *o, const ef_report *r, ef_err *e)
{
    const char *what = o->ninputs == 1 ? o->inputs[0] : "the inputs";
    ef_buf why = EF_BUF_INIT;

    if (r->rows_read == 0) {
        ef_fail(e, EF_ERR_NOINPUT,
                "%s: no rows (only a header): no "
                "report",
                what);
        return;
    }
    for (int i = 0; i < EF_REJECT_COUNT; i++)
        if (r->rejected[i])
            ef_buf_printf(&why, "%s%llu %s", why.len ? ", " : "",
                          (unsigned long long)r->rejected[i],
                          ef_reject_reason_name((ef_reject_reason)i));
    ef_fail(e, EF_ERR_PARSE,
            "%s: no usable row (%llu read, %llu rejected%s%s): no report",
            what, (unsigned long long)r->rows_read,
            (unsigned long long)r->rows_rejected, why.len ? ": " : "",
            ef_buf_cstr(&why));
    ef_buf_reset(&why);
}

/* The workbook's writing (ef_xlsx_finish: its model sheets, the Negative
 * sheet's rows, the zip's deflate), a job of its own that runs while the
 * charts are drawn and the reports rendered and written: on a million
 * items it is most of the time after the reading. While it catches the
 * library's messages on stderr, other threads' messages wait
 * (ef_stderr_lock). */
typedef struct {
    ef_xlsx *xlsx;
    const ef_report *rep;
    ef_status rc;
    ef_err err;
} workbook_job;

static void finish_workbook(void *ctx, size_t task, int thread)
{
    workbook_job *w = ctx;

    (void)task;
    (void)thread;
    w->rc = ef_xlsx_finish(w->xlsx, w->rep, &w->err);
}

/* A per-run value that makes the HTML chart placeholders unguessable for
 * feedback text, yet the same for the same input and time. */
static uint64_t run_nonce(const ef_report *r)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)r->generated;
    for (size_t i = 0; i < r->nfiles; i++)
        for (const char *p = r->files[i].sha256; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h ^ (h >> 29) ^ r->n;
}

int ef_cmd_report(int argc, char **argv)
{
    report_opts o;
    ef_err err = {0};
    ef_vader *v = NULL;
    ef_tz *tz = NULL;
    ef_agg *agg = NULL;
    ef_report *rep = NULL;
    ef_outdir *od = NULL;
    ef_rejects *rj = NULL;
    ef_xlsx *xlsx = NULL;
    ef_chart_set charts = {0};
    ef_labels *labels = NULL;
    ef_lsample *samples = NULL;
    ef_pg *pg = NULL; /* a postgresql:// input */
    double t_render = 0;
    ef_pool *wpool = NULL; /* the workbook's job, while it runs */
    ef_job wjob;
    workbook_job wb = {0};
    ef_buf md = EF_BUF_INIT, html = EF_BUF_INIT, json = EF_BUF_INIT;
    char fontbuf[PATH_MAX], title[160], sample_name[64] = "";
    const char *font = NULL;
    int rc, tripped = 0;
    ef_period period;
    static const char *const stale[] = {"rejected.csv",
                                        "report.xlsx",
                                        "label_sample.csv",
                                        "charts/trend_volume.png",
                                        "charts/trend_volume.svg",
                                        "charts/trend_negative.png",
                                        "charts/trend_negative.svg",
                                        "charts/channels.png",
                                        "charts/channels.svg",
                                        "charts/distribution.png",
                                        "charts/distribution.svg",
                                        "charts/nps.png",
                                        "charts/nps.svg",
                                        "charts/stars.png",
                                        "charts/stars.svg",
                                        NULL};

    memset(&o, 0, sizeof o);
    if ((rc = parse_args(argc, argv, &o)) != 0) {
        free_opts(&o);
        return rc < 0 ? EF_EXIT_OK : rc;
    }
    if (ef_period_parse(o.period, &period, &err) != EF_OK)
        goto done;
    if (ef_tz_open(o.common.tz, &tz, &err) != EF_OK)
        goto done;
    /* @mentions name accounts: no valence (the version says so, so that
     * a store's cached scores from other rules are not used) */
    if (ef_common_scorer(&o.common, 1, &v, &err) != EF_OK)
        goto done;
    for (int i = 0; i < o.ninputs; i++) {
        struct stat st;
        if (strcmp(o.inputs[i], "-") != 0 && !ef_pg_is_url(o.inputs[i]) &&
            stat(o.inputs[i], &st) != 0) {
            ef_fail(&err, EF_ERR_NOINPUT, "%s: %s", o.inputs[i],
                    strerror(errno));
            goto done;
        }
    }
    if (!o.list_vars && !o.no_charts) {
        /* the charts' font is an input too: missing, it stops the run
         * now, not once every row is scored */
        int fd;
        font = find_font(o.font, fontbuf, sizeof fontbuf);
        if ((fd = open(font, O_RDONLY | O_CLOEXEC)) < 0) {
            ef_fail(&err, EF_ERR_NOINPUT,
                    "%s: %s (the charts' font: "
                    "--font FILE, or --no-charts)",
                    font, strerror(errno));
            goto done;
        }
        close(fd);
    }

    o.src.tz = tz;
    o.src.scorer = ef_vader_version(v);
    o.agg.period = (int)period;
    o.agg.tz = tz;
    o.agg.generated = ef_source_date_epoch();
    o.agg.segment_name = o.src.segment;
    o.agg.brand_accounts = o.naccounts ? ef_buf_cstr(&o.accounts_shown) : NULL;
    if (o.naccounts) { /* the sources leave the brand's own posts out */
        o.src.leave_out = brand_post;
        o.src.leave_ctx = &o;
    }
    o.agg.scorer = ef_vader_version(v);
    o.agg.vader = v;
    if (ef_pg_is_url(o.inputs[0])) {
        /* partial aggregates from PostgreSQL (pg_source.h); the workbook
         * without its Data sheet (every row), the Negative sheet capped */
        ef_pg_opts po = {o.src.table,
                         o.src.segment,
                         o.agg.thr,
                         (int)period,
                         tz,
                         v,
                         ef_vader_version(v),
                         o.agg.repair_n,
                         o.no_xlsx || o.list_vars ? 0 : EF_PG_NEGATIVE_ROWS,
                         o.quiet};
        if (ef_pg_open(o.inputs[0], &po, &pg, &err) != EF_OK)
            goto done;
        o.agg.period_terms = ef_pg_period_terms;
        o.agg.period_terms_ctx = pg;
        if (!o.no_xlsx && !o.no_data_sheet && !o.quiet && !o.list_vars)
            ef_warn("note: report.xlsx from PostgreSQL: no Data sheet, the "
                    "%d most negative items on the Negative sheet",
                    EF_PG_NEGATIVE_ROWS);
        o.no_data_sheet = 1;
    }

    if (!o.list_vars) {
        if (ef_outdir_open(o.outdir, &od, &err) != EF_OK)
            goto done;
        if (ef_rejects_open(ef_outdir_path(od, "rejected.csv"), &rj, &err) !=
            EF_OK)
            goto done;
        ef_rejects_set_quiet(rj, o.quiet);
        o.src.on_reject = ef_rejects_add;
        o.src.reject_ctx = rj;
        if (!o.no_xlsx) {
            ef_xlsx_opts xo = {
                !o.no_data_sheet, o.agg.generated, ef_outdir_path(od, ""),
                &o.agg.thr,       o.title,         o.ninputs > 1};
            char *stage = ef_xstrdup(xo.tmpdir);
            const char *path = NULL;
            xo.tmpdir = stage;
            /* --xlsx PATH: staged beside PATH and renamed with the rest
             * (a missing folder fails here, before any input is read) */
            rc = EF_OK;
            if (o.xlsx_path)
                rc = ef_outdir_add_outside(od, o.xlsx_path, &path, &err);
            else
                path = ef_outdir_path(od, "report.xlsx");
            if (rc == EF_OK)
                rc = ef_xlsx_open(path, &xo, &xlsx, &err);
            free(stage);
            if (rc != EF_OK)
                goto done;
            ef_xlsx_set_tz(xlsx, tz); /* row dates in --tz, as periods */
        }
    }

    agg = ef_agg_new(&o.agg);
    if (o.nlabels) {
        /* a first pass: which items each label's key names */
        labels = ef_labels_new();
        for (int i = 0; i < o.nlabels; i++)
            if (ef_labels_load(labels, o.labels[i], &err) != EF_OK)
                goto done;
        if (ef_labels_scan(labels, o.inputs, o.ninputs, &o.src, &err) !=
                EF_OK ||
            ef_labels_settle(labels, &err) != EF_OK)
            goto done;
        if (!o.quiet)
            ef_labels_warn(labels);
    }
    if (o.label_sample)
        samples = ef_lsample_new(o.src.segment != NULL);
    if (pg ? ef_pg_read(pg, agg, &err) != EF_OK
           : read_inputs(&o, v, agg, xlsx, o.threads, labels, samples, &err) !=
                 EF_OK)
        goto done;
    if (pg && xlsx && ef_pg_negative(pg, negative_row, xlsx, &err) != EF_OK)
        goto done;
    if ((rep = ef_agg_finish(agg, &err)) == NULL)
        goto done;
    if (pg && xlsx) /* the Negative sheet's note: how many there are */
        ef_xlsx_set_negatives(xlsx, rep->negative.count);
    t_render = ef_pg_now();
    if (rep->n == 0) { /* never a report, nor a gate that passes */
        if (pg)        /* named without the URI's password */
            ef_fail(&err, EF_ERR_NOINPUT, "%s: no rows: no report",
                    rep->files[0].path);
        else
            no_usable(&o, rep, &err);
        goto done;
    }
    for (size_t i = 0; i < rep->ntraps && !o.quiet && !o.list_vars; i++) {
        char note[512];
        ef_trap_text(&rep->traps[i], note, sizeof note);
        ef_warn("note: %s", note);
    }
    if (labels) {
        size_t n;
        const ef_label_stats *st = ef_labels_stats(labels, &n);
        rep->labels = ef_xmalloc((n + 1) * sizeof *rep->labels);
        memcpy(rep->labels, st, n * sizeof *st);
        rep->nlabels = n;
    }
    for (int g = 0; g < 2 && !o.quiet; g++) {
        ef_buf note = EF_BUF_INIT;
        if (!(g ? rep->segment_info : rep->channel_info).id_like)
            continue;
        ef_find_group_note(rep, g, &note);
        ef_warn("%s", ef_buf_cstr(&note));
        ef_buf_reset(&note);
    }
    if (!o.title)
        default_title(rep, title, sizeof title);

    if (o.list_vars) {
        ef_tctx *ctx = ef_tctx_new();
        ef_render_opts ro = {o.templates, o.title ? o.title : title,
                             EF_VERSION, 0, 0};
        ef_buf out = EF_BUF_INIT;
        ef_report_vars(rep, NULL, &ro, 0, ctx);
        ef_tctx_list(ef_tctx_root(ctx), &out);
        ef_stdout_write(out.data, out.len, &err);
        ef_buf_reset(&out);
        ef_tctx_free(ctx);
        goto done;
    }

    if (samples) { /* its sheet in the workbook, before it is finished */
        ef_lsample_args la = {o.inputs,       o.ninputs, &o.src,  &o.agg.thr,
                              o.label_sample, o.seed,    o.quiet, sample_name};
        ef_lsample_name(od, sample_name, sizeof sample_name);
        if (ef_lsample_write(samples, &la, od, xlsx, &err) != EF_OK)
            goto done;
    }
    if (xlsx) {
        wb = (workbook_job){xlsx, rep, EF_OK, {0}};
        wjob = EF_JOB(finish_workbook, &wb, 1);
        wpool = ef_pool_new(2); /* one thread: a pool of one runs on the
                                   caller, at the wait */
        ef_pool_submit(wpool, &wjob);
    }
    if (!o.no_charts && ef_chart_render_all(rep, ef_outdir_path(od, ""), font,
                                            &charts, &err) != EF_OK)
        goto done;
    for (size_t i = 0; i < charts.n; i++) {
        ef_outdir_add(od, charts.items[i].png);
        ef_outdir_add(od, charts.items[i].svg);
    }
    if (ef_rejects_commit(rj, &err) != EF_OK)
        goto done;
    if (ef_rejects_count(rj))
        ef_outdir_add(od, "rejected.csv");
    {
        ef_render_opts ro = {o.templates, o.title ? o.title : title,
                             EF_VERSION, ef_rejects_count(rj) > 0,
                             run_nonce(rep)};
        if (ef_render_reports(rep, &charts, &ro, &md, &html, &err) != EF_OK)
            goto done;
    }
    /* metrics.json is renamed last (outdir.h): once it is the new one,
     * so is everything else */
    ef_metrics_json(rep, &json);
    if (ef_outdir_write(od, "report.md", md.data, md.len, &err) ||
        ef_outdir_write(od, "report.html", html.data, html.len, &err))
        goto done;
    if (xlsx) {
        ef_pool_wait(wpool, &wjob);
        ef_pool_free(wpool);
        wpool = NULL;
        if (wb.rc != EF_OK) {
            err = wb.err;
            goto done;
        }
        if (!o.xlsx_path)
            ef_outdir_add(od, "report.xlsx");
    }
    if (ef_outdir_write(od, "metrics.json", json.data, json.len, &err))
        goto done;
    {
        /* a sample someone is labelling is theirs, not a stale output */
        const char *keep[EF_ARRAY_LEN(stale)];
        size_t k = 0;
        int labelled =
            ef_lsample_has_labels(ef_outdir_final(od, "label_sample.csv"));
        for (size_t i = 0; i < EF_ARRAY_LEN(stale); i++)
            if (!(labelled && stale[i] &&
                  strcmp(stale[i], "label_sample.csv") == 0))
                keep[k++] = stale[i];
        if (ef_outdir_commit(od, keep, &err) != EF_OK)
            goto done;
    }
    /* the gates' form was checked before any input was read; a metric
     * this report has not is an error, the report written all the same */
    if (o.ngates && ef_gates_check(rep, o.gates, (size_t)o.ngates, &tripped,
                                   &err) != EF_OK)
        goto done;
    if (pg && !o.quiet && err.code == EF_OK) {
        const ef_pg_times *t = ef_pg_times_get(pg);
        ef_warn("postgresql: connecting and checks %.2f s, shard queries "
                "%.2f s, transfer %.2f s (%llu rows, %llu bytes; %llu items "
                "fetched), rendering %.2f s",
                t->connect, t->queries, t->transfer,
                (unsigned long long)t->rows, (unsigned long long)t->bytes,
                (unsigned long long)t->items, ef_pg_now() - t_render);
    }
    if (!o.quiet && err.code == EF_OK)
        ef_warn("wrote %s/report.html, report.md, metrics.json%s (%llu "
                "items)",
                o.outdir, xlsx ? ", report.xlsx" : "",
                (unsigned long long)rep->n);
    if (!o.quiet && err.code == EF_OK && samples)
        fprintf(stderr,
                "earful: label the items of %s/%s with: earful "
                "label %s/%s\n",
                o.outdir, sample_name, o.outdir, sample_name);
done:
    if (wpool) { /* an error while the workbook was being written */
        ef_pool_wait(wpool, &wjob);
        ef_pool_free(wpool);
    }
    ef_labels_free(labels);
    ef_lsample_free(samples);
    free_opts(&o);
    ef_buf_reset(&md);
    ef_buf_reset(&html);
    ef_buf_reset(&json);
    ef_chart_set_free(&charts);
    ef_xlsx_free(xlsx);
    ef_rejects_free(rj);
    ef_outdir_free(od);
    ef_report_free(rep);
    ef_agg_free(agg);
    ef_pg_close(pg);
    ef_vader_free(v);
    ef_tz_free(tz);
    if (err.code != EF_OK) {
        ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return tripped ? EF_EXIT_GATE : EF_EXIT_OK;
}
