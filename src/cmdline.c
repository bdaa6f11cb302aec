/* cmdline.c - the option tables' parser and --help (see cmdline.h). */
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define HELP_COLUMN_MAX 30 /* the help text's column, at most */

/* ==== The shared options ================================================ */

static const ef_option shared[EF_OPT_COUNT] = {
    [EF_OPT_MAP] = {"map", 'm', 0, "FIELD=COL,...",
                    "the column of a field (text, date, id, channel,\n"
                    "author, rating, nps, responded_at, label, url);\n"
                    "repeatable",
                    EF_OPT_MAP},
    [EF_OPT_DATE_FORMAT] = {"date-format", 0, 0, "FMT",
                            "the dates' format, strptime-like "
                            "(%d/%m/%Y %H:%M);\n"
                            "default: sniffed from the first 1000 rows",
                            EF_OPT_DATE_FORMAT},
    [EF_OPT_TZ] = {"tz", 0, 0, "ZONE",
                   "time zone of dates without an offset, and of\n"
                   "periods (default UTC)",
                   EF_OPT_TZ},
    [EF_OPT_ENCODING] = {"encoding", 0, 0, "NAME",
                         "CSV encoding (default UTF-8, UTF-16 by its BOM)",
                         EF_OPT_ENCODING},
    [EF_OPT_DELIMITER] = {"delimiter", 0, 0, "C",
                          "CSV delimiter: , ; | or tab (default: sniffed)",
                          EF_OPT_DELIMITER},
    [EF_OPT_TABLE] = {"table", 0, 0, "NAME",
                      "SQLite input: the table to read (default:\n"
                      "feedback, or the only one)",
                      EF_OPT_TABLE},
    [EF_OPT_QUERY] = {"query", 0, 0, "SQL",
                      "SQLite input: a SELECT to read (read-only)",
                      EF_OPT_QUERY},
    [EF_OPT_SEGMENT] = {"segment", 0, 0, "COLUMN",
                        "also break down by this column", EF_OPT_SEGMENT},
    [EF_OPT_STRICT] = {"strict", 0, 0, NULL,
                       "a rejected row is an error (exit 65)", EF_OPT_STRICT},
    [EF_OPT_THRESHOLDS] = {"thresholds", 0, 0, "NEG,POS",
                           "negative if compound <= NEG, positive if >= "
                           "POS\n(default -0.05,0.05)",
                           EF_OPT_THRESHOLDS},
    [EF_OPT_LEXICON] = {"lexicon", 'l', 0, "FILE",
                        "add or override words: word<TAB>valence lines;\n"
                        "repeatable",
                        EF_OPT_LEXICON},
    [EF_OPT_BRAND] = {"brand", 0, 0, "W[,W...]",
                      "brand words or phrases with no valence\n"
                      "(\"united,best buy\"; @mentions never carry any);\n"
                      "repeatable",
                      EF_OPT_BRAND},
    [EF_OPT_NAMES] = {"names", 0, 0, NULL,
                      "read @mentions as names, with no valence, as\n"
                      "report and import do (default: the reference's\n"
                      "scores)",
                      EF_OPT_NAMES},
    [EF_OPT_THREADS] = {"threads", 'j', 0, "N",
                        "threads (default: the number of cores)",
                        EF_OPT_THREADS},
    [EF_OPT_QUIET] = {"quiet", 'q', 0, NULL, "no progress, no warnings",
                      EF_OPT_QUIET},
    [EF_OPT_HELP] = {"help", 'h', 0, NULL, "this help", EF_OPT_HELP},
};

/* The getopt value of a shared option that has no short form. */
#define SHARED_VAL(id) (0x10000 + (int)(id))

/* Row o of a table as it applies: a shared option's own row, with the
 * command's help text when it gives one. */
static ef_option resolve(const ef_option *o)
{
    ef_option r;

    if (o->shared == EF_OPT_NONE)
        return *o;
    r = shared[o->shared];
    r.shared = o->shared;
    if (o->help)
        r.help = o->help;
    return r;
}

/* ==== Values ============================================================ */

/* "NEG,POS" with -1 <= NEG <= POS <= 1. Returns 0, or -1. */
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

/* , ; | or a tab ("tab", "\t" or a tab character). Returns the byte, or
 * 0 if invalid. */
EF_STATIC char parse_delimiter(const char *s)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
        return '\t';
    if (s[0] && !s[1] && strchr(",;|", s[0]))
        return s[0];
    return 0;
}

int ef_parse_threads(const char *s, int *out)
{
    char *end;
    long n;

    if (strcmp(s, "auto") == 0) {
        n = 0;
    } else {
        n = strtol(s, &end, 10);
        if (end == s || *end || n < 0 || n > EF_MAX_THREADS)
            return -1;
    }
    if (n == 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        if (n < 1)
            n = 1;
        if (n > EF_MAX_THREADS)
            n = EF_MAX_THREADS;
    }
    *out = (int)n;
    return 0;
}

