/* main.c - command dispatch: `earful COMMAND [OPTIONS] ...`. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdline.h"
#include "util/util.h"

static void usage(FILE *f)
{
    fputs("usage: earful COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "  earful report [OPTIONS] INPUT...   feedback (CSV files or one "
          "SQLite database)\n"
          "                                     -> a report folder\n"
          "  earful score  [OPTIONS] [FILE]     one text per line -> VADER "
          "scores\n"
          "                                     (TSV or JSON lines)\n"
          "  earful import [OPTIONS] INPUT... DB.sqlite\n"
          "                                     append feedback to a "
          "SQLite store, scored\n"
          "  earful label  [OPTIONS] FILE.csv   label a sample in the "
          "terminal, resumable\n"
          "  earful help [COMMAND]              help on a command\n"
          "  earful --version\n"
          "\n"
          "Exit codes: 0 ok, 1 a --fail-if gate tripped, 64 usage, 65 bad "
          "data (--strict),\n"
          "66 input missing, 70 internal error, 73 cannot create output, "
          "74 I/O error.\n",
          f);
}

/* Runs command argv[0] with its arguments. */
static int dispatch(int argc, char **argv)
{
    const char *cmd = argv[0];

    if (strcmp(cmd, "report") == 0)
        return ef_cmd_report(argc, argv);
    if (strcmp(cmd, "score") == 0)
        return ef_cmd_score(argc, argv);
    if (strcmp(cmd, "import") == 0)
        return ef_cmd_import(argc, argv);
    if (strcmp(cmd, "label") == 0)
        return ef_cmd_label(argc, argv);
    return ef_usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    const char *cmd;

    /* Past `ulimit -f`, a write fails with EFBIG, which is reported and
     * cleaned up like a full disk, rather than killing the run. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EF_EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("earful %s\n", EF_VERSION);
        return ef_stdout_exit(); /* 74 when it could not be written */
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        (strcmp(cmd, "help") == 0 && argc < 3)) {
        usage(stdout);
        return ef_stdout_exit();
    }
    if (strcmp(cmd, "help") == 0) {
        static char help[] = "--help";
        char *av[3] = {argv[2], help, NULL};
        return dispatch(2, av);
    }
    return dispatch(argc - 1, argv + 1);
}
