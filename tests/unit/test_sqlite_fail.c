/* test_sqlite_fail.c - a SQLite input whose reads start failing at any
 * point (a disk going bad, a file system gone): opening it is an error
 * that says so (EF_ERR_IO or EF_ERR_NOINPUT), never a wrong verdict on
 * the database ("no tables", EF_ERR_USAGE, which a failed sqlite3_step in
 * pick_table once gave). A VFS that wraps the default one fails every
 * read after the first N; N runs from 0 until the open succeeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "input/sqlite_source.h"
#include "test.h"

static sqlite3_vfs *real;          /* the default VFS, wrapped */
static sqlite3_vfs faulty;         /* the wrapper */
static sqlite3_io_methods methods; /* real's, with xRead wrapped */
static const sqlite3_io_methods *real_methods;
static long reads_left; /* < 0: never fail */

/* A file of faulty: real's file, first, so that real's methods work on
 * it as on their own. */
typedef struct {
    sqlite3_file base; /* methods: &methods */
    sqlite3_file *real;
} ffile;

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    ffile *ff = (ffile *)f;

    if (reads_left == 0)
        return SQLITE_IOERR_READ;
    if (reads_left > 0)
        reads_left--;
    return ff->real->pMethods->xRead(ff->real, buf, n, off);
}

/* Every other method of the wrapper passes the real file on. */
static int f_close(sqlite3_file *f)
{
    ffile *ff = (ffile *)f;
    int rc =
        ff->real->pMethods ? ff->real->pMethods->xClose(ff->real) : SQLITE_OK;
    free(ff->real);
    return rc;
}
#define PASS(name, sig, args)                                                 \
    static int f_##name sig                                                   \
    {                                                                         \
        sqlite3_file *r = ((ffile *)f)->real;                                 \
        return r->pMethods->x##name args;                                     \
    }
PASS(Write, (sqlite3_file * f, const void *b, int n, sqlite3_int64 o),
     (r, b, n, o))
PASS(Truncate, (sqlite3_file * f, sqlite3_int64 s), (r, s))
PASS(Sync, (sqlite3_file * f, int fl), (r, fl))
PASS(FileSize, (sqlite3_file * f, sqlite3_int64 *s), (r, s))
PASS(Lock, (sqlite3_file * f, int l), (r, l))
PASS(Unlock, (sqlite3_file * f, int l), (r, l))
PASS(CheckReservedLock, (sqlite3_file * f, int *o), (r, o))
PASS(FileControl, (sqlite3_file * f, int op, void *a), (r, op, a))
PASS(SectorSize, (sqlite3_file * f), (r))
PASS(DeviceCharacteristics, (sqlite3_file * f), (r))
#undef PASS

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                  int flags, int *out_flags)
{
    ffile *ff = (ffile *)f;
    int rc;

    ff->real = calloc(1, (size_t)real->szOsFile);
    if (ff->real == NULL)
        return SQLITE_NOMEM;
    rc = real->xOpen(real, name, ff->real, flags, out_flags);
    real_methods = ff->real->pMethods;
    if (real_methods) {
        /* version 1 only: no WAL, no mmap (a rollback-journal database
         * read through xRead) */
        methods = (sqlite3_io_methods){1,
                                       f_close,
                                       f_read,
                                       f_Write,
                                       f_Truncate,
                                       f_Sync,
                                       f_FileSize,
                                       f_Lock,
                                       f_Unlock,
                                       f_CheckReservedLock,
                                       f_FileControl,
                                       f_SectorSize,
                                       f_DeviceCharacteristics,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL};
        ff->base.pMethods = &methods;
    } else {
        free(ff->real);
        ff->real = NULL;
        ff->base.pMethods = NULL;
    }
    return rc;
}

static int f_delete(sqlite3_vfs *v, const char *n, int sync)
{
    return real->xDelete(real, n, sync);
}

static int f_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
    return real->xAccess(real, n, fl, out);
}

static int f_fullpath(sqlite3_vfs *v, const char *n, int cap, char *out)
{
    return real->xFullPathname(real, n, cap, out);
}

static int f_random(sqlite3_vfs *v, int n, char *out)
{
    return real->xRandomness(real, n, out);
}

static int f_sleep(sqlite3_vfs *v, int us)
{
    return real->xSleep(real, us);
}

static int f_time(sqlite3_vfs *v, double *t)
{
    return real->xCurrentTime(real, t);
}

static int f_lasterror(sqlite3_vfs *v, int n, char *out)
{
    return real->xGetLastError ? real->xGetLastError(real, n, out) : 0;
}

void test_sqlite_fail(void)
{
    char path[] = "/tmp/ef-test-sqlfail-XXXXXX";
    int fd = mkstemp(path), opened = 0, usage = 0, other = 0;
    sqlite3 *db = NULL;
    long n;

    if (fd < 0) {
        OK(0, "mkstemp");
        return;
    }
    close(fd);
    /* one table not named feedback: pick_table must find it */
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=DELETE;"
                     "CREATE TABLE reviews (id TEXT, date TEXT, text TEXT);"
                     "INSERT INTO reviews VALUES ('1', '2025-01-01', "
                     "'great');",
                     NULL, NULL, NULL) != SQLITE_OK) {
        OK(0, "making the database");
        sqlite3_close(db);
        unlink(path);
        return;
    }
    sqlite3_close(db);

    real = sqlite3_vfs_find(NULL);
    faulty = *real;
    faulty.iVersion = 1;
    faulty.szOsFile = (int)sizeof(ffile);
    faulty.zName = "ef-faulty";
    faulty.pNext = NULL;
    faulty.xOpen = f_open;
    faulty.xDelete = f_delete;
    faulty.xAccess = f_access;
    faulty.xFullPathname = f_fullpath;
    faulty.xRandomness = f_random;
    faulty.xSleep = f_sleep;
    faulty.xCurrentTime = f_time;
    faulty.xGetLastError = f_lasterror;
    sqlite3_vfs_register(&faulty, 1);

    for (n = 0; n < 200 && !opened; n++) {
        ef_sqlite_reader *r = NULL;
        ef_err e = {0};
        ef_status rc;

        reads_left = n;
        rc = ef_sqlite_reader_open(path, NULL, NULL, &r, &e);
        if (rc == EF_OK)
            opened = 1;
        else if (e.code == EF_ERR_USAGE)
            usage++,
                fprintf(stderr, "FAIL reads fail after %ld: %s\n", n, e.msg);
        else if (e.code != EF_ERR_IO && e.code != EF_ERR_NOINPUT)
            other++;
        ef_sqlite_reader_free(r);
    }
    reads_left = -1;
    sqlite3_vfs_unregister(&faulty);
    sqlite3_vfs_register(real, 1);

    OK(opened, "the database opens once its reads succeed");
    OK(n > 2, "some opens failed on the way (the VFS is in use)");
    INT_EQ(usage, 0, "reads failing: never a usage error ('no tables')");
    INT_EQ(other, 0, "reads failing: EF_ERR_IO or EF_ERR_NOINPUT only");
    unlink(path);
}
