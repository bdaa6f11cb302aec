/* cmd.h - the subcommands. Each parses its own options and returns the
 * process exit code (EF_EXIT_*). */
#ifndef EF_CMD_H
#define EF_CMD_H

#include <stdint.h>

#define EF_VERSION "0.1.0"

int ef_cmd_score(int argc, char **argv);
int ef_cmd_import(int argc, char **argv);
int ef_cmd_report(int argc, char **argv);
int ef_cmd_label(int argc, char **argv);

/* Prints "earful: MSG" and "earful: try 'earful CMD --help'"; returns 64. */
int ef_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports a getopt_long failure (c is '?' or ':', with opterr = 0 and
 * an optstring that starts with ':'); returns 64. */
int ef_getopt_error(const char *cmd, int c, char **argv);

/* Prints the notes and hints a source wrote on opening (its stats), one
 * "earful: ..." line each, unless quiet. */
void ef_print_source_notes(const char *notes, const char *hints, int quiet);

/* Warns, unless quiet, that input's text was read changed: its invalid
 * UTF-8 sequences as U+FFFD, its NUL bytes dropped (a file in another
 * encoding, read without --encoding). store: it went into a store so,
 * which cannot tell it afterwards. A report says it too, besides its data
 * quality section, so that a run in CI shows it in its log. */
void ef_print_replaced(const char *input, uint64_t invalid_utf8,
                       uint64_t nul_bytes, int store, int quiet);

/* The time to write in outputs: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else now. */
int64_t ef_source_date_epoch(void);

#endif
