/* read_csv.c - benchmark driver: reads every item of each input with
 * ef_source_open/ef_source_next (reading, decoding, column mapping, date
 * and number parsing; no scoring) and prints what it read:
 *
 *   FILE: ROWS read, ROWS used, ROWS rejected, ENCODING, SHA256
 *
 * usage: read_csv FILE...
 * Exit 0, or the earful exit code of the first error.
 */
#include <stdio.h>

#include "input/input.h"
#include "util/util.h"

int main(int argc, char **argv)
{
    ef_source_opts opts = {0};
    ef_err err = {EF_OK, ""};
    uint64_t sum = 0; /* touches each item, so nothing is optimised out */

    if (argc < 2) {
        fputs("usage: read_csv FILE...\n", stderr);
        return EF_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        ef_source *src = NULL;
        const ef_source_stats *st;
        ef_item it;
        int eof = 0;

        if (ef_source_open(argv[i], &opts, &src, &err) != EF_OK)
            break;
        while (ef_source_next(src, &it, &eof, &err) == EF_OK && !eof)
            sum += (uint64_t)it.date + it.text_len + (uint64_t)it.rating;
        st = ef_source_stats_get(src);
        if (err.code == EF_OK)
            printf("%s: %llu read, %llu used, %llu rejected, %s, %s\n",
                   argv[i], (unsigned long long)st->rows_read,
                   (unsigned long long)st->rows_used,
                   (unsigned long long)st->rows_rejected, st->encoding,
                   st->sha256);
        ef_source_free(src);
        if (err.code != EF_OK)
            break;
    }
    if (err.code != EF_OK) {
        fprintf(stderr, "read_csv: %s\n", err.msg);
        return ef_exit_code(err.code);
    }
    if (sum == 42) /* never, in practice */
        fputs("\n", stderr);
    return ferror(stdout) | fclose(stdout) ? EF_EXIT_IOERR : EF_EXIT_OK;
}
