/* outdir.c - atomic output folders, staged safely (see outdir.h). */
#include "util/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STAGE_PREFIX ".earful-tmp-"
#define LOCK_NAME ".earful-lock"
#define LOCK_MAGIC "earful staging folder\n"
#define MAX_CREATED 32 /* folders of the -o path a run may create */
#define TREE_DEPTH 8   /* staging folders are 2 deep; stop well after */
#define LEGACY_AGE 60  /* seconds: a lock-less folder younger is spared */

/* A file staged outside the output folder (--xlsx PATH): in its own
 * staging folder beside PATH, so that the rename is within one file
 * system. */
typedef struct {
    char *final;      /* PATH */
    const char *base; /* PATH's last part (in final) */
    char *dir;        /* PATH's folder */
    char *stage;      /* dir/.earful-tmp-XXXXXX */
    char *file;       /* stage/base: where the file is written */
    int dir_fd, stage_fd, lock_fd;
} outside;

struct ef_outdir {
    char *dir, *stage;      /* the output folder; dir/.earful-tmp-XXXXXX */
    const char *stage_name; /* the staging folder's name (in stage) */
    int dir_fd, stage_fd, lock_fd;
    char **names;
    size_t n;
    outside out; /* final == NULL: none */
    ef_buf path;
    int committed;
    size_t created[MAX_CREATED]; /* prefixes of dir this run created */
    int ncreated;
};

/* Called after each rename of a commit with how many are done (tests
 * stop the process there). */
EF_STATIC void (*outdir_commit_hook)(size_t renamed);

/* ==== Removing trees without following links ============================ */

/* Empties the folder open at fd: every entry is unlinked itself (a
 * symbolic link goes, never its target), and subfolders, opened with
 * O_NOFOLLOW, are emptied and removed in turn. Async-signal-safe: system
 * calls and a buffer on the stack only. */
