/* label_sample.c - `report --label-sample N`: draws the items to label
 * and writes label_sample.csv and the workbook's "To label" sheet. */
#include <stdlib.h>
#include <string.h>

#include "input/csv.h"
#include "input/labels.h"
#include "label_sample.h"
#include "metrics/calibrate.h"
#include "util/csvout.h"
#include "util/strmap.h"

struct ef_lsample {
    int by_segment;
    ef_strmap *groups; /* channel (or segment) -> group */
    double *compound;
    int *input;
    int *group;
    uint64_t *key, *content; /* 64-bit digests of its key and content */
    unsigned char *labelled;
    size_t n, cap;
};

ef_lsample *ef_lsample_new(int by_segment)
{
    ef_lsample *s = ef_xcalloc(1, sizeof *s);
    s->by_segment = by_segment;
    s->groups = ef_strmap_new();
    return s;
}

void ef_lsample_free(ef_lsample *s)
{
    if (s == NULL)
        return;
    ef_strmap_free(s->groups);
    free(s->compound);
    free(s->input);
    free(s->group);
    free(s->key);
    free(s->content);
    free(s->labelled);
    free(s);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *u = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ u[i]) * 0x100000001b3ULL;
    return h;
}

/* 64-bit digests of an item's key and of its content (what
 * ef_item_hash covers), cheap: equal keys give equal digests, and a
 * clash of digests only ever keeps an item out of the sample. */
static void digests(const ef_item *it, uint64_t *key, uint64_t *content)
{
    uint64_t c = 0xcbf29ce484222325ULL;

    c = fnv(c, &it->date, sizeof it->date);
    c = fnv(c, it->channel, strlen(it->channel) + 1);
    c = fnv(c, it->author, strlen(it->author) + 1);
    c = fnv(c, it->text, it->text_len);
    *content = c;
    *key = it->id[0] ? fnv(0x84222325cbf29ce4ULL, it->id, strlen(it->id)) : c;
}

void ef_lsample_add(ef_lsample *s, int input, const ef_item *it,
                    double compound)
{
    const char *gname = s->by_segment ? it->segment : it->channel;
    int added;

    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 65536;
        s->compound = ef_xrealloc(s->compound, s->cap * sizeof(double));
        s->input = ef_xrealloc(s->input, s->cap * sizeof(int));
        s->group = ef_xrealloc(s->group, s->cap * sizeof(int));
        s->key = ef_xrealloc(s->key, s->cap * sizeof(uint64_t));
        s->content = ef_xrealloc(s->content, s->cap * sizeof(uint64_t));
        s->labelled = ef_xrealloc(s->labelled, s->cap);
    }
    digests(it, &s->key[s->n], &s->content[s->n]);
    s->compound[s->n] = compound;
    s->input[s->n] = input;
    s->group[s->n] = (int)ef_strmap_get_or_add(
        s->groups, gname, strlen(gname), ef_strmap_count(s->groups), &added);
    s->labelled[s->n] = it->label >= 0;
    s->n++;
}

/* ==== Which items may be drawn ========================================== */

static int cmp_key(const void *a, const void *b, void *ctx)
{
    const ef_lsample *s = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (s->key[x] != s->key[y])
        return s->key[x] < s->key[y] ? -1 : 1;
    return (x > y) - (x < y);
}

/* Sets each row's EF_CALIB_ROW_* state; counts the rows labelled, those
 * left out as repeats of another, and those whose key is shared with
 * other content. */
static unsigned char *row_states(const ef_lsample *s, size_t *labelled,
                                 size_t *repeats, size_t *shared)
{
    unsigned char *st = ef_xcalloc(s->n + 1, 1);
    size_t *ord = ef_xmalloc((s->n + 1) * sizeof *ord);

    *shared = *labelled = *repeats = 0;
    for (size_t i = 0; i < s->n; i++)
        ord[i] = i;
    qsort_r(ord, s->n, sizeof *ord, cmp_key, (void *)s);
    for (size_t i = 0, j; i < s->n; i = j) {
        int several = 0, any_label = 0;
        for (j = i; j < s->n && s->key[ord[j]] == s->key[ord[i]]; j++) {
            several |= s->content[ord[j]] != s->content[ord[i]];
            any_label |= s->labelled[ord[j]];
        }
        for (size_t k = i; k < j; k++) {
            size_t r = ord[k];
            if (s->labelled[r]) {
                st[r] = EF_CALIB_ROW_LABELLED;
                (*labelled)++;
            } else if (several) {
                st[r] = EF_CALIB_ROW_SKIP;
                (*shared)++;
            } else {
                /* the first of an item's repeats, unless it has a label */
                st[r] = k == i && !any_label ? EF_CALIB_ROW_FREE
                                             : EF_CALIB_ROW_SKIP;
                *repeats += st[r] == EF_CALIB_ROW_SKIP;
            }
        }
    }
    free(ord);
    return st;
}

/* ==== Writing =========================================================== */

int ef_lsample_has_labels(const char *path)
{
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    ef_err e = {0};
    int eof = 0, col = -1, found = 0;

    if (ef_csv_open(path, NULL, &r, &e) != EF_OK)
        return 0;
    /* the header within the first rows (notes may precede it) */
    for (int k = 0; k < 20 && col < 0; k++) {
        if (ef_csv_next(r, &rec, &eof, &e) != EF_OK || eof)
            break;
        for (size_t i = 0; i < rec.n && col < 0; i++)
            if (strcasecmp(rec.field[i], "label") == 0)
                col = (int)i;
    }
    while (col >= 0 && !found && ef_csv_next(r, &rec, &eof, &e) == EF_OK &&
           !eof)
        for (size_t i = 0; (size_t)col < rec.n && i < rec.len[col]; i++)
            found |= rec.field[col][i] != ' ' && rec.field[col][i] != '\t';
    ef_csv_free(r);
    return found;
}

