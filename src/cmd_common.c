/* cmd_common.c - pieces of command-line handling shared by the commands. */
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "util/util.h"

int ef_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt); /* the values quoted come from the command line */
    ef_vwarn(fmt, ap);
    va_end(ap);
    ef_warn("try 'earful %s%s--help'", cmd ? cmd : "", cmd ? " " : "");
    return EF_EXIT_USAGE;
}

int ef_getopt_error(const char *cmd, int c, char **argv)
{
    /* getopt_long has moved optind past the bad option */
    const char *opt = optind > 0 ? argv[optind - 1] : "?";

    if (c == ':')
        return ef_usage_error(cmd, "option %s: requires a value", opt);
    if (optopt && !(opt[0] == '-' && opt[1] == '-'))
        return ef_usage_error(cmd, "unknown option -%c", optopt);
    return ef_usage_error(cmd, "unknown option %s", opt);
}

int64_t ef_source_date_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    char *end;

    if (s && *s) {
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && v >= 0)
            return (int64_t)v;
        ef_warn("SOURCE_DATE_EPOCH is not a number of seconds: ignored");
    }
    return (int64_t)time(NULL);
}

/* Prints each line of text as a warning. */
static void print_lines(const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        int n = (int)(nl ? nl - text : (ptrdiff_t)strlen(text));
        ef_warn("%.*s", n, text);
        text += n + (nl != NULL);
    }
}

void ef_print_source_notes(const char *notes, const char *hints, int quiet)
{
    if (quiet)
        return;
    print_lines(notes);
    print_lines(hints);
}

void ef_print_replaced(const char *input, uint64_t invalid_utf8,
                       uint64_t nul_bytes, int store, int quiet)
{
    char bad[32], nul[32];

    if (quiet || (invalid_utf8 == 0 && nul_bytes == 0))
        return;
    ef_fmt_count(bad, sizeof bad, invalid_utf8);
    ef_fmt_count(nul, sizeof nul, nul_bytes);
    if (invalid_utf8)
        ef_warn("%s: %s invalid UTF-8 sequence%s read as U+FFFD%s (not a "
                "UTF-8 file? name its encoding with --encoding, e.g. "
                "windows-1252)",
                input, bad, invalid_utf8 == 1 ? "" : "s",
                store ? " into the store" : "");
    if (nul_bytes)
        ef_warn("%s: %s NUL byte%s dropped from the rows read", input, nul,
                nul_bytes == 1 ? "" : "s");
}
