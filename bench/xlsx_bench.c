/* xlsx_bench.c - writes a workbook from a TSV of scored rows with the
 * workbook module (src/render/xlsx.c), for bench/xlsx.sh. The rows come
 * from a file so that the Python peer (bench/peers/xlsx_peer.py) writes
 * exactly the same cells.
 *
 * usage: xlsx_bench [--no-data-sheet] ROWS.tsv OUT.xlsx
 * TSV columns (no header; empty = absent):
 *   date responded compound neg neu pos rating nps label channel author
 *   segment url id text
 * (dates in Unix seconds, label an ef_class number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/xlsx.h"

#define NF 15

int main(int argc, char **argv)
{
    static const ef_thresholds thr = EF_THRESHOLDS_DEFAULT;
    ef_xlsx_opts o = {.data_sheet = 1, .created = 1751328000, .thr = &thr};
    ef_report *r;
    ef_xlsx *x = NULL;
    ef_err e = {EF_OK, ""};
    char *line = NULL, *f[NF], *dir;
    size_t cap = 0;
    ssize_t len;
    uint64_t n = 0;
    FILE *in;
    int a = 1;

    if (argc > 1 && strcmp(argv[1], "--no-data-sheet") == 0) {
        o.data_sheet = 0;
        a++;
    }
    if (argc - a != 2) {
        fputs("usage: xlsx_bench [--no-data-sheet] ROWS.tsv OUT.xlsx\n",
              stderr);
        return 64;
    }
    if ((in = fopen(argv[a], "r")) == NULL) {
        perror(argv[a]);
        return 66;
    }
    /* Temporary files beside the output, as `earful report` does. */
    dir = ef_xstrdup(argv[a + 1]);
    if (strrchr(dir, '/'))
        *strrchr(dir, '/') = '\0';
    else
        strcpy(dir, ".");
    o.tmpdir = dir;
    if (ef_xlsx_open(argv[a + 1], &o, &x, &e) != EF_OK)
        goto fail;

    r = ef_xcalloc(1, sizeof *r);
    r->thr = thr;
    r->first_date = r->last_date = EF_NO_TIME;
    while ((len = getline(&line, &cap, in)) > 0) {
        ef_item it;
        ef_scores sc;
        char *p = line;
        int k;

        if (line[len - 1] == '\n')
            line[--len] = '\0';
        for (k = 0; k < NF; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p == NULL)
                break;
            *p++ = '\0';
        }
        if (k < NF - 1)
            continue;
        memset(&it, 0, sizeof it);
        it.date = strtoll(f[0], NULL, 10);
        it.responded_at = *f[1] ? strtoll(f[1], NULL, 10) : EF_NO_TIME;
        sc.compound = strtod(f[2], NULL);
        sc.neg = strtod(f[3], NULL);
        sc.neu = strtod(f[4], NULL);
        sc.pos = strtod(f[5], NULL);
        it.rating = *f[6] ? atoi(f[6]) : 0;
        it.nps = *f[7] ? atoi(f[7]) : -1;
        it.label = *f[8] ? atoi(f[8]) : -1;
        it.channel = f[9];
        it.author = f[10];
        it.segment = f[11];
        it.url = f[12];
        it.id = f[13];
        it.text = f[14];
        it.text_len = strlen(f[14]);
        it.source = "samples/feedback.csv";
        it.line = ++n + 1;
        if (ef_xlsx_add_row(x, &it, &sc, ef_classify(sc.compound, &thr), &e) !=
            EF_OK)
            goto fail;
        if (r->first_date == EF_NO_TIME)
            r->first_date = it.date;
        r->last_date = it.date;
    }
    r->n = r->rows_read = r->rows_used = n;
    snprintf(r->headline, sizeof r->headline, "%llu rows.",
             (unsigned long long)n);
    if (ef_xlsx_finish(x, r, &e) != EF_OK)
        goto fail;
    ef_xlsx_free(x);
    free(r);
    free(line);
    free(dir);
    fclose(in);
    return 0;
fail:
    fprintf(stderr, "xlsx_bench: %s\n", e.msg);
    return 1;
}