static void rm_contents(int fd, int depth)
{
    char buf[2048] __attribute__((aligned(8)));
    int removed = 1;

    for (int round = 0; removed && round < 4; round++) {
        removed = 0;
        if (lseek(fd, 0, SEEK_SET) < 0)
            return;
        for (;;) {
            ssize_t n = getdents64(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            for (ssize_t off = 0; off < n;) {
                struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
                const char *name = d->d_name;
                off += d->d_reclen;
                if (name[0] == '.' &&
                    (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
                    continue;
                if (unlinkat(fd, name, 0) == 0) {
                    removed = 1;
                    continue;
                }
                if ((errno == EISDIR || errno == EPERM) && depth > 0) {
                    int sub = openat(fd, name,
                                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                         O_CLOEXEC);
                    if (sub >= 0) {
                        rm_contents(sub, depth - 1);
                        close(sub);
                    }
                    if (unlinkat(fd, name, AT_REMOVEDIR) == 0)
                        removed = 1;
                }
            }
        }
    }
}

/* Removes the folders in created[] (prefixes of path, made by this run),
 * deepest first, if they are empty. Async-signal-safe. */
static void rm_created(const char *path, const size_t *created, int n)
{
    char buf[4096];
    size_t len = strlen(path);

    if (len >= sizeof buf)
        return;
    memcpy(buf, path, len + 1);
    for (int i = n - 1; i >= 0; i--) {
        buf[created[i]] = '\0';
        if (rmdir(buf) != 0)
            break; /* not empty (or gone): its parents are not either */
    }
}

/* ==== Signals =========================================================== */

/* The staging folder that a signal must remove: a copy of what the
 * handler needs, so that it touches no heap memory. */
static struct {
    volatile sig_atomic_t armed;
    int dir_fd;
    char stage[64];
    char path[4096];
    size_t created[MAX_CREATED];
    int ncreated;
    int out_dir_fd; /* the outside staging folder, or -1 */
    char out_stage[64];
    volatile sig_atomic_t committing; /* a signal waits for the commit */
    volatile sig_atomic_t pending;    /* the signal that waited */
} reg;

/* Empties and removes the staging folder name in the folder at dir_fd.
 * Async-signal-safe. */
static void rm_stage(int dir_fd, const char *name)
{
    int fd =
        openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd >= 0) {
        rm_contents(fd, TREE_DEPTH);
        close(fd);
    }
    unlinkat(dir_fd, name, AT_REMOVEDIR);
}

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[3];

static void on_signal(int sig)
{
    struct sigaction dfl;

    if (reg.committing) { /* the renames finish first */
        reg.pending = sig;
        return;
    }
    if (reg.armed) {
        reg.armed = 0;
        rm_stage(reg.dir_fd, reg.stage);
        if (reg.out_dir_fd >= 0)
            rm_stage(reg.out_dir_fd, reg.out_stage);
        rm_created(reg.path, reg.created, reg.ncreated);
    }
    /* die of the signal, as the shell expects (status 128 + sig) */
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* delivered when the handler returns */
}

static void arm(const ef_outdir *od)
{
    struct sigaction sa;

    if (reg.armed || strlen(od->stage_name) >= sizeof reg.stage ||
        strlen(od->dir) >= sizeof reg.path)
        return;
    reg.dir_fd = od->dir_fd;
    reg.out_dir_fd = -1;
    memcpy(reg.stage, od->stage_name, strlen(od->stage_name) + 1);
    memcpy(reg.path, od->dir, strlen(od->dir) + 1);
    memcpy(reg.created, od->created, sizeof reg.created);
    reg.ncreated = od->ncreated;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* no second signal inside the handler */
    for (size_t i = 0; i < EF_ARRAY_LEN(caught); i++) {
        sigaction(caught[i], NULL, &saved[i]);
        /* a signal ignored by whoever started us stays ignored */
        if (saved[i].sa_handler != SIG_IGN)
            sigaction(caught[i], &sa, NULL);
    }
    reg.armed = 1;
}

static void disarm(void)
{
    if (!reg.armed)
        return;
    reg.armed = 0;
    for (size_t i = 0; i < EF_ARRAY_LEN(caught); i++)
        if (saved[i].sa_handler != SIG_IGN)
            sigaction(caught[i], &saved[i], NULL);
}

/* ==== Stale staging folders ============================================= */

/* Whether the staging folder open at sfd (named name) belongs to a run
 * that has ended. On yes, *lock_fd holds its lock, to keep until it is
 * removed (or -1 for a folder of an earlier version, which had none). */
static int is_stale(int sfd, const char *name, int *lock_fd)
{
    char buf[64];
    int lfd = openat(sfd, LOCK_NAME, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    *lock_fd = -1;
    if (lfd >= 0) {
        ssize_t n;
        if (flock(lfd, LOCK_EX | LOCK_NB) != 0) { /* its run is alive */
            close(lfd);
            return 0;
        }
        n = pread(lfd, buf, sizeof buf, 0);
        if (n < (ssize_t)strlen(LOCK_MAGIC) ||
            memcmp(buf, LOCK_MAGIC, strlen(LOCK_MAGIC)) != 0) {
            close(lfd); /* not ours, or a run still starting */
            return 0;
        }
        *lock_fd = lfd;
        return 1;
    }
    if (errno != ENOENT)
        return 0;
    /* Earlier versions named it by pid, with no lock file: stale when no
     * process has that pid and it is not brand new (a run that has just
     * made its folder has not made its lock yet). */
    const char *p = name + strlen(STAGE_PREFIX);
    char *end;
    long pid = strtol(p, &end, 10);
    if (*p == '\0' || *end != '\0' || pid <= 1 || pid > INT_MAX)
        return 0;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
        return 0;
    if (fstat(sfd, &st) != 0 || time(NULL) - st.st_mtime < LEGACY_AGE)
        return 0;
    return 1;
}

int ef_outdir_clean_stale(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        int sfd, lfd;

        if (strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0)
            continue;
        /* a link (or a file) of that name is not a staging folder */
        sfd = openat(dirfd(d), de->d_name,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0)
            continue;
        if (fstat(sfd, &st) == 0 && st.st_uid == geteuid() &&
            is_stale(sfd, de->d_name, &lfd)) {
            rm_contents(sfd, TREE_DEPTH);
            n += unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == 0;
            if (lfd >= 0)
                close(lfd);
        }
        close(sfd);
    }
    closedir(d);
    return n;
}

/* ==== Opening =========================================================== */

/* Creates path and its parents, recording in od the ones it made. */
static int mkdir_p(ef_outdir *od, const char *path)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof buf) {
        errno = n ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) == 0) {
                if (od && od->ncreated < MAX_CREATED)
                    od->created[od->ncreated++] = i;
            } else if (errno != EEXIST) {
                return -1;
            }
            buf[i] = c;
        }
    }
    return 0;
}

