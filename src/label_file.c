/* label_file.c - a CSV being labelled: read whole, one label changed at
 * a time, written back atomically (temporary file, fsync, rename). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/csv.h"
#include "input/input.h"
#include "label_file.h"
#include "sentiment/sentiment.h"

#define HEADER_SEARCH 20 /* rows that may precede the header (notes) */

typedef struct {
    size_t off, len; /* in pool: the bytes, then a NUL */
} field;

typedef struct {
    size_t first;  /* its first field */
    size_t n;      /* fields */
    uint64_t line; /* where it starts */
    uint64_t lfs;  /* line feeds inside its fields */
} record;

struct ef_lfile {
    char *path; /* as given */
    char *real; /* the file to replace (symlinks resolved) */
    ef_buf pool;
    field *fields;
    size_t nfields, capfields;
    record *recs;
    size_t nrecs, caprecs;
    size_t head; /* the header record */
    int cols[EF_F_COUNT];
    int clab;        /* the label column */
    int added_label; /* the file had none: "label" is added */
    size_t *items;   /* records that are items */
    size_t nitems;
    char delim;
    int bom, crlf;
    char sep;       /* its "sep=;" first line, written back; or 0 */
    struct stat st; /* the file as last read or written */
};

static const char *fstr(const ef_lfile *f, size_t k)
{
    return f->pool.data + f->fields[k].off;
}

static size_t add_field(ef_lfile *f, const char *s, size_t n)
{
    if (f->nfields == f->capfields) {
        f->capfields = f->capfields ? 2 * f->capfields : 1024;
        f->fields = ef_xrealloc(f->fields, f->capfields * sizeof *f->fields);
    }
    f->fields[f->nfields].off = f->pool.len;
    f->fields[f->nfields].len = n;
    ef_buf_put(&f->pool, s, n);
    ef_buf_putc(&f->pool, '\0');
    return f->nfields++;
}

/* The cell of record r in column c, "" when the row is short. */
static const char *cell(const ef_lfile *f, size_t r, int c, size_t *len)
{
    const record *rc = &f->recs[r];
    if (c < 0 || (size_t)c >= rc->n) {
        if (len)
            *len = 0;
        return "";
    }
    if (len)
        *len = f->fields[rc->first + (size_t)c].len;
    return fstr(f, rc->first + (size_t)c);
}

/* ==== Reading =========================================================== */

/* Line ends as the file has them: CR LF when its first line ends so. */
static int uses_crlf(const char *path)
{
    char buf[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    char *nl;

    if (fd < 0)
        return 1;
    n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0)
        return 1;
    nl = memchr(buf, '\n', (size_t)n);
    return nl == NULL || (nl > buf && nl[-1] == '\r');
}

/* Maps the columns of record r as a header (text and date needed). */
static ef_status map_header(ef_lfile *f, size_t r, const char *map, ef_err *e)
{
    const record *rc = &f->recs[r];
    const char **names = ef_xcalloc(rc->n + 1, sizeof *names);
    ef_columns cols;
    ef_status st;

    for (size_t i = 0; i < rc->n; i++)
        names[i] = fstr(f, rc->first + i);
    st = ef_columns_map(names, rc->n, map, NULL, f->path, &cols, e);
    free(names);
    if (st == EF_OK)
        memcpy(f->cols, cols.col, sizeof f->cols);
    return st;
}