void ef_map_merge(char **acc, const char *add)
{
    size_t a = *acc ? strlen(*acc) : 0, b = strlen(add);
    char *out = ef_xmalloc(a + b + 2);

    if (a)
        memcpy(out, *acc, a);
    if (a && b)
        out[a++] = ',';
    memcpy(out + a, add, b + 1);
    free(*acc);
    *acc = out;
}

/* Applies shared option id with value arg to cl. Returns 0, or the exit
 * code the command ends with (its help printed, or a usage error). */
static int apply_shared(ef_cmdline *cl, ef_opt_id id, const char *arg)
{
    ef_common_opts *c = &cl->common;
    const char *cmd = cl->cmd->name;
    ef_err err = {0};

    switch (id) {
    case EF_OPT_MAP:
        ef_map_merge(&cl->map, arg);
        c->src.map = cl->map;
        break;
    case EF_OPT_DATE_FORMAT:
        if (ef_datetime_check_format(arg, &err) != EF_OK)
            return ef_usage_error(cmd, "option --date-format: %s", err.msg);
        c->src.date_format = arg;
        break;
    case EF_OPT_TZ: c->tz = arg; break;
    case EF_OPT_ENCODING: c->src.encoding = arg; break;
    case EF_OPT_DELIMITER:
        if ((c->src.delimiter = parse_delimiter(arg)) == 0)
            return ef_usage_error(cmd,
                                  "option --delimiter: expected , ; | "
                                  "or tab, got '%s'",
                                  arg);
        break;
    case EF_OPT_TABLE: c->src.table = arg; break;
    case EF_OPT_QUERY: c->src.query = arg; break;
    case EF_OPT_SEGMENT: c->src.segment = arg; break;
    case EF_OPT_STRICT: c->src.strict = 1; break;
    case EF_OPT_THRESHOLDS:
        if (parse_thresholds(arg, &c->thr) < 0)
            return ef_usage_error(cmd,
                                  "option --thresholds: expected "
                                  "NEG,POS with -1 <= NEG <= POS <= 1, got "
                                  "'%s'",
                                  arg);
        break;
    case EF_OPT_LEXICON:
        if (c->nlex == EF_MAX_LEXICONS)
            return ef_usage_error(cmd,
                                  "too many --lexicon files (at most "
                                  "%d)",
                                  EF_MAX_LEXICONS);
        c->lexicons[c->nlex++] = arg;
        break;
    case EF_OPT_BRAND:
        if (c->nbrands == EF_MAX_BRANDS)
            return ef_usage_error(cmd,
                                  "too many --brand options (at most "
                                  "%d)",
                                  EF_MAX_BRANDS);
        c->brands[c->nbrands++] = arg;
        break;
    case EF_OPT_NAMES: c->names = 1; break;
    case EF_OPT_THREADS:
        if (ef_parse_threads(arg, &c->threads) < 0)
            return ef_usage_error(cmd,
                                  "option --threads: expected a number "
                                  "from 1 to %d, got '%s'",
                                  EF_MAX_THREADS, arg);
        break;
    case EF_OPT_QUIET: c->quiet = 1; break;
    case EF_OPT_HELP:
        ef_cmdline_help(cl->cmd, stdout);
        return ef_stdout_exit();
    case EF_OPT_NONE:
    case EF_OPT_COUNT: break;
    }
    return 0;
}

/* ==== Parsing =========================================================== */

void ef_cmdline_init(ef_cmdline *cl, const ef_command *cmd)
{
    size_t n = 0;
    char *s;

    memset(cl, 0, sizeof *cl);
    cl->cmd = cmd;
    cl->common.thr = (ef_thresholds)EF_THRESHOLDS_DEFAULT;
    ef_parse_threads("auto", &cl->common.threads);
    cl->longopts = ef_xcalloc(cmd->nopts + 1, sizeof *cl->longopts);
    /* ':' first: a missing value is told from an unknown option */
    s = cl->optstring = ef_xmalloc(2 * cmd->nopts + 2);
    *s++ = ':';
    for (size_t i = 0; i < cmd->nopts; i++) {
        ef_option o = resolve(&cmd->opts[i]);
        if (o.name == NULL)
            continue; /* a heading */
        cl->longopts[n].name = o.name;
        cl->longopts[n].has_arg = o.arg ? required_argument : no_argument;
        cl->longopts[n].val = o.letter   ? o.letter
                              : o.shared ? SHARED_VAL(o.shared)
                                         : o.key;
        n++;
        if (o.letter) {
            *s++ = (char)o.letter;
            if (o.arg)
                *s++ = ':';
        }
    }
    *s = '\0';
    optind = 1;
    opterr = 0;
}