/* Makes a staging folder in dir (open at dir_fd): mkdtemp, and its lock
 * file, locked before its magic is written (a run that cleans up reads
 * either nothing, and spares the folder, or finds it locked). *stage
 * (malloc) is set once the folder exists, *stage_fd and *lock_fd once
 * open: the caller removes what was made, also after an error
 * (EF_ERR_CANTCREAT). */
static ef_status make_stage(const char *dir, int dir_fd, char **stage,
                            int *stage_fd, int *lock_fd, ef_err *e)
{
    size_t n = strlen(dir) + sizeof "/" STAGE_PREFIX "XXXXXX";
    char *path = ef_xmalloc(n);

    snprintf(path, n, "%s/" STAGE_PREFIX "XXXXXX", dir);
    if (mkdtemp(path) == NULL) {
        int err = errno;
        free(path);
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(err));
    }
    *stage = path;
    *stage_fd = openat(dir_fd, path + strlen(dir) + 1,
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*stage_fd >= 0)
        *lock_fd =
            openat(*stage_fd, LOCK_NAME,
                   O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (*stage_fd < 0 || *lock_fd < 0 || flock(*lock_fd, LOCK_EX) != 0 ||
        write(*lock_fd, LOCK_MAGIC, strlen(LOCK_MAGIC)) !=
            (ssize_t)strlen(LOCK_MAGIC))
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path, strerror(errno));
    return EF_OK;
}

/* Removes a staging folder make_stage made (or began). */
static void drop_stage(int dir_fd, const char *dir, char *stage, int stage_fd,
                       int lock_fd)
{
    const char *name = stage ? stage + strlen(dir) + 1 : NULL;

    if (stage_fd >= 0) {
        rm_contents(stage_fd, TREE_DEPTH);
        close(stage_fd);
    }
    if (name && dir_fd >= 0)
        unlinkat(dir_fd, name, AT_REMOVEDIR);
    if (lock_fd >= 0)
        close(lock_fd);
}

ef_status ef_outdir_open(const char *dir, ef_outdir **out, ef_err *e)
{
    ef_outdir *od = ef_xcalloc(1, sizeof *od);
    ef_status rc = EF_OK;

    *out = NULL;
    od->dir = ef_xstrdup(dir);
    od->dir_fd = od->stage_fd = od->lock_fd = -1;
    od->out.dir_fd = od->out.stage_fd = od->out.lock_fd = -1;
    if (mkdir_p(od, dir) != 0 ||
        (od->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(errno));
        goto fail;
    }
    ef_outdir_clean_stale(dir);
    rc = make_stage(dir, od->dir_fd, &od->stage, &od->stage_fd, &od->lock_fd,
                    e);
    if (od->stage)
        od->stage_name = od->stage + strlen(dir) + 1;
    if (rc != EF_OK)
        goto fail;
    arm(od);
    *out = od;
    return EF_OK;
fail:
    ef_outdir_free(od);
    return rc;
}