ef_status ef_lfile_open(const char *path, const char *map, ef_lfile **out,
                        ef_err *e)
{
    ef_lfile *f = ef_xcalloc(1, sizeof *f);
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    const ef_csv_stats *cs;
    ef_err first = {0};
    char real[PATH_MAX];
    int eof = 0, found = -1;
    ef_status rc;

    *out = NULL;
    f->path = ef_xstrdup(path);
    f->real = ef_xstrdup(realpath(path, real) ? real : path);
    if (strcmp(path, "-") == 0) {
        rc = ef_fail(e, EF_ERR_USAGE,
                     "earful label needs a file, not "
                     "standard input: it writes the labels into it");
        goto fail;
    }
    if ((rc = ef_csv_open(path, NULL, &r, e)) != EF_OK)
        goto fail;
    ef_csv_exact(r); /* written back: the lines above the header too */
    while ((rc = ef_csv_next(r, &rec, &eof, e)) == EF_OK && !eof) {
        if (f->nrecs == f->caprecs) {
            f->caprecs = f->caprecs ? 2 * f->caprecs : 256;
            f->recs = ef_xrealloc(f->recs, f->caprecs * sizeof *f->recs);
        }
        f->recs[f->nrecs].first = f->nfields;
        f->recs[f->nrecs].n = rec.n;
        f->recs[f->nrecs].line = rec.line;
        f->recs[f->nrecs].lfs = 0;
        for (size_t i = 0; i < rec.n; i++) {
            const char *q = rec.field[i], *end = q + rec.len[i];
            add_field(f, rec.field[i], rec.len[i]);
            while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
                f->recs[f->nrecs].lfs++;
                q++;
            }
        }
        f->nrecs++;
        if (found < 0 && f->nrecs <= HEADER_SEARCH) {
            /* the first row's complaint is the one to show */
            ef_err mine = {0};
            ef_status m = map_header(f, f->nrecs - 1, map, &mine);
            if (m == EF_ERR_USAGE) {
                rc = ef_fail(e, m, "%s", mine.msg);
                goto fail;
            }
            if (m == EF_OK)
                found = (int)f->nrecs - 1;
            else if (f->nrecs == 1)
                first = mine;
        }
    }
    if (rc != EF_OK)
        goto fail;
    cs = ef_csv_stats_get(r);
    if (cs->gzip || (strcmp(cs->encoding, "UTF-8") != 0 &&
                     strcmp(cs->encoding, "UTF-8 (BOM)") != 0)) {
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: the file is %s%s: earful label "
                     "writes the labels into the file and only keeps UTF-8 "
                     "text as it was; save it as CSV UTF-8 first",
                     path, cs->gzip ? "gzip-compressed " : "", cs->encoding);
        goto fail;
    }
    if (cs->invalid_utf8 || cs->nul_bytes) {
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: not valid UTF-8 (%llu invalid "
                     "sequences, %llu NUL bytes): saving would change those "
                     "bytes; save it as CSV UTF-8 first",
                     path, (unsigned long long)cs->invalid_utf8,
                     (unsigned long long)cs->nul_bytes);
        goto fail;
    }
    if (found < 0) {
        rc = ef_fail(e, first.code ? first.code : EF_ERR_PARSE, "%s",
                     first.code ? first.msg : "empty file (no header row)");
        goto fail;
    }
    f->head = (size_t)found;
    f->delim = cs->delimiter ? cs->delimiter : ',';
    f->bom = strcmp(cs->encoding, "UTF-8 (BOM)") == 0;
    f->sep = cs->sep_line;
    f->crlf = uses_crlf(path);
    f->clab = f->cols[EF_F_LABEL];
    if (f->clab < 0) {
        f->clab = (int)f->recs[f->head].n;
        f->added_label = 1;
    }
    f->items = ef_xmalloc((f->nrecs + 1) * sizeof *f->items);
    for (size_t i = f->head + 1; i < f->nrecs; i++) {
        size_t n;
        cell(f, i, f->cols[EF_F_TEXT], &n);
        if (n > 0)
            f->items[f->nitems++] = i;
    }
    if (f->nitems == 0) {
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: no item to label (no row below "
                     "the header has text)",
                     path);
        goto fail;
    }
    if (stat(f->real, &f->st) != 0) {
        rc = ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path, strerror(errno));
        goto fail;
    }
    {
        /* saving must work before anyone labels anything */
        char *dir = ef_xstrdup(f->real), *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir] = '\0';
        if (access(slash ? dir : ".", W_OK | X_OK) != 0)
            rc = ef_fail(e, EF_ERR_CANTCREAT,
                         "%s: cannot save labels "
                         "there: %s",
                         slash ? dir : ".", strerror(errno));
        free(dir);
        if (rc != EF_OK)
            goto fail;
    }
    ef_csv_free(r);
    *out = f;
    return EF_OK;
