/* rejects.c - rejected rows, kept: written to a CSV file with their
 * source, line and reason, so that nothing read is ever lost. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/input.h"
#include "util/csvout.h"

#define WARN_MAX 5 /* rejections printed on stderr before "and N more" */

struct ef_rejects {
    char *path;
    char *tmp;
    FILE *f;
    uint64_t rows;
    int quiet;
    int open_errno; /* the file could not be created: errno */
    ef_buf line;
};

const char *ef_reject_reason_name(ef_reject_reason r)
{
    static const char *const names[EF_REJECT_COUNT] = {
        "no text",
        "unparseable date",
        "rating not 1-5",
        "nps not 0-10",
        "unparseable responded_at",
        "unknown label",
        "wrong number of fields",
        "id-conflict",
        "row too large"};
    return r < EF_REJECT_COUNT ? names[r] : "?";
}

ef_status ef_rejects_open(const char *path, ef_rejects **out, ef_err *e)
{
    ef_rejects *rj = ef_xcalloc(1, sizeof *rj);
    size_t n = strlen(path);

    rj->path = ef_xstrdup(path);
    rj->tmp = ef_xmalloc(n + 16);
    snprintf(rj->tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
    *out = rj;
    (void)e;
    return EF_OK;
}

void ef_rejects_set_quiet(ef_rejects *rj, int quiet)
{
    rj->quiet = quiet;
}

uint64_t ef_rejects_count(const ef_rejects *rj)
{
    return rj->rows;
}

void ef_rejects_add(void *ctx, const ef_reject *r)
{
    ef_rejects *rj = ctx;
    ef_buf *b = &rj->line;
    char num[32];

    if (!rj->quiet && rj->rows < WARN_MAX)
        ef_warn("%s:%llu: %s (row kept in rejected.csv)", r->source,
                (unsigned long long)r->line, r->detail);
    else if (!rj->quiet && rj->rows == WARN_MAX)
        ef_warn("more rows rejected: see the report's data quality "
                "section");
    if (rj->f == NULL) {
        /* created on the first rejection only: no rows, no file */
        /* a new file, never one planted there, nor through a link */
        int fd =
            open(rj->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0666);
        rj->f = fd < 0 ? NULL : fdopen(fd, "wb");
        if (rj->f == NULL) {
            if (fd >= 0)
                close(fd);
            rj->open_errno = errno; /* reported by ef_rejects_commit */
            return;
        }
        ef_buf_clear(b);
        ef_csvout_field(b, "source", 6, 1);
        ef_csvout_field(b, "line", 4, 0);
        ef_csvout_field(b, "reason", 6, 0);
        for (size_t i = 0; i < r->nheader; i++)
            ef_csvout_field(b, r->header[i], strlen(r->header[i]), 0);
        ef_buf_put(b, "\r\n", 2);
        fwrite(b->data, 1, b->len, rj->f);
    }
    ef_buf_clear(b);
    ef_csvout_field(b, r->source, strlen(r->source), 1);
    snprintf(num, sizeof num, "%llu", (unsigned long long)r->line);
    ef_csvout_field(b, num, strlen(num), 0);
    ef_csvout_field(b, r->detail, strlen(r->detail), 0);
    for (size_t i = 0; i < r->nfields; i++)
        ef_csvout_field(b, r->field[i], r->len[i], 0);
    ef_buf_put(b, "\r\n", 2);
    fwrite(b->data, 1, b->len, rj->f);
    rj->rows++;
}

ef_status ef_rejects_commit(ef_rejects *rj, ef_err *e)
{
    FILE *f = rj->f;

    if (rj->open_errno)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", rj->tmp,
                       strerror(rj->open_errno));
    if (rj->rows == 0 && f == NULL) {
        remove(rj->path); /* no stale rejected.csv from an earlier run */
        return EF_OK;
    }
    rj->f = NULL;
    if (ferror(f) | fclose(f)) {
        remove(rj->tmp);
        return ef_fail(e, EF_ERR_IO, "%s: write error", rj->tmp);
    }
    if (rename(rj->tmp, rj->path) != 0) {
        remove(rj->tmp);
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", rj->path,
                       strerror(errno));
    }
    return EF_OK;
}

void ef_rejects_free(ef_rejects *rj)
{
    if (rj == NULL)
        return;
    if (rj->f) {
        fclose(rj->f);
        remove(rj->tmp);
    }
    ef_buf_reset(&rj->line);
    free(rj->path);
    free(rj->tmp);
    free(rj);
}
