/* test_cmdline.c - the commands' one option parser: shared options land
 * in cl.common with their one set of limits, a command's own options are
 * handed back, a bad value or an unknown option is a usage error (64),
 * and --help is printed from the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "test.h"

/* cmdline.c's (EF_STATIC) */
int parse_thresholds(const char *s, ef_thresholds *t);
char parse_delimiter(const char *s);

enum { O_OWN = 256 };

static const ef_option opts[] = {
    {"own", 'o', O_OWN, "V", "an option of the command's", EF_OPT_NONE},
    {"flag", 0, 'F', NULL, "a flag", EF_OPT_NONE},
    {.help = "Shared"},
    {.shared = EF_OPT_MAP},
    {.shared = EF_OPT_DELIMITER},
    {.shared = EF_OPT_THRESHOLDS},
    {.shared = EF_OPT_LEXICON},
    {.shared = EF_OPT_THREADS, .help = "its own help text"},
    {.shared = EF_OPT_QUIET},
    {.shared = EF_OPT_HELP},
};
static const ef_command cmd = {"test", "usage: test\n", "the foot\n", opts,
                               EF_ARRAY_LEN(opts)};

/* Parses words (NULL-terminated, argv[0] added) with cmd; returns the
 * last ef_cmdline_next result, the own options seen in *own. stderr (the
 * usage errors) goes to /dev/null meanwhile. */
static int parse(ef_cmdline *cl, const char *const *words, char *own,
                 size_t cap)
{
    char *argv[2 * EF_MAX_LEXICONS + 8];
    int argc = 0, c;
    FILE *saved = stderr;

    argv[argc++] = (char *)"earful-test";
    for (; *words && argc < (int)EF_ARRAY_LEN(argv) - 1; words++)
        argv[argc++] = (char *)*words;
    argv[argc] = NULL;
    own[0] = '\0';
    stderr = fopen("/dev/null", "w");
    ef_cmdline_init(cl, &cmd);
    while ((c = ef_cmdline_next(cl, argc, argv)) > 0) {
        size_t n = strlen(own);
        snprintf(own + n, cap - n, "%s%d=%s", n ? " " : "", c,
                 cl->arg ? cl->arg : "");
    }
    fclose(stderr);
    stderr = saved;
    return c;
}

static void values(void)
{
    ef_thresholds t = {0, 0};
    static const char *const bad_thr[] = {"",        "0.1",  "0.1,", ",0.1",
                                          "0.2,0.1", "-2,0", "0,2",  "a,b",
                                          "0,0.1x",  NULL};
    static const char *const bad_delim[] = {"", ",,", "x", ":", "tabs", NULL};

    INT_EQ(parse_thresholds("-0.5,0.25", &t), 0, "thresholds parse");
    DBL_NEAR(t.neg_max, -0.5, 0, "thresholds NEG");
    DBL_NEAR(t.pos_min, 0.25, 0, "thresholds POS");
    INT_EQ(parse_thresholds("0,0", &t), 0, "thresholds NEG = POS");
    for (int i = 0; bad_thr[i]; i++)
        INT_EQ(parse_thresholds(bad_thr[i], &t), -1, bad_thr[i]);
    INT_EQ(parse_delimiter(","), ',', "delimiter ,");
    INT_EQ(parse_delimiter(";"), ';', "delimiter ;");
    INT_EQ(parse_delimiter("|"), '|', "delimiter |");
    INT_EQ(parse_delimiter("tab"), '\t', "delimiter tab");
    INT_EQ(parse_delimiter("\\t"), '\t', "delimiter \\t");
    INT_EQ(parse_delimiter("\t"), '\t', "delimiter TAB");
    for (int i = 0; bad_delim[i]; i++)
        INT_EQ(parse_delimiter(bad_delim[i]), 0, bad_delim[i]);
}