fail:
    ef_csv_free(r);
    ef_lfile_free(f);
    return rc;
}

void ef_lfile_free(ef_lfile *f)
{
    if (f == NULL)
        return;
    free(f->path);
    free(f->real);
    ef_buf_reset(&f->pool);
    free(f->fields);
    free(f->recs);
    free(f->items);
    free(f);
}

size_t ef_lfile_count(const ef_lfile *f)
{
    return f->nitems;
}
const char *ef_lfile_path(const ef_lfile *f)
{
    return f->path;
}

void ef_lfile_get(const ef_lfile *f, size_t i, ef_lfile_item *out)
{
    size_t r = f->items[i];

    out->text = cell(f, r, f->cols[EF_F_TEXT], &out->text_len);
    out->date = cell(f, r, f->cols[EF_F_DATE], NULL);
    out->channel = cell(f, r, f->cols[EF_F_CHANNEL], NULL);
    out->author = cell(f, r, f->cols[EF_F_AUTHOR], NULL);
    out->label = cell(f, r, f->clab, NULL);
    out->line = f->recs[r].line;
}

int ef_lfile_label(const ef_lfile *f, size_t i)
{
    size_t n;
    const char *s = cell(f, f->items[i], f->clab, &n);
    int cls;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    if (n == 0)
        return -1;
    cls = ef_label_parse(s, n);
    return cls < 0 ? -2 : cls;
}

size_t ef_lfile_labelled(const ef_lfile *f)
{
    size_t k = 0;
    for (size_t i = 0; i < f->nitems; i++)
        k += ef_lfile_label(f, i) >= 0;
    return k;
}

size_t ef_lfile_next_unlabelled(const ef_lfile *f, size_t from)
{
    for (size_t i = from; i < f->nitems; i++)
        if (ef_lfile_label(f, i) < 0)
            return i;
    for (size_t i = 0; i < from && i < f->nitems; i++)
        if (ef_lfile_label(f, i) < 0)
            return i;
    return f->nitems;
}

/* ==== Writing =========================================================== */

static void put_field(ef_buf *b, const char *s, size_t n, char delim)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        ef_buf_put(b, s, n);
        return;
    }
    ef_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            ef_buf_putc(b, '"');
        ef_buf_putc(b, s[i]);
    }
    ef_buf_putc(b, '"');
}

/* The whole file, as it is now. */
static void serialize(const ef_lfile *f, ef_buf *b)
{
    if (f->bom)
        ef_buf_puts(b, "\xef\xbb\xbf");
    if (f->sep) {
        ef_buf_printf(b, "sep=%c", f->sep);
        ef_buf_puts(b, f->crlf ? "\r\n" : "\n");
    }
    for (size_t r = 0; r < f->nrecs; r++) {
        const record *rc = &f->recs[r];
        /* the blank lines the reader passed over, kept */
        uint64_t at = r == 0 ? (f->sep ? 2 : 1)
                             : f->recs[r - 1].line + f->recs[r - 1].lfs + 1;
        for (; at < rc->line; at++)
            ef_buf_puts(b, f->crlf ? "\r\n" : "\n");
        for (size_t i = 0; i < rc->n; i++) {
            const field *fd = &f->fields[rc->first + i];
            if (i > 0)
                ef_buf_putc(b, f->delim);
            put_field(b, f->pool.data + fd->off, fd->len, f->delim);
        }
        if (r == f->head && f->added_label) {
            if (rc->n > 0)
                ef_buf_putc(b, f->delim);
            ef_buf_puts(b, "label");
        }
        ef_buf_puts(b, f->crlf ? "\r\n" : "\n");
    }
}

