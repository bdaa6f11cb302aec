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
#define MAX_CREATED 32   /* folders of the -o path a run may create */
#define TREE_DEPTH 8     /* staging folders are 2 deep; stop well after */
#define LEGACY_AGE 60    /* seconds: a lock-less folder younger is spared */

struct ef_outdir {
    char *dir, *stage;       /* the output folder; dir/.earful-tmp-XXXXXX */
    const char *stage_name;  /* the staging folder's name (in stage) */
    int dir_fd, stage_fd, lock_fd;
    char **names;
    size_t n;
    ef_buf path;
    int committed;
    size_t created[MAX_CREATED]; /* prefixes of dir this run created */
    int ncreated;
};

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
                    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY |
                                                   O_NOFOLLOW | O_CLOEXEC);
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
} reg;

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[3];

static void on_signal(int sig)
{
    struct sigaction dfl;

    if (reg.armed) {
        int fd;
        reg.armed = 0;
        fd = openat(reg.dir_fd, reg.stage,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            rm_contents(fd, TREE_DEPTH);
            close(fd);
        }
        unlinkat(reg.dir_fd, reg.stage, AT_REMOVEDIR);
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

ef_status ef_outdir_open(const char *dir, ef_outdir **out, ef_err *e)
{
    ef_outdir *od = ef_xcalloc(1, sizeof *od);
    size_t n = strlen(dir) + sizeof "/" STAGE_PREFIX "XXXXXX";
    ef_status rc = EF_OK;
    int err;

    *out = NULL;
    od->dir = ef_xstrdup(dir);
    od->dir_fd = od->stage_fd = od->lock_fd = -1;
    if (mkdir_p(od, dir) != 0 ||
        (od->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(errno));
        goto fail;
    }
    ef_outdir_clean_stale(dir);
    od->stage = ef_xmalloc(n);
    snprintf(od->stage, n, "%s/" STAGE_PREFIX "XXXXXX", dir);
    od->stage_name = od->stage + strlen(dir) + 1;
    if (mkdtemp(od->stage) == NULL) {
        err = errno;
        free(od->stage);
        od->stage = NULL;
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", dir, strerror(err));
        goto fail;
    }
    od->stage_fd = openat(od->dir_fd, od->stage_name,
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (od->stage_fd >= 0)
        od->lock_fd = openat(od->stage_fd, LOCK_NAME,
                             O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
                                 O_CLOEXEC,
                             0600);
    /* locked before its magic is written: a run that cleans up reads
     * either nothing (and spares the folder) or finds it locked */
    if (od->lock_fd < 0 || flock(od->lock_fd, LOCK_EX) != 0 ||
        write(od->lock_fd, LOCK_MAGIC, strlen(LOCK_MAGIC)) !=
            (ssize_t)strlen(LOCK_MAGIC)) {
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", od->stage,
                     strerror(errno));
        goto fail;
    }
    arm(od);
    *out = od;
    return EF_OK;
fail:
    ef_outdir_free(od);
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
    int fd = openat(od->stage_fd, name,
                    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                    0666);

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

ef_status ef_outdir_commit(ef_outdir *od, const char *const *stale,
                           ef_err *e)
{
    ef_status rc = EF_OK;

    for (size_t i = 0; i < od->n && rc == EF_OK; i++) {
        const char *base;
        int fd = final_folder(od, od->names[i], 1, &base);
        if (fd < 0) {
            int err = errno;
            const char *slash = strchr(od->names[i], '/');
            char sub[256];
            snprintf(sub, sizeof sub, "%.*s",
                     (int)(slash ? slash - od->names[i] : 0), od->names[i]);
            rc = ef_fail(e, EF_ERR_CANTCREAT, "%s/%s: %s", od->dir, sub,
                         err == ELOOP || err == ENOTDIR
                             ? "not a folder (a symbolic link is not "
                               "followed)"
                             : strerror(err));
            break;
        }
        if (renameat(od->stage_fd, od->names[i], fd, base) != 0)
            rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s",
                         ef_outdir_final(od, od->names[i]), strerror(errno));
        if (fd != od->dir_fd)
            close(fd);
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
    return rc;
}

/* ==== Freeing =========================================================== */

void ef_outdir_free(ef_outdir *od)
{
    if (od == NULL)
        return;
    if (od->stage_fd >= 0)
        disarm();
    if (od->stage_fd >= 0) {
        rm_contents(od->stage_fd, TREE_DEPTH);
        close(od->stage_fd);
        unlinkat(od->dir_fd, od->stage_name, AT_REMOVEDIR);
    } else if (od->stage && od->dir_fd >= 0) {
        unlinkat(od->dir_fd, od->stage_name, AT_REMOVEDIR);
    }
    if (od->lock_fd >= 0)
        close(od->lock_fd);
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
