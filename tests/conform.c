/* conform.c - checks the scorer against reference VADER scores.
 *
 * usage: conform FILE.tsv...   (columns: id neg neu pos compound text)
 * Prints each mismatch, then "conformance: MATCHED/TOTAL"; exit 1 on any
 * mismatch. The reference numbers are rounded like ours, so they must be
 * equal as numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment/sentiment.h"

int main(int argc, char **argv)
{
    ef_vader *v;
    ef_vader_scratch *s = ef_vader_scratch_new();
    ef_err err = {0};
    long total = 0, ok = 0, shown = 0;
    char *line = NULL;
    size_t cap = 0;

    if (ef_vader_new(&v, &err) != EF_OK)
        return 70;
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        ssize_t n;
        long lineno = 0;
        if (f == NULL) {
            perror(argv[a]);
            return 66;
        }
        while ((n = getline(&line, &cap, f)) != -1) {
            char *col[6], *p = line;
            double want[4];
            ef_scores sc;
            int c;

            if (++lineno == 1)
                continue; /* header */
            if (n > 0 && line[n - 1] == '\n')
                line[--n] = '\0';
            for (c = 0; c < 5; c++) {
                col[c] = p;
                p = strchr(p, '\t');
                if (p == NULL)
                    break;
                *p++ = '\0';
            }
            if (c < 5) {
                fprintf(stderr, "%s:%ld: expected 6 columns\n", argv[a],
                        lineno);
                return 65;
            }
            col[5] = p;
            for (c = 0; c < 4; c++)
                want[c] = strtod(col[c + 1], NULL);
            ef_vader_score(v, s, col[5], strlen(col[5]), &sc);
            total++;
            if (sc.neg == want[0] && sc.neu == want[1] && sc.pos == want[2] &&
                sc.compound == want[3]) {
                ok++;
            } else if (shown++ < 30) {
                printf("MISMATCH %s: got %.3f %.3f %.3f %.4f want %s %s %s "
                       "%s: %s\n",
                       col[0], sc.neg, sc.neu, sc.pos, sc.compound, col[1],
                       col[2], col[3], col[4], col[5]);
            }
        }
        fclose(f);
    }
    free(line);
    printf("conformance: %ld/%ld\n", ok, total);
    ef_vader_scratch_free(s);
    ef_vader_free(v);
    return ok == total ? 0 : 1;
}
