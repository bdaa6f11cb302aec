/* test_preview.c - a source reads its first rows ahead to judge them
 * (source.c): they must come back in order, an error met ahead must wait
 * its turn, what it judged must apply to every row (dates read with the
 * sniffed form, mangled ids cleared), and a caller's verdict on the last
 * item (ef_source_reject, ef_source_drop_duplicate) must be counted.
 * Fixtures are written under build/test-preview/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/input.h"
#include "test.h"

#define DIR "build/test-preview/"

static void collect(void *ctx, const ef_reject *r)
{
    ef_buf_printf(ctx, "%llu: %s\n", (unsigned long long)r->line, r->detail);
}

/* Writes n rows "i,DATE,text i" (day-first dates), then tail. */
static void write_rows(const char *path, int n, const char *tail)
{
    FILE *f = fopen(path, "w");

    fputs("id,date,text\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%d,%02d/%02d/2015 10:%02d,text %d\n", i, 13 + i % 15,
                1 + i % 12, i % 60, i);
    fputs(tail, f);
    fclose(f);
}

void test_preview(void)
{
    ef_source_opts o = {0};
    ef_source *s = NULL;
    ef_err e = {EF_OK, ""};
    ef_buf rej = EF_BUF_INIT;
    ef_item it;
    int eof = 0, n = 0, in_order = 1;
    char d[EF_DATETIME_UTC_SIZE];

    mkdir("build", 0777);
    mkdir(DIR, 0777);
    o.on_reject = collect;
    o.reject_ctx = &rej;

    /* 2,500 rows: the first 1,000 read ahead, all returned in order, each
     * date read day first as the first rows showed */
    write_rows(DIR "long.csv", 2500, "");
    INT_EQ(ef_source_open(DIR "long.csv", &o, &s, &e), EF_OK, "long: open");
    while (ef_source_next(s, &it, &eof, &e) == EF_OK && !eof) {
        char want[32];
        snprintf(want, sizeof want, "%d", n);
        in_order &= strcmp(it.id, want) == 0;
        if (n == 1999) {
            ef_datetime_format_utc(it.date, d);
            /* day 13 + 1999 % 15 = 17, month 1 + 1999 % 12 = 8 */
            STR_EQ(d, "2015-08-17T10:19:00Z", "long: row 2000's date");
        }
        n++;
    }
    INT_EQ(n, 2500, "long: every row");
    OK(in_order, "long: in order");
    STR_EQ(ef_source_stats_get(s)->date_format, "%d/%m/%Y %H:%M",
           "long: the sniffed form in the stats");
    ef_source_free(s);

    /* an unterminated quote on row 600: the 599 rows before come first */
    write_rows(DIR "bad.csv", 599, "599,13/01/2015 10:00,\"never closed\n");
    n = 0;
    INT_EQ(ef_source_open(DIR "bad.csv", &o, &s, &e), EF_OK,
           "error ahead: open succeeds");
    while (ef_source_next(s, &it, &eof, &e) == EF_OK && !eof)
        n++;
    INT_EQ(n, 599, "error ahead: the rows before it");
    INT_EQ(e.code, EF_ERR_PARSE, "error ahead: then the error");
    STR_EQ(e.msg, DIR "bad.csv:601: unterminated \"-quoted field",
           "error ahead: its message");
    ef_source_free(s);

    /* mangled ids are cleared on every row, also past the first 1,000 */
    {
        FILE *f = fopen(DIR "ids.csv", "w");
        fputs("id,date,text\n", f);
        for (int i = 0; i < 1500; i++)
            fprintf(f, "%.5E,2015-02-16,text %d\n",
                    570301130888122368.0 + i * 977.0, i);
        fclose(f);
    }
    e.code = EF_OK;
    INT_EQ(ef_source_open(DIR "ids.csv", &o, &s, &e), EF_OK, "ids: open");
    n = 0;
    {
        int cleared = 1;
        while (ef_source_next(s, &it, &eof, &e) == EF_OK && !eof) {
            cleared &= it.id[0] == '\0';
            n++;
        }
        OK(cleared && n == 1500, "ids: no row keeps its mangled id");
    }
    OK(ef_source_stats_get(s)->ids_ignored, "ids: stats say so");
    OK(strstr(ef_source_stats_get(s)->notes,
              "column 'id' holds ids a "
              "spreadsheet has mangled") != NULL,
       "ids: the note names the column");
    ef_source_free(s);

    /* a caller's verdicts: one duplicate, one conflict, counted and the
     * conflict passed on with its line; --strict makes it an error */
    write_rows(DIR "short.csv", 3, "");
    ef_buf_clear(&rej);
    INT_EQ(ef_source_open(DIR "short.csv", &o, &s, &e), EF_OK,
           "verdicts: open");
    ef_source_next(s, &it, &eof, &e);
    ef_source_next(s, &it, &eof, &e);
    ef_source_drop_duplicate(s);
    ef_source_next(s, &it, &eof, &e);
    {
        const char *const *field;
        const size_t *len;
        size_t nf;
        ef_source_row(s, &field, &len, &nf);
        OK(nf == 3 && strcmp(field[2], "text 2") == 0,
           "verdicts: the row's own fields");
    }
    INT_EQ(ef_source_reject(s, EF_REJECT_ID_CONFLICT, "id-conflict: x", &e),
           EF_OK, "verdicts: reject");
    ef_source_next(s, &it, &eof, &e);
    OK(eof, "verdicts: end");
    {
        const ef_source_stats *st = ef_source_stats_get(s);
        INT_EQ(st->rows_read, 3, "verdicts: read");
        INT_EQ(st->rows_used, 1, "verdicts: used");
        INT_EQ(st->duplicates, 1, "verdicts: duplicates");
        INT_EQ(st->rejected[EF_REJECT_ID_CONFLICT], 1, "verdicts: conflict");
        STR_EQ(ef_buf_cstr(&rej), "4: id-conflict: x\n",
               "verdicts: passed on with its line");
    }
    ef_source_free(s);
    o.strict = 1;
    INT_EQ(ef_source_open(DIR "short.csv", &o, &s, &e), EF_OK, "strict: open");
    ef_source_next(s, &it, &eof, &e);
    INT_EQ(ef_source_reject(s, EF_REJECT_ID_CONFLICT, "id-conflict: y", &e),
           EF_ERR_PARSE, "strict: a conflict is an error");
    STR_EQ(e.msg, DIR "short.csv:2: id-conflict: y", "strict: its message");
    ef_source_free(s);
    ef_buf_reset(&rej);
}