ef_status ef_outdir_add_outside(ef_outdir *od, const char *final,
                                const char **path, ef_err *e)
{
    outside *o = &od->out;
    const char *slash = strrchr(final, '/');
    size_t name_len;
    ef_buf file = EF_BUF_INIT;
    ef_status rc;

    if (o->final) /* one at most */
        return ef_fail(e, EF_ERR_INTERNAL, "%s: a second outside file", final);
    o->final = ef_xstrdup(final);
    o->base = slash ? o->final + (slash - final) + 1 : o->final;
    o->dir = !slash           ? ef_xstrdup(".")
             : slash == final ? ef_xstrdup("/")
                              : ef_xstrndup(final, (size_t)(slash - final));
    if (*o->base == '\0' || strcmp(o->base, ".") == 0 ||
        strcmp(o->base, "..") == 0)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: not a file name", final);
    if ((o->dir_fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", final, strerror(errno));
    {
        struct stat st; /* the rename would fail on a folder, at the end */
        if (fstatat(o->dir_fd, o->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(st.st_mode))
            return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", final,
                           strerror(EISDIR));
    }
    ef_outdir_clean_stale(o->dir);
    rc =
        make_stage(o->dir, o->dir_fd, &o->stage, &o->stage_fd, &o->lock_fd, e);
    if (o->stage == NULL)
        return rc;
    /* a signal removes it too */
    name_len = strlen(o->stage) - strlen(o->dir) - 1;
    if (reg.armed && name_len < sizeof reg.out_stage) {
        memcpy(reg.out_stage, o->stage + strlen(o->dir) + 1, name_len + 1);
        reg.out_dir_fd = o->dir_fd;
    }
    ef_buf_printf(&file, "%s/%s", o->stage, o->base);
    o->file = ef_xstrdup(ef_buf_cstr(&file));
    ef_buf_reset(&file);
    *path = o->file;
    return rc;
}

/* ==== Writing =========================================================== */

const char *ef_outdir_path(ef_outdir *od, const char *name)
{
    const char *slash = strrchr(name, '/');

    ef_buf_clear(&od->path);
    ef_buf_printf(&od->path, "%s/%s", od->stage, name);
    if (slash) {
        /* the subfolder: stage/charts (inside our own 0700 folder) */
        size_t k = strlen(od->stage) + 1 + (size_t)(slash - name);
        char *dir = ef_xstrndup(od->path.data, k);
        mkdir_p(NULL, dir);
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
    const char *path = ef_outdir_path(od, name), *p = data;
    int fd =
        openat(od->stage_fd, name,
               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);

    if (fd < 0)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path, strerror(errno));
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int err = k < 0 ? errno : EIO;
            close(fd);
            return ef_fail(e, EF_ERR_IO, "%s: %s", path, strerror(err));
        }
        p += k;
        len -= (size_t)k;
    }
    if (close(fd) != 0)
        return ef_fail(e, EF_ERR_IO, "%s: %s", path, strerror(errno));
    ef_outdir_add(od, name);
    return EF_OK;
}

/* ==== Commit ============================================================ */

/* The folder of name in the output folder ("charts" of "charts/x.png"),
 * opened without following a link, made if missing (mk); or dir_fd for a
 * name without a folder. Returns -1 (errno set) on failure; *base is the
 * name's last part. Close what it returns unless it is od->dir_fd. */
