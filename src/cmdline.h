/* cmdline.h - the commands' options: one table per command, one parser,
 * one set of limits, and each --help printed from the table.
 *
 * The options several commands take (the input's, the scorer's,
 * --threads, --quiet, --help) are defined once, here (EF_OPT_*): their
 * name, short form, value, help text, limits and parsing. A command's
 * table names them by id beside its own options:
 *
 *   static const ef_option opts[] = {
 *       {"format", 'f', 0, "FMT", "tsv or jsonl", EF_OPT_NONE}, // own
 *       {.shared = EF_OPT_LEXICON},                     // a shared one
 *       {.shared = EF_OPT_HELP}};
 *   static const ef_command cmd = {"score", head, NULL, opts,
 *                                  EF_ARRAY_LEN(opts)};
 *   ef_cmdline cl;
 *   ef_cmdline_init(&cl, &cmd);
 *   while ((c = ef_cmdline_next(&cl, argc, argv)) > 0)
 *       switch (c) { case 'f': ... cl.arg ...; }
 *   if (c < 0) { ef_cmdline_free(&cl); return cl.exit; }
 *   ... cl.common.lexicons, argv[cl.optind] ...
 *   ef_cmdline_free(&cl);
 *
 * The parser handles the shared options itself (their values land in
 * cl.common) and returns the command's own ones. A bad value, an unknown
 * option or a missing value prints the usage error (exit 64); --help
 * prints the help to standard output (exit 0, or 74 when it cannot be
 * written). tests/suites/manpage.sh reads these tables (their syntax:
 * `{"name", 'x' or 0, ...` for an option of the command's, and
 * `.shared = EF_OPT_X` for a shared one, whose row in cmdline.c is
 * `[EF_OPT_X] = {"name", ...`) to check --help and earful.1 against
 * them.
 */
#ifndef EF_CMDLINE_H
#define EF_CMDLINE_H

#include <getopt.h>
#include <stdio.h>

#include "input/input.h"
#include "sentiment/sentiment.h"
#include "util/util.h"

#define EF_MAX_LEXICONS 64 /* --lexicon files */
#define EF_MAX_BRANDS 64   /* --brand options (each a list) */
#define EF_MAX_THREADS 256 /* --threads */

/* The shared options. */
typedef enum {
    EF_OPT_NONE,
    /* input (report, import) */
    EF_OPT_MAP, /* also label's */
    EF_OPT_DATE_FORMAT,
    EF_OPT_TZ,
    EF_OPT_ENCODING,
    EF_OPT_DELIMITER,
    EF_OPT_TABLE,
    EF_OPT_QUERY,
    EF_OPT_SEGMENT,
    EF_OPT_STRICT,
    /* the scorer (report, import, score) */
    EF_OPT_THRESHOLDS,
    EF_OPT_LEXICON,
    EF_OPT_BRAND,
    EF_OPT_NAMES,
    /* every command that runs work in parallel, or talks */
    EF_OPT_THREADS,
    EF_OPT_QUIET,
    EF_OPT_HELP,
    EF_OPT_COUNT
} ef_opt_id;

/* One row of a command's option table: its own option (name set), a
 * shared one (shared set: name, letter, value and help come from the
 * shared table, help replaced when given here), or a heading in --help
 * (neither: help is the heading). */
typedef struct {
    const char *name; /* the long name, without "--" */
    int letter;       /* the short form, or 0 */
    int key;          /* what ef_cmdline_next returns (0: letter) */
    const char *arg;  /* the value's name in --help; NULL: takes none */
    const char *help; /* --help text; each "\n" starts a line below */
    ef_opt_id shared; /* EF_OPT_* for a shared option, else EF_OPT_NONE
                         (given: -Wmissing-field-initializers) */
} ef_option;

/* A command: its name, its --help around the option table (head: the
 * usage line and what it does; foot: after the options, or NULL), and
 * its options. */
typedef struct {
    const char *name;
    const char *head;
    const char *foot;
    const ef_option *opts;
    size_t nopts;
} ef_command;

/* The values of the shared options. */
typedef struct {
    ef_source_opts src; /* map (every --map merged), date_format,
                           encoding, delimiter, table, query, segment,
                           strict (the rest is the command's) */
    const char *tz;     /* --tz, or NULL (UTC) */
    ef_thresholds thr;  /* --thresholds (default -0.05,0.05) */
    const char *lexicons[EF_MAX_LEXICONS];
    int nlex;
    const char *brands[EF_MAX_BRANDS];
    int nbrands;
    int names;   /* --names */
    int threads; /* --threads (default: the number of cores) */
    int quiet;   /* --quiet */
} ef_common_opts;

typedef struct {
    const ef_command *cmd;
    ef_common_opts common;
    const char *arg; /* the value of the option just returned */
    int optind;      /* once done: argv[optind] is the first operand */
    int exit;        /* after -1: the exit code */
    char *map;       /* the merged --map values (malloc) */
    struct option *longopts;
    char *optstring;
} ef_cmdline;

/* Starts reading cmd's options (getopt_long from argv[1]). Free with
 * ef_cmdline_free. */
void ef_cmdline_init(ef_cmdline *cl, const ef_command *cmd);

/* The next option of the command's own: its key (> 0; its value in
 * cl->arg); 0 once every option is read (the operands start at
 * argv[cl->optind]); -1 when the command is to end now with exit code
 * cl->exit (its --help printed, or a usage error). */
int ef_cmdline_next(ef_cmdline *cl, int argc, char **argv);

void ef_cmdline_free(ef_cmdline *cl);

/* Prints cmd's --help to f: head, the options (a line each, short form,
 * long name and value, then the help text in a column), foot. */
void ef_cmdline_help(const ef_command *cmd, FILE *f);

/* Builds the scorer the shared options ask for: the built-in lexicon,
 * each --lexicon, the names rules (on when names, else when --names or
 * --brand) and every --brand. Errors: a lexicon file's (ef_vader_add_
 * lexicon), EF_ERR_USAGE for a bad --brand. Free *out with
 * ef_vader_free (also after an error). */
ef_status ef_common_scorer(const ef_common_opts *o, int names, ef_vader **out,
                           ef_err *e);

/* Flushes standard output and checks it: EF_ERR_IO "standard output:
 * REASON" when a write to it failed (now or before). */
ef_status ef_stdout_flush(ef_err *e);

/* Writes len bytes of data to standard output and flushes it: EF_ERR_IO
 * "standard output: REASON" when that fails (REASON: the failed call's
 * errno, not a later one's). */
ef_status ef_stdout_write(const void *data, size_t len, ef_err *e);

/* Flushes standard output at the end of a command that wrote only to it
 * (--help, --version): 0, or 74 after printing why. */
int ef_stdout_exit(void);

/* Parses a --threads value: a count from 1 to EF_MAX_THREADS, or 0 or
 * "auto" for the number of cores. Returns 0, or -1 if invalid. */
int ef_parse_threads(const char *s, int *out);

/* Adds a --map value to the ones given before (a repeated --map merges:
 * "text=Body" then "date=When" is "text=Body,date=When"; for a field
 * given twice the last wins). *acc is NULL at first, then in memory
 * obtained from malloc(): the caller frees it. */
void ef_map_merge(char **acc, const char *add);

#endif
