/* outdir.c - atomic output folders. */
#include "util/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ef_outdir {
    char *dir, *stage;
    char **names;
    size_t n;
    ef_buf path;
    int committed;
};

static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    return 0;
}

ef_status ef_outdir_open(const char *dir, ef_outdir **out, ef_err *e)
{
    ef_outdir *od = ef_xcalloc(1, sizeof *od);
    size_t n = strlen(dir) + 64;

    *out = NULL;
    od->dir = ef_xstrdup(dir);
    if (mkdir_p(dir) != 0) {
        ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(errno));
        ef_outdir_free(od);
        return EF_ERR_CANTCREAT;
    }
    od->stage = ef_xmalloc(n);
    snprintf(od->stage, n, "%s/.earful-tmp-%ld", dir, (long)getpid());
    if (mkdir(od->stage, 0777) != 0 && errno != EEXIST) {
        ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(errno));
        free(od->stage);
        od->stage = NULL;
        ef_outdir_free(od);
        return EF_ERR_CANTCREAT;
    }
    *out = od;
    return EF_OK;
}

const char *ef_outdir_path(ef_outdir *od, const char *name)
{
    const char *slash = strrchr(name, '/');

    ef_buf_clear(&od->path);
    ef_buf_printf(&od->path, "%s/%s", od->stage, name);
    if (slash) {
        /* the subfolder: stage/charts */
        size_t k = strlen(od->stage) + 1 + (size_t)(slash - name);
        char *dir = ef_xstrndup(od->path.data, k);
        mkdir_p(dir);
        free(dir);
    }
    return ef_buf_cstr(&od->path);
}

const char *ef_outdir_final(ef_outdir *od, const char *name)
{
    ef_buf_clear(&od->path);
    ef_buf_printf(&od->path, "%s/%s", od->dir, name);
    return ef_buf_cstr(&od->path);
}

void ef_outdir_add(ef_outdir *od, const char *name)
{
    for (size_t i = 0; i < od->n; i++)
        if (strcmp(od->names[i], name) == 0)
            return;
    od->names = ef_xrealloc(od->names, (od->n + 1) * sizeof(char *));
    od->names[od->n++] = ef_xstrdup(name);
}

ef_status ef_outdir_write(ef_outdir *od, const char *name, const void *data,
                          size_t len, ef_err *e)
{
    const char *path = ef_outdir_path(od, name);
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path, strerror(errno));
    if (fwrite(data, 1, len, f) != len || ferror(f)) {
        fclose(f);
        return ef_fail(e, EF_ERR_IO, "%s: %s", path, strerror(errno));
    }
    if (fclose(f) != 0)
        return ef_fail(e, EF_ERR_IO, "%s: %s", path, strerror(errno));
    ef_outdir_add(od, name);
    return EF_OK;
}

ef_status ef_outdir_commit(ef_outdir *od, const char *const *stale,
                           ef_err *e)
{
    ef_buf from = EF_BUF_INIT, to = EF_BUF_INIT;
    ef_status rc = EF_OK;

    for (size_t i = 0; i < od->n && rc == EF_OK; i++) {
        const char *slash = strrchr(od->names[i], '/');
        ef_buf_clear(&from);
        ef_buf_clear(&to);
        ef_buf_printf(&from, "%s/%s", od->stage, od->names[i]);
        ef_buf_printf(&to, "%s/%s", od->dir, od->names[i]);
        if (slash) {
            size_t k = strlen(od->dir) + 1 + (size_t)(slash - od->names[i]);
            char *dir = ef_xstrndup(to.data, k);
            mkdir_p(dir);
            free(dir);
        }
        if (rename(ef_buf_cstr(&from), ef_buf_cstr(&to)) != 0)
            rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", to.data,
                         strerror(errno));
    }
    for (size_t k = 0; stale && stale[k] && rc == EF_OK; k++) {
        size_t i;
        for (i = 0; i < od->n; i++)
            if (strcmp(od->names[i], stale[k]) == 0)
                break;
        if (i < od->n)
            continue;
        ef_buf_clear(&to);
        ef_buf_printf(&to, "%s/%s", od->dir, stale[k]);
        remove(ef_buf_cstr(&to));
    }
    od->committed = rc == EF_OK;
    ef_buf_reset(&from);
    ef_buf_reset(&to);
    return rc;
}

/* Removes a staging folder and what is in it (one level of subfolders). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    ef_buf p = EF_BUF_INIT;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        ef_buf_clear(&p);
        ef_buf_printf(&p, "%s/%s", dir, de->d_name);
        if (lstat(ef_buf_cstr(&p), &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(ef_buf_cstr(&p));
        else
            remove(ef_buf_cstr(&p));
    }
    closedir(d);
    rmdir(dir);
    ef_buf_reset(&p);
}

void ef_outdir_free(ef_outdir *od)
{
    if (od == NULL)
        return;
    if (od->stage)
        remove_tree(od->stage);
    for (size_t i = 0; i < od->n; i++)
        free(od->names[i]);
    free(od->names);
    free(od->dir);
    free(od->stage);
    ef_buf_reset(&od->path);
    free(od);
}