static void parsing(void)
{
    ef_cmdline cl;
    char own[256];
    static const char *const good[] = {
        "-o",       "x",         "--flag",      "--map",     "text=Body",
        "-m",       "date=When", "--delimiter", ";",         "--thresholds",
        "-0.2,0.3", "-l",        "a.txt",       "--lexicon", "b.txt",
        "-j",       "3",         "-q",          "in.csv",    "out",
        NULL};
    /* each a bad command line: NULL-separated words, "" ends */
    static const char *const bad[] = {"--delimiter",
                                      "x",
                                      NULL,
                                      "--thresholds",
                                      "1,0",
                                      NULL,
                                      "--threads",
                                      "0x",
                                      NULL,
                                      "--threads",
                                      "257",
                                      NULL,
                                      "--no-such",
                                      NULL,
                                      "-z",
                                      NULL,
                                      "--own",
                                      NULL,
                                      "--names",
                                      NULL, /* not in this table */
                                      ""};

    INT_EQ(parse(&cl, good, own, sizeof own), 0, "good: parsed");
    STR_EQ(own, "256=x 70=", "good: own options handed back in order");
    STR_EQ(cl.common.src.map, "text=Body,date=When", "good: --map merged");
    INT_EQ(cl.common.src.delimiter, ';', "good: --delimiter");
    DBL_NEAR(cl.common.thr.neg_max, -0.2, 0, "good: --thresholds NEG");
    INT_EQ(cl.common.nlex, 2, "good: two lexicons");
    STR_EQ(cl.common.lexicons[1], "b.txt", "good: the second lexicon");
    INT_EQ(cl.common.threads, 3, "good: --threads");
    INT_EQ(cl.common.quiet, 1, "good: --quiet");
    INT_EQ(cl.optind, 19, "good: the operands start after the options");
    ef_cmdline_free(&cl);

    for (const char *const *w = bad; **w; w++) {
        char what[64];
        int c = parse(&cl, w, own, sizeof own);
        snprintf(what, sizeof what, "bad %s: ends", w[0]);
        INT_EQ(c, -1, what);
        snprintf(what, sizeof what, "bad %s: exit 64", w[0]);
        INT_EQ(cl.exit, EF_EXIT_USAGE, what);
        ef_cmdline_free(&cl);
        while (*w)
            w++;
    }

    /* one limit for every command: EF_MAX_LEXICONS files, not one more */
    {
        const char *words[2 * EF_MAX_LEXICONS + 3];
        int n = 0;
        for (int i = 0; i < EF_MAX_LEXICONS; i++) {
            words[n++] = "-l";
            words[n++] = "x.txt";
        }
        words[n] = NULL;
        INT_EQ(parse(&cl, words, own, sizeof own), 0, "lexicons: the limit");
        INT_EQ(cl.common.nlex, EF_MAX_LEXICONS, "lexicons: all kept");
        ef_cmdline_free(&cl);
        words[n++] = "-l";
        words[n++] = "one-more.txt";
        words[n] = NULL;
        INT_EQ(parse(&cl, words, own, sizeof own), -1,
               "lexicons: one past the limit");
        INT_EQ(cl.exit, EF_EXIT_USAGE, "lexicons: one past: exit 64");
        ef_cmdline_free(&cl);
    }
}

static void help(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f == NULL) {
        OK(0, "open_memstream");
        return;
    }
    ef_cmdline_help(&cmd, f);
    fclose(f);
    OK(strncmp(text, "usage: test\n", 12) == 0, "help: the head first");
    OK(len > 9 && strcmp(text + len - 9, "the foot\n") == 0,
       "help: the foot last");
    OK(strstr(text, "\n  -o, --own V ") != NULL, "help: an own option");
    OK(strstr(text, "\n      --flag ") != NULL, "help: a flag, no short");
    OK(strstr(text, "\nShared\n") != NULL, "help: a heading");
    OK(strstr(text, "\n  -m, --map FIELD=COL,... ") != NULL,
       "help: a shared option, from the shared table");
    OK(strstr(text, "its own help text\n") != NULL,
       "help: a command's own text for a shared option");
    OK(strstr(text, "threads (default") == NULL,
       "help: ... instead of the shared text");
    OK(strstr(text, "--names") == NULL, "help: no option of another's");
    free(text);
}

void test_cmdline(void)
{
    values();
    parsing();
    help();
}