static ef_status write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return EF_ERR_IO;
        p += k;
        n -= (size_t)k;
    }
    return EF_OK;
}

/* Writes the file atomically: a temporary file beside it, fsync, rename,
 * and fsync of the folder so that the rename itself is on disk. */
static ef_status save(ef_lfile *f, ef_err *e)
{
    ef_buf b = EF_BUF_INIT, tmp = EF_BUF_INIT;
    struct stat now, mine;
    const char *slash = strrchr(f->real, '/');
    size_t dirlen = slash ? (size_t)(slash - f->real) : 0;
    ef_status rc = EF_OK;
    int fd = -1, dfd;

    if (stat(f->real, &now) != 0 || now.st_ino != f->st.st_ino ||
        now.st_dev != f->st.st_dev || now.st_size != f->st.st_size ||
        now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec)
        return ef_fail(e, EF_ERR_IO,
                       "%s: changed on disk since earful "
                       "label read it: not overwritten (the last answer "
                       "is not saved); run earful label again",
                       f->path);
    serialize(f, &b);
    if (slash)
        ef_buf_put(&tmp, f->real, dirlen + 1);
    ef_buf_printf(&tmp, ".%s.earful-XXXXXX", slash ? slash + 1 : f->real);
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", tmp.data, strerror(errno));
        goto out;
    }
    /* the new file's identity is taken from the file written, not from
       the path after the rename: another writer may be quicker */
    if (fchmod(fd, f->st.st_mode & 07777) != 0 ||
        write_all(fd, b.data ? b.data : "", b.len) != EF_OK ||
        fsync(fd) != 0 || fstat(fd, &mine) != 0) {
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", tmp.data, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", tmp.data, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp.data, f->real) != 0) {
        rc = ef_fail(e, EF_ERR_IO, "%s: %s", f->path, strerror(errno));
        goto out;
    }
    tmp.len = 0; /* renamed: nothing to remove */
    if (slash)
        f->real[dirlen] = '\0';
    dfd = open(slash ? (dirlen ? f->real : "/") : ".",
               O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (slash)
        f->real[dirlen] = '/';
    if (dfd >= 0) {
        fsync(dfd); /* some file systems refuse: the rename stands */
        close(dfd);
    }
    f->st = mine;
out:
    if (fd >= 0)
        close(fd);
    if (rc != EF_OK && tmp.len > 0)
        unlink(tmp.data);
    ef_buf_reset(&tmp);
    ef_buf_reset(&b);
    return rc;
}

ef_status ef_lfile_set(ef_lfile *f, size_t i, int cls, ef_err *e)
{
    size_t r = f->items[i], c = (size_t)f->clab;
    record *rc = &f->recs[r];
    const char *v = cls >= 0 ? ef_class_name((ef_class)cls) : "";
    record old = *rc;
    field oldf = {0, 0};
    ef_status st;

    if (c >= rc->n) {
        /* a short row: it grows, its new cells empty, at the end of the
           fields (the old ones are copied there first) */
        size_t first = f->nfields;
        for (size_t k = 0; k < rc->n; k++)
            add_field(f, fstr(f, rc->first + k), f->fields[rc->first + k].len);
        while (f->nfields - first <= c)
            add_field(f, "", 0);
        rc = &f->recs[r];
        rc->first = first;
        rc->n = c + 1;
    }
    oldf = f->fields[rc->first + c];
    f->fields[rc->first + c].off = f->pool.len;
    f->fields[rc->first + c].len = strlen(v);
    ef_buf_puts(&f->pool, v);
    ef_buf_putc(&f->pool, '\0');
    if ((st = save(f, e)) != EF_OK) {
        f->fields[f->recs[r].first + c] = oldf;
        f->recs[r] = old;
    }
    return st;
}