void ef_lsample_name(ef_outdir *od, char *name, size_t cap)
{
    snprintf(name, cap, "label_sample.csv");
    for (int k = 2; ef_lsample_has_labels(ef_outdir_final(od, name)); k++)
        snprintf(name, cap, "label_sample_%d.csv", k);
}

static void free_rows(ef_xlsx_label_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)rows[i].id);
        free((char *)rows[i].channel);
        free((char *)rows[i].author);
        free((char *)rows[i].text);
    }
    free(rows);
}

ef_status ef_lsample_write(ef_lsample *s, const ef_lsample_args *a,
                           ef_outdir *od, ef_xlsx *xlsx, ef_err *e)
{
    size_t shared, labelled, repeats, n, nrows = 0;
    unsigned char *st = row_states(s, &labelled, &repeats, &shared);
    size_t *pick = ef_xmalloc((a->want + 1) * sizeof *pick);
    ef_calib_rows cr = {s->compound, s->group, st, s->n,
                        (int)ef_strmap_count(s->groups)};
    ef_xlsx_label_row *rows = NULL;
    ef_buf out = EF_BUF_INIT;
    ef_source_opts so = *a->source;
    ef_status rc = EF_OK;

    n = ef_calib_sample_groups(&cr, a->thr, a->want, a->seed, pick);
    so.on_reject = NULL;
    so.strict = 0;
    /* a BOM: spreadsheets then read the file as UTF-8, not as ANSI */
    ef_buf_puts(&out, "\xef\xbb\xbfkey,date,channel,author,text,label\r\n");
    /* the drawn items, found again by their digests (not by position:
       whatever the main pass skipped or dropped, a row is the item it
       was), in input order */
    size_t cap = 16, *slot, left = n;
    while (cap < 2 * n)
        cap *= 2;
    slot = ef_xmalloc(cap * sizeof *slot);
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < n; i++) {
        size_t h =
            (size_t)(s->key[pick[i]] * 0x9e3779b97f4a7c15ULL) & (cap - 1);
        while (slot[h] != SIZE_MAX)
            h = (h + 1) & (cap - 1);
        slot[h] = i;
    }
    for (int in = 0; in < a->ninputs && left > 0 && rc == EF_OK; in++) {
        ef_source *src = NULL;
        ef_item it;
        int eof = 0;
        size_t mine = 0;

        for (size_t i = 0; i < n; i++)
            mine += s->input[pick[i]] == in;
        if (mine == 0)
            continue;
        if ((rc = ef_source_open(a->inputs[in], &so, &src, e)) != EF_OK)
            break;
        while (mine > 0 && (rc = ef_source_next(src, &it, &eof, e)) == EF_OK &&
               !eof) {
            char date[EF_DATETIME_UTC_SIZE], buf[EF_KEY_SIZE];
            const char *key;
            uint64_t dk, dc;
            size_t h, p = SIZE_MAX;

            digests(&it, &dk, &dc);
            h = (size_t)(dk * 0x9e3779b97f4a7c15ULL) & (cap - 1);
            for (; slot[h] != SIZE_MAX; h = (h + 1) & (cap - 1)) {
                size_t r = pick[slot[h]];
                if (s->key[r] == dk && s->content[r] == dc &&
                    s->input[r] == in && st[r] != EF_CALIB_ROW_SKIP) {
                    p = slot[h];
                    break;
                }
            }
            if (p == SIZE_MAX)
                continue;
            st[pick[p]] = EF_CALIB_ROW_SKIP; /* written: once only */
            mine--;
            left--;
            key = ef_item_key(&it, buf);
            ef_datetime_format_utc(it.date, date);
            ef_csvout_field(&out, key, strlen(key), 1);
            ef_csvout_field(&out, date, strlen(date), 0);
            ef_csvout_field(&out, it.channel, strlen(it.channel), 0);
            ef_csvout_field(&out, it.author, strlen(it.author), 0);
            ef_csvout_field(&out, it.text, it.text_len, 0);
            ef_buf_puts(&out, ",\r\n");
            if (xlsx) {
                ef_xlsx_label_row *lr;
                rows = ef_xrealloc(rows, (nrows + 1) * sizeof *rows);
                lr = &rows[nrows++];
                lr->id = ef_xstrdup(key);
                lr->channel = ef_xstrdup(it.channel);
                lr->author = ef_xstrdup(it.author);
                lr->text = ef_xstrndup(it.text, it.text_len);
                lr->date = it.date;
            }
        }
        ef_source_free(src);
    }
    free(slot);
    if (rc == EF_OK && left > 0)
        rc = ef_fail(e, EF_ERR_IO,
                     "the inputs changed while they were "
                     "read: %zu of the %zu items drawn were not found "
                     "again",
                     left, n);
    if (rc == EF_OK)
        rc = ef_outdir_write(od, a->name, out.data, out.len, e);
    if (rc == EF_OK && xlsx)
        ef_xlsx_set_label_sample(xlsx, rows, nrows); /* copies them */
    if (rc == EF_OK && !a->quiet && n < a->want)
        ef_warn("warning: %s holds %zu items, not %zu: no other is left to "
                "draw (%zu items carry a label already, %zu repeat another "
                "item, %zu share their id with items of other content)",
                a->name, n, a->want, labelled, repeats, shared);
    if (rc == EF_OK && !a->quiet && shared)
        ef_warn("warning: %zu items share their id with items of other "
                "content: no label could reach them by key, so none was "
                "drawn",
                shared);
    free_rows(rows, nrows);
    ef_buf_reset(&out);
    free(pick);
    free(st);
    return rc;
}