int ef_cmdline_next(ef_cmdline *cl, int argc, char **argv)
{
    for (;;) {
        int c = getopt_long(argc, argv, cl->optstring, cl->longopts, NULL);
        const ef_command *cmd = cl->cmd;
        size_t i;
        int rc;

        if (c == -1) {
            cl->optind = optind;
            return 0;
        }
        for (i = 0; i < cmd->nopts; i++) {
            ef_option o = resolve(&cmd->opts[i]);
            if (o.name && (c == o.letter ||
                           c == (o.shared ? SHARED_VAL(o.shared) : o.key)))
                break;
        }
        if (c == '?' || c == ':' || i == cmd->nopts) {
            cl->exit = ef_getopt_error(cmd->name, c, argv);
            return -1;
        }
        if (cmd->opts[i].shared == EF_OPT_NONE) {
            cl->arg = optarg;
            return cmd->opts[i].key ? cmd->opts[i].key : cmd->opts[i].letter;
        }
        if ((rc = apply_shared(cl, cmd->opts[i].shared, optarg)) != 0 ||
            cmd->opts[i].shared == EF_OPT_HELP) {
            cl->exit = rc;
            return -1;
        }
    }
}

void ef_cmdline_free(ef_cmdline *cl)
{
    free(cl->map);
    free(cl->longopts);
    free(cl->optstring);
    cl->map = NULL;
    cl->common.src.map = NULL;
    cl->longopts = NULL;
    cl->optstring = NULL;
}

/* ==== --help ============================================================ */

/* The left part of an option's help line: "  -j, --threads N". */
static int left_part(const ef_option *o, char *buf, size_t cap)
{
    return snprintf(buf, cap, "  %c%c%s --%s%s%s", o->letter ? '-' : ' ',
                    o->letter ? o->letter : ' ', o->letter ? "," : " ",
                    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

void ef_cmdline_help(const ef_command *cmd, FILE *f)
{
    int col = 0;
    char left[96];

    for (size_t i = 0; i < cmd->nopts; i++) {
        ef_option o = resolve(&cmd->opts[i]);
        int w;
        if (o.name && (w = left_part(&o, left, sizeof left) + 2) > col &&
            w <= HELP_COLUMN_MAX)
            col = w;
    }
    fputs(cmd->head, f);
    for (size_t i = 0; i < cmd->nopts; i++) {
        ef_option o = resolve(&cmd->opts[i]);
        const char *h = o.help ? o.help : "";
        int w;

        if (o.name == NULL) { /* a heading ("": a blank line) */
            fprintf(f, "\n%s%s", h, *h ? "\n" : "");
            continue;
        }
        w = left_part(&o, left, sizeof left);
        fprintf(f, "%s%*s", left, w + 2 <= col ? col - w : 2, "");
        for (;;) { /* the text's lines, each in the column */
            const char *nl = strchr(h, '\n');
            int n = nl ? (int)(nl - h) : (int)strlen(h);
            fprintf(f, "%.*s\n", n, h);
            if (!nl)
                break;
            h = nl + 1;
            fprintf(f, "%*s", col, "");
        }
    }
    if (cmd->foot)
        fputs(cmd->foot, f);
}

/* ==== The scorer ======================================================== */

ef_status ef_common_scorer(const ef_common_opts *o, int names, ef_vader **out,
                           ef_err *e)
{
    ef_status rc;

    if ((rc = ef_vader_new(out, e)) != EF_OK)
        return rc;
    for (int i = 0; i < o->nlex; i++)
        if ((rc = ef_vader_add_lexicon(*out, o->lexicons[i], e)) != EF_OK)
            return rc;
    ef_vader_set_names(*out, names || o->names);
    for (int i = 0; i < o->nbrands; i++)
        if ((rc = ef_vader_add_brands(*out, o->brands[i], e)) != EF_OK)
            return rc;
    return EF_OK;
}

/* ==== Standard output =================================================== */

ef_status ef_stdout_flush(ef_err *e)
{
    errno = 0;
    if (fflush(stdout) != 0)
        return ef_fail(e, EF_ERR_IO, "standard output: %s",
                       strerror(errno ? errno : EIO));
    if (ferror(stdout)) /* an earlier write failed; its errno is gone */
        return ef_fail(e, EF_ERR_IO, "standard output: a write failed");
    return EF_OK;
}

ef_status ef_stdout_write(const void *data, size_t len, ef_err *e)
{
    errno = 0;
    if (len && fwrite(data, 1, len, stdout) != len)
        return ef_fail(e, EF_ERR_IO, "standard output: %s",
                       strerror(errno ? errno : EIO));
    return ef_stdout_flush(e);
}

int ef_stdout_exit(void)
{
    ef_err err = {0};

    if (ef_stdout_flush(&err) != EF_OK) {
        ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return EF_EXIT_OK;
}