static int final_folder(ef_outdir *od, const char *name, int mk,
                        const char **base)
{
    const char *slash = strchr(name, '/');
    char sub[256];
    size_t k;

    *base = name;
    if (slash == NULL)
        return od->dir_fd;
    k = (size_t)(slash - name);
    if (k == 0 || k >= sizeof sub || strchr(slash + 1, '/')) {
        errno = EINVAL;
        return -1;
    }
    memcpy(sub, name, k);
    sub[k] = '\0';
    *base = slash + 1;
    if (mk && mkdirat(od->dir_fd, sub, 0777) != 0 && errno != EEXIST)
        return -1;
    return openat(od->dir_fd, sub,
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Renames file i of the commit's list into place: the outside file
 * (when there is one) first, then the registered ones in their order. */
static ef_status commit_one(ef_outdir *od, size_t i, ef_err *e)
{
    const char *base;
    int fd;
    ef_status rc = EF_OK;

    if (od->out.final && i-- == 0) {
        if (renameat(od->out.stage_fd, od->out.base, od->out.dir_fd,
                     od->out.base) != 0)
            return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", od->out.final,
                           strerror(errno));
        return EF_OK;
    }
    if ((fd = final_folder(od, od->names[i], 1, &base)) < 0) {
        int err = errno;
        const char *slash = strchr(od->names[i], '/');
        char sub[256];
        snprintf(sub, sizeof sub, "%.*s",
                 (int)(slash ? slash - od->names[i] : 0), od->names[i]);
        return ef_fail(e, EF_ERR_CANTCREAT, "%s/%s: %s", od->dir, sub,
                       err == ELOOP || err == ENOTDIR
                           ? "not a folder (a symbolic link is not "
                             "followed)"
                           : strerror(err));
    }
    if (renameat(od->stage_fd, od->names[i], fd, base) != 0)
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s",
                     ef_outdir_final(od, od->names[i]), strerror(errno));
    if (fd != od->dir_fd)
        close(fd);
    return rc;
}

ef_status ef_outdir_commit(ef_outdir *od, const char *const *stale, ef_err *e)
{
    ef_status rc = EF_OK;
    size_t total = od->n + (od->out.final != NULL);
    int sig;

    /* SIGINT, SIGTERM and SIGHUP wait for the last rename (on_signal) */
    reg.committing = 1;
    for (size_t i = 0; i < total && rc == EF_OK; i++) {
        rc = commit_one(od, i, e);
        if (outdir_commit_hook)
            outdir_commit_hook(i + 1);
    }
    for (size_t k = 0; stale && stale[k] && rc == EF_OK; k++) {
        const char *base;
        size_t i;
        int fd;
        for (i = 0; i < od->n; i++)
            if (strcmp(od->names[i], stale[k]) == 0)
                break;
        if (i < od->n)
            continue;
        /* the file itself goes (a link, not its target); a link in
         * place of the folder is left alone */
        if ((fd = final_folder(od, stale[k], 0, &base)) < 0)
            continue;
        unlinkat(fd, base, 0);
        if (fd != od->dir_fd)
            close(fd);
    }
    od->committed = rc == EF_OK;
    reg.committing = 0;
    if ((sig = reg.pending) != 0) { /* it is handled now: the process
                                       ends, its report complete */
        reg.pending = 0;
        raise(sig);
    }
    return rc;
}

/* ==== Freeing =========================================================== */

void ef_outdir_free(ef_outdir *od)
{
    if (od == NULL)
        return;
    if (od->stage_fd >= 0)
        disarm();
    drop_stage(od->dir_fd, od->dir, od->stage, od->stage_fd, od->lock_fd);
    drop_stage(od->out.dir_fd, od->out.dir, od->out.stage, od->out.stage_fd,
               od->out.lock_fd);
    if (od->out.dir_fd >= 0)
        close(od->out.dir_fd);
    free(od->out.final);
    free(od->out.dir);
    free(od->out.stage);
    free(od->out.file);
    if (od->dir_fd >= 0)
        close(od->dir_fd);
    if (!od->committed)
        rm_created(od->dir, od->created, od->ncreated);
    for (size_t i = 0; i < od->n; i++)
        free(od->names[i]);
    free(od->names);
    free(od->dir);
    free(od->stage);
    ef_buf_reset(&od->path);
    free(od);
}
